"""One definition of the document and chunk fields: every field of the records reaches the manifest (and back),
the filter fields reach the vector index and BM25, the JSON output carries the JSON fields, and a manifest written
before a field existed gains its column on open."""

from __future__ import annotations

import sqlite3
from dataclasses import fields

from kb.records import FILTER_KEYS, Chunk, Document, DocumentMeta, Hit, stored_fields
from kb.search.citations import citation_for
from kb.store.manifest import CHUNK_COLUMNS, DOC_COLUMNS, Manifest
from kbapp.cli import hit_json


def full_document() -> Document:
    """A document with every field set to a value of its type (so a field lost on the way shows)."""
    values = {}
    for n, f in enumerate(stored_fields(Document)):
        kind = str(f.type)
        values[f.name] = (
            [f"t{n}"]
            if "list" in kind
            else n + 1
            if "int" in kind
            else float(n) + 0.5
            if "float" in kind
            else f"{f.name}-value"
        )
    return Document(**values)


def test_every_field_is_a_manifest_column_and_comes_back(tmp_path):
    assert set(DOC_COLUMNS) == {f.name for f in fields(Document)}
    assert set(CHUNK_COLUMNS) == {f.name for f in fields(Chunk)} - {"doc"}
    doc = full_document()
    chunk = Chunk(
        chunk_id="c:1",
        doc_id=doc.doc_id,
        ordinal=3,
        text="t",
        page_start=2,
        page_end=4,
        section="s",
        language="es",
        kind="references",
        sentences="0:1",
        doc=doc,
    )
    m = Manifest(tmp_path / "m.sqlite")
    m.commit_document(doc, [chunk])
    back = m.document(doc.doc_id)
    assert back is not None
    same = {f.name for f in fields(Document) if getattr(back, f.name) == getattr(doc, f.name)}
    assert same == {f.name for f in fields(Document)} - {"chunk_count", "ingested_at"}  # set by the commit
    assert back.chunk_count == 1 and back.ingested_at > 0
    got = m.chunks_by_id(["c:1"])["c:1"]
    assert {f.name: getattr(got, f.name) for f in stored_fields(Chunk)} == {
        f.name: getattr(chunk, f.name) for f in stored_fields(Chunk)
    }
    assert got.doc == back  # the chunk carries its whole document


def test_filter_fields_and_json_follow_the_schema():
    doc = full_document()
    chunk = Chunk(chunk_id="c:1", doc_id=doc.doc_id, text="t", language="en", doc=doc)
    assert (
        set(chunk.filter_values())
        == set(FILTER_KEYS)
        == {"doc_id", "language", "kind", "year", "jurisdiction", "level", "doc_type"}
    )
    assert chunk.filter_values()["year"] == doc.content_year  # a research note is filtered by its source's year
    out = hit_json(Hit(chunk=chunk, score=1.0, rank=1, legs=["dense:en"], citation=citation_for(chunk)))
    wanted = {f.name for f in fields(DocumentMeta) if f.metadata.get("json", True)} | {"doc_id", "source"}
    assert wanted <= set(out) and out["language"] == "en" and list(out)[-1] == "text"


def test_a_manifest_from_before_a_field_gains_its_column(tmp_path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE documents (doc_id TEXT PRIMARY KEY, source TEXT NOT NULL UNIQUE, title TEXT)")
    db.execute("CREATE TABLE chunks (chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, ordinal INTEGER, text TEXT)")
    db.execute("INSERT INTO documents VALUES ('old', '/x/old.pdf', 'Old')")
    db.execute(
        "INSERT INTO chunks VALUES ('old:1', 'old', 3, 'El programa capacita a las empresas proveedoras "
        "de la región y las vincula con las empresas tractoras del estado.')"
    )
    db.commit()
    db.close()
    m = Manifest(path)
    old = m.document("old")
    assert old is not None and old.title == "Old" and old.source_title == "" and old.topics == []
    old_chunk = m.chunks_by_id(["old:1"])["old:1"]
    assert old_chunk.section == "" and old_chunk.kind == "content"  # unknown: the default, never invented
    columns = {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(documents)")}
    assert columns == set(DOC_COLUMNS)
