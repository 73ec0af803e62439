"""Whether a search found anything that answers the query, or only the nearest passages of a collection that has
nothing on it ("nothing relevant").

Two pieces of evidence, calibrated on the out-of-scope questions of the evaluation's dev half (README, Search):
- how well the best passage matches, and how far the question's best stands out (``relevance``): the best calibrated
  dense similarity (among the passages the filters keep) plus ``KB_RELEVANCE_GAP_WEIGHT`` × the lead of the whole
  collection's best over its 10th best, against ``KB_RELEVANCE_FLOOR``. e5
  gives every query a nearest passage, and an out-of-scope question on industrial policy ("What tax incentives
  does Vietnam offer …?") lands about as close to our passages as a hard in-scope one: the best similarity alone
  caught 6 of the 17 out-of-scope dev questions, none of the seven on the real PDFs (an English question on Spanish
  laws scores 0.80-0.84 whether the laws answer it or not). What differs is the lead: a question the collection
  answers has a passage that stands out of the crowd; one it cannot answer has ten near-equal neighbours (lead over
  the 10th 0.006-0.017 for five of the real set's seven out-of-scope dev questions, a median of 0.035 for in-scope ones);
- names the collection never mentions: a capitalised word (not a sentence's first) that no passage contains, in
  any language's stemming ("Vietnam", "Penang", "Yozma"), and that is not part of a place name the collection
  mentions in another language (Etiopía when a passage says Ethiopia: ``kb/names.py``). With one, a higher floor applies
  (``KB_RELEVANCE_FLOOR_NAMES``); when no content word of the query occurs anywhere ("xqzv blorft"), nothing is
  relevant whatever the vectors say. Names count only when the collection has a fair share of passages in the
  query's language: in a Spanish library an English question's title-case words ("National Waters Law", "Climate
  Change Council") are unknown words, not unknown names (on the six real PDFs, 6 of 62 in-scope dev questions).
"""

from __future__ import annotations

import re
from typing import Callable, Collection, Sequence

from kb.text import fold

NAMES_MIN_SHARE = 0.2  # share of passages in the query's language below which unknown names are not evidence
LEAD_RANK = 10  # the best similarity's lead is measured over the 10th best
# The lead counts up to 0.03: in a small collection every query's 10th best is far off (a 12-document store: 0.06
# for "How does Finland's innovation agency Sitra finance its projects?", best similarity 0.75), so the lead would
# lift a far-off best over the floor. On the dev halves no verdict changes with the cap (in-scope leads above
# 0.03 are clear answers anyway: relevance >= best + 0.09).
LEAD_CAP = 0.03


def relevance(
    similarities: Sequence[float], gap_weight: float, reference: Sequence[float] | None = None
) -> float | None:
    """best + ``gap_weight`` × lead of the calibrated dense similarities; None when there is none. The lead is the
    question's in the whole collection (``reference``: its unfiltered similarities; default ``similarities``, a
    search without filters): the best − the ``LEAD_RANK``-th best (the last one when there are fewer), at most
    ``LEAD_CAP``.

    Why the lead is not measured among the filtered passages (issue 20): it depends on how many passages the filter
    keeps near the question, so adding a filter value could take an answer away. "supplier development" under
    Querétaro alone had a lead of 0.03 (a jurisdiction has few passages: its 10th best is far off) and was
    answered; with Singapore added its seven case-study passages crowded the ten best, the lead fell to 0.008 and
    the Querétaro passage was relabelled as not answering. And an out-of-scope question filtered to one state
    ("¿Qué dice la Constitución española sobre la monarquía?" under Yucatán) got the full lead and was answered.
    With the question's own lead, the filtered best decides: adding passages can only raise it (no filter value
    that keeps an answer can take it away), and a filter never answers what the whole collection cannot."""
    ranked = sorted(similarities, reverse=True)
    if not ranked:
        return None
    crowd = sorted(reference, reverse=True) if reference else ranked
    lead = crowd[0] - crowd[min(LEAD_RANK, len(crowd)) - 1]
    return ranked[0] + gap_weight * min(LEAD_CAP, lead)


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
    score: float | None,
    *,
    floor: float,
    names_floor: float,
    unknown_names: list[str],
    all_words_unknown: bool,
) -> bool:
    """True when the collection has nothing that answers the query (see the module's docstring); ``score`` is
    ``relevance(...)``."""
    if all_words_unknown:
        return True
    if score is None:
        return False
    if floor and score < floor:
        return True
    return bool(unknown_names) and bool(names_floor) and score < names_floor


def unknown(words: list[str], known: Callable[[str], bool], mentioned: Collection[str] = ()) -> list[str]:
    """The words that ``known`` (the lexical index's vocabulary) has never seen, less those of a place the collection
    names in another language (``mentioned``: folded words, ``kb.names.PlaceNames.mentioned``: Etiopía when a
    passage says Ethiopia)."""
    return [w for w in words if fold(w) not in mentioned and not known(w)]
