"""Cleaning: Unicode normalisation, ligatures, end-of-line hyphenation, letter-spaced headings, repeated headers/footers."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

from kb.records import Page

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_SOFT_HYPHEN = "\u00ad"
# "desarro-\nllo" → "desarrollo"; only between letters, and only when the next line starts lower-case.
_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])-[ \t]*\n[ \t]*(?=[a-záéíóúñü])")
# "P L A N  E S T R A T É G I C O" → "PLAN ESTRATÉGICO"
_LETTER_SPACED = re.compile(r"\b(?:[^\W\d_] ){3,}[^\W\d_]\b")
_PAGE_NUMBER_LINE = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:(?:p[áa]gina|page|p\.|pág\.)\s*)?\d{1,4}(?:\s*(?:de|of|/)\s*\d{1,4})?(?:\s*[-–—])?\s*$", re.I
)
EDGE_LINES = 5  # headers and footers live in the first/last few lines of a page
REPEATED_SHARE = 0.4  # of the pages with text
RUN_PAGES = 3  # consecutive pages
MIDDLE_RATIO = 10  # a header may be found inside a page (a table of contents citing it) on 1 page in 10 at most


def normalise(text: str) -> str:
    """NFKC (which also splits ligatures such as ﬁ → fi), no control characters, no soft hyphens."""
    text = unicodedata.normalize("NFKC", text).replace(_SOFT_HYPHEN, "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)


def join_hyphenated(text: str) -> str:
    return _HYPHEN_BREAK.sub("", text)


def unspace_letters(line: str) -> str:
    return _LETTER_SPACED.sub(lambda m: m.group(0).replace(" ", ""), line)


def clean_line(line: str) -> str:
    return re.sub(r"[ \u00a0]+", " ", unspace_letters(line)).strip()


def _line_key(line: str) -> str:
    key = " ".join(line.lower().split())
    # A short line may carry the page number ("Plan Estatal | 12"); a long one that differs only in its numbers
    # is body text ("Artículo 12. ..."), so only short lines have their digits masked.
    return re.sub(r"\d+", "#", key) if len(key.split()) <= 8 else key


def remove_repeated_edges(pages: list[Page]) -> tuple[list[Page], list[str]]:
    """Drop running headers/footers: lines found near the top or bottom of many pages (40 % of them, so that
    headers alternating between left and right pages count), or of a run of ``RUN_PAGES`` consecutive pages
    (a chapter title repeated as the header of that chapter's pages).

    Returns the cleaned pages and every line removed, in page order (``describe_removed`` words the report).
    """
    texted = [p for p in pages if p.text.strip()]
    per_page_lines = {p.number: [l for l in p.text.split("\n") if l.strip()] for p in pages}
    counts: Counter[str] = Counter()
    middle: Counter[str] = Counter()  # pages where the line is found away from the edges
    run: dict[str, int] = {}  # key → length of its current run of consecutive pages
    longest: Counter[str] = Counter()
    for p in texted:
        lines = per_page_lines[p.number]
        keys = {_line_key(l) for l in lines[:EDGE_LINES] + lines[-EDGE_LINES:]} - {""}
        counts.update(keys)
        middle.update({_line_key(l) for l in lines[EDGE_LINES:-EDGE_LINES]} - keys)
        run = {k: run.get(k, 0) + 1 for k in keys}
        for k, n in run.items():
            longest[k] = max(longest[k], n)
    threshold = max(3, math.ceil(len(texted) * REPEATED_SHARE))
    repeated: set[str] = set()
    if len(texted) >= 3:
        repeated = {k for k, n in counts.items() if n >= threshold}
        # A run only counts for short lines: a long body sentence never repeats on consecutive pages by design.
        repeated |= {k for k, n in longest.items() if n >= RUN_PAGES and len(k.split()) <= 12}
        # A running header lives at the edges only. A line that is also found inside pages is body text that
        # repeats (a form's labels, a refrain, a report generated from a few sentences): on a synthetic document
        # of 1,500 pages built from 30 sentences, 14 % of the body went as "headers" before this test (74 % in a
        # document of the kind issue 14 made).
        repeated = {k for k in repeated if middle[k] * MIDDLE_RATIO <= max(counts[k], longest[k])}

    removed: list[str] = []
    out: list[Page] = []
    for p in pages:
        lines = per_page_lines[p.number]
        keep_from, keep_to = 0, len(lines)
        # Strip from both ends only, so a body line that happens to match is kept.
        while keep_from < min(len(lines), EDGE_LINES * 2) and _is_edge_noise(lines[keep_from], repeated):
            removed.append(lines[keep_from].strip())
            keep_from += 1
        while (
            keep_to > keep_from
            and keep_to > len(lines) - EDGE_LINES * 2
            and _is_edge_noise(lines[keep_to - 1], repeated)
        ):
            removed.append(lines[keep_to - 1].strip())
            keep_to -= 1
        out.append(Page(p.number, "\n".join(lines[keep_from:keep_to])))
    return out, removed


def describe_removed(removed: list[str], pages: int) -> str:
    """ "removed 336 header/footer line(s) repeated across its 112 page(s) (4 kind(s)), e.g. 'CÁMARA DE …'"."""
    kinds: Counter[str] = Counter(_line_key(l) for l in removed)
    first: dict[str, str] = {}
    for line in removed:
        first.setdefault(_line_key(line), line)
    examples = ", ".join(repr(first[k][:60]) for k, _ in kinds.most_common(3))
    return (
        f"removed {len(removed)} header/footer line(s) repeated across its {pages} page(s) "
        f"({len(kinds)} kind(s)), e.g. {examples}"
    )


def _is_edge_noise(line: str, repeated: set[str]) -> bool:
    return _line_key(line) in repeated or bool(_PAGE_NUMBER_LINE.match(line))


def clean_pages(pages: list[Page], *, strip_edges: bool = True) -> tuple[list[Page], list[str]]:
    """Normalise every page, remove running headers/footers, then rejoin words hyphenated at line ends."""
    pages = [Page(p.number, normalise(p.text)) for p in pages]
    removed: list[str] = []
    if strip_edges:
        pages, removed = remove_repeated_edges(pages)
    cleaned = [Page(p.number, "\n".join(clean_line(l) for l in join_hyphenated(p.text).split("\n"))) for p in pages]
    return cleaned, removed
