"""About page: what is in the collection (documents and passages by language, jurisdiction and type), which model
and store answer the searches, and how to cite the tool."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import streamlit as st

from kb.records import Document
from kbapp.ui import jurisdictions
from kbapp.ui.i18n import t, ui_lang
from kbapp.ui.resources import knowledge_base

CITE_TOOL = {
    "en": (
        "policy-kb: a bilingual (Spanish/English) knowledge base of industrial and innovation policy documents "
        "with semantic search. Version {version}. Store: {docs} documents, {chunks} passages; embedding model "
        "{model}."
    ),
    "es": (
        "policy-kb: base de conocimiento bilingüe (español/inglés) de documentos de política industrial y de "
        "innovación, con búsqueda semántica. Versión {version}. Acervo: {docs} documentos, {chunks} pasajes; "
        "modelo de embeddings {model}."
    ),
}


def tallies(docs: list[Document], chunk_languages: dict[str, int], lang: str) -> dict[str, pd.DataFrame]:
    """One table per facet: documents and passages for each value (passages by language count each passage's own
    language, which may differ from its document's)."""
    docs_col, passages_col = t("about.documents", lang), t("about.passages", lang)

    unknown = t("about.unknown", lang)

    def facet(key: str, label) -> pd.DataFrame:
        n_docs: Counter = Counter()
        n_chunks: Counter = Counter()
        for d in docs:
            value = label(getattr(d, key) or "") or unknown
            n_docs[value] += 1
            n_chunks[value] += d.chunk_count or 0
        return pd.DataFrame({docs_col: n_docs, passages_col: n_chunks}).sort_index()

    name = lambda code: t(f"lang.{code}", lang, default=code) if code and code != "?" else unknown  # noqa: E731
    by_language = facet("language", name)
    by_language[passages_col] = pd.Series({name(k): v for k, v in chunk_languages.items()})
    return {
        "language": by_language.fillna(0).astype(int),
        "jurisdiction": facet("jurisdiction", lambda v: jurisdictions.label(v, lang) if v else ""),
        "doc_type": facet("doc_type", lambda v: t(f"type.{v}", lang, default=v) if v else ""),
    }


def render() -> None:
    from importlib.metadata import PackageNotFoundError, version

    lang = ui_lang()
    kb = knowledge_base()
    st.title(t("about.title", lang))
    st.markdown(t("about.intro", lang))
    docs = kb.documents()
    from kbapp.ui.pages.search import research_notes

    notes = research_notes(docs)
    if notes:
        st.markdown(t("collection.notes", lang, n=notes))
    stats = kb.stats()
    a, b, c = st.columns(3)
    a.metric(t("about.documents", lang), stats.documents)
    b.metric(t("about.passages", lang), stats.chunks)
    c.metric(t("about.languages", lang), len([l for l in stats.languages if l != "?"]))
    if docs:
        tables = tallies(docs, stats.languages, lang)
        for facet, title in (
            ("language", "about.by_language"),
            ("jurisdiction", "about.by_jurisdiction"),
            ("doc_type", "about.by_type"),
        ):
            st.subheader(t(title, lang))
            # Documents (ones to tens) and passages (hundreds) each get their own chart and axis: on one axis
            # the document bars are invisible.
            docs_chart, passages_chart, numbers = st.columns([2, 2, 2])
            for col, column in ((docs_chart, t("about.documents", lang)), (passages_chart, t("about.passages", lang))):
                col.caption(column)
                col.bar_chart(tables[facet][[column]], horizontal=True, height=max(200, 32 * len(tables[facet])))
            numbers.dataframe(tables[facet], width="stretch")
    st.subheader(t("about.system", lang))
    ident = kb.embedder.identity
    store = kb.config.chroma_url or str(kb.config.store)
    st.markdown(
        f"- **{t('about.model', lang)}:** `{ident}`\n- **{t('about.store', lang)}:** `{store}`\n"
        f"- **{t('about.vectors', lang)}:** {stats.vectors} "
        f"({t('about.vectors_help', lang, n=max(0, stats.chunks - stats.vectors))})"
    )
    st.subheader(t("about.cite", lang))
    try:
        ver = version("policy-kb")
    except PackageNotFoundError:
        ver = "dev"
    st.code(
        CITE_TOOL[lang].format(version=ver, docs=stats.documents, chunks=stats.chunks, model=ident.name),
        language=None,
        wrap_lines=True,
    )


if __name__ == "__main__":
    render()
