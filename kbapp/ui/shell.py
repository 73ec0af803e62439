"""What every page shares: page setup, the interface-language switch, the styles and the navigation."""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from kbapp.ui import state
from kbapp.ui.i18n import LANGS, t, ui_lang

PAGES = Path(__file__).resolve().parent / "pages"

# Result cards and badges; class names only, no content.
CSS = """
<style>
.kb-card-title {font-size: 1.05rem; font-weight: 600; margin-bottom: .15rem;}
.kb-meta {color: #555; font-size: .85rem; margin-bottom: .4rem;}
.kb-source {color: #444; font-size: .85rem; font-style: italic; margin-bottom: .4rem;}
.kb-badge {display: inline-block; padding: 0 .45em; border-radius: .4em; font-size: .75rem; font-weight: 600;
           background: #e8eef9; color: #1f4e96; margin-right: .3em; text-transform: uppercase;}
.kb-badge.es {background: #fbeee0; color: #8a4b08;}
.kb-passage {line-height: 1.5; margin: .3rem 0 .4rem 0;}
.kb-passage mark {background: #fff3a3; padding: 0 .1em; border-radius: .2em;}
.kb-answer {border-left: 4px solid #1f4e96; padding: .4rem .8rem; background: #f5f8fd; margin-bottom: .8rem;}
.kb-answer sup a, .kb-ref {text-decoration: none; font-weight: 600;}
.kb-nothing {color: #777; font-style: italic;}
.kb-say {background: #fff8d6; border-radius: .2em;}
.kb-more summary {cursor: pointer; color: #1f4e96; font-size: .85rem; margin: .2rem 0;}
.kb-also {color: #8a4b08; font-size: .8rem; margin: .2rem 0;}
.kb-weak summary {cursor: pointer; color: #777; font-size: .8rem; margin: .2rem 0;}
.kb-weak .kb-passage {color: #666; font-size: .9rem;}
.kb-open {font-size: .85rem;}
.kb-jur-head {font-weight: 700; color: #1f4e96; font-size: 1.05rem;}
.kb-cell-theme {font-weight: 600; margin-bottom: .2rem;}
.kb-field {font-weight: 600; color: #444; font-size: .9rem; margin: .3rem 0 -.5rem 0;}
.kb-list {margin: 0 0 .3rem 1rem; padding: 0;}
.kb-cell-jur {display: none; font-weight: 700; color: #1f4e96; margin-bottom: .2rem;}
/* Jurisdiction headers stay under Streamlit's top bar while the rows scroll by. Sticky goes on the keyed
   container's wrapper: the container alone is as tall as its wrapper, so it would have nowhere to stick. */
[data-testid="stLayoutWrapper"]:has(> .st-key-cmp_head_matrix),
[data-testid="stLayoutWrapper"]:has(> .st-key-cmp_head_columns) {position: sticky; top: 3.75rem; z-index: 50;
           background-color: #fff; box-shadow: 0 2px 0 #1f4e96; padding: .35rem 0 .25rem 0; min-height: 2.3rem;}
.st-key-cmp_head_matrix, .st-key-cmp_head_columns {background-color: #fff; min-height: 1.8rem;}
/* Streamlit's top bar is see-through: opaque, so rows scrolling under the sticky headers do not show above them. */
header[data-testid="stHeader"] {background-color: #fff;}
/* Narrow screens stack the columns: each cell then names its jurisdiction and the header row goes. */
@media (max-width: 640px) {
  .kb-cell-jur {display: block;}
  [data-testid="stLayoutWrapper"]:has(> .st-key-cmp_head_matrix),
  [data-testid="stLayoutWrapper"]:has(> .st-key-cmp_head_columns) {display: none;}
}
/* Profiles side by side: any number of columns, scrolled sideways inside the box, field names fixed on the left. */
.kb-sbs {overflow-x: auto; max-width: 100%; border: 1px solid #e6e6e6; border-radius: .5rem; margin-bottom: 1rem;}
.kb-sbs table {border-collapse: separate; border-spacing: 0; width: max-content; min-width: 100%;}
.kb-sbs th, .kb-sbs td {vertical-align: top; text-align: left; padding: .45rem .6rem; border-bottom: 1px solid #eee;
           width: 17rem; min-width: 14rem; max-width: 22rem;}
.kb-sbs thead th {color: #1f4e96; font-weight: 700; position: sticky; top: 0; background: #fff; z-index: 2;}
.kb-sbs th[scope="row"], .kb-sbs thead th:first-child {position: sticky; left: 0; background: #f7f9fc; z-index: 3;
           width: 8rem; min-width: 7rem; color: #444; font-size: .9rem;}
.kb-sbs .kb-passage, .kb-sbs .kb-list {font-size: .9rem;}
@media (max-width: 640px) {
  .kb-sbs th[scope="row"], .kb-sbs thead th:first-child {width: 5.5rem; min-width: 5.5rem; font-size: .8rem;}
  .kb-sbs th, .kb-sbs td {width: 11rem; min-width: 11rem;}  /* a column and a half: the next one shows */
}
.kb-sbs.kb-tall {max-height: 85vh; overflow: auto;}
.kb-sbs .kb-cell-jur {display: none !important;}  /* the header row names each column */
.kb-periods {columns: 2; font-size: .9rem;}
.kb-theme {font-weight: 600; font-size: 1.05rem; margin: .6rem 0 -.4rem 0; padding-top: .4rem;
           border-top: 1px solid #e6e6e6;}
</style>
"""

UI_PARAM = state.Param("ui_lang", "ui")


def _language_switch() -> str:
    state.restore([UI_PARAM])
    if st.session_state.get("ui_lang") not in LANGS:
        locale = (st.context.locale or "").lower()
        st.session_state["ui_lang"] = "es" if locale.startswith("es") else "en"
    st.sidebar.radio(
        "Idioma / Language",
        LANGS,
        key="ui_lang",
        horizontal=True,
        format_func=lambda l: {"es": "Español", "en": "English"}[l],
    )
    state.publish([UI_PARAM])
    return ui_lang()


# Streamlit's own widget texts (the file uploader's drop zone) have no API for a language: in Spanish, CSS hides
# them and writes ours in their place. Scoped to the uploader's test ids, so nothing else is touched.
SPANISH_WIDGETS = """
<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {font-size: 0 !important;}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "Elegir archivos"; font-size: .9rem;}
[data-testid="stFileUploaderDropzoneInstructions"] span {font-size: 0 !important;}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "Hasta 200 MB por archivo · PDF, MD, MARKDOWN, TXT"; font-size: .8rem;}
</style>
"""


# Streamlit's own texts (the skip link, the lists' "Select all", the uploader's "Upload" and "200MB per file") have
# no API for a language. In Spanish, one observer installed in the page rewrites them as they appear, and again
# whenever Streamlit redraws them; in English it leaves them alone. Exact texts only: nothing of ours or of the
# documents is touched.
STREAMLIT_TEXTS_ES = {
    "Skip to main content": "Saltar al contenido principal",
    "Select all": "Seleccionar todo",
    "Clear all": "Quitar todo",
    "No results": "Sin resultados",
    "Choose an option": "Elija una opción",
    "Choose options": "Elija opciones",
    "Upload": "Elegir archivos",
    "Browse files": "Elegir archivos",
    "Drag and drop files here": "Arrastre y suelte archivos aquí",
    "Drag and drop file here": "Arrastre y suelte el archivo aquí",
}
STREAMLIT_PATTERNS_ES = [  # (regex on the whole text, replacement)
    (r"^Select (\d+) matches$", "Seleccionar $1 coincidencias"),
    (r"^(\d+(?:\.\d+)?)\s?([KMG]B) per file", "Hasta $1 $2 por archivo"),
]
TRANSLATOR = """
(function () {
  const w = window.parent || window, doc = w.document;
  w.__kbTexts = %s; w.__kbPatterns = %s.map(([p, r]) => [new RegExp(p), r]);
  if (w.__kbObserver) { w.__kbFix(doc.body); return; }
  const fixText = (node) => {
    if (doc.documentElement.lang !== "es") return;
    const text = node.nodeValue, trimmed = text.trim();
    if (!trimmed) return;
    let out = w.__kbTexts[trimmed];
    if (out === undefined) {
      for (const [re, rep] of w.__kbPatterns) { if (re.test(trimmed)) { out = trimmed.replace(re, rep); break; } }
    }
    if (out !== undefined && out !== trimmed) node.nodeValue = text.replace(trimmed, out);
  };
  w.__kbFix = (root) => {
    if (!root) return;
    if (root.nodeType === 3) { fixText(root); return; }
    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) fixText(n);
  };
  w.__kbObserver = new w.MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "characterData") fixText(r.target);
      else r.addedNodes.forEach((n) => w.__kbFix(n));
    }
  });
  w.__kbObserver.observe(doc.body, {subtree: true, childList: true, characterData: true});
  w.__kbFix(doc.body);
  // A safety net for the few texts Streamlit draws outside the observed updates (the skip link, seen once in 7).
  w.setInterval(() => doc.querySelectorAll(
    '[data-testid="stSkipToContent"], [data-testid="stFileUploaderDropzone"]').forEach((e) => w.__kbFix(e)), 500);
})();
"""


def _page_language(lang: str) -> None:
    """``<html lang>`` follows the interface language (screen readers and hyphenation read it); in Spanish,
    Streamlit's own texts are rewritten (``TRANSLATOR``)."""
    script = TRANSLATOR % (json.dumps(STREAMLIT_TEXTS_ES), json.dumps(STREAMLIT_PATTERNS_ES))
    st.sidebar.html(
        f"<script>window.parent.document.documentElement.lang = {json.dumps(lang)};"
        f"document.documentElement.lang = {json.dumps(lang)};{script}</script>",
        unsafe_allow_javascript=True,
    )
    if lang == "es":
        st.markdown(SPANISH_WIDGETS, unsafe_allow_html=True)


def run() -> None:
    st.set_page_config(page_title="policy-kb", page_icon=":material/menu_book:", layout="wide")
    st.markdown(CSS, unsafe_allow_html=True)
    lang = _language_switch()
    _page_language(lang)
    from kbapp.ui.pages import PAGE_STATE_KEYS

    state.keep(PAGE_STATE_KEYS)
    pages = [
        st.Page(
            PAGES / "search.py", title=t("page.search", lang), icon=":material/search:", url_path="search", default=True
        ),
        st.Page(
            PAGES / "compare.py", title=t("page.compare", lang), icon=":material/compare_arrows:", url_path="compare"
        ),
        st.Page(
            PAGES / "strategies.py",
            title=t("page.strategies", lang),
            icon=":material/table_view:",
            url_path="strategies",
        ),
        st.Page(PAGES / "coverage.py", title=t("page.coverage", lang), icon=":material/grid_on:", url_path="coverage"),
        st.Page(
            PAGES / "library.py", title=t("page.library", lang), icon=":material/library_books:", url_path="library"
        ),
        st.Page(PAGES / "about.py", title=t("page.about", lang), icon=":material/info:", url_path="about"),
    ]
    st.navigation(pages).run()
    # The coverage map is the one slow view (Compare over every jurisdiction): compute it in the background now.
    from kbapp.ui import coverage_cache
    from kbapp.ui.resources import knowledge_base

    coverage_cache.warm(knowledge_base(), lang)
