"""The write port: everything that changes a knowledge base goes through an ``Index``, under the store's lock.

It owns the whole write protocol: the embedding cache (``kb/store/embed_cache.py``), the crash-ordered journal →
vectors → manifest commit → clean-up sequence and its repair (``kb/store/store.py``), and the lexical index derived
from the manifest (``kb/store/lexical.py``). Ingestion (``ingest/``) is a producer of prepared documents that calls
only this port; the facade (``kb/api.py``) builds one per knowledge base (``KnowledgeBase.index``).

A batch, as ``ingest`` writes it::

    with index.writing(on_wait=say):
        index.repair()
        index.seed(shipped)          # vectors shipped beside a collection
    for each file:                    # the lock is taken per document, not for the whole batch
        if index.current(source) is up to date: skip
        index.put(document, chunks, texts)
    with index.writing(on_wait=say):
        index.prune(folders)
        index.indexed()              # the derived (lexical) index catches up
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np

from kb.config import Config
from kb.embedding import EmbedderIdentity
from kb.passage_kind import is_content
from kb.records import Chunk, Document
from kb.store import steps
from kb.store.embed_cache import EmbeddingCache
from kb.store.lexical import LexicalIndex
from kb.store.store import Store, StoreLocked

__all__ = ["Index", "Stored", "StoreLocked"]

Progress = Callable[[str, int, int], None]  # (stage, done, total): "embedding" per batch, then "storing"


@dataclass(frozen=True)
class Stored:
    """What ``Index.put`` did: passages embedded now, taken from the cache, and not embedded (not content)."""

    embedded: int
    reused: int
    not_embedded: int
    replaced: str | None  # the doc_id of the version it replaced


class Index:
    """The write port of one store (see the module docstring)."""

    def __init__(self, store: Store, lexical: LexicalIndex) -> None:
        self.store = store
        self.lexical = lexical
        self.cache = EmbeddingCache(store.manifest, store.embedder, store.config.store)

    @property
    def config(self) -> Config:
        return self.store.config

    @property
    def identity(self) -> EmbedderIdentity:
        """The model the vectors come from: part of every stored document's settings."""
        return self.store.embedder.identity

    def writing(
        self, timeout: float | None = None, on_wait: Callable[[str], None] | None = None
    ) -> AbstractContextManager[None]:
        """Hold the store's writer lock (re-entrant); raises StoreLocked after ``timeout`` (KB_LOCK_TIMEOUT_S)."""
        return self.store.writing(timeout, on_wait)

    # --- reads a writer needs --------------------------------------------------------------------------
    def current(self, source: str) -> Document | None:
        """The stored version of the file at ``source``, if any (its ``doc_id`` and ``settings`` say whether it is
        up to date)."""
        return self.store.manifest.document_by_source(source)

    def document(self, doc_id: str) -> Document | None:
        return self.store.manifest.document(doc_id)

    # --- the embedding cache -----------------------------------------------------------------------------
    def seed(self, vectors: Mapping[str, np.ndarray]) -> int:
        """Add shipped key → vector pairs (``ingest/shipped_vectors.py``) the cache lacks; returns how many."""
        return self.cache.seed(vectors)

    def cache_keys(self, texts: Sequence[str]) -> list[str]:
        return self.cache.keys(texts)

    def embed(self, texts: Sequence[str], on_batch: Callable[[int, int], None] | None = None) -> tuple[np.ndarray, int]:
        """Vectors for ``texts`` through the cache (KB_EMBED_BATCH at a time); returns (vectors, n embedded now)."""
        return self.cache.embed(texts, self.config.embed_batch, on_batch)

    # --- writes ------------------------------------------------------------------------------------------
    def put(
        self, doc: Document, chunks: Sequence[Chunk], texts: Sequence[str], progress: Progress | None = None
    ) -> Stored:
        """Store a document's new version as a unit. ``texts[i]`` is what ``chunks[i]`` is embedded with; only
        content passages are (title blocks, tables of contents, references and indexes stay lexical). The lock is
        taken for the write itself, not while embedding."""
        dense = [t for t, c in zip(texts, chunks) if is_content(c.kind)]
        vectors, embedded = self.embed(dense, (lambda d, t: progress("embedding", d, t)) if progress else None)
        if progress:
            progress("storing", len(chunks), len(chunks))
        replaced = self.store.put_document(doc, chunks, vectors)
        return Stored(embedded, len(dense) - embedded, len(chunks) - len(dense), replaced)

    def delete(self, doc_id: str) -> bool:
        """Remove a document (its vectors and passages) as a unit; the lexical index catches up at ``indexed``."""
        return self.store.delete_document(doc_id)

    def prune(self, folders: Sequence[Path]) -> list[str]:
        """Remove the documents under ``folders`` whose file is gone; returns their sources."""
        roots = [f.resolve() for f in folders if f.is_dir()]
        gone = []
        for doc in self.store.manifest.documents():
            src = Path(doc.source)
            if any(src.is_relative_to(f) for f in roots) and not src.exists():
                self.delete(doc.doc_id)
                gone.append(doc.source)
        return gone

    def repair(self) -> list[str]:
        """Finish what a crash interrupted (the journal); returns the doc_ids whose stray vectors went."""
        return self.store.repair()

    def indexed(self) -> None:
        """A batch is stored: bring the derived lexical index up to the manifest."""
        steps.reached("batch.indexed", self.config.store)
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the lexical index's changed segments from the manifest (after a batch or a deletion)."""
        self.lexical.rebuild()
