"""Cleaning: Unicode normalisation, ligatures, end-of-line hyphenation, letter-spaced headings, repeated headers/footers."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

from ingest.messages import message
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
# Running headers and footers are a small share of a document's words: 5.3-6.5 % on the three Mexican laws of
# ../shared/pdfs/real (six lines on every page, page numbers included), 1 % on the Chilean reports. Lines that would
# take more than this are kept, with a warning: a remover that deleted 74 % (issue 14) and 47 % (issue 21) of a
# report's words did so silently.
MAX_EDGE_SHARE = 0.12
# ... in a long document only. On a short one a letterhead is a large share of few words (the three-page test plan
# of tests/fixtures.py: its one-line running header is over 12 % of its words), and what a wrong removal could cost
# is a few lines, not the 47 % of a 1,500-page report.
EDGE_SHARE_MIN_PAGES = 10


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


def remove_repeated_edges(pages: list[Page], *, withheld: list[str] | None = None) -> tuple[list[Page], list[str]]:
    """Drop running headers/footers: lines that sit at the top or bottom of pages and repeat there, on many pages
    (40 % of them, so that headers alternating between left and right pages count) or on a run of ``RUN_PAGES``
    consecutive pages (a chapter title repeated as the header of that chapter's pages).

    "At the top or bottom" is counted from the edge inwards, one layer at a time: a line counts only once every
    line between it and the edge is a header, a footer or a page number. A line that is part of a paragraph (it
    runs on into the next line, or goes on from the one before) is never one. Without the layers, every line of a
    short page sat "near an edge": a sentence in the body of every other page of a 1,500-page report (issue 21)
    went as a footer, with 47 % of the document's words.

    When the repeated lines are more than ``MAX_EDGE_SHARE`` of the document's words they are kept (only page
    numbers go) and listed in ``withheld`` (``describe_withheld`` words the warning).

    Returns the cleaned pages and every line removed, in page order (``describe_removed`` words the report).
    """
    texted = [p for p in pages if p.text.strip()]
    per_page_lines = {p.number: [l for l in p.text.split("\n") if l.strip()] for p in pages}
    middle: Counter[str] = Counter()  # pages where the line is found away from the edges
    for p in texted:
        lines = per_page_lines[p.number]
        middle.update({_line_key(l) for l in lines[EDGE_LINES:-EDGE_LINES]})
    threshold = max(3, math.ceil(len(texted) * REPEATED_SHARE))
    repeated: set[str] = set()
    # Each page's edges as [first kept line, end of kept lines): moved inwards as layers are found.
    edges = {p.number: _peel(per_page_lines[p.number], 0, len(per_page_lines[p.number]), set()) for p in texted}
    for _ in range(EDGE_LINES * 2 if len(texted) >= 3 else 0):
        counts: Counter[str] = Counter()
        run: dict[str, int] = {}  # key → length of its current run of consecutive pages
        longest: Counter[str] = Counter()
        for p in texted:
            lines = per_page_lines[p.number]
            top, bottom = edges[p.number]
            keys = set()
            if top < min(bottom, EDGE_LINES * 2) and not _in_paragraph(lines, top, top, bottom):
                keys.add(_line_key(lines[top]))
            if bottom > max(top, len(lines) - EDGE_LINES * 2) and not _in_paragraph(lines, bottom - 1, top, bottom):
                keys.add(_line_key(lines[bottom - 1]))
            keys -= {""}
            counts.update(keys)
            run = {k: run.get(k, 0) + 1 for k in keys}
            for k, n in run.items():
                longest[k] = max(longest[k], n)
        found = {k for k, n in counts.items() if n >= threshold}
        # A run only counts for short lines: a long body sentence never repeats on consecutive pages by design.
        found |= {k for k, n in longest.items() if n >= RUN_PAGES and len(k.split()) <= 12}
        # A running header lives at the edges only. A line that is also found inside pages is body text that
        # repeats (a form's labels, a refrain, a report generated from a few sentences).
        found = {k for k in found if middle[k] * MIDDLE_RATIO <= max(counts[k], longest[k])} - repeated
        if not found:
            break
        repeated |= found
        edges = {n: _peel(per_page_lines[n], top, bottom, repeated) for n, (top, bottom) in edges.items()}

    total = sum(len(p.text.split()) for p in texted)
    edge_words = sum(
        len(l.split())
        for n, (top, bottom) in edges.items()
        for l in per_page_lines[n][:top] + per_page_lines[n][bottom:]
        if not _PAGE_NUMBER_LINE.match(l)
    )
    if repeated and len(texted) >= EDGE_SHARE_MIN_PAGES and edge_words > MAX_EDGE_SHARE * total:
        if withheld is not None:
            withheld.extend(
                l.strip()
                for n, (top, bottom) in edges.items()
                for l in per_page_lines[n][:top] + per_page_lines[n][bottom:]
                if not _PAGE_NUMBER_LINE.match(l)
            )
        edges = {n: _peel(per_page_lines[n], 0, len(per_page_lines[n]), set()) for n in edges}

    removed: list[str] = []
    out: list[Page] = []
    for p in pages:
        lines = per_page_lines[p.number]
        top, bottom = edges.get(p.number, (0, len(lines)))
        removed.extend(l.strip() for l in lines[:top])
        removed.extend(l.strip() for l in reversed(lines[bottom:]))
        out.append(Page(p.number, "\n".join(lines[top:bottom])))
    return out, removed


def _peel(lines: list[str], top: int, bottom: int, repeated: set[str]) -> tuple[int, int]:
    """The page's kept lines once headers, footers and page numbers are stripped from both ends (never a line of a
    paragraph, never more than ``EDGE_LINES * 2`` lines from an end)."""
    while top < min(bottom, EDGE_LINES * 2) and _is_edge_noise(lines, top, top, bottom, repeated):
        top += 1
    while bottom > max(top, len(lines) - EDGE_LINES * 2) and _is_edge_noise(lines, bottom - 1, top, bottom, repeated):
        bottom -= 1
    return top, bottom


_LOWER_WORD = re.compile(r"^[a-záéíóúñüàèìòùâêîôûçäëïö]+[,;:.)]?$")


def _starts_lower(line: str) -> bool:
    """The line starts with a word in lower case ("governments.", "y de la región"), not with a web address."""
    words = line.split()
    return bool(words) and bool(_LOWER_WORD.match(words[0]))


def _in_paragraph(lines: list[str], i: int, top: int, bottom: int) -> bool:
    """Whether line ``i`` is part of a paragraph among the kept lines ``[top, bottom)``: it runs on into the next
    line (no final punctuation, the next starts in lower case), or goes on from the line before it."""
    line = lines[i].rstrip()
    if i + 1 < bottom and not line.endswith((".", "!", "?", ":", ";")) and _starts_lower(lines[i + 1]):
        return True
    return i > top and _starts_lower(line) and not lines[i - 1].rstrip().endswith((".", "!", "?"))


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


def describe_withheld(withheld: list[str], words: int) -> str:
    """The warning for repeated edge lines kept because they are too large a share of the document."""
    kinds: Counter[str] = Counter(_line_key(l) for l in withheld)
    first: dict[str, str] = {}
    for line in withheld:
        first.setdefault(_line_key(line), line)
    examples = ", ".join(repr(first[k][:60]) for k, _ in kinds.most_common(3))
    share = sum(len(l.split()) for l in withheld) / max(words, 1)
    return message(
        "warn.headers_kept",
        n=len(withheld),
        share=f"{100 * share:.0f}",
        limit=f"{100 * MAX_EDGE_SHARE:.0f}",
        examples=examples,
    )


def _is_edge_noise(lines: list[str], i: int, top: int, bottom: int, repeated: set[str]) -> bool:
    if _PAGE_NUMBER_LINE.match(lines[i]):
        return True
    return _line_key(lines[i]) in repeated and not _in_paragraph(lines, i, top, bottom)


def clean_pages(
    pages: list[Page], *, strip_edges: bool = True, withheld: list[str] | None = None
) -> tuple[list[Page], list[str]]:
    """Normalise every page, remove running headers/footers, then rejoin words hyphenated at line ends."""
    pages = [Page(p.number, normalise(p.text)) for p in pages]
    removed: list[str] = []
    if strip_edges:
        pages, removed = remove_repeated_edges(pages, withheld=withheld)
    cleaned = [Page(p.number, "\n".join(clean_line(l) for l in join_hyphenated(p.text).split("\n"))) for p in pages]
    return cleaned, removed
