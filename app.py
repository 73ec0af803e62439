"""policy-kb front end (Streamlit): search the collection in Spanish or English and read cited passages."""

from __future__ import annotations

import streamlit as st

from kb.api import KnowledgeBase, make_filters
from kb.citations import cite_text, md_escape

st.set_page_config(page_title="policy-kb", page_icon="📚", layout="wide")


@st.cache_resource(show_spinner="Loading the model and the store…")
def knowledge_base() -> KnowledgeBase:
    # One model and one store client per server process, shared by every session and rerun.
    return KnowledgeBase()


def main() -> None:
    kb = knowledge_base()
    st.title("policy-kb")
    st.caption("Industrial and innovation policy, in Spanish and English / Política industrial y de innovación")
    with st.sidebar:
        languages = st.multiselect("Language / Idioma", ["es", "en"], key="languages")
        jurisdictions = sorted({d["jurisdiction"] for d in kb.documents() if d.get("jurisdiction")})
        chosen = st.multiselect("Jurisdiction / Jurisdicción", jurisdictions, key="jurisdictions")
        k = st.slider("Passages / Pasajes", 3, 30, 10, key="k")
    query = st.text_input("Search / Buscar", key="query", placeholder="supplier development · desarrollo de proveedores")
    if not query:
        st.info(f"{len(kb.documents())} documents in the collection. Ask in Spanish or English.")
        return
    hits = kb.search(query, k, filters=make_filters(language=languages, jurisdiction=chosen))
    if not hits:
        st.warning("No passages found / No se encontraron pasajes")
    for hit in hits:
        c = hit.citation
        with st.container(border=True):
            st.markdown(f"**[{hit.rank}] {md_escape(c.title)}** · {md_escape(c.language)} · {md_escape(c.jurisdiction)}")
            st.caption(md_escape(cite_text(c)))
            # Passage text is untrusted: shown as plain text, never as Markdown or HTML.
            st.text(hit.chunk.text)


main()
