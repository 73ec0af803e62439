"""The embedding cache: a passage is never embedded twice by the same model. One module owns its key, its storage
(a table in the manifest's SQLite file) and its logic (what reaches the model, in batches).

The key is (model identity, exact text), so a vector computed once on any machine is valid on every other one for
the same model and text, and for nothing else: vectors shipped beside a collection (``ingest/shipped_vectors.py``)
only seed the cache, and a passage whose text changed is simply embedded again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np

from kb.embedding import Embedder
from kb.store import steps
from kb.store.manifest import Manifest

TABLE = "CREATE TABLE IF NOT EXISTS embed_cache (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"
_SQL_VARIABLES = 500  # keys per SELECT … IN (…): SQLite's limit on bound variables is 999 in old builds


def cache_key(identity: object, text: str) -> str:
    """The cache's key for ``text`` under one model: the same on every machine."""
    return hashlib.sha256(f"{identity}\x00{text}".encode()).hexdigest()


class EmbeddingCache:
    """Vectors by (model, text), stored beside the manifest's tables and written in their transactions."""

    def __init__(self, manifest: Manifest, embedder: Embedder, store: Path) -> None:
        self.manifest = manifest
        self.embedder = embedder
        self.store = store  # announced with each batch to the crash tests' listeners (kb/store/steps.py)
        manifest.connection().execute(TABLE)  # autocommit, as the manifest creates its own tables

    def keys(self, texts: Sequence[str]) -> list[str]:
        ident = str(self.embedder.identity)
        return [cache_key(ident, t) for t in texts]

    def get(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        keys = list(keys)
        db = self.manifest.connection()
        for start in range(0, len(keys), _SQL_VARIABLES):
            part = keys[start : start + _SQL_VARIABLES]
            for r in db.execute(
                f"SELECT key, vector FROM embed_cache WHERE key IN ({', '.join('?' * len(part))})", part
            ):
                out[r["key"]] = np.frombuffer(r["vector"], dtype=np.float32)
        return out

    def put(self, items: Mapping[str, np.ndarray]) -> None:
        with self.manifest.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO embed_cache(key, vector) VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )

    def seed(self, vectors: Mapping[str, np.ndarray]) -> int:
        """Put the given key → vector pairs the cache lacks into it; returns how many were added."""
        if not vectors:
            return 0
        have = self.get(list(vectors))
        fresh = {k: v for k, v in vectors.items() if k not in have}
        if fresh:
            self.put(fresh)
        return len(fresh)

    def embed(
        self, texts: Sequence[str], batch: int, on_batch: Callable[[int, int], None] | None = None
    ) -> tuple[np.ndarray, int]:
        """Vectors for ``texts``; only passages this model has never embedded reach it. Returns (vectors, n
        embedded). ``on_batch(done, total)`` hears after each batch how many of the passages to embed are done."""
        keys = self.keys(texts)
        cached = self.get(keys)
        missing = [i for i, key in enumerate(keys) if key not in cached]
        if on_batch and missing:
            on_batch(0, len(missing))
        for start in range(0, len(missing), batch):
            idx = missing[start : start + batch]
            vecs = self.embedder.embed_passages([texts[i] for i in idx])
            fresh = {keys[i]: v for i, v in zip(idx, vecs)}
            self.put(fresh)
            cached.update(fresh)
            steps.reached("embed.batch", self.store)
            if on_batch:
                on_batch(min(start + batch, len(missing)), len(missing))
        dim = self.embedder.identity.dim
        out = np.stack([cached[key] for key in keys]) if keys else np.zeros((0, dim), dtype=np.float32)
        return out, len(missing)
