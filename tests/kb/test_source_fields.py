"""A research note names the primary document it summarises (#11): the catalog's source_* fields reach the
document record, the passages (content year for filters and cards, the note's own year for its citation), the
citation text and the card; older manifests gain the columns on open."""

from __future__ import annotations

import sqlite3

from ingest.extract import meta_from_mapping
from kb.records import Chunk, Document, Filters
from kb.search.citations import citation_for, cite_text
from kb.store.manifest import Manifest

ROW = {
    "title": "Research note: Tabasco 2024-2044",
    "publisher": "policy-kb team",
    "year": "2026",
    "jurisdiction": "mx-tab",
    "source_title": "Strategic Plan for the Industrial Development of Tabasco 2024-2044",
    "source_publisher": "Government of the State of Tabasco",
    "source_year": "2024",
    "source_url": "https://example.org/plan",
    "source_note": "",
}


def _chunk(doc: Document) -> Chunk:
    return Chunk(
        chunk_id=f"{doc.doc_id}:0",
        doc_id=doc.doc_id,
        ordinal=0,
        text="Cuatro pilares y cuatro sectores.",
        page_start=1,
        page_end=1,
        section="Pilares",
        language="es",
        doc=doc,
    )


def test_catalog_row_gives_the_primary_source():
    meta = meta_from_mapping(ROW)
    assert (meta.year, meta.source_year, meta.content_year) == (2026, 2024, 2024)
    assert meta.summarises == (
        "Strategic Plan for the Industrial Development of Tabasco 2024-2044, Government of the State of Tabasco, 2024"
    )
    own = meta_from_mapping({"title": "Plan", "year": "2019"})
    assert (own.content_year, own.summarises) == (2019, "")  # a primary document is its own source


def test_manifest_keeps_the_source_and_chunks_carry_both_years(tmp_path):
    m = Manifest(tmp_path / "manifest.sqlite")
    meta = meta_from_mapping(ROW)
    doc = Document.of(meta, doc_id="d1", source="/x/d1.pdf", page_count=1, file_size=1, settings="s")
    m.commit_document(doc, [_chunk(doc)])
    doc = m.document("d1")
    assert doc.source_title.startswith("Strategic Plan") and doc.source_year == 2024
    assert doc.source_url == "https://example.org/plan" and doc.year == 2026
    chunk = m.chunks_by_id(["d1:0"])["d1:0"]
    assert (chunk.doc.content_year, chunk.doc.year) == (2024, 2026)
    assert Filters(year_min=2024, year_max=2024).matches(chunk.filter_values())
    assert not Filters(year_min=2026).matches(chunk.filter_values())
    text = cite_text(citation_for(chunk))
    assert text.startswith("policy-kb team (2026). Research note: Tabasco 2024-2044.")
    assert text.endswith(
        "Summarising: Strategic Plan for the Industrial Development of Tabasco 2024-2044, "
        "Government of the State of Tabasco, 2024."
    )


def test_an_older_manifest_gains_the_columns(tmp_path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE documents (doc_id TEXT PRIMARY KEY, source TEXT NOT NULL UNIQUE, title TEXT, "
        "publisher TEXT, year INTEGER, jurisdiction TEXT, level TEXT, doc_type TEXT, language TEXT, topics TEXT, "
        "url TEXT, licence TEXT, page_count INTEGER, empty_pages INTEGER, chunk_count INTEGER, "
        "file_size INTEGER, settings TEXT, ingested_at REAL)"
    )
    db.execute(
        "INSERT INTO documents(doc_id, source, title, year, topics) VALUES ('old', '/x/old.pdf', 'Old', 2010, '[]')"
    )
    db.commit()
    db.close()
    m = Manifest(path)
    old = m.document("old")
    assert old is not None and old.source_title == "" and old.year == 2010  # unknown, not invented


def test_starter_notes_are_cited_with_their_primary_document(kb_starter):
    hits = kb_starter.search("cuatro pilares del plan industrial de Tabasco Visión 2044", k=5)
    tab = [h for h in hits if h.chunk.doc.jurisdiction == "MX-TAB"]
    assert tab, [h.citation.title for h in hits]
    assert all("2024" in h.citation.summarises for h in tab)
    assert all(h.chunk.doc.content_year == 2024 and h.citation.year == 2026 for h in tab)
    only_2024 = kb_starter.search("Tabasco Vision 2044 pillars", k=5, year=(2024, 2024))
    assert only_2024 and all(h.chunk.doc.content_year == 2024 for h in only_2024)
