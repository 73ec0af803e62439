"""ISO 3166 codes → names in Spanish or English (pycountry's own translations), Mexican states apart from countries."""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry

# Codes the collection uses that are not ISO 3166 entities.
SPECIAL = {
    "INT": ("Internacional", "International"),
    "EU": ("Unión Europea", "European Union"),
    "LATAM": ("América Latina", "Latin America"),
}
# States whose ISO name is the country's or its capital's: named so that they cannot be taken for the country.
STATES = {"MX-MEX": ("Estado de México", "State of Mexico"), "MX-CMX": ("Ciudad de México", "Mexico City")}
# pycountry's names for a few countries are formal ("Korea, Republic of"); readers expect the common name.
COMMON = {
    "KR": ("Corea del Sur", "South Korea"),
    "TW": ("Taiwán", "Taiwan"),
    "VN": ("Vietnam", "Vietnam"),
    "BO": ("Bolivia", "Bolivia"),
    "VE": ("Venezuela", "Venezuela"),
    "US": ("Estados Unidos", "United States"),
}


@lru_cache(maxsize=4)
def _translation(domain: str, lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def is_mexican_state(code: str) -> bool:
    return code.upper().startswith("MX-")


@lru_cache(maxsize=1024)
def name(code: str, lang: str = "en") -> str:
    """A reader's name for ``code`` (``MX-TAB`` → Tabasco, ``SG`` → Singapur/Singapore); unknown codes stay as given."""
    code = (code or "").strip().upper()
    if not code:
        return ""
    if code in SPECIAL or code in STATES:
        return {**SPECIAL, **STATES}[code][0 if lang == "es" else 1]
    if "-" in code:
        sub = pycountry.subdivisions.get(code=code)
        return _translation("iso3166-2", lang).gettext(sub.name) if sub else code
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    if country.alpha_2 in COMMON:
        return COMMON[country.alpha_2][0 if lang == "es" else 1]
    if lang == "en":
        return getattr(country, "common_name", country.name)
    return _translation("iso3166-1", lang).gettext(country.name)


def label(code: str, lang: str = "en") -> str:
    """``name`` plus, for a state, its country in brackets, so "Tabasco (MX)" never reads as a country."""
    n = name(code, lang)
    return f"{n} ({code.split('-')[0].upper()})" if "-" in code and n != code.upper() else n


def split(codes: list[str], lang: str = "en") -> tuple[list[str], list[str]]:
    """(Mexican states, everything else), each sorted by its name in ``lang``."""
    unique = sorted({c.upper() for c in codes if c}, key=lambda c: name(c, lang).casefold())
    return [c for c in unique if is_mexican_state(c)], [c for c in unique if not is_mexican_state(c)]
