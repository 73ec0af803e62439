"""The manifest: a SQLite file that is the source of truth for which documents (and chunks) are committed."""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from kb.records import Chunk, DocumentMeta, summary_of

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, source TEXT NOT NULL UNIQUE, title TEXT, publisher TEXT, year INTEGER,
    jurisdiction TEXT, level TEXT, doc_type TEXT, language TEXT, topics TEXT, url TEXT, licence TEXT,
    page_count INTEGER, empty_pages INTEGER, chunk_count INTEGER, file_size INTEGER,
    settings TEXT, ingested_at REAL, source_title TEXT, source_publisher TEXT, source_year INTEGER,
    source_url TEXT, source_note TEXT
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, ordinal INTEGER, text TEXT, page_start INTEGER,
    page_end INTEGER, section TEXT, language TEXT, kind TEXT NOT NULL DEFAULT 'content'
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS embed_cache (key TEXT PRIMARY KEY, vector BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS pending (doc_id TEXT PRIMARY KEY, action TEXT NOT NULL, started_at REAL);
"""

DOC_COLUMNS = ("doc_id", "source", "title", "publisher", "year", "jurisdiction", "level", "doc_type", "language",
               "topics", "url", "licence", "page_count", "empty_pages", "chunk_count", "file_size", "settings",
               "ingested_at", "source_title", "source_publisher", "source_year", "source_url", "source_note")
# Columns added after the first release, created on open in older manifests (a NULL there means "not given").
_ADDED_DOC_COLUMNS = {"source_title": "TEXT", "source_publisher": "TEXT", "source_year": "INTEGER",
                      "source_url": "TEXT", "source_note": "TEXT"}
# The document fields a chunk carries: ``year`` is the content year (the summarised document's, else the
# document's own), ``doc_year`` the document's own.
_CHUNK_DOC_FIELDS = ("d.title, d.publisher, COALESCE(d.source_year, d.year) AS year, d.year AS doc_year, "
                     "d.jurisdiction, d.level, d.doc_type, d.source, d.url, d.source_title, d.source_publisher, "
                     "d.source_year, d.source_url")


class Manifest:
    """Documents, their chunks and the embedding cache. One transaction commits a document's new version."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # check_same_thread=False: Streamlit serves reruns from several threads; SQLite serialises writes itself.
        self._db = sqlite3.connect(path, timeout=60, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        have = {r["name"] for r in self._db.execute("PRAGMA table_info(documents)")}
        for name, kind in _ADDED_DOC_COLUMNS.items():
            if name not in have:
                self._db.execute(f"ALTER TABLE documents ADD COLUMN {name} {kind}")
        self._add_kinds()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _add_kinds(self) -> None:
        """Stores from before passage kinds: add the column and classify the stored passages by their text (the
        title-block split of the page layout needs a re-ingest, which pipeline version 5 triggers and which re-embeds
        nothing). Readers reload on the generation bump, so the lexical index learns the kinds too."""
        columns = {r["name"] for r in self._db.execute("PRAGMA table_info(chunks)")}
        if "kind" in columns:
            return
        from kb.passage_kind import classify

        with self.transaction() as db:
            if "kind" in {r["name"] for r in db.execute("PRAGMA table_info(chunks)")}:
                return  # another process migrated it while we waited for the write lock
            db.execute("ALTER TABLE chunks ADD COLUMN kind TEXT NOT NULL DEFAULT 'content'")
            rows = db.execute("SELECT chunk_id, text, ordinal FROM chunks").fetchall()
            changed = [(k, r["chunk_id"]) for r in rows
                       if (k := classify(r["text"] or "", first=r["ordinal"] == 0)) != "content"]
            db.executemany("UPDATE chunks SET kind=? WHERE chunk_id=?", changed)
            self._bump(db)

    # --- key/value settings -------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row["value"] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def generation(self) -> int:
        """A number that changes whenever documents are committed or removed (readers reload on change)."""
        return int(self.get_meta("generation") or 0)

    def _bump(self, db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO meta(key, value) VALUES ('generation', '1') "
                   "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")

    # --- documents ----------------------------------------------------------------------------------
    def commit_document(self, doc_id: str, source: str, meta: DocumentMeta, *, page_count: int, empty_pages: int,
                        file_size: int, settings: str, chunks: Sequence[Chunk]) -> str | None:
        """Make ``doc_id`` the current version of ``source``; returns the doc_id it replaced, if any."""
        with self.transaction() as db:
            old = db.execute("SELECT doc_id FROM documents WHERE source=?", (source,)).fetchone()
            old_id = old["doc_id"] if old else None
            if old_id:
                db.execute("DELETE FROM chunks WHERE doc_id=?", (old_id,))
                db.execute("DELETE FROM documents WHERE doc_id=?", (old_id,))
                # Journalled in the same transaction: a crash right after the commit still finds the old
                # version's vectors to delete.
                db.execute("INSERT OR REPLACE INTO pending(doc_id, action, started_at) VALUES (?, 'replaced', ?)",
                           (old_id, time.time()))
            db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
            db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
            db.execute(
                f"INSERT INTO documents({', '.join(DOC_COLUMNS)}) VALUES ({', '.join('?' * len(DOC_COLUMNS))})",
                (doc_id, source, meta.title, meta.publisher, meta.year, meta.jurisdiction, meta.level, meta.doc_type,
                 meta.language, json.dumps(meta.topics, ensure_ascii=False), meta.url, meta.licence, page_count,
                 empty_pages, len(chunks), file_size, settings, time.time(), meta.source_title or None,
                 meta.source_publisher or None, meta.source_year, meta.source_url or None, meta.source_note or None),
            )
            db.executemany(
                "INSERT INTO chunks(chunk_id, doc_id, ordinal, text, page_start, page_end, section, language, kind) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(c.chunk_id, c.doc_id, c.ordinal, c.text, c.page_start, c.page_end, c.section, c.language,
                  c.kind or "content") for c in chunks],
            )
            self._bump(db)
        return old_id if old_id != doc_id else None

    def remove_document(self, doc_id: str) -> bool:
        with self.transaction() as db:
            db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
            gone = db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,)).rowcount
            self._bump(db)
        return bool(gone)

    def document(self, doc_id: str) -> dict | None:
        row = self._db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return _doc_row(row) if row else None

    def document_by_source(self, source: str) -> dict | None:
        row = self._db.execute("SELECT * FROM documents WHERE source=?", (source,)).fetchone()
        return _doc_row(row) if row else None

    def documents(self) -> list[dict]:
        return [_doc_row(r) for r in self._db.execute("SELECT * FROM documents ORDER BY source")]

    def doc_ids(self) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT doc_id FROM documents")}

    # --- the journal of vector-index work not yet finished (read by repair after a crash) ---------------
    def mark_pending(self, doc_id: str, action: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO pending(doc_id, action, started_at) VALUES (?, ?, ?)",
                         (doc_id, action, time.time()))

    def clear_pending(self, doc_id: str) -> None:
        self._db.execute("DELETE FROM pending WHERE doc_id=?", (doc_id,))

    def pending(self) -> list[tuple[str, str]]:
        return [(r["doc_id"], r["action"]) for r in self._db.execute("SELECT doc_id, action FROM pending")]

    def chunk_ids(self, doc_id: str | None = None, *, dense_only: bool = False) -> set[str]:
        """Committed chunk ids, of one document or of all; ``dense_only``: content passages only (the ones with
        a vector)."""
        kind = " AND kind='content'" if dense_only else ""
        if doc_id is None:
            return {r[0] for r in self._db.execute(f"SELECT chunk_id FROM chunks WHERE 1=1{kind}")}
        return {r[0] for r in self._db.execute(f"SELECT chunk_id FROM chunks WHERE doc_id=?{kind}", (doc_id,))}

    def committed(self, chunk_ids: Sequence[str]) -> set[str]:
        """The ids among ``chunk_ids`` that are committed (a primary-key lookup: cheap for a leg's candidates)."""
        ids = list(chunk_ids)
        out: set[str] = set()
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            out.update(r[0] for r in self._db.execute(
                f"SELECT chunk_id FROM chunks WHERE chunk_id IN ({', '.join('?' * len(part))})", part))
        return out

    # --- chunks -------------------------------------------------------------------------------------
    def chunks_by_id(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        """Committed chunks with their document's fields; ids of uncommitted or removed chunks are absent."""
        out: dict[str, Chunk] = {}
        ids = list(chunk_ids)
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            rows = self._db.execute(
                f"SELECT c.*, {_CHUNK_DOC_FIELDS} "
                f"FROM chunks c JOIN documents d ON d.doc_id = c.doc_id WHERE c.chunk_id IN ({', '.join('?' * len(part))})",
                part,
            )
            for r in rows:
                out[r["chunk_id"]] = _chunk_row(r)
        return out

    def iter_chunks(self) -> Iterator[Chunk]:
        rows = self._db.execute(
            f"SELECT c.*, {_CHUNK_DOC_FIELDS} "
            "FROM chunks c JOIN documents d ON d.doc_id = c.doc_id ORDER BY c.doc_id, c.ordinal"
        )
        for r in rows:
            yield _chunk_row(r)

    def chunk_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def languages(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT DISTINCT language FROM chunks ORDER BY language") if r[0]]

    # --- embedding cache: a passage is never embedded twice by the same model -----------------------
    def cached_vectors(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        keys = list(keys)
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            for r in self._db.execute(
                f"SELECT key, vector FROM embed_cache WHERE key IN ({', '.join('?' * len(part))})", part
            ):
                out[r["key"]] = np.frombuffer(r["vector"], dtype=np.float32)
        return out

    def cache_vectors(self, items: dict[str, np.ndarray]) -> None:
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO embed_cache(key, vector) VALUES (?, ?)",
                           [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()])


def _doc_row(row: sqlite3.Row) -> dict:
    doc = dict(row)
    doc["topics"] = json.loads(doc["topics"] or "[]")
    return doc


def _chunk_row(r: sqlite3.Row) -> Chunk:
    return Chunk(
        chunk_id=r["chunk_id"], doc_id=r["doc_id"], ordinal=r["ordinal"], text=r["text"], page_start=r["page_start"],
        page_end=r["page_end"], section=r["section"] or "", language=r["language"] or "",
        kind=r["kind"] or "content", title=r["title"] or "",
        publisher=r["publisher"] or "", year=r["year"], jurisdiction=r["jurisdiction"] or "", level=r["level"] or "",
        doc_type=r["doc_type"] or "", source=r["source"] or "", url=r["url"] or "", doc_year=r["doc_year"],
        summarises=summary_of(r["source_title"] or "", r["source_publisher"] or "", r["source_year"]),
        source_url=r["source_url"] or "",
    )
