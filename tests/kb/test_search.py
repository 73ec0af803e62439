"""Search with the real model: cross-language retrieval, filters, citations."""

from kb.citations import cite_text, file_link


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
    assert {h.chunk.jurisdiction for h in kb_small.search("parques", jurisdiction="MX")} == {"MX"}
    assert {h.chunk.doc_type for h in kb_small.search("aftercare", doc_type="note")} == {"note"}
    recent = kb_small.search("investment", year=(2024, None))
    assert recent and all(h.chunk.year >= 2024 for h in recent)
    assert kb_small.search("investment", level="municipal") == []


def test_hits_carry_citations(kb_small):
    hit = kb_small.search("consejo consultivo industrial", k=1)[0]
    c = hit.citation
    assert (c.title, c.publisher, c.page_start) == ("Plan industrial de prueba", "Gobierno de Prueba", 3)
    assert cite_text(c) == "Gobierno de Prueba. Plan industrial de prueba. § Gobernanza, p. 3."
    assert file_link(c).endswith("plan_industrial_es.pdf#page=3")
    assert hit.legs and hit.rank == 1


def test_cap_per_document(kb_small):
    hits = kb_small.searcher.search("desarrollo de proveedores", 10, max_per_doc=1)
    docs = [h.chunk.doc_id for h in hits]
    assert len(docs) == len(set(docs))
