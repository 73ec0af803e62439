"""Compare page: 2–4 jurisdictions on preset themes (the Tabasco plan's pillars) or a free topic; columns per
jurisdiction and a themes × jurisdictions matrix, each cell a cited passage or a plain "nothing on this"."""

from __future__ import annotations

import streamlit as st

from kb.citations import cite_text
from kb.compare import THEMES, THEMES_BY_KEY, Comparison, compare, free_topic, to_csv, to_markdown
from kbapp.ui import jurisdictions, state
from kbapp.ui.highlight import excerpt, highlight, safe_html
from kbapp.ui.i18n import t, ui_lang
from kbapp.ui.pages.params import COMPARE
from kb.text import MAIN_LANGUAGES
from kbapp.ui.resources import knowledge_base

MAX_JURISDICTIONS = 4
EXCERPT = 380  # characters of a passage shown in a cell: four columns of full passages are unreadable
# Pre-selected when the collection has them: the plan's home state, two peer states and an international benchmark.
SUGGESTED = ("MX-TAB", "MX-QUE", "MX-NLE", "SG")


def _options(kb) -> list[str]:
    codes = sorted({d["jurisdiction"] for d in kb.documents() if d.get("jurisdiction")})
    states, others = jurisdictions.split(codes)
    return states + others  # Mexican states first, then countries and international bodies


def run_comparison(kb, topics, chosen, languages) -> Comparison:
    """Kept in session state so switching tabs or downloading does not search again."""
    key = (tuple(t_.query for t_ in topics), tuple(chosen), tuple(languages), kb.store.manifest.generation())
    cached = st.session_state.get("_compare")
    if cached and cached[0] == key:
        return cached[1]
    with st.spinner(t("compare.running", st.session_state.get("ui_lang", "en"), n=len(topics) * len(chosen))):
        comp = compare(kb, topics, chosen, language=languages)
    st.session_state["_compare"] = (key, comp)
    return comp


def cell_html(cell, lang: str, query: str) -> str:
    best = cell.best
    if best is None:
        return f'<div class="kb-nothing">{safe_html(t("compare.nothing", lang))}</div>'
    text = excerpt(best.chunk.text, query, width=EXCERPT)
    return (f'<div class="kb-passage">{highlight(text, query)}</div>'
            f'<div class="kb-meta"><span class="kb-badge {safe_html(best.chunk.language)}">'
            f'{safe_html(best.chunk.language)}</span>{safe_html(cite_text(best.citation))}</div>')


def render() -> None:
    lang = ui_lang()
    kb = knowledge_base()
    state.restore(COMPARE)
    options = _options(kb)
    state.valid("cmp_jur", options)
    state.valid("cmp_themes", [th.key for th in THEMES])
    st.session_state.setdefault("cmp_jur", [c for c in SUGGESTED if c in options] or options[:2])
    if "cmp_themes" not in st.session_state and not st.session_state.get("cmp_topic"):
        st.session_state["cmp_themes"] = [th.key for th in THEMES]
    st.title(t("compare.title", lang))
    st.caption(t("compare.intro", lang))
    chosen = st.multiselect(t("compare.jurisdictions", lang), options, key="cmp_jur",
                            max_selections=MAX_JURISDICTIONS, format_func=lambda c: jurisdictions.label(c, lang),
                            placeholder=t("compare.pick", lang))
    st.multiselect(t("compare.themes", lang), [th.key for th in THEMES], key="cmp_themes",
                   format_func=lambda k: THEMES_BY_KEY[k].label(lang), placeholder=t("compare.none", lang))
    left, right = st.columns([3, 2])
    left.text_input(t("compare.topic", lang), key="cmp_topic", placeholder=t("compare.topic_hint", lang))
    right.multiselect(t("filter.language", lang), list(MAIN_LANGUAGES), key="cmp_lang", placeholder=t("any", lang),
                      format_func=lambda l: t(f"lang.{l}", lang))
    state.publish(COMPARE)
    topic_text = (st.session_state.get("cmp_topic") or "").strip()
    topics = ([free_topic(topic_text)] if topic_text else []) + [THEMES_BY_KEY[k] for k in
                                                                 st.session_state.get("cmp_themes") or []]
    if len(chosen) < 2:
        st.info(t("compare.need_two", lang))
        return
    if not topics:
        st.info(t("compare.need_topic", lang))
        return
    comp = run_comparison(kb, topics, chosen, st.session_state.get("cmp_lang") or [])
    matrix_tab, columns_tab = st.tabs([t("compare.matrix", lang), t("compare.columns", lang)])
    with matrix_tab:
        render_matrix(comp, lang)
    with columns_tab:
        render_columns(comp, lang)
    st.subheader(t("export.title", lang))
    name = lambda code: jurisdictions.label(code, lang)  # noqa: E731
    a, b, _ = st.columns([1, 1, 3])
    a.download_button("Markdown", to_markdown(comp, lang=lang, name=name), file_name="policy-kb-compare.md",
                      mime="text/markdown", key="cmp_md", icon=":material/download:", on_click="ignore")
    b.download_button("CSV", to_csv(comp, lang=lang), file_name="policy-kb-compare.csv", mime="text/csv",
                      key="cmp_csv", icon=":material/download:", on_click="ignore")


def render_matrix(comp: Comparison, lang: str) -> None:
    """One band per theme (its name across the page), one column per jurisdiction under it."""
    head = st.columns(len(comp.jurisdictions))
    for col, jur in zip(head, comp.jurisdictions):
        col.markdown(f"**{safe_html(jurisdictions.label(jur, lang))}**", unsafe_allow_html=True)
    for topic in comp.topics:
        st.markdown(f'<div class="kb-theme">{safe_html(topic.label(lang))}</div>', unsafe_allow_html=True)
        row = st.columns(len(comp.jurisdictions), border=True)
        for col, jur in zip(row, comp.jurisdictions):
            col.markdown(cell_html(comp.cell(topic, jur), lang, topic.query), unsafe_allow_html=True)


def render_columns(comp: Comparison, lang: str) -> None:
    cols = st.columns(len(comp.jurisdictions))
    for col, jur in zip(cols, comp.jurisdictions):
        with col:
            st.markdown(f"### {safe_html(jurisdictions.label(jur, lang))}", unsafe_allow_html=True)
            found = sorted((h for cell in comp.column(jur) for h in cell.hits[:1]), key=lambda h: -h.score)
            if not found:
                st.markdown(f'<div class="kb-nothing">{safe_html(t("compare.nothing_at_all", lang))}</div>',
                            unsafe_allow_html=True)
            for cell in comp.column(jur):
                with st.container(border=True):
                    st.markdown(f"**{safe_html(cell.topic.label(lang))}**", unsafe_allow_html=True)
                    st.markdown(cell_html(cell, lang, cell.topic.query), unsafe_allow_html=True)


if __name__ == "__main__":
    render()
