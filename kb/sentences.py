"""Sentence splitting (pysbd) for Spanish and English: one splitter for the chunker and the extractive answer."""

from __future__ import annotations

from functools import lru_cache

SEGMENTER_LANGUAGES = ("es", "en")  # pysbd rules we use; any other language is split with the English rules


@lru_cache(maxsize=4)
def _segmenter(language: str):
    import pysbd

    return pysbd.Segmenter(language=language if language in SEGMENTER_LANGUAGES else "en", clean=False)


def split_sentences(text: str, language: str = "en") -> list[str]:
    return [s.strip() for s in _segmenter(language).segment(text) if s.strip()]
