"""What a passage is: content, or one of the parts of a document that are not (title blocks, tables of contents,
reference lists, indexes). Told from the shape of the text, in Spanish and English alike, never from a list of
heading names: a reference list is a run of short entries dense in years, URLs, "et al.", page and volume marks and
publisher words, with few of the function words prose is made of; a table of contents is titles followed by page
numbers (often with dotted leaders); an index is terms followed by runs of page numbers. Title blocks are found
where they are, at the top of the first page (``ingest/sections.py`` marks them); a short, unpunctuated first
passage is one too.

Non-content passages are kept and searchable when asked for (``Filters.kinds``), but they are not embedded, never
quoted in an answer or shown in a Compare cell, and take no result slot by default.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from kb.records import ALL_KINDS

CONTENT = "content"
TITLE = "title"
TOC = "toc"
REFERENCES = "references"
INDEX = "index"
KINDS = ALL_KINDS
NON_CONTENT = tuple(k for k in KINDS if k != CONTENT)

_URL = re.compile(r"https?://\S+|www\.\S+|\b[\w-]+\.(?:org|com|gob|gov|int|edu|net)(?:\.\w\w)?\b", re.I)
_YEAR = re.compile(r"(?<![\d.,/-])(?:1[89]|20)\d\d[a-z]?(?![\d%])")
_PAREN_YEAR = re.compile(r"\((?:[^()]{0,40}?,\s*)?(?:1[89]|20)\d\d[a-z]?\)|\((?:s\.f\.|n\.d\.)\)", re.I)
_CITE_MARK = re.compile(
    r"\bet al\b|\bpp?\.\s*\d|\bvol\.|\bno\.\s*\d|\bnúm\.|\bn\.º|\beds?\.|\(eds?\.?\)|\bed\.\b|\bdoi\b|\bisbn\b|\bissn\b"
    r"|\bpress\b|\bpublishing\b|\bpublications?\b|\beditorial\b|\bediciones\b|\bjournal\b|\brevista\b"
    r"|\bworking papers?\b|\bdocumentos? de trabajo\b|\bseries?\b|\bserie\b|\bretrieved\b|\bconsultado\b"
    r"|\bs\.\s?f\.|\bn\.d\.|\brecuperado de\b|\bdisponible en\b|\bavailable at\b|\bofficial website\b|\bsitio (?:web )?oficial\b",
    re.I,
)
_NAME_INITIAL = re.compile(r"\b[A-ZÁÉÍÓÚÑ][a-záéíóúñü'-]+,\s+(?:[A-ZÁÉÍÓÚÑ]\.\s*){1,3}")  # "Rivas, G." / "Smith, J. A."
_LEADER = re.compile(r"(?:\.\s?){4,}|…{2,}|_{4,}|·{4,}")
# A table-of-contents entry is "title  page-number": a letter, two or more characters without digits, whitespace
# (and dotted leaders), then a number of 1-3 digits ending a token ("Introducción 5", "Pilares .... 12"). As one
# regex (r"[^\W\d_][^\d]{2,}?\s(?:\.\s?)*\s*\d{1,3}(?=\s|$)", kept in the tests as the reference) it is
# quadratic in the length of a digit-free stretch: 135 ms for a 1,500-character passage under load, which made the
# kind migration of a 100,000-passage store run for hours. _toc_entry_count counts the same matches in linear time.
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")
_TOC_TAIL = re.compile(r"\s(?:\.\s?)*\s*")  # between the title and its page number
_TOC_GAP = re.compile(r"[\s.]*\Z")  # the whitespace and dots a tail is made of, right before the number
_TOC_NUMBER = re.compile(r"\d{1,3}(?=\s|$)")
_INDEX_ENTRY = re.compile(r"[^\W\d_][\w)’']*\s?,\s?\d{1,4}\b")  # "aguas nacionales, 12" in "…, 12, 34-36; …"
_NUMBER = re.compile(r"^\d{1,4}(?:[-–]\d{1,4})?[,;.]?$")
_WORD = re.compile(r"[^\W\d_]+", re.U)
_FULL_STOP = re.compile(r"[^\W\d_]{3,}[)”\"]?[.!?](?=\s|$)")


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    """Spanish and English function words: prose is ~40 % of them, a list of references or titles far fewer."""
    from bm25s import stopwords

    words = set(stopwords.STOPWORDS_SPANISH) | set(stopwords.STOPWORDS_EN_PLUS)
    return frozenset(_fold(w) for w in words)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


@dataclass(frozen=True)
class Shape:
    """Measurements of a passage's text (per 100 words where it says so)."""

    words: int
    function_share: float  # share of words that are Spanish or English function words
    citation_density: float  # years, URLs, citation marks and "Surname, I." per 100 words
    url_density: float
    leader_count: int  # dotted leaders ("......")
    toc_entries: float  # "title  page-number" pairs per 100 words
    number_share: float  # share of tokens that are bare numbers or page ranges
    index_entries: float  # "term, page" pairs per 100 words
    terminal_share: float  # share of sentence-like segments that end with . ! ? or :
    capital_share: float  # share of words that start with a capital letter
    full_stops: int  # words of three letters or more followed by . ! or ? (the ends of sentences)


def shape(text: str) -> Shape:
    tokens = text.split()
    n = max(len(tokens), 1)
    words = [_fold(w) for w in _WORD.findall(text)]
    fw = _function_words()
    function_share = sum(w in fw for w in words) / max(len(words), 1)
    urls = len(_URL.findall(text))
    no_urls = _URL.sub(" ", text)
    marks = (
        len(_YEAR.findall(no_urls))
        + urls
        + len(_CITE_MARK.findall(no_urls))
        + len(_NAME_INITIAL.findall(no_urls))
        + len(_PAREN_YEAR.findall(no_urls))
    )
    segments = [s for s in re.split(r"(?<=[.!?:;])\s+", text.strip()) if s]
    terminal = sum(s.rstrip().endswith((".", "!", "?", ":", ";", ".)", ".”", '."')) for s in segments)
    numbers = sum(bool(_NUMBER.match(t)) for t in tokens)
    alpha = [t for t in tokens if t[:1].isalpha()]
    capitals = sum(t[0].isupper() for t in alpha) / max(len(alpha), 1)
    return Shape(
        words=len(tokens),
        function_share=function_share,
        citation_density=100 * marks / n,
        url_density=100 * urls / n,
        leader_count=len(_LEADER.findall(text)),
        toc_entries=100 * _toc_entry_count(_LEADER.sub(" ", text)) / n,
        number_share=numbers / n,
        index_entries=100 * len(_INDEX_ENTRY.findall(text)) / n,
        terminal_share=terminal / max(len(segments), 1),
        capital_share=capitals,
        full_stops=len(_FULL_STOP.findall(text)),
    )


def _toc_entry_count(text: str) -> int:
    """The number of non-overlapping "title  page-number" matches, exactly as findall of the reference regex above
    counts them. From a letter at ``p`` the match can only end at the first digits after ``p`` (``d``: its middle
    part takes no digit), so it exists iff those digits are a page number and a title/number tail starts at some
    whitespace ``w`` with p + 3 <= w < d. The latest such ``w`` depends on ``d`` only: if the letter at ``p`` fails,
    every later letter before ``d`` fails too, and the scan jumps past ``d``."""
    count, pos, size = 0, 0, len(text)
    while pos < size:
        letter = _LETTER.search(text, pos)
        if letter is None:
            break
        p = letter.start()
        digit = _DIGIT.search(text, p)
        if digit is None:
            break
        d = digit.start()
        number = _TOC_NUMBER.match(text, d)
        gap = _TOC_GAP.search(text, p, d)
        latest = -1
        if number is not None and gap is not None:
            for w in range(d - 1, max(gap.start(), p + 3) - 1, -1):
                if text[w].isspace() and _TOC_TAIL.fullmatch(text, w, d):
                    latest = w
                    break
        if latest >= p + 3:
            count += 1
            pos = number.end() if number is not None else d + 1
        else:
            pos = d + 1
    return count


# Thresholds, set on self-made fixtures and the starter corpus and checked on the real PDFs (see docs/evaluation.md: precision
# and recall on hand-labelled passages). Prose that cites a source or two stays well under these: a paragraph with
# "(OECD, 2007)" and "(Rivas, 2012)" has ~4 marks per 100 words and ~40 % function words.
REF_DENSITY = 7.0  # citation marks per 100 words …
REF_FUNCTION_MAX = 0.30  # … with few function words
REF_DENSITY_HIGH = 11.0  # denser still: entries with long titles in sentence case ("Cómo hacer que el nearshoring…")
REF_FUNCTION_HIGH = 0.35  # may have nearly as many function words as prose (~40 %)
REF_DENSITY_STRONG = 22.0  # so many marks that the function words do not matter (entries with long titles)
LINK_LIST_URLS = 3  # at least this many links, at LINK_LIST_DENSITY per 100 words or more: a list of sources
LINK_LIST_DENSITY = 3.0  # (news headlines as entries have as many function words as prose; their links give them away)
TOC_LEADERS = 3
TOC_LEADER_DENSITY = 3.0  # leaders per 100 words: a TOC has one every few words, a form or a law's "......" gaps a few
TOC_ENTRIES = 12.0
INDEX_NUMBERS = 0.25
INDEX_ENTRIES = 5.0
REF_MIN_WORDS = 8
STRONG_MIN_WORDS = 20  # a lone amendment note ("Artículo reformado DOF 29-04-2004.") is dense in years, not a list
TITLE_MAX_WORDS = 45


def classify(text: str, *, first: bool = False) -> str:
    """The kind of one passage. ``first``: the passage opens the document (where title blocks are)."""
    return kind_of(shape(text), first=first)


def kind_of(s: Shape, *, first: bool = False) -> str:
    """The kind of a passage whose shape is ``s``."""
    if s.words == 0:
        return CONTENT
    if s.leader_count >= TOC_LEADERS and 100 * s.leader_count / s.words >= TOC_LEADER_DENSITY:
        return TOC
    if s.toc_entries >= TOC_ENTRIES and s.terminal_share < 0.5 and s.function_share < 0.3 and s.words >= 8:
        return TOC
    if (
        s.number_share >= INDEX_NUMBERS
        and s.index_entries >= INDEX_ENTRIES
        and s.function_share < 0.2
        and s.words >= 15
    ):
        return INDEX
    if first and s.words <= TITLE_MAX_WORDS and s.full_stops <= 1 and s.capital_share >= 0.4:
        return TITLE  # before references: a title's years ("2024-2044") are not citations
    entries = s.full_stops + round(s.url_density * s.words / 100)  # a list has several: each ends or links
    urls = round(s.url_density * s.words / 100)
    if urls >= LINK_LIST_URLS and s.url_density >= LINK_LIST_DENSITY:
        return REFERENCES
    if entries >= 2 and (
        (s.words >= STRONG_MIN_WORDS and s.citation_density >= REF_DENSITY_STRONG)
        or (s.words >= REF_MIN_WORDS and s.citation_density >= REF_DENSITY and s.function_share <= REF_FUNCTION_MAX)
        or (
            s.words >= REF_MIN_WORDS
            and s.citation_density >= REF_DENSITY_HIGH
            and s.function_share <= REF_FUNCTION_HIGH
        )
    ):
        return REFERENCES
    return CONTENT


def is_content(kind: str | None) -> bool:
    """Stores written before passage kinds existed have none: their passages count as content."""
    return not kind or kind == CONTENT
