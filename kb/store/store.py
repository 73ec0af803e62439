"""The store: the manifest (what is committed) and the vector index, changed together in a crash-safe order."""

from __future__ import annotations

import os
import shutil
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np
from filelock import FileLock, Timeout

from kb.store import steps
from kb.config import Config
from kb.embedding import Embedder
from kb.errors import KbError
from kb.store.manifest import Manifest
from kb.passage_kind import is_content
from kb.records import Chunk, Document
from kb.store.vectors import VectorIndex


class StoreLocked(KbError, RuntimeError):
    """Another process is writing to the store (an ingestion or a deletion) and did not finish in time."""


def wipe(config: Config) -> None:
    """Delete a store's manifest, vectors and lexical index (not its uploaded files), to re-index from scratch after
    changing the embedding model. SQLite's ``-wal``/``-shm`` files go with the manifest, or a new one would replay
    the old one's log. A Chroma server's collection is not ours to drop: that is refused."""
    if config.chroma_url:
        raise KbError("the vectors are on a Chroma server: delete the collection on the server first")
    for p in (config.chroma_path, config.manifest_path, config.lexical_path):
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()
        for side in (Path(str(p) + "-wal"), Path(str(p) + "-shm")):
            side.unlink(missing_ok=True)


@dataclass
class StoreStats:
    documents: int
    chunks: int
    vectors: int
    languages: dict[str, int]
    jurisdictions: dict[str, int]
    doc_types: dict[str, int]


class Store:
    """One knowledge base on disk (or on a Chroma server, with the manifest on disk).

    Writing a document: (1) journal it as pending, (2) write its vectors under new chunk ids, (3) commit it in the
    manifest in one transaction, which also drops the old version's rows and journals the old version, (4) delete
    the vectors the manifest no longer names, (5) clear the journal. Search reads only committed chunks, so a
    reader sees the old or the new version, and ``repair`` finishes whatever a crash interrupted: for every
    journalled document it deletes the vectors that the manifest does not name. One writer at a time holds
    ``<store>/ingest.lock`` (an OS lock, released by the kernel even when the writer is killed).
    """

    def __init__(self, config: Config, embedder: Embedder) -> None:
        self.config = config
        self.embedder = embedder
        config.store.mkdir(parents=True, exist_ok=True)
        self.manifest = Manifest(config.manifest_path)
        self.vectors = VectorIndex(
            path=config.chroma_path,
            url=config.chroma_url,
            name=config.collection,
            identity=embedder.identity,
            generation=self.manifest.generation,
        )
        self.manifest.set_meta("embedder", str(embedder.identity))
        self._lock = FileLock(str(config.store / "ingest.lock"))
        self._owner = config.store / "ingest.lock.owner"

    # --- the writer lock ------------------------------------------------------------------------------
    @contextmanager
    def writing(self, timeout: float | None = None, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the store's writer lock (re-entrant within a thread). Waits up to ``timeout`` seconds (default
        ``KB_LOCK_TIMEOUT_S``), telling ``on_wait`` who holds it, then raises StoreLocked."""
        timeout = self.config.lock_timeout_s if timeout is None else timeout
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            holder = self.lock_holder()
            if on_wait:
                on_wait(f"waiting for another ingestion ({holder}) to finish on {self.config.store} …")
            try:
                self._lock.acquire(timeout=timeout)
            except Timeout:
                raise StoreLocked(
                    f"another ingestion ({holder}) is writing to {self.config.store} "
                    f"(waited {timeout:.0f} s); try again when it has finished"
                ) from None
        try:
            if self._lock.lock_counter == 1:
                self._owner.write_text(
                    f"pid {os.getpid()} on {socket.gethostname()}, since {time.strftime('%H:%M:%S')}"
                )
            yield
        finally:
            self._lock.release()

    def lock_holder(self) -> str:
        try:
            return self._owner.read_text().strip() or "unknown process"
        except OSError:
            return "unknown process"

    def _hook(self, point: str) -> None:
        steps.reached(point, self.config.store)

    # --- writes -----------------------------------------------------------------------------------------
    def put_document(self, doc: Document, chunks: Sequence[Chunk], vectors: np.ndarray) -> str | None:
        """Store a document's new version as a unit; returns the doc_id it replaced, if any. ``vectors`` holds one row
        per content chunk, in order: other kinds (title blocks, references…) have no vector."""
        doc_id = doc.doc_id
        dense = [c for c in chunks if is_content(c.kind)]
        if len(dense) != len(vectors):
            raise ValueError(f"{len(vectors)} vectors for {len(dense)} content passages")
        with self.writing():
            self.manifest.mark_pending(doc_id, "put")
            self._hook("put.pending")
            if dense:
                self.vectors.upsert([c.chunk_id for c in dense], vectors, [c.filter_values() for c in dense])
            self._hook("put.upserted")
            old = self.manifest.commit_document(doc, chunks)
            self.vectors.saw(self.manifest.generation())
            self._hook("put.committed")
            for stale in ([old] if old else []) + [doc_id]:
                self._reconcile(stale)
            self._hook("put.cleaned")
            for done in ([old] if old else []) + [doc_id]:
                self.manifest.clear_pending(done)
            return old

    def delete_document(self, doc_id: str) -> bool:
        with self.writing():
            self.manifest.mark_pending(doc_id, "delete")
            self._hook("delete.pending")
            existed = self.manifest.remove_document(doc_id)
            self.vectors.saw(self.manifest.generation())
            self._hook("delete.committed")
            self._reconcile(doc_id)
            self.manifest.clear_pending(doc_id)
            return existed

    def _reconcile(self, doc_id: str) -> int:
        """Delete the vectors of ``doc_id`` that the manifest does not name (all of them if it is not committed)."""
        stale = sorted(set(self.vectors.ids_for_doc(doc_id)) - self.manifest.chunk_ids(doc_id))
        if stale:
            self.vectors.delete_ids(stale)
        return len(stale)

    def repair(self) -> list[str]:
        """Finish writes that a crash interrupted; returns the doc_ids whose stray vectors were removed.

        The manifest decides: a journalled document that is committed keeps exactly its committed chunks' vectors
        (its write finished, or a delete never reached the manifest); one that is not loses all its vectors."""
        cleaned = []
        with self.writing():
            for doc_id, _action in self.manifest.pending():
                if self._reconcile(doc_id):
                    cleaned.append(doc_id)
                self.manifest.clear_pending(doc_id)
        return cleaned

    def repair_if_idle(self) -> list[str]:
        """``repair`` when a crash left work in the journal and no writer holds the lock; else nothing. Cheap (one
        SELECT) when there is nothing to do, so every open calls it: the next ``kb ingest`` is not the only repair."""
        if not self.manifest.pending():
            return []
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return []  # a running ingestion's journal is not a crash
        try:
            return self.repair()
        finally:
            self._lock.release()

    def verify(self) -> dict[str, list[str]]:
        """A full consistency check (slow on big stores): chunk ids with a vector but not committed (orphans),
        and committed content chunk ids without a vector (missing; other kinds are never embedded)."""
        with_vectors = set(self.vectors.all_ids())
        return {
            "orphan_vectors": sorted(with_vectors - self.manifest.chunk_ids()),
            "missing_vectors": sorted(self.manifest.chunk_ids(dense_only=True) - with_vectors),
        }

    def stats(self) -> StoreStats:
        docs = self.manifest.documents()
        langs: dict[str, int] = {}
        for c in self.manifest.iter_chunks():
            langs[c.language or "?"] = langs.get(c.language or "?", 0) + 1

        def tally(key: str) -> dict[str, int]:
            out: dict[str, int] = {}
            for d in docs:
                value = getattr(d, key) or "?"
                out[value] = out.get(value, 0) + 1
            return dict(sorted(out.items()))

        return StoreStats(
            len(docs),
            self.manifest.chunk_count(),
            self.vectors.count(),
            dict(sorted(langs.items())),
            tally("jurisdiction"),
            tally("doc_type"),
        )
