"""Text analysis in one place: the languages we analyse, folding, words, stop words, stems, sentences, fingerprints
and the language of a short string. Used by BM25 (``kb/lexical.py``), the glossary, answers, highlighting, the
chunker and de-duplication, so a word means the same thing to each of them."""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any

MAIN_LANGUAGES = ("es", "en")  # stemmed, split with their own sentence rules, searched on their own dense leg
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


# --- folding ----------------------------------------------------------------------------------------------
def fold(text: str) -> str:
    """Lower case without accents: "Política" and "politica" are the same word to a searcher."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def fold_aligned(text: str) -> str:
    """``fold`` keeping one character out per character in, so positions found in the folded text mark the raw
    text (highlighting)."""
    return "".join((unicodedata.normalize("NFD", ch)[:1] or ch).lower()[:1] or ch for ch in text)


def fingerprint(text: str) -> str:
    """Lower-case letters only, accents and digits gone, single spaces: two copies of a sentence or passage that
    differ in punctuation, numbering or spacing have the same fingerprint."""
    text = unicodedata.normalize("NFKD", text.lower())
    return re.sub(r"[\W\d_]+", " ", text).strip()


# --- words, stop words, stems -------------------------------------------------------------------------------
def words(text: str) -> list[str]:
    """Lower-cased words; a hyphenated word also yields its parts and its closed-up form (T-MEC → t, mec, tmec)."""
    out: list[str] = []
    for m in _WORD.finditer(unicodedata.normalize("NFKC", text)):
        w = m.group(0).lower().replace("’", "'")
        parts = [p for p in re.split(r"[-']", w) if p]
        if len(parts) > 1:
            out.extend(parts)
            out.append("".join(parts))
        else:
            out.append(w)
    return out


def is_useful(word: str) -> bool:
    return len(word) > 1 or word.isdigit()


@lru_cache(maxsize=4)
def stopwords(language: str) -> frozenset[str]:
    """Folded stop words of ``language`` (bm25s's lists); empty for languages we do not analyse."""
    from bm25s import stopwords as lists

    words_ = {"es": lists.STOPWORDS_SPANISH, "en": lists.STOPWORDS_EN_PLUS}.get(language, ())
    return frozenset(fold(w) for w in words_)


def is_stopword(word: str) -> bool:
    """A stop word in any main language (for text whose language is not known, such as a query to highlight)."""
    folded = fold(word)
    return any(folded in stopwords(lang) for lang in MAIN_LANGUAGES)


_per_thread = threading.local()


def _stemmer(language: str) -> Any:
    """One PyStemmer object per language and thread: they keep state between calls and are not thread-safe, and a
    search stems its query in a worker thread (kb/search.py) while another thread (the app serves each session in
    its own) may stem too."""
    stemmers = _per_thread.__dict__.setdefault("stemmers", {})
    if language not in stemmers:
        import Stemmer

        stemmers[language] = Stemmer.Stemmer({"es": "spanish", "en": "english"}[language])
    return stemmers[language]


def stems(text: str, language: str, *, keep_stopwords: bool = False) -> list[str]:
    """Folded Snowball stems of ``text`` in ``language`` (other languages: folded words), without stop words and
    one-letter words unless asked."""
    ws = words(text)
    if language in MAIN_LANGUAGES:
        stop = stopwords(language)
        # Stem the accented form (the Snowball rules know Spanish accents), then fold the stem.
        out = [fold(s) for s in _stemmer(language).stemWords(ws)]
        return [s for w, s in zip(ws, out) if keep_stopwords or (fold(w) not in stop and is_useful(w))]
    return [fold(w) for w in ws if keep_stopwords or is_useful(w)]


def light_stem(word: str) -> str:
    """A language-neutral prefix for highlighting, so "proveedor" marks "proveedores" and "cluster" "clusters"
    (a Snowball stem of one language would miss the other's plural)."""
    for suffix in ("es", "s"):
        if len(word) > 4 + len(suffix) and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


# --- language of a short string -----------------------------------------------------------------------------
def guess_language(text: str) -> str:
    """ "es" or "en" by stop-word count (langdetect is unreliable on a short query); "en" on a tie."""
    ws = [fold(w) for w in words(text)]
    es = sum(w in stopwords("es") for w in ws)
    en = sum(w in stopwords("en") for w in ws)
    return "es" if es > en or (es == en and any(c in text for c in "áéíóúñ¿¡")) else "en"


# --- sentences ----------------------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def _segmenter(language: str) -> Any:
    import pysbd

    return pysbd.Segmenter(language=language if language in MAIN_LANGUAGES else "en", clean=False)


# pysbd's cost per character grows with the length of the text it is given (its abbreviation pass rescans the
# string for every candidate): 19 ms/KB at 1 KB, 26 at 2 KB, 67 at 8 KB, 118 at 16 KB, so a one-line 50 KB Markdown
# file took 21 s and 5 MB never finished. Long text is cut first into pieces of at most PIECE_CHARS at places that
# end a sentence whatever pysbd would say (a lower-case word of 3+ letters, a full stop, a capital), and each piece
# is split on its own: the cost is then linear (bench/chunking.py; docs/architecture.md, "Reliability in full").
PIECE_CHARS = 2000
_SAFE_END = re.compile(r"(?<=[^\W\d_A-Z]{3}[.!?])\s+(?=[¿¡\"“«(]?[A-ZÁÉÍÓÚÑÜ])")


def pieces(text: str, limit: int = PIECE_CHARS) -> list[str]:
    """``text`` cut into consecutive pieces of at most ``limit`` characters, at safe sentence ends when there are
    any, else at a space (a table or a run-on list without full stops), else anywhere."""
    if len(text) <= limit:
        return [text]
    out: list[str] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = None
        for m in _SAFE_END.finditer(window):
            if m.start() > 0:
                cut = m.start()
        if cut is None:
            space = window.rfind(" ", limit // 2)
            cut = space if space > 0 else limit
        out.append(text[start : start + cut])
        start += cut
    out.append(text[start:])
    return out


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Sentences by pysbd's rules for ``language`` (English rules for any other language), piece by piece."""
    segmenter = _segmenter(language)
    return [s.strip() for piece in pieces(text) for s in segmenter.segment(piece) if s.strip()]


def sentence_spans(text: str, language: str = "en") -> str:
    """``split_sentences(text, language)`` as "start:end" character spans of ``text``, separated by spaces: what
    ingestion stores with each content passage (``Chunk.sentences``), so that answers cut a passage into sentences
    without running pysbd at question time (~30 ms a passage). "" when a sentence is not a verbatim piece of the
    text (pysbd never changes text with ``clean=False``, but an answer must not depend on that): the reader then
    splits the passage itself."""
    out: list[str] = []
    pos = 0
    for sentence in split_sentences(text, language):
        start = text.find(sentence, pos)
        if start < 0:
            return ""
        pos = start + len(sentence)
        out.append(f"{start}:{pos}")
    return " ".join(out)


def sentences_at(text: str, spans: str) -> list[str]:
    """The sentences ``sentence_spans`` recorded for ``text``."""
    out = []
    for span in spans.split():
        start, _, end = span.partition(":")
        out.append(text[int(start) : int(end)])
    return out
