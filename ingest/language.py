"""Language detection with langdetect, made deterministic, and never trusted on short text."""

from __future__ import annotations

import threading

from langdetect import DetectorFactory, LangDetectException, detect_langs

DetectorFactory.seed = 0  # langdetect samples at random unless seeded
_LOCK = threading.Lock()  # its factory is shared, lazily-initialised global state


def detect_language(text: str, *, fallback: str = "", min_words: int = 12, min_prob: float = 0.70) -> str:
    """ISO 639-1 code of ``text``; ``fallback`` when the text is short or the guess is weak."""
    if len(text.split()) < min_words:
        return fallback
    try:
        with _LOCK:
            DetectorFactory.seed = 0
            guesses = detect_langs(text)
    except LangDetectException:
        return fallback
    best = guesses[0]
    if best.prob < min_prob:
        return fallback or best.lang
    return best.lang
