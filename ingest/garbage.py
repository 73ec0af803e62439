"""Garbage text: double-encoded UTF-8 (mojibake) repaired when that is certain, and pages whose text is gibberish
because their font has no Unicode map, found and taken out of the text (OCR can read them)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from ingest.messages import message
from kb.records import Page

# The marks UTF-8 leaves when read as Latin-1/cp1252: "Ã³" for "ó", "Ã­" for "í", "â€œ" for "“", "Â¿" for "¿".
# Runs before NFKC, which would turn the "³" of "Ã³" into a "3" and make the damage unrepairable ("atracciÃ3n").
_MOJIBAKE = re.compile(
    r"Ã[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]"
    r"|Ã(?=[a-zñ0-9])|â€|Â[\u00a0-\u00bf]"
)
# "Ã³" that went through NFKC upstream (a file made from such text) is "Ã3"; inside a word it can only be "ó"
# (likewise "Ã²" → "ò", "Ã¹" → "ù"), which ftfy cannot know: repaired here.
_NFKC_MOJIBAKE = re.compile(r"(?<=[^\W\d_])Ã([1-3])(?=[^\W\d_])")
_SUPERSCRIPT = {"1": "¹", "2": "²", "3": "³"}
_VOWELS = frozenset("aeiouyáéíóúüàèìòùâêîôûäëïöAEIOUYÁÉÍÓÚÜÀÈÌÒÙÂÊÎÔÛÄËÏÖ")
# A word as writers write it: lower case, Capitalised or ALL CAPS, letters only (after edge punctuation).
_WORD = re.compile(r"^(?:[A-ZÁÉÍÓÚÑÜÀÈÌÒÙÂÊÎÔÛÇ]?[a-záéíóúñüàèìòùâêîôûçäëïö]+|[A-ZÁÉÍÓÚÑÜÀÈÌÒÙÂÊÎÔÛÇÄËÏÖ]+)$")
_EDGE_PUNCT = ".,;:()[]{}«»\"'“”‘’¿?¡!-–—%/*"
# Measured on the 515 pages of ../shared/pdfs/real/ with text: vowels are 0.398-0.47 of Latin letters (English
# 0.40, Spanish 0.43-0.47) and 0.945-1.0 of the words are well-formed. Text from a font without a Unicode map
# reads as its glyph codes, usually the letters shifted by a constant: shifted by 29 (the common case,
# "3HQVDPLHQWR" for "Pensamiento") a Spanish page has vowels 0.18 and words 0.68; by 3, 0.27 and 0.19.
MIN_VOWEL_SHARE = 0.30
MIN_WORD_SHARE = 0.60
MIN_LETTERS = 40  # fewer Latin letters than this (a table of figures, a caption) are not judged
# One line in a font without a Unicode map among readable lines (a heading in a display font, one paragraph set in
# another font) left the page readable as a whole and was stored as it came ("3HQČåQtSURVWĜHGN\QD~þWHFK", issue 21).
# A line is judged alone when it has LINE_MIN_LETTERS Latin letters, by stricter marks than a page, since one line
# of names or acronyms ("CNDH, SHCP, SCT, SRE") varies more: on the 515 real pages no line is flagged.
LINE_MIN_LETTERS = 20
LINE_MIN_WORDS = 3
LINE_MAX_VOWEL_SHARE = 0.20
LINE_MAX_WORD_SHARE = 0.30
# Shifted glyph codes make long runs of consonants ("HVWDWDO" for "estatal"): a line whose letters are 30 % or more
# in runs of four consonants, with vowels under 30 %, is glyph codes. On the 27,346 lines of the real PDFs the most
# is 25 % ("y No Repetición (SIVJRNR)", "1. Más de 10 años y hasta 15 años: el 80% de un SMLMV"), with 35 % vowels
# or more; lines of shifted Spanish and English sentences are 31-79 %, with 9-26 % vowels.
LINE_MIN_CONSONANT_RUNS = 0.30
LINE_RUN_MAX_VOWEL_SHARE = 0.30
_CONSONANT_RUN = re.compile(r"[^\W\daeiouyáéíóúüàèìòùâêîôûäëïöAEIOUYÁÉÍÓÚÜÀÈÌÒÙÂÊÎÔÛÄËÏÖ_]{4,}")
# Glyph codes below 32 (the space is code 3 in such fonts) are no text: they separate the words.
_SEPARATORS = re.compile(r"[\s\x00-\x1f]+")


@dataclass
class GarbageReport:
    repaired_pages: list[int] = field(default_factory=list)
    repaired_example: tuple[str, str] | None = None
    mojibake_pages: list[int] = field(default_factory=list)  # damage left in place: no certain repair
    mojibake_example: str = ""
    gibberish_pages: list[int] = field(default_factory=list)
    gibberish_example: str = ""
    partial_pages: list[int] = field(default_factory=list)  # gibberish pages whose readable lines were kept

    def warnings(self, ranges) -> list[str]:
        out = []
        if self.repaired_pages:
            before, after = self.repaired_example or ("", "")
            where = f" on page(s) {ranges(self.repaired_pages)}" if self.repaired_pages != [0] else ""
            out.append(f"repaired double-encoded text (mojibake){where}, e.g. {before!r} → {after!r}")
        if self.mojibake_pages:
            where = f" on page(s) {ranges(self.mojibake_pages)}" if self.mojibake_pages != [0] else ""
            out.append(
                f"garbage text: looks double-encoded (mojibake){where} and could not be repaired with "
                f"certainty, e.g. {self.mojibake_example!r}; stored as it is"
            )
        whole = [n for n in self.gibberish_pages if n not in self.partial_pages]
        if whole:
            out.append(
                f"garbage text: page(s) {ranges(whole)} use a font without a Unicode map "
                f"(the text reads as gibberish, e.g. {self.gibberish_example!r}); their text was not stored "
                "(kb ingest --ocr reads them)"
            )
        if self.partial_pages:
            out.append(
                message(
                    "garbage.no_unicode_map_lines",
                    pages=ranges(self.partial_pages),
                    example=repr(self.gibberish_example),
                )
            )
        return out


def _word_around(text: str, start: int, end: int) -> str:
    a = start
    while a > 0 and not text[a - 1].isspace() and start - a < 30:
        a -= 1
    b = end
    while b < len(text) and not text[b].isspace() and b - end < 30:
        b += 1
    return text[a:b]


def repair_mojibake(text: str) -> tuple[str, tuple[str, str] | None, str]:
    """(text, (a damaged word, its repair) or None, a damaged word left in place or "")."""
    first = _MOJIBAKE.search(text)
    if not first:
        return text, None, ""
    import ftfy

    text0 = text
    text = _NFKC_MOJIBAKE.sub(lambda m: "Ã" + _SUPERSCRIPT[m.group(1)], text)
    # fix_encoding only undoes wrong decodings, and only when the result is plainly better (ftfy's own test);
    # it changes nothing else (quotes, ligatures, width are left to normalise()).
    fixed = "\n".join(ftfy.fix_encoding(line) if _MOJIBAKE.search(line) else line for line in text.split("\n"))
    example = None
    if fixed != text0:
        word = _word_around(text0, first.start(), first.end())
        repaired = ftfy.fix_encoding(_NFKC_MOJIBAKE.sub(lambda m: "Ã" + _SUPERSCRIPT[m.group(1)], word))
        example = (word, repaired)
    left = _MOJIBAKE.search(fixed)
    return fixed, example, _word_around(fixed, left.start(), left.end()) if left else ""


def _measures(text: str) -> tuple[int, float, float]:
    """(Latin letters, share of them that are vowels, share of the letters of Latin words that are in well-formed
    words). Words of other scripts (an Arabic or Russian line on a multilingual page) are not judged by Latin rules."""
    text = unicodedata.normalize("NFKC", text)  # ligatures ("ﬁ", "ﬅ") are letters, not odd glyphs
    latin = [c for c in text if c.isalpha() and "LATIN" in unicodedata.name(c, "")]
    if not latin:
        return 0, 1.0, 1.0
    vowels = sum(c in _VOWELS for c in latin) / len(latin)
    tokens = [t.strip(_EDGE_PUNCT) for t in _SEPARATORS.split(text)]
    tokens = [
        t
        for t in tokens
        if len(t) >= 3
        and any(c.isalpha() for c in t)
        and all("LATIN" in unicodedata.name(c, "") for c in t if c.isalpha())
    ]
    # Weighted by length: glyph codes without spaces come as a few long "words" beside many short real ones.
    total = sum(len(t) for t in tokens)
    words = sum(len(t) for t in tokens if _WORD.match(t)) / total if total else 1.0
    return len(latin), vowels, words


def is_gibberish(text: str) -> bool:
    """Whether a page's Latin text reads as glyph codes rather than words (see the thresholds above)."""
    letters, vowels, words = _measures(text)
    if letters < MIN_LETTERS:
        return False
    return vowels < MIN_VOWEL_SHARE or words < MIN_WORD_SHARE


def is_gibberish_line(line: str) -> bool:
    """Whether one line reads as glyph codes (stricter than a page: see LINE_MIN_LETTERS)."""
    letters, vowels, words = _measures(line)
    if letters < LINE_MIN_LETTERS:
        return False
    if words < LINE_MAX_WORD_SHARE:
        return True
    # Vowels and consonant runs judge words, not one string: an alphabet ("abcdefﬀﬁﬂﬃﬄﬅﬆghijklmno" in
    # text_ligatures.pdf) or a code is no sentence.
    if len([t for t in _SEPARATORS.split(line) if t]) < LINE_MIN_WORDS:
        return False
    if vowels < LINE_MAX_VOWEL_SHARE:
        return True
    runs = sum(len(m.group()) for m in _CONSONANT_RUN.finditer(line)) / letters
    return runs >= LINE_MIN_CONSONANT_RUNS and vowels < LINE_RUN_MAX_VOWEL_SHARE


def _gibberish_sample(text: str) -> str:
    tokens = [t for t in _SEPARATORS.split(text) if len(t) >= 6 and not _WORD.match(t.strip(_EDGE_PUNCT))]
    return (" ".join(tokens[:3]) or " ".join(_SEPARATORS.split(text))[:40])[:60]


def check_pages(pages: list[Page], *, gibberish: bool = True) -> tuple[list[Page], GarbageReport]:
    """Pages with mojibake repaired where certain and gibberish pages emptied, and what was done."""
    report = GarbageReport()
    out: list[Page] = []
    for page in pages:
        text, example, left = repair_mojibake(page.text)
        if example:
            report.repaired_pages.append(page.number)
            report.repaired_example = report.repaired_example or example
        if left:
            report.mojibake_pages.append(page.number)
            report.mojibake_example = report.mojibake_example or left
        if gibberish and is_gibberish(text):
            report.gibberish_pages.append(page.number)
            report.gibberish_example = report.gibberish_example or _gibberish_sample(text)
            text = ""
        elif gibberish:
            lines = text.split("\n")
            bad = [line for line in lines if is_gibberish_line(line)]
            if bad:
                # The readable lines stay; the page goes to OCR like a gibberish page (it reads the whole page).
                report.gibberish_pages.append(page.number)
                report.gibberish_example = report.gibberish_example or _gibberish_sample(bad[0])
                report.partial_pages.append(page.number)
                text = "\n".join(line for line in lines if not is_gibberish_line(line))
        out.append(replace(page, text=text) if text != page.text else page)
    return out, report
