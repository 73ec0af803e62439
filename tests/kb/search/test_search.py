"""Search with the real model: cross-language retrieval, filters, citations."""

import pytest

from kb.search.citations import cite_text, file_link


def _titles(hits):
    return [h.citation.title for h in hits]


def test_english_query_finds_the_spanish_passage(kb_small):
    hits = kb_small.search("supplier development programme for small firms", k=3)
    top = hits[0]
    assert top.chunk.language == "es" and "proveedores" in top.chunk.text
    assert top.citation.page_start == 1 and top.citation.section == "Desarrollo de proveedores"


def test_spanish_query_finds_the_english_passage(kb_small):
    hits = kb_small.search("formación de trabajadores para nuevos inversionistas en Singapur", k=3)
    assert any(h.chunk.language == "en" and "Economic Development Board" in h.chunk.text for h in hits[:2])


def test_language_filter(kb_small):
    hits = kb_small.search("eco-industrial parks", language="es")
    assert hits and {h.chunk.language for h in hits} == {"es"}


def test_jurisdiction_level_type_and_year_filters(kb_small):
    assert {h.chunk.doc.jurisdiction for h in kb_small.search("parques", jurisdiction="MX")} == {"MX"}
    assert {h.chunk.doc.doc_type for h in kb_small.search("aftercare", doc_type="note")} == {"note"}
    recent = kb_small.search("investment", year=(2024, None))
    assert recent and all(h.chunk.doc.content_year >= 2024 for h in recent)
    with pytest.raises(ValueError, match="no document has level 'municipal'; level values in this store: "):
        kb_small.search("investment", level="municipal")  # nothing has it: said, not an empty list (issue 21)


def test_filter_values_no_document_has_are_named_with_the_ones_there_are(kb_small):
    """Issue 21: an unknown jurisdiction, level or type found nothing and said nothing; an empty year range too."""
    from kb.search.search import QueryError

    for kwargs, message in [
        ({"jurisdiction": "XX,MX"}, "no document has jurisdiction 'XX'; jurisdiction values in this store: INT, MX"),
        ({"level": "municipal"}, "no document has level 'municipal'; level values in this store: international"),
        ({"doc_type": "white paper"}, "no document has type 'white paper'; type values in this store: "),
        ({"year": (2025, 2010)}, r"empty year range: the earliest year \(2025\) is after the latest \(2010\)"),
    ]:
        with pytest.raises(QueryError, match=message):
            kb_small.search("investment", **kwargs)
    # Levels and types are matched whatever their case, and searched as the store spells them.
    hits = kb_small.search("aftercare", doc_type="NOTE", level="International")
    assert hits and {(h.chunk.doc.doc_type, h.chunk.doc.level) for h in hits} == {("note", "international")}


@pytest.mark.parametrize("query", ["\x00", "\x00\x00 \t", "\u200b", " \u00a0 "])
def test_a_query_with_no_visible_character_is_refused(query):
    from kb.search.search import QueryError, check_query

    with pytest.raises(QueryError, match="empty query"):
        check_query(query, 2000)
    assert check_query(" \x00a ", 2000) == "\x00a"  # one visible character is a query


def test_hits_carry_citations(kb_small):
    hit = kb_small.search("consejo consultivo industrial", k=1)[0]
    c = hit.citation
    assert (c.title, c.publisher, c.page_start) == ("Plan industrial de prueba", "Gobierno de Prueba", 3)
    # The year is always stated, "n.d." when unknown, so card, box and exports say the same (issue 23).
    assert cite_text(c) == "Gobierno de Prueba (n.d.). Plan industrial de prueba. § Gobernanza, p. 3."
    assert file_link(c).endswith("plan_industrial_es.pdf#page=3")
    assert hit.legs and hit.rank == 1


def test_cap_per_document(kb_small):
    hits = kb_small.searcher.search("desarrollo de proveedores", 10, max_per_doc=1)
    docs = [h.chunk.doc_id for h in hits]
    assert len(docs) == len(set(docs))


# --- hybrid retrieval (lexical leg, fusion, de-duplication) -----------------------------------------------------
import pytest  # noqa: E402

from kb.records import Chunk, Document, Filters  # noqa: E402
from kb.search.search import select  # noqa: E402


def test_hits_say_which_legs_found_them(kb_small):
    top = kb_small.search("consejo consultivo industrial", k=1)[0]
    assert {"dense:es", "lexical"} <= set(top.legs)


def test_each_leg_alone_and_filters_in_the_lexical_leg(kb_small):
    lexical = kb_small.searcher.search("eco-industrial parks", 5, Filters(languages=("es",)), dense=False)
    assert lexical and all(h.legs == ["lexical"] and h.chunk.language == "es" for h in lexical)
    dense = kb_small.searcher.search("eco-industrial parks", 5, extra=False)
    assert dense and all(not leg.startswith("lexical") for h in dense for leg in h.legs)


def test_lexical_leg_finds_an_exact_name_the_embedding_blurs(kb_small):
    hits = kb_small.search("Economic Development Board", k=1)
    assert "Economic Development Board" in hits[0].chunk.text and "lexical" in hits[0].legs


def _chunk(i: int, doc: str, text: str) -> Chunk:
    return Chunk(
        chunk_id=f"{doc}:{i}",
        doc_id=doc,
        ordinal=i,
        text=text,
        page_start=1,
        page_end=1,
        section="",
        language="es",
        doc=Document(doc_id=doc, source=f"/x/{doc}.pdf"),
    )


def test_near_duplicate_passages_collapse_even_without_vectors():
    body = (
        "Artículo 5. La Secretaría promoverá el desarrollo de proveedores locales y la integración de las "
        "pequeñas empresas en las cadenas de valor de la región, con apoyo técnico y financiero."
    )
    chunks = {
        "a:0": _chunk(0, "a", body),
        "b:0": _chunk(0, "b", body.replace("técnico", "técnico y")),
        "c:0": _chunk(0, "c", "Otro texto sobre parques industriales y energía renovable en el sur."),
    }
    fused = [("a:0", 0.3, ["lexical"]), ("b:0", 0.2, ["lexical"]), ("c:0", 0.1, ["lexical"])]
    hits = select(fused, chunks, {}, k=10, max_per_doc=0, similarity=0.97)
    assert [h.chunk.chunk_id for h in hits] == ["a:0", "c:0"]


def test_per_document_cap_is_configurable():
    topics = ["agroindustria y cacao", "energía renovable", "industria química", "sector automotriz", "turismo"]
    chunks = {f"a:{i}": _chunk(i, "a", f"Este pasaje trata de {t} en el estado.") for i, t in enumerate(topics)}
    fused = [(cid, 1.0 / (i + 1), ["dense:es"]) for i, cid in enumerate(chunks)]
    assert len(select(fused, chunks, {}, k=10, max_per_doc=2, similarity=0.97)) == 2
    assert len(select(fused, chunks, {}, k=10, max_per_doc=0, similarity=0.97)) == 5


def test_queries_are_checked_before_any_work(kb_small):
    """Empty, too long, k below 1 and a language the store lacks each get a message, not hits or a long wait."""
    import pytest as _pytest

    from kb.search.search import QueryError

    for query, k, kwargs, message in [
        ("  \n ", None, {}, "empty query"),
        ("x" * (kb_small.config.max_query_chars + 1), None, {}, "query too long"),
        ("parques", 0, {}, "at least 1"),
        ("parques", -1, {}, "at least 1"),
        ("parques", None, {"language": "pt"}, "no passages in language 'pt'; languages in this store: en, es"),
    ]:
        with _pytest.raises(QueryError, match=message):
            kb_small.search(query, k, **kwargs)
    assert kb_small.search("parques", language="ES")  # codes are case-insensitive


def test_reference_lists_are_left_out_unless_asked_for(kb_small):
    query = "Chertow industrial symbiosis literature and taxonomy Annual Review"
    assert all(h.chunk.kind == "content" for h in kb_small.search(query, k=10))
    asked = kb_small.search(query, k=5, kind="references")
    assert asked and asked[0].chunk.kind == "references" and "Chertow" in asked[0].chunk.text
    assert "references" in {h.chunk.kind for h in kb_small.search(query, k=10, kind="all")}


def test_an_unknown_passage_kind_is_a_clear_error(kb_small):

    with pytest.raises(ValueError, match="unknown passage kind bibliography"):
        kb_small.search("parks", kind="bibliography")


# --- the lexical leg in a worker thread, beside the query embedding ----------------------------------------------
import threading  # noqa: E402

from kb.records import ALL_KINDS  # noqa: E402
from kb.search.search import SearchTrace  # noqa: E402

PARALLEL_CASES = [
    ("¿Qué apoyos da el gobierno a las pequeñas empresas proveedoras?", Filters()),
    ("How do governments attract foreign direct investment?", Filters()),
    ("IMMEX", Filters()),  # a keyword lookup: the bonus crosses languages
    ("parques industriales sostenibles", Filters(languages=("en",))),
    ("innovation policy evaluation", Filters(kinds=ALL_KINDS)),  # passages without a vector, found only by BM25
]


@pytest.mark.parametrize("query, filters", PARALLEL_CASES)
def test_lexical_leg_in_a_worker_thread_gives_the_sequential_result(kb_starter, query, filters):
    searcher = kb_starter.searcher
    parallel = searcher.parallel
    try:
        searcher.parallel = False
        sequential = searcher.search_result(query, 10, filters)
        searcher.parallel = True
        trace = SearchTrace()
        threaded = searcher.search_result(query, 10, filters, trace=trace)
    finally:
        searcher.parallel = parallel
    assert trace.beside["lexical"] > 0  # it did run in the worker
    assert sequential.hits and "lexical" in {leg for h in sequential.hits for leg in h.legs}
    # Same hits in the same order with the same scores, legs and citations, and the same relevance verdict.
    assert threaded == sequential


def test_the_lexical_worker_never_runs_sqlite(kb_starter):
    """SQLite connections belong to their thread: every manifest statement of a search runs in the caller's, even
    when the lexical index must be read again (here: dropped from memory, as after another process's ingestion)."""
    searcher, db = kb_starter.searcher, kb_starter.store.manifest._db
    parallel = searcher.parallel
    threads: set[int] = set()
    db.set_trace_callback(lambda _statement: threads.add(threading.get_ident()))
    try:
        searcher.parallel = True
        kb_starter.lexical._loaded = None
        trace = SearchTrace()
        searcher.search_result("programas de desarrollo de proveedores", 10, trace=trace)
    finally:
        db.set_trace_callback(None)
        searcher.parallel = parallel
    assert trace.beside["lexical"] > 0 and threads == {threading.get_ident()}


def test_deduplication_sees_the_vector_of_every_dense_candidate(kb_starter, monkeypatch):
    """Dense legs no longer ask chromadb for their candidates' vectors; those that can become hits are read after
    fusion, and are the stored ones."""
    import kb.search.search as search_module

    seen: list[tuple[list, dict, dict]] = []
    real_select = search_module.select

    def spy(fused, chunks, embeddings, **kwargs):
        seen.append((fused, chunks, dict(embeddings)))
        return real_select(fused, chunks, embeddings, **kwargs)

    monkeypatch.setattr(search_module, "select", spy)
    kb_starter.searcher.search_result("apoyo a proveedores locales de la industria", 10)
    fused, chunks, embeddings = seen[-1]
    dense = [cid for cid, _, legs in fused if cid in chunks and any(leg.startswith("dense:") for leg in legs)]
    assert len(dense) >= 10 and set(dense) <= set(embeddings)
    stored = kb_starter.store.vectors.vectors(dense)
    assert all((embeddings[cid] == stored[cid]).all() for cid in dense)
