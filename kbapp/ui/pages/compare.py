"""Compare page: two or more jurisdictions on preset themes (the Tabasco plan's pillars) or a free topic; a themes ×
jurisdictions matrix (each cell the sentences that speak to the theme, the passage one click away, its citation, or
a plain "nothing on this theme", with the nearest passage closed and marked weak) and the same by jurisdiction with
whole passages. Jurisdiction headers stay in view. Past four jurisdictions the matrix is one table that scrolls
sideways inside its box, the theme names fixed on the left, so any number stays readable on a desktop or a phone.
Cells follow the interface language where the collection has a passage in it (``kb.compare.coverage.compare_for_reader``)."""

from __future__ import annotations

import threading
from collections import OrderedDict

import streamlit as st

from kb.compare.compare import PROFILE_ROWS, THEMES, THEMES_BY_KEY, Comparison, free_topic, to_csv, to_markdown
from kb.compare.coverage import compare_for_reader
from kb.compare.profiles import FIELDS
from kb.search.citations import BOM, cite_text
from kb.text import MAIN_LANGUAGES
from kbapp.ui import jurisdictions, state
from kbapp.ui.cards import open_label_for
from kbapp.ui.file_server import file_url
from kbapp.ui.highlight import highlight, safe_html
from kbapp.ui.i18n import t, ui_lang
from kbapp.ui.pages.params import COMPARE
from kbapp.ui.profiles_view import field_html, side_by_side_html
from kbapp.ui.resources import knowledge_base

COLUMNS_UP_TO = 4  # side-by-side columns up to this many jurisdictions; past it, one table that scrolls sideways
# Pre-selected when the collection has them: the plan's home state, two peer states and an international benchmark.
SUGGESTED = ("MX-TAB", "MX-QUE", "MX-NLE", "SG")


def _options(kb) -> list[str]:
    codes = sorted({d.jurisdiction for d in kb.documents() if d.jurisdiction})
    states, others = jurisdictions.split(codes)
    return states + others  # Mexican states first, then countries and international bodies


_shared: OrderedDict[tuple, Comparison] = OrderedDict()  # the last comparisons asked, by any session
_shared_lock = threading.Lock()
SHARED = 32


def run_comparison(kb, topics, chosen, languages, lang: str = "en") -> Comparison:
    """Kept for every session (up to SHARED comparisons, per collection version): a shared link, a tab switch or a
    download does not compare again. Pages only read a Comparison, so sessions can share one."""
    key = (str(kb.config.store), tuple(topics), tuple(chosen), tuple(languages), lang, kb.store.manifest.generation())
    with _shared_lock:
        if key in _shared:
            _shared.move_to_end(key)
            return _shared[key]
    with st.spinner(t("compare.running", st.session_state.get("ui_lang", "en"), n=len(topics) * len(chosen))):
        comp = compare_for_reader(kb, topics, chosen, lang, language=languages)
    with _shared_lock:
        _shared[key] = comp
        while len(_shared) > SHARED:
            _shared.popitem(last=False)
    return comp


def _open_link(hit, lang: str) -> str:
    c = hit.citation
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    link = file_url(c.doc_id, c.source, c.page_start, base=f"/{base}" if base else "", section=c.section)
    if not link:
        return ""
    label = open_label_for(c, lang)
    return f'<a href="{link}" target="_blank" rel="noopener noreferrer" class="kb-open">{safe_html(label)}</a>'


def _marked_passage(text: str, sentences: list[str], terms: str) -> str:
    """The whole passage as safe HTML, its theme sentences set off (each segment escaped on its own)."""
    out, last = [], 0
    for sentence in sentences:
        at = text.find(sentence, last)
        if at < 0:
            continue
        out.append(highlight(text[last:at], terms))
        out.append(f'<span class="kb-say">{highlight(sentence, terms)}</span>')
        last = at + len(sentence)
    out.append(highlight(text[last:], terms))
    return "".join(out)


def _meta_html(hit, lang: str) -> str:
    return (
        f'<div class="kb-meta"><span class="kb-badge {safe_html(hit.chunk.language)}">{safe_html(hit.chunk.language)}'
        f"</span>{safe_html(cite_text(hit.citation, lang))}</div>{_open_link(hit, lang)}"
    )


def _weak_html(cell, lang: str) -> str:
    """An empty cell's nearest passage, closed and marked weak: there to check, never read as the cell's answer."""
    if cell.weak is None:
        return "</div>"
    passage = highlight(cell.weak.chunk.text, " ".join(cell.topic.keywords))
    return (
        f'<details class="kb-weak"><summary>{safe_html(t("compare.weak", lang))}</summary>'
        f'<div class="kb-passage">{passage}</div>{_meta_html(cell.weak, lang)}</details></div>'
    )


def profile_evidence_html(cell, lang: str) -> str:
    """A cell no passage fills but whose jurisdiction's strategy profile speaks to the theme (an instrument, an
    indicator, a sector, the governance body): the items, cited as the profile and the sources its field names."""
    terms = " ".join(cell.topic.keywords)
    items = "".join(
        f'<li><span class="kb-say">{highlight(e.text(lang), terms)}</span> <span class="kb-field">'
        f"({safe_html(e.label(lang))})</span></li>"
        for e in cell.profile
    )
    sources = {s.url: s for e in cell.profile for s in e.sources}.values()
    links = " · ".join(
        f'<a href="{safe_html(s.url)}" target="_blank" rel="noopener noreferrer">{safe_html(s.publisher)}</a>'
        for s in sources
        if s.url.startswith(("https://", "http://"))
    )
    head = safe_html(t("compare.from_profile", lang, name=jurisdictions.label(cell.jurisdiction, lang)))
    return (
        f'<div class="kb-profile-evidence"><div class="kb-also">{head}</div><ul class="kb-list">{items}</ul>'
        f'<div class="kb-meta">{safe_html(t("compare.source", lang))}: {links}</div></div>'
    )


def cell_html(cell, lang: str, *, full: bool = False) -> str:
    """One cell as one HTML block: the jurisdiction (shown when columns stack on a narrow screen), the sentences
    that speak to the theme with its words marked, the whole passage one click away, the citation."""
    # data-* name the cell for tests and user styles; the values are codes, escaped all the same.
    jur = (
        f'<div class="kb-cell" data-theme="{safe_html(cell.topic.key)}" data-jur="{safe_html(cell.jurisdiction)}">'
        f'<div class="kb-cell-jur">{safe_html(jurisdictions.label(cell.jurisdiction, lang))}</div>'
    )
    best = cell.best
    terms = " ".join(cell.topic.keywords)
    if best is None and cell.profile:
        return jur + profile_evidence_html(cell, lang) + _weak_html(cell, lang)
    if best is None:
        return jur + f'<div class="kb-nothing">{safe_html(t("compare.nothing", lang))}</div>' + _weak_html(cell, lang)

    sentences = cell.sentences or [best.chunk.text]
    said = "".join(f'<span class="kb-say">{highlight(s, terms)}</span> ' for s in sentences)
    passage = _marked_passage(best.chunk.text, cell.sentences, terms)
    body = (
        f'<div class="kb-passage">{passage}</div>'
        if full
        else f'<div class="kb-passage">{said}</div><details class="kb-more"><summary>{safe_html(t("compare.passage", lang))}'
        f'</summary><div class="kb-passage">{passage}</div></details>'
    )
    also = ""
    if cell.also_under:
        names = ", ".join(THEMES_BY_KEY[k].label(lang) if k in THEMES_BY_KEY else k for k in cell.also_under)
        key = "compare.reused" if cell.reused else "compare.also_under"
        also = f'<div class="kb-also">{safe_html(t(key, lang, themes=names))}</div>'
    return jur + body + also + _meta_html(best, lang) + "</div>"


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
    chosen = st.multiselect(
        t("compare.jurisdictions", lang),
        options,
        key="cmp_jur",
        format_func=lambda c: jurisdictions.label(c, lang),
        placeholder=t("compare.pick", lang),
    )
    st.multiselect(
        t("compare.themes", lang),
        [th.key for th in THEMES],
        key="cmp_themes",
        format_func=lambda k: THEMES_BY_KEY[k].label(lang),
        placeholder=t("compare.none", lang),
    )
    left, right = st.columns([3, 2])
    left.text_input(t("compare.topic", lang), key="cmp_topic", placeholder=t("compare.topic_hint", lang))
    right.multiselect(
        t("filter.language", lang),
        list(MAIN_LANGUAGES),
        key="cmp_lang",
        placeholder=t("any", lang),
        format_func=lambda l: t(f"lang.{l}", lang),
    )
    state.publish(COMPARE)
    topic_text = (st.session_state.get("cmp_topic") or "").strip()
    topics = ([free_topic(topic_text)] if topic_text else []) + [
        THEMES_BY_KEY[k] for k in st.session_state.get("cmp_themes") or []
    ]
    if len(chosen) < 2:
        st.info(t("compare.need_two", lang))
        return
    if not topics:
        st.info(t("compare.need_topic", lang))
        return
    comp = run_comparison(kb, topics, chosen, st.session_state.get("cmp_lang") or [], lang)
    matrix_tab, columns_tab = st.tabs([t("compare.matrix", lang), t("compare.columns", lang)])
    wide = len(comp.jurisdictions) > COLUMNS_UP_TO
    with matrix_tab:
        render_wide(comp, lang) if wide else render_matrix(comp, lang)
    with columns_tab:
        render_wide(comp, lang, full=True) if wide else render_columns(comp, lang)
    st.subheader(t("export.title", lang))
    name = lambda code: jurisdictions.label(code, lang)  # noqa: E731
    a, b, _ = st.columns([1, 1, 3])
    a.download_button(
        "Markdown",
        to_markdown(comp, lang=lang, name=name),
        file_name="policy-kb-compare.md",
        mime="text/markdown",
        key="cmp_md",
        icon=":material/download:",
        on_click="ignore",
    )
    b.download_button(
        "CSV",
        BOM + to_csv(comp, lang=lang),  # Excel reads the accents only with a byte-order mark
        file_name="policy-kb-compare.csv",
        mime="text/csv",
        key="cmp_csv",
        icon=":material/download:",
        on_click="ignore",
    )


def _header(comp: Comparison, lang: str, key: str) -> None:
    """The jurisdiction names over the columns; sticky (CSS on its key), so they stay in view down a long page."""
    with st.container(key=key):
        for col, jur in zip(st.columns(len(comp.jurisdictions)), comp.jurisdictions):
            col.markdown(
                f'<div class="kb-jur-head">{safe_html(jurisdictions.label(jur, lang))}</div>', unsafe_allow_html=True
            )


def profile_html(comp: Comparison, jur: str, row: str, lang: str) -> str:
    """One profile field of one jurisdiction: its value, its sources (linked) and the date they state it."""
    return field_html(comp.profiles.get(jur), jur, row, lang)


def render_profiles(comp: Comparison, lang: str) -> None:
    """The strategy profiles as the first rows: plan, period, vision, pillars, sectors, governance, each sourced."""
    if not comp.profiles:
        return
    st.markdown(
        f'<div class="kb-theme kb-profile-head">{safe_html(t("compare.profile", lang))}</div>', unsafe_allow_html=True
    )
    for row in PROFILE_ROWS:
        label = FIELDS[row][0 if lang == "es" else 1]
        st.markdown(f'<div class="kb-field">{safe_html(label)}</div>', unsafe_allow_html=True)
        for col, jur in zip(st.columns(len(comp.jurisdictions), border=True), comp.jurisdictions):
            col.markdown(profile_html(comp, jur, row, lang), unsafe_allow_html=True)


def render_matrix(comp: Comparison, lang: str) -> None:
    """The strategy profiles, then one band per theme (its name across the page), one column per jurisdiction."""
    _header(comp, lang, "cmp_head_matrix")
    render_profiles(comp, lang)
    for topic in comp.topics:
        st.markdown(f'<div class="kb-theme">{safe_html(topic.label(lang))}</div>', unsafe_allow_html=True)
        row = st.columns(len(comp.jurisdictions), border=True)
        for col, jur in zip(row, comp.jurisdictions):
            col.markdown(cell_html(comp.cell(topic, jur), lang), unsafe_allow_html=True)


def render_columns(comp: Comparison, lang: str) -> None:
    """Each jurisdiction's column with the whole passages; one row per theme, so the rows line up across columns."""
    _header(comp, lang, "cmp_head_columns")
    render_profiles(comp, lang)
    for topic in comp.topics:
        row = st.columns(len(comp.jurisdictions), border=True)
        for col, jur in zip(row, comp.jurisdictions):
            col.markdown(
                f'<div class="kb-cell-theme">{safe_html(topic.label(lang))}</div>'
                + cell_html(comp.cell(topic, jur), lang, full=True),
                unsafe_allow_html=True,
            )


def render_wide(comp: Comparison, lang: str, *, full: bool = False) -> None:
    """Any number of jurisdictions: the profiles side by side, then one table of themes × jurisdictions that scrolls
    sideways (and down) inside its box, its header row and theme column fixed."""
    if comp.profiles:
        st.markdown(
            f'<div class="kb-theme kb-profile-head">{safe_html(t("compare.profile", lang))}</div>',
            unsafe_allow_html=True,
        )
        st.markdown(
            side_by_side_html(comp.jurisdictions, dict(comp.profiles), lang, PROFILE_ROWS), unsafe_allow_html=True
        )
    head = "".join(f"<th>{safe_html(jurisdictions.label(j, lang))}</th>" for j in comp.jurisdictions)
    body = "".join(
        f'<tr><th scope="row">{safe_html(topic.label(lang))}</th>'
        + "".join(f"<td>{cell_html(comp.cell(topic, j), lang, full=full)}</td>" for j in comp.jurisdictions)
        + "</tr>"
        for topic in comp.topics
    )
    st.markdown(
        f'<div class="kb-sbs kb-tall kb-wide"><table><thead><tr><th></th>{head}</tr></thead><tbody>{body}</tbody>'
        "</table></div>",
        unsafe_allow_html=True,
    )


if __name__ == "__main__":
    render()
