"""Search page: one query box in either language, sidebar filters, an extractive answer, cited result cards."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, cast

import streamlit as st

from kb.api import make_filters
from kb.records import ALL_KINDS, Document, Filters
from kb.search.search import QueryError
from kb.text import MAIN_LANGUAGES
from kbapp.ui import cards, jurisdictions, state
from kbapp.ui.exports import download_buttons
from kbapp.ui.highlight import safe_html
from kbapp.ui.i18n import t, ui_lang
from kbapp.ui.pages.params import SEARCH
from kbapp.ui.resources import knowledge_base

LANGUAGE_NAMES = {"es": ("Español", "Spanish"), "en": ("Inglés", "English")}


def research_notes(docs: list[Document]) -> int:
    """How many documents are the policy-kb team's research notes (they name the document they summarise)."""
    return sum(1 for d in docs if d.source_title and (d.publisher or "") == "policy-kb team")


def facets(docs: list[Document]) -> dict:
    """What the collection offers to filter on (only values that exist, so no filter can select nothing)."""
    # The content year (a research note's primary document's year), the same year the passages are filtered by.
    years = sorted({d.content_year for d in docs if d.content_year})
    return {
        "jurisdictions": sorted({d.jurisdiction for d in docs if d.jurisdiction}),
        "levels": sorted({d.level for d in docs if d.level}),
        "types": sorted({d.doc_type for d in docs if d.doc_type}),
        "years": (years[0], years[-1]) if years else None,
    }


K_RANGE = (3, 30)  # the slider's range


def default_k(kb) -> int:
    """KB_K, inside the slider's range."""
    return min(max(kb.config.k, K_RANGE[0]), K_RANGE[1])


YEARS_BACK = 10  # a collection from one year still gets a range to choose from: that year and the ten before


def year_bounds(years: tuple[int, int], chosen=None) -> tuple[int, int]:
    """The year slider's ends: the collection's years, widened to hold a range asked for in the URL
    (``?years=2020-2024`` is applied as asked, never dropped), and never a single year."""
    lo, hi = years
    if (
        isinstance(chosen, (tuple, list))
        and len(chosen) == 2
        and all(isinstance(y, int) for y in chosen)
        and 1000 <= chosen[0] <= chosen[1] <= 2999
    ):
        lo, hi = min(lo, chosen[0]), max(hi, chosen[1])
    return (hi - YEARS_BACK, hi) if lo == hi else (lo, hi)


def choose_many(
    key: str, label: str, options: list, format_func: Callable[[Any], str], lang: str, empty: str = "any"
) -> None:
    """A sidebar multiselect; values it no longer offers (an old link, a deleted document's) are dropped first.
    ``empty`` names what choosing nothing means."""
    state.valid(key, options)
    st.sidebar.multiselect(t(label, lang), options, key=key, placeholder=t(empty, lang), format_func=format_func)


def sidebar_filters(kb, lang: str) -> tuple[Filters, dict]:
    """The filters chosen in the sidebar, and the default values (left out of the URL)."""
    f = facets(kb.documents())
    defaults: dict[str, Any] = {"k": default_k(kb), "sort_hits": "relevance"}
    states, countries = jurisdictions.split(f["jurisdictions"], lang)
    languages = sorted(set(kb.searcher.languages()) | set(MAIN_LANGUAGES))
    st.sidebar.subheader(t("filters", lang))

    def language(code: str) -> str:
        return LANGUAGE_NAMES.get(code, (code, code))[0 if lang == "es" else 1]

    def place(code: str) -> str:
        return jurisdictions.name(code, lang)

    choose_many("f_lang", "filter.language", languages, language, lang)
    choose_many("f_states", "filter.states", states, place, lang)
    choose_many("f_countries", "filter.countries", countries, place, lang)
    choose_many("f_level", "filter.level", f["levels"], lambda v: t(f"level.{v}", lang, default=v), lang)
    choose_many("f_type", "filter.type", f["types"], lambda v: t(f"type.{v}", lang, default=v), lang)
    year_range: tuple[int, int] | None = None
    if f["years"]:
        lo, hi = year_bounds(f["years"], st.session_state.get("f_years"))
        defaults["f_years"] = (lo, hi)
        chosen = st.session_state.get("f_years")
        if not (isinstance(chosen, (tuple, list)) and len(chosen) == 2 and lo <= chosen[0] <= chosen[1] <= hi):
            st.session_state["f_years"] = (lo, hi)
        else:
            st.session_state["f_years"] = tuple(chosen)
        # A range: the session state set just above holds two years (Streamlit's types assume one value).
        year_range = cast(tuple[int, int], st.sidebar.slider(t("filter.years", lang), lo, hi, key="f_years"))
        if year_range == (lo, hi):
            year_range = None  # the full range also keeps documents without a year
    # Content only unless asked: title blocks, tables of contents, reference lists and indexes are searchable here.
    kinds = list(ALL_KINDS)
    choose_many("f_kind", "filter.kind", kinds, lambda v: t(f"kind.{v}", lang, default=v), lang, empty="kind.content")
    st.sidebar.slider(t("filter.k", lang), *K_RANGE, key="k")
    return make_filters(
        language=st.session_state.get("f_lang"),
        jurisdiction=list(st.session_state.get("f_states") or []) + list(st.session_state.get("f_countries") or []),
        level=st.session_state.get("f_level"),
        doc_type=st.session_state.get("f_type"),
        year=year_range,
        kind=st.session_state.get("f_kind"),
    ), defaults


# Each filter the sidebar sets: its label, and the Filters with it removed.
RELAXABLE = {
    "filter.language": lambda f: replace(f, languages=()),
    "filter.jurisdiction": lambda f: replace(f, jurisdictions=()),
    "filter.level": lambda f: replace(f, levels=()),
    "filter.type": lambda f: replace(f, doc_types=()),
    "filter.years": lambda f: replace(f, year_min=None, year_max=None),
}


def _doc_values(d: Document) -> dict:
    return {
        "language": d.language,
        "jurisdiction": d.jurisdiction,
        "level": d.level,
        "doc_type": d.doc_type,
        "year": d.content_year,
    }


def filters_to_relax(docs: list[Document], filters: Filters) -> list[str]:
    """When no document meets every filter, the filters (label keys) whose removal alone lets some document in:
    "Level and Document type contradict each other; remove one". [] when documents match (the passages just do not
    answer) or when no single removal helps."""
    values = [_doc_values(d) for d in docs]
    if any(filters.matches(v) for v in values):
        return []
    out = []
    for key, drop in RELAXABLE.items():
        relaxed = drop(filters)
        if relaxed != filters and any(relaxed.matches(v) for v in values):
            out.append(key)
    return out


SORTS = ("relevance", "year_desc", "year_asc", "jurisdiction")


def sort_hits(hits: list, order: str, lang: str) -> list:
    """The cards in another order than relevance (their [n] numbers stay, so the answer's references still point
    to them): newest or oldest first by the year a reader filters by, or by jurisdiction name; ties by relevance."""
    if order in ("year_desc", "year_asc"):
        sign = -1 if order == "year_desc" else 1
        dated = [h for h in hits if h.chunk.doc.content_year]
        undated = [h for h in hits if not h.chunk.doc.content_year]
        return sorted(dated, key=lambda h: (sign * h.chunk.doc.content_year, h.rank)) + undated
    if order == "jurisdiction":
        return sorted(hits, key=lambda h: (jurisdictions.name(h.citation.jurisdiction or "~", lang).casefold(), h.rank))
    return list(hits)


def run_search(kb, query: str, k: int, filters: Filters):
    """(answer or None, hits, nothing relevant), kept in session state so reruns (a click on a checkbox) do not
    search again. When the collection has nothing that answers the query, no answer is quoted."""
    key = (query, k, filters, kb.store.manifest.generation())
    cached = st.session_state.get("_search")
    if cached and cached[0] == key:
        return cached[1:]
    response = kb.ask(query, k, filters)
    answer, hits, nothing = response.answer, list(response.hits), response.nothing_relevant
    st.session_state["_search"] = (key, answer, hits, nothing)
    return answer, hits, nothing


def answer_html(answer, lang: str) -> str:
    """The answer's sentences, each followed by its [n] linking to the card it came from."""
    parts = [
        f'{safe_html(s.quote)} <sup><a class="kb-ref" href="#hit-{int(s.ref)}">[{int(s.ref)}]</a></sup>'
        for s in answer.sentences
    ]
    return f'<div class="kb-answer"><strong>{safe_html(t("answer", lang))}</strong><br>{" ".join(parts)}</div>'


def glossary_terms(kb, query: str) -> list[str]:
    if kb.glossary is None:
        return []
    return [phrase for _lang, phrase in kb.glossary.expand(query)]


def render() -> None:
    lang = ui_lang()
    kb = knowledge_base()
    state.restore(SEARCH)
    st.session_state.setdefault("k", default_k(kb))
    filters, defaults = sidebar_filters(kb, lang)
    st.title(t("search.title", lang))
    query = st.text_input(
        t("search.box", lang),
        key="query",
        placeholder=t("search.placeholder", lang),
        max_chars=kb.config.max_query_chars,
    )
    state.publish(SEARCH, defaults)
    query = (query or "").strip()
    if not query:
        docs = kb.documents()
        st.info(t("search.empty", lang, docs=len(docs)))
        notes = research_notes(docs)
        if notes:
            st.markdown(t("collection.notes", lang, n=notes))
        return
    try:
        answer, hits, nothing = run_search(kb, query, int(st.session_state["k"]), filters)
    except QueryError as exc:  # a query restored from a link can be longer than the box allows
        st.error(t("search.error", lang, reason=str(exc)))
        return
    if not hits:
        relax = filters_to_relax(kb.documents(), filters)
        st.warning(
            t("search.none", lang)
            + (" " + t("search.relax", lang, filters=", ".join(t(k, lang) for k in relax)) if relax else "")
        )
        return
    if nothing:
        st.warning(t("search.nothing", lang))
        st.subheader(t("search.nearest", lang))
    else:
        if answer is not None and answer.sentences:
            st.markdown(answer_html(answer, lang), unsafe_allow_html=True)
        st.caption(t("search.count", lang, n=len(hits)))
    extra = glossary_terms(kb, query)
    state.valid("sort_hits", list(SORTS))
    order = st.selectbox(
        t("search.sort", lang), SORTS, key="sort_hits", format_func=lambda k: t(f"search.sort.{k}", lang)
    )
    hits = sort_hits(hits, order, lang)
    for hit in hits:
        cards.render(hit, query, lang, select_key=f"sel_{hit.chunk.chunk_id}", extra_terms=extra)
    selected = [h for h in hits if st.session_state.get(f"sel_{h.chunk.chunk_id}")]
    st.subheader(t("export.title", lang))
    st.caption(t("export.selected", lang, n=len(selected)) if selected else t("export.all", lang, n=len(hits)))
    download_buttons(kb, selected or hits, stem="policy-kb-search", key="search_export", lang=lang)


if __name__ == "__main__":
    render()
