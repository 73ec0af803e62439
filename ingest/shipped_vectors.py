"""Passage vectors shipped beside a collection (``_vectors/<model>.npz``), so a fresh store does not wait for the model.

Embedding is ~95 % of ingestion time (about 3 passages/s on two cores): the starter corpus took 103–466 s to ingest
on a fresh clone before anything could be searched. The embedding cache (``kb/store/embed_cache.py``) is keyed by
(model identity, exact text), so vectors computed once on any machine are valid on every other one for the same model
and text, and for nothing else: a shipped file only seeds the cache (``Index.seed``), and a passage whose text changed
is simply embedded again.

File format (numpy ``.npz``, no pickles): ``identity`` (the embedder's identity string), ``keys`` (cache keys,
hex) and ``vectors`` (float32, one row per key).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

import numpy as np

VECTORS_DIR = "_vectors"  # a ``_`` folder: never ingested as documents (see pipeline.discover)
_PARENT_LEVELS = 3  # a collection's _vectors folder sits at its root; ingesting a sub-folder still finds it


def file_name(identity: object) -> str:
    """``_vectors/<slug>.npz`` name for a model, readable and safe on every filesystem."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(identity).lower()).strip("-")
    return f"{slug[:80]}.npz"


def find_files(roots: Iterable[Path], identity: object) -> list[Path]:
    """Shipped vector files for this model in the folders being ingested or a few levels above them."""
    name = file_name(identity)
    found: list[Path] = []
    for root in roots:
        folder = Path(root).resolve()
        folder = folder if folder.is_dir() else folder.parent
        for candidate in [folder, *folder.parents][: _PARENT_LEVELS + 1]:
            path = candidate / VECTORS_DIR / name
            if path.is_file():
                found.append(path)
    return list(dict.fromkeys(found))


def read(path: Path, identity: object) -> dict[str, np.ndarray]:
    """key → vector from one file; empty when the file was made by another model (its keys could never match, and
    its rows would only take space in the cache)."""
    with np.load(path, allow_pickle=False) as data:
        if str(data["identity"]) != str(identity):
            return {}
        keys = [str(k) for k in data["keys"]]
        vectors = np.asarray(data["vectors"], dtype=np.float32)
    return dict(zip(keys, vectors))


def write(path: Path, identity: object, vectors: dict[str, np.ndarray]) -> None:
    """Write a vector file atomically, keys sorted, so the same vectors give the same bytes."""
    keys = sorted(vectors)
    matrix = np.stack([vectors[k] for k in keys]).astype(np.float32) if keys else np.zeros((0, 0), np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, identity=np.array(str(identity)), keys=np.array(keys), vectors=matrix)
    tmp.replace(path)
