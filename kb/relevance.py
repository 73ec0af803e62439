"""Whether a search found anything that answers the query, or only the nearest passages of a collection that has
nothing on it ("nothing relevant").

Two pieces of evidence, calibrated on the out-of-scope questions of the evaluation's dev half (README, Search):
- the best calibrated dense similarity (``KB_RELEVANCE_FLOOR``): e5 gives every query a nearest passage, and an
  out-of-scope question on industrial policy ("What tax incentives does Vietnam offer …?") lands about as close to
  our passages as a hard in-scope one, so this floor alone catches only the far-off questions;
- names the collection never mentions: a capitalised word (not a sentence's first) that no passage contains, in
  any language's stemming ("Vietnam", "Penang", "Yozma"). With one, a higher floor applies
  (``KB_RELEVANCE_FLOOR_NAMES``); when no content word of the query occurs anywhere ("xqzv blorft"), nothing is
  relevant whatever the vectors say. Names count only when the collection has a fair share of passages in the
  query's language: in a Spanish library an English question's title-case words ("National Waters Law", "Climate
  Change Council") are unknown words, not unknown names (on the six real PDFs, 6 of 62 in-scope dev questions).
"""

from __future__ import annotations

import re
from typing import Callable

NAMES_MIN_SHARE = 0.2  # share of passages in the query's language below which unknown names are not evidence
_TOKEN = re.compile(r"[^\W_][\w'’.-]*")
_SENTENCE_END = re.compile(r"[.!?¡¿:;]\s*$")


def proper_names(query: str) -> list[str]:
    """Capitalised words of ``query`` that are not the first word of a sentence (at least 3 letters)."""
    out: list[str] = []
    previous_end = 0
    first = True
    for m in _TOKEN.finditer(query):
        between = query[previous_end : m.start()]
        if _SENTENCE_END.search(between) or "¿" in between or "¡" in between:
            first = True
        word = m.group(0).strip(".-'’")
        if not first and word[:1].isupper():
            out.append(word)
        first = False
        previous_end = m.end()
    return [w for w in out if len(w) >= 3]


def judge(
    best_similarity: float | None,
    *,
    floor: float,
    names_floor: float,
    unknown_names: list[str],
    all_words_unknown: bool,
) -> bool:
    """True when the collection has nothing that answers the query (see the module's docstring)."""
    if all_words_unknown:
        return True
    if best_similarity is None:
        return False
    if floor and best_similarity < floor:
        return True
    return bool(unknown_names) and bool(names_floor) and best_similarity < names_floor


def unknown(words: list[str], known: Callable[[str], bool]) -> list[str]:
    """The words that ``known`` (the lexical index's vocabulary) has never seen."""
    return [w for w in words if not known(w)]
