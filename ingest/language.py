"""Language detection with langdetect, made deterministic, never trusted on short text, and (for a passage) with
its document's language as a strong prior."""

from __future__ import annotations

import threading

from langdetect import DetectorFactory, LangDetectException, detect_langs

from kb.text import MAIN_LANGUAGES

DetectorFactory.seed = 0  # langdetect samples at random unless seeded
_LOCK = threading.Lock()  # its factory is shared, lazily-initialised global state


# A passage leaves its document's language only when langdetect is sure. Spanish and English are told apart
# reliably on a sentence or two (a bilingual profile's short English sections stay English); a third language is
# what langdetect invents on names, lists and headings: on the six real PDFs (1,331 passages) the old rule (12 words,
# p ≥ 0.70) tagged the Colombian plan's title page "pt" and put it in the "other" dense leg, where it took rank 1 of
# Spanish questions (issue 14). Text in capitals is a title or a heading whatever its words.
SWITCH_MIN_PROB = 0.90  # Spanish ↔ English
THIRD_MIN_WORDS = 40  # to or from any other language
THIRD_MIN_PROB = 0.95
CAPITALS_SHARE = 0.6


def _guesses(text: str) -> list:
    try:
        with _LOCK:
            DetectorFactory.seed = 0
            return detect_langs(text)
    except LangDetectException:
        return []


def detect_language(text: str, *, fallback: str = "", min_words: int = 12, min_prob: float = 0.70) -> str:
    """ISO 639-1 code of ``text``; ``fallback`` when the text is short or the guess is weak."""
    if len(text.split()) < min_words:
        return fallback
    guesses = _guesses(text)
    if not guesses:
        return fallback
    best = guesses[0]
    if best.prob < min_prob:
        return fallback or best.lang
    return best.lang


# A passage whose sentences' function words all say the same third language (ingest.switches: a Portuguese paragraph
# on a Spanish page, split off at the change) needs fewer words and less certainty from langdetect: two independent
# signals agree. Without this a Portuguese paragraph of under 40 words stayed "es" (issue 21).
TOLD_MIN_WORDS = 15
TOLD_MIN_PROB = 0.70


def passage_language(text: str, document: str, *, min_words: int = 12, told: str = "") -> str:
    """A passage's language, given its document's: the document's unless langdetect is sure of another, ≥
    ``SWITCH_MIN_PROB`` between Spanish and English, ≥ ``THIRD_MIN_PROB`` on ≥ ``THIRD_MIN_WORDS`` words when a
    third language is involved (≥ ``TOLD_MIN_PROB`` on ≥ ``TOLD_MIN_WORDS`` when ``told``, the language the
    passage's function words say, is the same); text mostly in capitals keeps the document's language (a title page, a heading).
    Without a document language, plain detection."""
    if not document:
        return detect_language(text, fallback="", min_words=min_words)
    n_words = len(text.split())
    letters = [c for c in text if c.isalpha()]
    if n_words < min_words or not letters or sum(c.isupper() for c in letters) / len(letters) > CAPITALS_SHARE:
        return document
    guesses = _guesses(text)
    if not guesses or guesses[0].lang == document:
        return document
    best = guesses[0]
    if best.lang in MAIN_LANGUAGES and document in MAIN_LANGUAGES:
        return best.lang if best.prob >= SWITCH_MIN_PROB else document
    if told == best.lang and n_words >= TOLD_MIN_WORDS and best.prob >= TOLD_MIN_PROB:
        return best.lang
    return best.lang if n_words >= THIRD_MIN_WORDS and best.prob >= THIRD_MIN_PROB else document
