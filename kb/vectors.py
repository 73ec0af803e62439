"""The vector index: a chromadb collection (embedded or a Chroma server) that is only ever given our own vectors."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence
from urllib.parse import urlparse

import numpy as np

from kb.embedding import EmbedderIdentity

READ_RETRIES = 3  # reloads of an embedded index that another process is writing to, before giving up

# chromadb reads this at import time; telemetry would try the network.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


class EmbedderMismatch(RuntimeError):
    """The store was built with another model; mixing vectors from two models gives nonsense."""


@dataclass
class DenseHit:
    chunk_id: str
    distance: float
    embedding: np.ndarray | None


@lru_cache(maxsize=8)
def chroma_client(path: str = "", url: str = ""):
    """One client per process and location (chromadb clients are heavy and keep their own caches)."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url)
        return chromadb.HttpClient(host=parsed.hostname or "127.0.0.1", port=parsed.port or 8000,
                                   ssl=parsed.scheme == "https", settings=settings)
    Path(path).mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=path, settings=settings)


def reopen_local_client(path: str):
    """A fresh embedded client for ``path``. An embedded client loads the vector index once and never sees what
    another process writes later (measured with chromadb 1.5.9), so a reader reopens it when the manifest says
    another process committed. Only this path's cached system is dropped; other stores in the process keep theirs."""
    from chromadb.api.shared_system_client import SharedSystemClient

    chroma_client.cache_clear()  # lru_cache cannot drop one key; the other entries are rebuilt cheaply on demand
    with SharedSystemClient._refcount_lock:
        SharedSystemClient._identifier_to_system.pop(path, None)  # not stopped: another thread may be querying it
        SharedSystemClient._identifier_to_refcount.pop(path, None)
    return chroma_client(path, "")


class VectorIndex:
    """Chunk vectors + filterable metadata in one cosine-space collection."""

    def __init__(self, *, path: Path, url: str, name: str, identity: EmbedderIdentity,
                 generation: Callable[[], int] | None = None) -> None:
        self._path = str(path) if not url else ""
        self._url = url
        self._name = name
        self.identity = identity
        # A reader in another process than the writer reopens the embedded index when this number changes.
        self._generation = generation if not url else None
        self._seen = generation() if self._generation else 0
        self._client = chroma_client(self._path, url)
        self._col = self._collection()
        self._check_identity()

    def _collection(self):
        # embedding_function=None: chromadb must never embed (its default model would be downloaded).
        try:
            return self._client.get_collection(name=self._name, embedding_function=None)
        except Exception:  # chromadb raises NotFoundError (a ValueError in some versions) for a new store
            return self._client.create_collection(
                name=self._name,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"embedder": self.identity.name, "embedder_version": self.identity.version,
                          "dim": self.identity.dim},
                get_or_create=True,
            )

    def saw(self, generation: int) -> None:
        """This process wrote ``generation`` itself: its client already holds those vectors."""
        self._seen = generation

    def _refresh(self, force: bool = False) -> None:
        if self._generation is None:
            return
        now = self._generation()
        if force or now != self._seen:
            self._client = reopen_local_client(self._path)
            self._col = self._collection()
            self._seen = now

    def _check_identity(self) -> None:
        md = self._col.metadata or {}
        stored = (md.get("embedder"), md.get("embedder_version"), md.get("dim"))
        wanted = (self.identity.name, self.identity.version, self.identity.dim)
        if stored != wanted:
            raise EmbedderMismatch(
                f"this store was built with {stored[0]} {stored[1]} ({stored[2]}-d) but the embedder is "
                f"{self.identity}. Vectors from two models cannot be mixed: use the original embedder, or "
                f"re-index into a fresh store with `kb ingest --reindex PATH` (or another --store)."
            )

    def count(self) -> int:
        return self._col.count()

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, texts: Sequence[str], metadatas: Sequence[dict]) -> None:
        for start in range(0, len(ids), 1000):
            end = start + 1000
            self._col.upsert(ids=list(ids[start:end]), embeddings=np.asarray(vectors[start:end], dtype=np.float32),
                             documents=list(texts[start:end]), metadatas=list(metadatas[start:end]))

    def delete_doc(self, doc_id: str) -> None:
        self._col.delete(where={"doc_id": doc_id})

    def delete_ids(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), 1000):
            self._col.delete(ids=list(ids[start:start + 1000]))

    def all_ids(self) -> list[str]:
        """Every chunk id with a vector (duplicates are impossible: ids are the collection's primary key)."""
        out: list[str] = []
        total = self._col.count()
        for offset in range(0, total, 5000):
            out.extend(self._col.get(include=[], limit=5000, offset=offset)["ids"])
        return out

    def doc_ids(self) -> set[str]:
        """Every doc_id that has vectors (used to find orphans after a crash)."""
        seen: set[str] = set()
        total = self._col.count()
        for offset in range(0, total, 5000):
            got = self._col.get(include=["metadatas"], limit=5000, offset=offset)
            seen.update(md["doc_id"] for md in got["metadatas"] if md)
        return seen

    def ids_for_doc(self, doc_id: str) -> list[str]:
        return list(self._col.get(where={"doc_id": doc_id}, include=[])["ids"])

    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None, with_embeddings: bool = True) -> list[DenseHit]:
        if n <= 0:
            return []
        self._refresh()
        include = ["distances", "embeddings"] if with_embeddings else ["distances"]
        for attempt in range(READ_RETRIES + 1):
            try:
                res = self._col.query(query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=n,
                                      where=where, include=include)
                break
            except Exception:
                # Another process wrote vectors since this one loaded the index: the metadata it filters on (shared
                # SQLite) names ids its in-memory index lacks ("Error finding id"). Reload and ask again.
                if self._generation is None or attempt == READ_RETRIES:
                    raise
                time.sleep(0.05 * attempt)
                self._refresh(force=True)
        ids = res["ids"][0]
        dists = res["distances"][0]
        embs = res.get("embeddings")
        embs = embs[0] if embs is not None and len(embs) else [None] * len(ids)
        return [DenseHit(i, float(d), None if e is None else np.asarray(e, dtype=np.float32))
                for i, d, e in zip(ids, dists, embs)]
