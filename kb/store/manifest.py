"""The manifest: a SQLite file that is the source of truth for which documents (and chunks) are committed."""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import MISSING, Field, replace
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from kb.records import Chunk, Document, stored_fields

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pending (doc_id TEXT PRIMARY KEY, action TEXT NOT NULL, started_at REAL);
"""
# The documents and chunks tables are derived from the records (kb/records.py): one column per stored field.
TABLES: dict[str, type] = {"documents": Document, "chunks": Chunk}
DOC_COLUMNS = tuple(f.name for f in stored_fields(Document))
CHUNK_COLUMNS = tuple(f.name for f in stored_fields(Chunk))


def _sql_type(f: Field[Any]) -> str:
    """A field's column type, from its annotation (a string: the records module postpones annotations)."""
    kind = str(f.type)
    return (
        "TEXT"
        if "list" in kind or "str" in kind
        else "INTEGER"
        if "int" in kind
        else "REAL"
        if "float" in kind
        else "TEXT"
    )


def _column(f: Field[Any]) -> str:
    return f"{f.name} {f.metadata.get('sql') or _sql_type(f)}"


def _to_sql(f: Field[Any], value: Any) -> Any:
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return None if value == "" else value  # NULL: unknown


def _from_sql(f: Field[Any], value: Any) -> Any:
    if value is None:  # unknown, or a column added after the row was written
        return f.default_factory() if f.default_factory is not MISSING else f.default
    if "list" in str(f.type):
        return json.loads(value or "[]")
    return value


_DOC_FIELDS = stored_fields(Document)
_CHUNK_FIELDS = stored_fields(Chunk)
# A chunk row joined with its document's row: document columns are selected as "d.<name>".
_CHUNK_SELECT = ", ".join([f"c.{n}" for n in CHUNK_COLUMNS] + [f'd.{n} AS "d.{n}"' for n in DOC_COLUMNS])


def _document(row: sqlite3.Row, prefix: str = "") -> Document:
    return Document(**{f.name: _from_sql(f, row[prefix + f.name]) for f in _DOC_FIELDS})


class Manifest:
    """Documents and their chunks. One transaction commits a document's new version. The same file holds the
    embedding cache's table (``kb/store/embed_cache.py`` owns it)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # check_same_thread=False: Streamlit serves reruns from several threads; SQLite serialises writes itself.
        self._db = sqlite3.connect(path, timeout=60, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._migrate()

    def _migrate(self) -> None:
        """Create the documents and chunks tables from the records, and add the columns of fields added since a
        manifest was written (their value is unknown, NULL, until the document is ingested again)."""
        for table, record in TABLES.items():
            columns = stored_fields(record)
            self._db.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(_column(f) for f in columns)})")
        self._add_kinds()  # before the generic step: its column comes with each stored passage's kind
        for table, record in TABLES.items():
            columns = stored_fields(record)
            have = {r["name"] for r in self._db.execute(f"PRAGMA table_info({table})")}
            for f in columns:
                if f.name not in have:
                    try:
                        self._db.execute(f"ALTER TABLE {table} ADD COLUMN {f.name} {_sql_type(f)}")
                    except sqlite3.OperationalError as exc:  # another process added it since we looked
                        if "duplicate column" not in str(exc):
                            raise
        self._db.execute("CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id)")

    def close(self) -> None:
        self._db.close()

    def connection(self) -> sqlite3.Connection:
        """The connection, for reads of the tables other modules own in this file (the embedding cache)."""
        return self._db

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
            changed = [
                (k, r["chunk_id"])
                for r in rows
                if (k := classify(r["text"] or "", first=r["ordinal"] == 0)) != "content"
            ]
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
        db.execute(
            "INSERT INTO meta(key, value) VALUES ('generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    # --- documents ----------------------------------------------------------------------------------
    def commit_document(self, doc: Document, chunks: Sequence[Chunk]) -> str | None:
        """Make ``doc`` the current version of its source (with ``chunks``); returns the doc_id it replaced."""
        doc = replace(doc, chunk_count=len(chunks), ingested_at=time.time())
        with self.transaction() as db:
            old = db.execute("SELECT doc_id FROM documents WHERE source=?", (doc.source,)).fetchone()
            old_id = old["doc_id"] if old else None
            if old_id:
                db.execute("DELETE FROM chunks WHERE doc_id=?", (old_id,))
                db.execute("DELETE FROM documents WHERE doc_id=?", (old_id,))
                # Journalled in the same transaction: a crash right after the commit still finds the old
                # version's vectors to delete.
                db.execute(
                    "INSERT OR REPLACE INTO pending(doc_id, action, started_at) VALUES (?, 'replaced', ?)",
                    (old_id, time.time()),
                )
            db.execute("DELETE FROM chunks WHERE doc_id=?", (doc.doc_id,))
            db.execute("DELETE FROM documents WHERE doc_id=?", (doc.doc_id,))
            db.execute(
                f"INSERT INTO documents({', '.join(DOC_COLUMNS)}) VALUES ({', '.join('?' * len(DOC_COLUMNS))})",
                [_to_sql(f, getattr(doc, f.name)) for f in _DOC_FIELDS],
            )
            db.executemany(
                f"INSERT INTO chunks({', '.join(CHUNK_COLUMNS)}) VALUES ({', '.join('?' * len(CHUNK_COLUMNS))})",
                [[_to_sql(f, getattr(c, f.name)) for f in _CHUNK_FIELDS] for c in chunks],
            )
            self._bump(db)
        return old_id if old_id != doc.doc_id else None

    def remove_document(self, doc_id: str) -> bool:
        with self.transaction() as db:
            db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
            gone = db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,)).rowcount
            self._bump(db)
        return bool(gone)

    def document(self, doc_id: str) -> Document | None:
        row = self._db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return _document(row) if row else None

    def document_by_source(self, source: str) -> Document | None:
        row = self._db.execute("SELECT * FROM documents WHERE source=?", (source,)).fetchone()
        return _document(row) if row else None

    def documents(self) -> list[Document]:
        return [_document(r) for r in self._db.execute("SELECT * FROM documents ORDER BY source")]

    def doc_ids(self) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT doc_id FROM documents")}

    # --- the journal of vector-index work not yet finished (read by repair after a crash) ---------------
    def mark_pending(self, doc_id: str, action: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO pending(doc_id, action, started_at) VALUES (?, ?, ?)", (doc_id, action, time.time())
        )

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
            part = ids[start : start + 500]
            out.update(
                r[0]
                for r in self._db.execute(
                    f"SELECT chunk_id FROM chunks WHERE chunk_id IN ({', '.join('?' * len(part))})", part
                )
            )
        return out

    # --- chunks -------------------------------------------------------------------------------------
    def chunks_by_id(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        """Committed chunks with their document's fields; ids of uncommitted or removed chunks are absent."""
        out: dict[str, Chunk] = {}
        ids = list(chunk_ids)
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            rows = self._db.execute(
                f"SELECT {_CHUNK_SELECT} FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
                f"WHERE c.chunk_id IN ({', '.join('?' * len(part))})",
                part,
            )
            docs: dict[str, Document] = {}
            for r in rows:
                out[r["chunk_id"]] = _chunk(r, docs)
        return out

    def iter_chunks(self) -> Iterator[Chunk]:
        rows = self._db.execute(
            f"SELECT {_CHUNK_SELECT} FROM chunks c JOIN documents d ON d.doc_id = c.doc_id ORDER BY c.doc_id, c.ordinal"
        )
        docs: dict[str, Document] = {}
        for r in rows:
            yield _chunk(r, docs)

    def chunk_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def languages(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT DISTINCT language FROM chunks ORDER BY language") if r[0]]


def _chunk(row: sqlite3.Row, docs: dict[str, Document]) -> Chunk:
    """A chunk with its document, built once per document (``docs``) and shared by its chunks."""
    doc_id = row["doc_id"]
    if doc_id not in docs:
        docs[doc_id] = _document(row, "d.")
    return Chunk(**{f.name: _from_sql(f, row[f.name]) for f in _CHUNK_FIELDS}, doc=docs[doc_id])
