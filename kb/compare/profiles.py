"""Strategy profiles: one Markdown file per jurisdiction whose front matter holds comparable, sourced fields.

A profile's YAML front matter has the usual document keys (title, jurisdiction, level, ``doc_type: profile`` …)
plus a ``profile`` block::

    profile:
      checked: 2026-11-30          # when the policy-kb team last checked the sources
      name: {es: Querétaro, en: Querétaro}
      fields:
        plan:
          es: Plan Estatal de Desarrollo 2021-2027
          en: State Development Plan 2021-2027
          sources: [{title: …, publisher: …, year: 2022, url: https://…}]
          as_of: 2022-02           # the date the source states the fact (YYYY, YYYY-MM or YYYY-MM-DD;
                                   # n.d. when every source of the field is undated, i.e. has year: n.d.)
        vision:
          status: not confirmed    # an empty field: no value is better than a guess
          note: {es: …, en: …}

List fields (pillars, sectors, instruments, indicators) hold a list per language, item for item the same.
``quoted: [en]`` says in which language(s) the value is the source's own wording (rendered in quotation marks);
any other language is the policy-kb team's translation. This module parses and validates; it reads no store and
writes nothing (``scripts/build_profiles.py`` renders the readable body from the same data).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from kb.errors import KbError
from kb.records import Document
from kb.text import MAIN_LANGUAGES

LANGUAGES = MAIN_LANGUAGES  # a profile is written in both
DOC_TYPE = "profile"
NOT_CONFIRMED = "not confirmed"

# The comparable fields, in display order, with their labels (Spanish, English).
FIELDS: dict[str, tuple[str, str]] = {
    "plan": ("Estrategia o plan", "Strategy or plan"),
    "period": ("Periodo", "Period"),
    "publisher": ("Responsable de la publicación", "Publisher"),
    "vision": ("Visión", "Vision"),
    "pillars": ("Pilares o ejes", "Pillars or axes"),
    "sectors": ("Sectores prioritarios", "Priority sectors"),
    "instruments": ("Instrumentos principales", "Main instruments"),
    "governance": ("Órgano de gobernanza", "Governance body"),
    "indicators": ("Indicadores principales", "Headline indicators"),
}
LIST_FIELDS = frozenset({"pillars", "sectors", "instruments", "indicators"})

# What the rendered body of every profile says besides its facts (scripts/build_profiles.py renders it from here):
# the introduction, and the word an empty field gets.
INTRO = {
    "es": (
        "Ficha comparable elaborada por el equipo de policy-kb a partir de fuentes públicas, revisadas "
        "el {checked}; no es el plan ni un documento oficial. Cada dato remite a su fuente, numerada al "
        "final, y lleva la fecha en que la fuente lo afirma; las comillas marcan las palabras de la "
        "fuente, y lo que la fuente dice en otro idioma lo traducimos nosotros. Lo que no pudimos "
        "confirmar queda sin dato: preferimos un campo vacío a uno inventado."
    ),
    "en": (
        "A comparable profile written by the policy-kb team from public sources, checked on "
        "{checked}; it is not the plan itself nor an official document. Every fact points to its source, "
        "numbered at the end, and carries the date at which the source states it; quotation marks mark "
        "the source's own words, and what a source says in another language is our translation. What we "
        "could not confirm is left empty: an empty field is better than an invented one."
    ),
}
EMPTY = {"es": "sin confirmar", "en": NOT_CONFIRMED}

_PROFILE_KEYS = {"checked", "name", "fields"}
_FIELD_KEYS = {*LANGUAGES, "sources", "as_of", "quoted", "note", "status"}
_SOURCE_KEYS = {"title", "publisher", "year", "url", "note"}
_DATE = re.compile(r"^\d{4}(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)


class ProfileError(KbError, ValueError):
    """A profile that does not validate; ``problems`` lists every reason, each naming the file and the field."""

    def __init__(self, where: str, problems: list[str]) -> None:
        self.where, self.problems = where, problems
        super().__init__(f"{where}: " + "; ".join(problems))


@dataclass(frozen=True)
class Source:
    """A document a researcher can open: title, publisher, year (or n.d.) and a URL (a deep link where one exists)."""

    title: str
    publisher: str
    year: int | None  # None: the source carries no date ("n.d." in the file), never a guessed year
    url: str
    note: str = ""  # e.g. "news report of the plan's presentation; the plan's own PDF was not found"

    def cite(self) -> str:
        return f"{self.title}. {self.publisher}, {f'{self.year}.' if self.year else 'n.d.'} {self.url}"


@dataclass(frozen=True)
class ProfileField:
    """One comparable field: its value per language (empty = not confirmed), sources and as-of date."""

    name: str
    values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # language → items (one for text fields)
    sources: tuple[Source, ...] = ()
    as_of: str = ""
    quoted: tuple[str, ...] = ()  # languages in which the value is the source's own wording
    note: Mapping[str, str] = field(default_factory=dict)  # language → remark (why empty, whose translation …)

    @property
    def filled(self) -> bool:
        return any(self.values.get(lang) for lang in LANGUAGES)

    @property
    def is_list(self) -> bool:
        return self.name in LIST_FIELDS

    def items(self, lang: str) -> tuple[str, ...]:
        return tuple(self.values.get(lang, ()))

    def text(self, lang: str) -> str:
        """The value as one line of text ("" when not confirmed); quoted values in quotation marks."""
        items = self.items(lang)
        if not items:
            return ""
        if lang in self.quoted:
            items = tuple(f"“{i}”" for i in items)
        return "; ".join(items)

    def label(self, lang: str) -> str:
        return FIELDS[self.name][0 if lang == "es" else 1]

    def as_of_text(self, lang: str) -> str:
        """``as_of`` for a reader: the date as written, or "s. f." / "n.d." when every source is undated."""
        if self.as_of == "n.d.":
            return "s. f." if lang == "es" else "n.d."
        return self.as_of


@dataclass(frozen=True)
class Profile:
    """A jurisdiction's strategy profile. ``fields`` holds every field of FIELDS, in order, empty ones too."""

    jurisdiction: str
    level: str
    title: str
    names: Mapping[str, str]
    checked: str
    fields: Mapping[str, ProfileField]
    path: str = ""

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.jurisdiction

    @property
    def filled(self) -> list[str]:
        return [k for k, f in self.fields.items() if f.filled]

    @property
    def empty(self) -> list[str]:
        return [k for k, f in self.fields.items() if not f.filled]

    def sources(self) -> list[Source]:
        """Every source the profile cites, once each, in field order (the numbering of the rendered body)."""
        seen: dict[Source, None] = {}
        for f in self.fields.values():
            for s in f.sources:
                seen.setdefault(s, None)
        return list(seen)


def split_front_matter(text: str) -> tuple[str, str]:
    """(front matter YAML, body); ("", text) when there is none."""
    match = _FRONT_MATTER.match(text)
    return (match.group(1), text[match.end() :]) if match else ("", text)


def parse_profile(text: str, where: str = "<profile>") -> Profile:
    """A validated Profile from a profile file's text; ProfileError lists every problem found."""
    fm_text, _ = split_front_matter(text)
    if not fm_text:
        raise ProfileError(where, ["no YAML front matter (the file must start with ---)"])
    try:
        fm = yaml.safe_load(fm_text)
    except yaml.YAMLError as exc:
        raise ProfileError(where, [f"front matter is not valid YAML ({exc})"]) from None
    if not isinstance(fm, dict):
        raise ProfileError(where, ["front matter is not a mapping"])
    problems: list[str] = []
    if str(fm.get("doc_type", "")).strip().lower() != DOC_TYPE:
        problems.append(f"doc_type must be '{DOC_TYPE}' (found {fm.get('doc_type')!r})")
    jurisdiction = str(fm.get("jurisdiction") or "").strip().upper()
    level = str(fm.get("level") or "").strip().lower()
    for key, value in (("jurisdiction", jurisdiction), ("level", level), ("title", fm.get("title"))):
        if not value:
            problems.append(f"'{key}' is missing")
    block = fm.get("profile")
    if not isinstance(block, dict):
        raise ProfileError(where, problems + ["no 'profile' block in the front matter"])
    problems += [
        f"unknown key 'profile.{k}' (known: {', '.join(sorted(_PROFILE_KEYS))})"
        for k in block
        if k not in _PROFILE_KEYS
    ]
    checked = _date(block.get("checked"))
    if not checked:
        problems.append("'profile.checked' must be a date (YYYY-MM-DD): when the sources were last checked")
    names = block.get("name") or {}
    if not isinstance(names, dict) or any(not names.get(lang) for lang in LANGUAGES):
        problems.append(f"'profile.name' needs a name in each language ({', '.join(LANGUAGES)})")
        names = names if isinstance(names, dict) else {}
    raw_fields = block.get("fields") or {}
    if not isinstance(raw_fields, dict):
        raise ProfileError(where, problems + ["'profile.fields' must be a mapping of field name → field"])
    problems += [f"unknown field '{k}' (known: {', '.join(FIELDS)})" for k in raw_fields if k not in FIELDS]
    fields: dict[str, ProfileField] = {}
    for name in FIELDS:
        parsed, field_problems = _parse_field(name, raw_fields.get(name), checked)
        fields[name] = parsed
        problems += [f"field '{name}': {p}" for p in field_problems]
    if problems:
        raise ProfileError(where, problems)
    return Profile(
        jurisdiction=jurisdiction,
        level=level,
        title=str(fm["title"]).strip(),
        names={lang: str(names[lang]).strip() for lang in LANGUAGES},
        checked=checked,
        fields=fields,
        path=where,
    )


def load_profile(path: str | Path) -> Profile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(str(path), [f"cannot be read ({exc.__class__.__name__}: {exc})"]) from None
    return parse_profile(text, str(path))


def load_folder(folder: str | Path) -> tuple[list[Profile], list[ProfileError]]:
    """Every ``*.md`` profile in ``folder`` (README excepted), sorted by jurisdiction, and the ones that failed."""
    return _load_all(p for p in sorted(Path(folder).glob("*.md")) if not p.name.lower().startswith("readme"))


def profiles_in(documents: Iterable[Document]) -> tuple[list[Profile], list[ProfileError]]:
    """The profiles among a knowledge base's documents (``kb.documents()``): those whose doc_type is 'profile',
    read from their source files. A missing or invalid file is reported, and the others are still returned."""
    paths = [Path(d.source) for d in documents if (d.doc_type or "").lower() == DOC_TYPE and d.source]
    return _load_all(paths)


def find_profiles(kb) -> tuple[list[Profile], list[ProfileError]]:
    """``profiles_in(kb.documents())``: the strategy profiles ingested into a KnowledgeBase."""
    return profiles_in(kb.documents())


def _load_all(paths: Iterable[Path]) -> tuple[list[Profile], list[ProfileError]]:
    profiles: list[Profile] = []
    errors: list[ProfileError] = []
    for path in paths:
        try:
            profiles.append(load_profile(path))
        except ProfileError as exc:
            errors.append(exc)
    profiles.sort(key=lambda p: p.jurisdiction)
    return profiles, errors


def _date(value: Any) -> str:
    """ISO text of a YAML date, year or "YYYY-MM"; "" when it is none of these."""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip() if value not in (None, "") else ""
    return text if _DATE.match(text) else ""


def _parse_field(name: str, raw: Any, checked: str) -> tuple[ProfileField, list[str]]:
    if raw is None:
        return ProfileField(name), []
    if not isinstance(raw, dict):
        return ProfileField(name), ["must be a mapping (es, en, sources, as_of …)"]
    problems = [f"unknown key '{k}' (known: {', '.join(sorted(_FIELD_KEYS))})" for k in raw if k not in _FIELD_KEYS]
    values: dict[str, tuple[str, ...]] = {}
    for lang in LANGUAGES:
        items, item_problems = _items(name, raw.get(lang))
        problems += [f"'{lang}': {p}" for p in item_problems]
        if items:
            values[lang] = items
    note = raw.get("note") or {}
    if not isinstance(note, dict) or any(k not in LANGUAGES for k in note):
        problems.append(f"'note' must map languages ({', '.join(LANGUAGES)}) to text")
        note = {}
    note = {k: str(v).strip() for k, v in note.items() if v}
    quoted = raw.get("quoted") or []
    quoted = [quoted] if isinstance(quoted, str) else quoted
    if not isinstance(quoted, list) or any(q not in LANGUAGES for q in quoted):
        problems.append(f"'quoted' must list languages among {', '.join(LANGUAGES)}")
        quoted = []
    status = str(raw.get("status") or "").strip().lower()
    if status and status != NOT_CONFIRMED:
        problems.append(f"'status' can only be '{NOT_CONFIRMED}' (found {status!r})")

    if not values:  # an empty field: no sources, no date, nothing that looks like a fact
        if raw.get("sources") or raw.get("as_of") or quoted:
            problems.append("has sources, as_of or quoted but no value; leave it empty or give the value")
        return ProfileField(name, note=note), problems
    if status:
        problems.append(f"says '{NOT_CONFIRMED}' but has a value")
    missing = [lang for lang in LANGUAGES if lang not in values]
    if missing:
        problems.append(f"no value in {', '.join(missing)} (a filled field is given in every language)")
    elif name in LIST_FIELDS and len({len(v) for v in values.values()}) > 1:
        problems.append(
            "the languages list a different number of items ("
            + ", ".join(f"{lang}: {len(v)}" for lang, v in values.items())
            + ")"
        )
    sources, source_problems = _sources(raw.get("sources"))
    problems += source_problems
    as_of = _date(raw.get("as_of"))
    if str(raw.get("as_of")).strip() == "n.d." and sources and all(s.year is None for s in sources):
        as_of = "n.d."  # undated sources only: say so rather than guess a date
    if not as_of:
        problems.append(
            "'as_of' must be a date (YYYY, YYYY-MM or YYYY-MM-DD): when the source states the fact "
            "(n.d. only when every source of the field is undated)"
        )
    elif checked and as_of != "n.d." and as_of > checked:
        problems.append(f"'as_of' {as_of} is later than profile.checked {checked}")
    return ProfileField(name, values, tuple(sources), as_of, tuple(quoted), note), problems


def _items(name: str, raw: Any) -> tuple[tuple[str, ...], list[str]]:
    if raw in (None, "", []):
        return (), []
    if name in LIST_FIELDS:
        if not isinstance(raw, list) or not all(isinstance(i, (str, int, float)) and str(i).strip() for i in raw):
            return (), ["must be a list of non-empty texts"]
        return tuple(str(i).strip() for i in raw), []
    if not isinstance(raw, (str, int, float)):
        return (), ["must be a text"]
    return (str(raw).strip(),), []


def _sources(raw: Any) -> tuple[list[Source], list[str]]:
    if isinstance(raw, dict):
        raw = [raw]
    if not raw or not isinstance(raw, list):
        return [], ["no source (a filled field names at least one: title, publisher, year, url)"]
    out: list[Source] = []
    problems: list[str] = []
    for n, s in enumerate(raw, start=1):
        if not isinstance(s, dict):
            problems.append(f"source {n} must be a mapping (title, publisher, year, url)")
            continue
        problems += [
            f"source {n}: unknown key '{k}' (known: {', '.join(sorted(_SOURCE_KEYS))})"
            for k in s
            if k not in _SOURCE_KEYS
        ]
        missing = [k for k in ("title", "publisher", "year", "url") if not str(s.get(k) or "").strip()]
        if missing:
            problems.append(f"source {n}: missing {', '.join(missing)}")
            continue
        url = str(s["url"]).strip()
        if not re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
            problems.append(f"source {n}: url must be an http(s) address a researcher can open (found {url!r})")
        year = str(s["year"]).strip()
        if not re.fullmatch(r"(19|20)\d\d|n\.d\.", year):
            problems.append(
                f"source {n}: year must be a four-digit year, or n.d. for an undated source (found {year!r})"
            )
            continue
        out.append(
            Source(
                str(s["title"]).strip(),
                str(s["publisher"]).strip(),
                None if year == "n.d." else int(year),
                url,
                str(s.get("note") or "").strip(),
            )
        )
    return out, problems


# --- boilerplate: what a profile passage says that is no fact ------------------------------------------------------
_INTRO_RE = re.compile(
    "|".join(re.escape(t).replace(re.escape("{checked}"), r"\d{4}-\d{2}-\d{2}") for t in INTRO.values())
)
# An empty field as rendered: "Visión: sin confirmar. <its note, one sentence>".
_EMPTY_RE = re.compile(
    r"(?:%s):\s*(?:%s)\.(?:\s+[^.]*\.)?"
    % ("|".join(re.escape(label) for pair in FIELDS.values() for label in pair), "|".join(EMPTY.values()))
)
BOILERPLATE_SHARE = 0.4  # a passage whose words are this share of these is boilerplate (the intro passages: 0.43-0.56)


def boilerplate_share(text: str) -> float:
    """The share of a profile passage's words that belong to the introduction every profile repeats or to the
    notes of empty fields ("Vision: not confirmed. …")."""
    total = len(text.split())
    if not total:
        return 0.0
    spans = [m.group(0) for m in _INTRO_RE.finditer(text)] + [m.group(0) for m in _EMPTY_RE.finditer(text)]
    return min(1.0, sum(len(s.split()) for s in spans) / total)


def is_boilerplate(chunk) -> bool:
    """A strategy profile's passage made mostly of its introduction and "not confirmed" notes. These are near to
    every question in the meta-language of a research tool, and under "nothing relevant" they filled all ten of the
    nearest passages of a question the collection cannot answer (issue 20)."""
    return (chunk.doc.doc_type or "").lower() == DOC_TYPE and boilerplate_share(chunk.text) >= BOILERPLATE_SHARE
