"""Sentence splitting (pysbd) for Spanish and English: one splitter for the chunker and the extractive answer."""

from __future__ import annotations

import re
from functools import lru_cache

SEGMENTER_LANGUAGES = ("es", "en")  # pysbd rules we use; any other language is split with the English rules

# pysbd's cost per character grows with the length of the text it is given (its abbreviation pass rescans the
# string for every candidate): 19 ms/KB at 1 KB, 26 at 2 KB, 67 at 8 KB, 118 at 16 KB, so a one-line 50 KB Markdown
# file took 21 s and 5 MB never finished. Long text is cut first into pieces of at most PIECE_CHARS at places that
# end a sentence whatever pysbd would say (a lower-case word of 3+ letters, a full stop, a capital), and each piece
# is split on its own: the cost is then linear (measured in the README, "Reliability").
PIECE_CHARS = 2000
_SAFE_END = re.compile(r"(?<=[^\W\d_A-Z]{3}[.!?])\s+(?=[¿¡\"“«(]?[A-ZÁÉÍÓÚÑÜ])")


@lru_cache(maxsize=4)
def _segmenter(language: str):
    import pysbd

    return pysbd.Segmenter(language=language if language in SEGMENTER_LANGUAGES else "en", clean=False)


def pieces(text: str, limit: int = PIECE_CHARS) -> list[str]:
    """``text`` cut into consecutive pieces of at most ``limit`` characters, at safe sentence ends when there are
    any, else at a space (a table or a run-on list without full stops), else anywhere."""
    if len(text) <= limit:
        return [text]
    out: list[str] = []
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = None
        for m in _SAFE_END.finditer(window):
            if m.start() > 0:
                cut = m.start()
        if cut is None:
            space = window.rfind(" ", limit // 2)
            cut = space if space > 0 else limit
        out.append(text[start:start + cut])
        start += cut
    out.append(text[start:])
    return out


def split_sentences(text: str, language: str = "en") -> list[str]:
    segmenter = _segmenter(language)
    return [s.strip() for piece in pieces(text) for s in segmenter.segment(piece) if s.strip()]
