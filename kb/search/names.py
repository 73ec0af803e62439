"""Place names across languages: Etiopía is Ethiopia, Países Bajos the Netherlands, Singapur Singapore.

The "names no passage mentions" evidence of ``kb/relevance.py`` looks a query's capitalised words up in the lexical
index. A Spanish question on Ethiopia ("¿Cómo evitan las sociedades funerarias iddir de Etiopía …?") named
"Etiopía", which an English paper on Ethiopia never writes, so the verdict said "Etiopía appears in no document"
while that paper was the first hit (issue 21). Here a place named in the query counts as mentioned when the
collection mentions it under any of its names.

The names are every country's English names and Spanish name from pycountry's ISO 3166 data and translations (a
maintained list, already a dependency), plus the place names of the ES↔EN glossary (its ``places`` domain: Mexico
City, the State of Mexico …). Names are compared folded (no case, no accents), so México and Mexico are one name.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from kb.text import fold, words

MIN_LETTERS = 3  # words of one or two letters ("de", "of") count as known, as in LexicalIndex.knows


class PlaceNames:
    """Groups of names of one place (in any language), found in a text as whole word sequences."""

    def __init__(self, groups: Iterable[Iterable[str]]) -> None:
        self.groups: list[tuple[tuple[str, ...], ...]] = []
        self._by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for names in groups:
            folded = tuple(dict.fromkeys(t for t in (tuple(words(fold(n))) for n in names) if t))
            if not folded:
                continue
            index = len(self.groups)
            self.groups.append(folded)
            for name in folded:
                self._by_first.setdefault(name[0], []).append((name, index))
        for entries in self._by_first.values():
            entries.sort(key=lambda e: -len(e[0]))  # the longest name first: "nueva zelanda" before "nueva"

    def __len__(self) -> int:
        return len(self.groups)

    def found(self, text: str) -> list[tuple[tuple[str, ...], int]]:
        """(the folded words of a place name as written in ``text``, its group), longest match first, left to right."""
        tokens = words(fold(text))
        out: list[tuple[tuple[str, ...], int]] = []
        i = 0
        while i < len(tokens):
            for name, group in self._by_first.get(tokens[i], []):
                if tuple(tokens[i : i + len(name)]) == name:
                    out.append((name, group))
                    i += len(name)
                    break
            else:
                i += 1
        return out

    def mentioned(self, query: str, known: Callable[[str], bool]) -> set[str]:
        """The folded words of ``query`` that belong to a place name the collection mentions under some name of that
        place (``known``: whether a word occurs in any passage, e.g. ``LexicalIndex.knows``)."""
        out: set[str] = set()
        for name, group in self.found(query):
            if any(all(known(w) for w in other if len(w) >= MIN_LETTERS) for other in self.groups[group]):
                out.update(name)
        return out


def country_names() -> list[list[str]]:
    """Each ISO 3166 country's English names (name, common and official name) and its Spanish name."""
    import pycountry

    spanish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"], fallback=True)
    out = []
    for country in pycountry.countries:
        english = [getattr(country, f, "") for f in ("name", "common_name", "official_name")]
        names = [n for n in english if n] + [spanish.gettext(country.name)]
        # pycountry writes some names formally ("Korea, Republic of", "Netherlands, Kingdom of the"): the part before
        # the comma is the name people write.
        names += [n.split(",")[0] for n in names if "," in n]
        out.append(names)
    return out


def glossary_places(path: str | Path | None = None) -> list[list[str]]:
    """The Spanish and English names of the glossary's places (``domain`` "places")."""
    from kb.search.glossary import Glossary

    return [[*t.es, *t.en] for t in Glossary.load(path).terms if t.domain == "places"]


@lru_cache(maxsize=4)
def place_names(glossary_path: str | None = None) -> PlaceNames:
    """Countries and the glossary's places, built once per process (~250 countries: a few milliseconds)."""
    return PlaceNames([*country_names(), *glossary_places(glossary_path)])
