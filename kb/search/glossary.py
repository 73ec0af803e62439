"""The ES↔EN glossary of policy terms: finds its terms in a query and gives their equivalents in the other language.

The data file (``kb/search/data/glossary.tsv``, columns ``es``, ``en``, ``domain``; alternatives separated by `` | ``) is
edited by people, so it is read leniently but checked: a malformed line is reported by number, never skipped
silently. Terms are matched on stems, so "supplier development programmes" finds "supplier development"; a short
acronym (``VCR``, ``ZEE``) matches only when the query writes it in capitals, because lower-case "zee" or "tlc"
are as likely to be something else.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kb.errors import KbError
from kb.text import MAIN_LANGUAGES, stems, words

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "glossary.tsv"


class GlossaryError(KbError, ValueError):
    """The glossary file cannot be used as it is; the message names the file and line."""


@dataclass(frozen=True)
class Term:
    """One concept: its Spanish and English names (first = preferred), and a domain label."""

    es: tuple[str, ...]
    en: tuple[str, ...]
    domain: str = ""

    def names(self, language: str) -> tuple[str, ...]:
        return self.es if language == "es" else self.en


def _is_short_acronym(name: str) -> bool:
    """VCR, ZEE, TLC: in lower case these are as likely to be other words, so they must be written in capitals."""
    letters = [c for c in name if c.isalpha()]
    return len(name.split()) == 1 and 0 < len(letters) <= 3 and all(c.isupper() for c in letters)


class Glossary:
    """Look-up of terms by their stemmed word sequence, in each language."""

    def __init__(self, terms: list[Term]) -> None:
        self.terms = terms
        # language → stem tuple → term indexes; acronyms are kept apart and matched on the raw query text.
        self._phrases: dict[str, dict[tuple[str, ...], set[int]]] = {l: {} for l in MAIN_LANGUAGES}
        self._acronyms: dict[str, set[int]] = {}
        self._longest = {l: 1 for l in MAIN_LANGUAGES}
        for i, term in enumerate(terms):
            for lang in MAIN_LANGUAGES:
                for name in term.names(lang):
                    if _is_short_acronym(name):
                        self._acronyms.setdefault(name, set()).add(i)
                        continue
                    key = tuple(stems(name, lang, keep_stopwords=True))
                    if key:
                        self._phrases[lang].setdefault(key, set()).add(i)
                        self._longest[lang] = max(self._longest[lang], len(key))

    def __len__(self) -> int:
        return len(self.terms)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Glossary":
        return _load(str(Path(path) if path else DEFAULT_PATH))

    def find(self, query: str) -> list[tuple[Term, str]]:
        """Terms named in ``query`` with the language they were named in; longest matches first, no overlaps."""
        found: dict[int, str] = {}
        for lang in MAIN_LANGUAGES:
            toks = stems(query, lang, keep_stopwords=True)
            used = [False] * len(toks)
            for size in range(min(self._longest[lang], len(toks)), 0, -1):
                for start in range(0, len(toks) - size + 1):
                    if any(used[start : start + size]):
                        continue
                    hit = self._phrases[lang].get(tuple(toks[start : start + size]))
                    if hit:
                        for i in hit:
                            found.setdefault(i, lang)
                        used[start : start + size] = [True] * size
        raw_words = set(re.findall(r"[^\W_][\w-]*", query))
        for name, hit in self._acronyms.items():
            if name in raw_words:
                for i in hit:
                    found.setdefault(i, "es" if name in self.terms[i].es else "en")
        return [(self.terms[i], lang) for i, lang in sorted(found.items())]

    def expand(self, query: str) -> list[tuple[str, str]]:
        """(language, phrase) for each name of each term found in ``query`` that the query does not already use:
        the other language's names (the bridge) and same-language synonyms and acronyms."""
        query_words = set(words(query))
        out: list[tuple[str, str]] = []
        for term, _lang in self.find(query):
            for lang in MAIN_LANGUAGES:
                for name in term.names(lang):
                    if not set(words(name)) <= query_words:
                        out.append((lang, name))
        return list(dict.fromkeys(out))


@lru_cache(maxsize=4)
def _load(path: str) -> Glossary:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise GlossaryError(f"cannot read the glossary {p}: {exc.strerror or exc}") from None
    return Glossary(parse(text, str(p)))


def parse(text: str, name: str = "glossary") -> list[Term]:
    """Terms from TSV text with a header ``es<TAB>en<TAB>domain``; blank lines and ``#`` comments are ignored."""
    rows = list(csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or [h.strip().lower() for h in rows[0][:2]] != ["es", "en"]:
        raise GlossaryError(f"{name}: the first line must be the header 'es<TAB>en<TAB>domain'")
    terms: list[Term] = []
    for number, row in enumerate(rows[1:], start=2):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if len(row) < 2:
            raise GlossaryError(
                f"{name}, line {number}: expected tab-separated 'es', 'en' and 'domain' columns, got {row!r}"
            )
        es, en = (tuple(a.strip() for a in col.split(" | ") if a.strip()) for col in row[:2])
        if not es or not en:
            raise GlossaryError(f"{name}, line {number}: both the Spanish and the English term are needed")
        terms.append(Term(es, en, row[2].strip() if len(row) > 2 else ""))
    return terms
