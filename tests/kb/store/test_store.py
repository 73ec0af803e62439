"""The store's write protocol: every state a crash can leave is repaired, re-chunking never overwrites live vectors,
one writer at a time, and a reader in another process sees what the writer committed."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from ingest import ingest_paths
from kb import Config, KnowledgeBase
from kb.config import PROJECT_ROOT
from kb.records import Chunk, Document
from kb.store.store import StoreLocked
from tests.fixtures import EN_PARKS, ES_PORT, write_md


@pytest.fixture(scope="module")
def embedder(kb_small):
    return kb_small.embedder


@pytest.fixture
def store(tmp_path, embedder):
    return KnowledgeBase(Config.from_env(store=tmp_path / "store"), embedder=embedder).store


def _chunks(doc_id: str, texts: list[str], tag: str = "v1-") -> list[Chunk]:
    return [
        Chunk(
            chunk_id=f"{doc_id}:{tag}{i:05d}",
            doc_id=doc_id,
            ordinal=i,
            text=t,
            page_start=1,
            page_end=1,
            section="",
            language="en",
        )
        for i, t in enumerate(texts)
    ]


def _put(store, doc_id: str, texts: list[str], source: str | None = None, tag: str = "v1-") -> list[Chunk]:
    chunks = _chunks(doc_id, texts, tag)
    store.put_document(
        Document(doc_id=doc_id, source=source or f"/docs/{doc_id}.md", title=doc_id, file_size=1, settings="s"),
        chunks,
        store.embedder.embed_passages(texts),
    )
    return chunks


def _consistent(store) -> bool:
    return store.verify() == {"orphan_vectors": [], "missing_vectors": []} and store.manifest.pending() == []


def test_crash_after_vectors_before_commit_is_undone(store):
    _put(store, "keep", [EN_PARKS])
    chunks = _chunks("ghost", [ES_PORT])
    store.manifest.mark_pending("ghost", "put")  # what put_document did before the crash …
    store.vectors.upsert(
        [c.chunk_id for c in chunks], store.embedder.embed_passages([ES_PORT]), [c.filter_values() for c in chunks]
    )
    assert store.verify()["orphan_vectors"] == [chunks[0].chunk_id]
    assert store.repair() == ["ghost"]
    assert _consistent(store) and store.manifest.doc_ids() == {"keep"}


def test_crash_after_commit_before_old_vectors_are_deleted_is_finished(store):
    old = _put(store, "old", [EN_PARKS], source="/docs/plan.md")
    new = _chunks("new", [ES_PORT])
    store.manifest.mark_pending("new", "put")
    store.vectors.upsert(
        [c.chunk_id for c in new], store.embedder.embed_passages([ES_PORT]), [c.filter_values() for c in new]
    )
    store.manifest.commit_document(Document(doc_id="new", source="/docs/plan.md", file_size=1, settings="s"), new)
    # The commit journalled the replaced version in the same transaction, so the crash loses nothing.
    assert ("old", "replaced") in store.manifest.pending()
    assert store.verify()["orphan_vectors"] == [old[0].chunk_id]
    store.repair()
    assert _consistent(store) and store.manifest.doc_ids() == {"new"}


def test_interrupted_delete_keeps_a_committed_document(store):
    _put(store, "doc", [EN_PARKS])
    store.manifest.mark_pending("doc", "delete")  # crashed before the manifest changed: the delete never happened
    store.repair()
    assert _consistent(store) and store.manifest.doc_ids() == {"doc"}
    assert store.vectors.ids_for_doc("doc")


def test_rechunking_the_same_content_leaves_no_stale_vectors(store):
    _put(store, "same", [EN_PARKS, ES_PORT, EN_PARKS + " Again."], tag="aaaaaa-")
    _put(store, "same", [EN_PARKS + " " + ES_PORT], tag="bbbbbb-")  # same doc_id, new settings: fewer chunks
    assert _consistent(store)
    assert store.vectors.ids_for_doc("same") == ["same:bbbbbb-00000"]


def test_pipeline_chunk_ids_carry_the_settings(tmp_path, embedder):
    doc = write_md(tmp_path / "docs" / "n.md", {"title": "N"}, EN_PARKS)
    kb = KnowledgeBase(Config.from_env(store=tmp_path / "s"), embedder=embedder)
    first = ingest_paths(kb, [doc]).files[0]
    ids1 = kb.store.manifest.chunk_ids()
    kb2 = KnowledgeBase(Config.from_env(store=tmp_path / "s", chunk_words=60, chunk_max_words=80), embedder=embedder)
    second = ingest_paths(kb2, [doc]).files[0]
    assert first.doc_id == second.doc_id and second.outcome.value == "updated"
    assert ids1.isdisjoint(kb2.store.manifest.chunk_ids())
    assert kb2.store.verify() == {"orphan_vectors": [], "missing_vectors": []}


def test_second_writer_waits_then_refuses_with_the_holder(store, tmp_path, embedder):
    other = KnowledgeBase(Config.from_env(store=store.config.store, lock_timeout_s=0.3), embedder=embedder).store
    held, release = threading.Event(), threading.Event()

    def hold():
        with store.writing():
            held.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    held.wait(5)
    heard: list[str] = []
    with pytest.raises(StoreLocked, match=r"another ingestion \(pid \d+ on .*\) is writing to"):
        with other.writing(on_wait=heard.append):
            pass
    assert heard and heard[0].startswith("waiting for another ingestion")
    release.set()
    t.join()
    with other.writing():  # free again
        pass


def test_reader_in_another_process_sees_new_vectors(store, tmp_path):
    _put(store, "first", [EN_PARKS])
    q = store.embedder.embed_query("eco-industrial parks")
    assert [h.chunk_id for h in store.vectors.query(q, 5, None)] == ["first:v1-00000"]
    writer = (
        "import sys; from kb import Config, KnowledgeBase; from tests.kb.store.test_store import _put;"
        f"kb = KnowledgeBase(Config.from_env(store={str(store.config.store)!r}));"
        f"_put(kb.store, 'second', [{EN_PARKS + ' Second edition.'!r}])"
    )
    subprocess.run([sys.executable, "-c", writer], cwd=PROJECT_ROOT, check=True, timeout=120)
    found = {h.chunk_id for h in store.vectors.query(q, 5, None)}
    # An embedded chromadb client never sees another process's writes by itself; the store reopens it.
    assert found == {"first:v1-00000", "second:v1-00000"}


HOSTILE = [
    "'; DROP TABLE chunks; --",
    '" OR 1=1 --',
    "$or",
    '{"$ne": null}',
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "\x00\x1b[31m drop",
    "%",
    "_",
    "*",
]
NO_WORDS = ["%", "_", "*", "?!", "\x00\x1b"]


def test_hostile_queries_and_filters_are_only_values(kb_small):
    from kb.api import make_filters
    from kb.search.search import QueryError

    before = (kb_small.store.manifest.chunk_count(), kb_small.store.vectors.count())
    for text in HOSTILE:
        kb_small.searcher.search(text, 3, extra=False)  # any query is just text to embed
        for field in ("jurisdiction", "level", "doc_type", "doc_id"):
            assert kb_small.search("supplier development", 3, filters=make_filters(**{field: text})) == []
        # A language the store does not have is refused by name (issue 14), hostile or not.
        with pytest.raises(QueryError, match="no passages in language"):
            kb_small.search("supplier development", 3, filters=make_filters(language=text))
    assert kb_small.store.manifest.chunks_by_id(HOSTILE) == {}
    assert kb_small.store.manifest.document_by_source(HOSTILE[0]) is None
    assert (kb_small.store.manifest.chunk_count(), kb_small.store.vectors.count()) == before


def test_hostile_text_is_stored_and_returned_verbatim(store):
    text = (
        "<script>alert('x')</script> [click](javascript:alert(1)) <img src=x onerror=alert(1)> "
        "'; DROP TABLE chunks; -- " + EN_PARKS
    )
    chunks = _put(store, "evil", [text])
    got = store.manifest.chunks_by_id([chunks[0].chunk_id])[chunks[0].chunk_id]
    assert got.text == text  # stored as data; escaping is the job of whatever renders it (app, exports)
    hits = store.vectors.query(store.embedder.embed_query("eco-industrial parks"), 1, {"doc_id": "evil"})
    assert [h.chunk_id for h in hits] == [chunks[0].chunk_id]


@pytest.mark.parametrize("text", NO_WORDS)
def test_a_query_without_words_returns_without_error(kb_small, text):
    assert isinstance(kb_small.search(text, 3), list)


def test_a_manifest_from_before_passage_kinds_is_migrated(tmp_path):
    import sqlite3

    from kb.store.manifest import Manifest
    from tests.kb.test_passage_kind import EN_PROSE_CITING, EN_REFERENCES

    path = tmp_path / "manifest.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE documents (doc_id TEXT PRIMARY KEY, source TEXT NOT NULL UNIQUE, title TEXT, publisher TEXT, "
        "year INTEGER, jurisdiction TEXT, level TEXT, doc_type TEXT, language TEXT, topics TEXT, url TEXT, "
        "licence TEXT, page_count INTEGER, empty_pages INTEGER, chunk_count INTEGER, file_size INTEGER, "
        "settings TEXT, ingested_at REAL);"
        "CREATE TABLE chunks (chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, ordinal INTEGER, text TEXT, "
        "page_start INTEGER, page_end INTEGER, section TEXT, language TEXT);"
    )
    db.execute("INSERT INTO documents(doc_id, source, title, chunk_count) VALUES ('d', '/x.md', 'X', 2)")
    db.executemany(
        "INSERT INTO chunks VALUES (?, 'd', ?, ?, 1, 1, '', 'en')",
        [("d:0", 0, EN_PROSE_CITING), ("d:1", 1, EN_REFERENCES)],
    )
    db.commit()
    db.close()
    m = Manifest(path)
    kinds = {cid: c.kind for cid, c in m.chunks_by_id(["d:0", "d:1"]).items()}
    assert kinds == {"d:0": "content", "d:1": "references"}
    assert m.generation() == 1 and m.chunk_ids(dense_only=True) == {"d:0"}
    m.close()
    assert Manifest(path).generation() == 1  # migrated once


def test_a_store_from_before_sentence_spans_answers_the_same_and_gains_them_on_ingest(tmp_path):
    """An older store has no ``sentences`` column: it gains it on open, its passages are split when quoted (same
    answer), and ``kb ingest`` re-chunks them (pipeline version) with their spans, re-embedding nothing."""
    import sqlite3

    from ingest import ingest_paths
    from ingest.pipeline import PIPELINE_VERSION
    from kb import KnowledgeBase
    from tests.fixtures import ES_PORT, ES_SUPPLIERS, write_md

    folder = tmp_path / "docs"
    write_md(folder / "plan.md", {"title": "Plan", "language": "es"}, f"# Proveedores\n\n{ES_SUPPLIERS}\n\n{ES_PORT}")
    question = "¿Qué reciben las empresas del programa de desarrollo de proveedores?"
    kb = KnowledgeBase.open(tmp_path / "store")
    assert ingest_paths(kb, [folder]).ok
    new_answer = kb.answer(question).text()
    assert new_answer and all(c.sentences for c in kb.store.manifest.iter_chunks())
    db = sqlite3.connect(tmp_path / "store" / "manifest.sqlite")
    db.execute("ALTER TABLE chunks DROP COLUMN sentences")
    old_settings = f"pipeline:{PIPELINE_VERSION}", "pipeline:before-spans"
    db.execute("UPDATE documents SET settings = replace(settings, ?, ?)", old_settings)
    db.commit()
    db.close()

    old = KnowledgeBase.open(tmp_path / "store")
    assert not any(c.sentences for c in old.store.manifest.iter_chunks())
    assert old.answer(question).text() == new_answer
    report = ingest_paths(old, [folder])
    assert report.ok and report.embedded == 0 and [f.outcome.value for f in report.files] == ["updated"]
    assert all(c.sentences for c in old.store.manifest.iter_chunks())
    assert old.answer(question).text() == new_answer
