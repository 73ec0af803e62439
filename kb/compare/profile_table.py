"""Strategy profiles side by side: one row per jurisdiction, plan periods as years, and exports (CSV with a byte-order
mark, XLSX, Markdown) that carry every value's sources and as-of date. No Streamlit here: the Strategies page, the
CLI and tests share it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

from kb.compare.profiles import FIELDS, Profile, ProfileField, Source
from kb.search.citations import BOM, _csv_safe, ascii_fold, md_escape

# The fields a researcher compares, in the table's order (``publisher`` is shown with the plan's sources).
TABLE_FIELDS = ("plan", "period", "vision", "pillars", "sectors", "instruments", "indicators", "governance")

_RANGE = re.compile(r"\b((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)\b")
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
# "with a vision to 2050", "horizon to 2050", "visión a 2050", "al 2050", "hasta 2050"
_HORIZON = re.compile(r"\b(?:to|until|hasta|al|a)\s+((?:19|20)\d\d)\b", re.I)
_FROM = re.compile(r"\b(?:from|since|desde)\s+((?:19|20)\d\d)\b", re.I)
# A sentence that says the plan replaced or revised an earlier one, with that plan's years.
_REPLACED = re.compile(r"replac|supersed|succeed|revis|previous|sustitu|reemplaz|anterior|actualiz", re.I)


def country_of(code: str) -> str:
    """``MX-TAB`` → ``MX``; a country's code is its own."""
    return code.split("-")[0].upper()


@dataclass(frozen=True)
class Span:
    """A plan's years: ``start``–``end`` (either may be unknown), the long-term ``horizon`` beyond them, and earlier
    plans it replaced (their spans)."""

    start: int | None = None
    end: int | None = None
    horizon: int | None = None
    open_end: bool = False  # "from 2019": in force since, no end given
    replaced: tuple[tuple[int, int], ...] = ()

    def covers(self, lo: int, hi: int) -> bool:
        """Whether the plan is in force at some point of lo..hi (an unknown span covers nothing)."""
        if self.start is None and self.end is None:
            return False
        start = self.start if self.start is not None else (self.end or 0)
        end = self.horizon or self.end or (9999 if self.open_end else start)
        return start <= hi and end >= lo


def span(profile: Profile) -> Span:
    """The plan's years read from its ``period`` field (then the plan's title), in English first: "2024-2044 (Vision
    2044)" → 2024–2044; "2024-2030, with a vision to 2050" → 2024–2030, horizon 2050; "From 2019" → 2019, open.
    Only years written in the profile are used; a period given without years has no span."""
    texts = [profile.fields[name].text(lang) for name in ("period", "plan") for lang in ("en", "es")]
    start = end = horizon = None
    open_end = False
    for text in texts:
        m = _RANGE.search(text)
        if m:
            start, end = int(m.group(1)), int(m.group(2))
            break
    period = " ".join(texts[:2])
    later = [int(y) for y in _HORIZON.findall(period)]
    if end is not None:
        horizon = max((y for y in later if y > end), default=None)
    elif later:
        end = max(later)
    if start is None:
        m = _FROM.search(period)
        if m:
            start, open_end = int(m.group(1)), end is None
    replaced: list[tuple[int, int]] = []
    for f in profile.fields.values():
        for text in [*f.note.values(), *(f.text(lang) for lang in ("en", "es"))]:
            for sentence in re.split(r"(?<=[.;])\s+", text):
                if not _REPLACED.search(sentence):
                    continue
                for a, b in _RANGE.findall(sentence):
                    pair = (int(a), int(b))
                    if pair != (start, end) and pair not in replaced:
                        replaced.append(pair)
    return Span(start, end, horizon, open_end, tuple(replaced))


def period_label(s: Span, lang: str) -> str:
    """ "2024–2044", "2024–2030 (→ 2050)", "desde 2019", "→ 2050", or "" without years."""
    if s.start is not None and s.end is not None:
        text = f"{s.start}–{s.end}"
    elif s.start is not None:
        text = f"{'desde' if lang == 'es' else 'from'} {s.start}"
    elif s.end is not None:
        text = f"→ {s.end}"
    else:
        return ""
    return text + (f" (→ {s.horizon})" if s.horizon else "")


def as_of_text(f: ProfileField, lang: str) -> str:
    return f.as_of_text(lang) if f.filled else ""


def publisher_text(src: Source, lang: str) -> str:
    """The source's publisher; the few English remarks that profiles put in brackets read in Spanish in Spanish."""
    if lang != "es":
        return src.publisher
    text = re.sub(r"\(copy on ([^)]+)\)", r"(copia en \1)", src.publisher)
    return re.sub(r"\(reprinting ([^)]+)\)", r"(reproduce a \1)", text)


def source_text(src: Source, lang: str) -> str:
    """ "Title. Publisher, 2024. URL" in the reader's language (s. f. / n.d. for an undated source)."""
    year = str(src.year) if src.year else ("s. f." if lang == "es" else "n.d.")
    return f"{src.title}. {publisher_text(src, lang)}, {year.rstrip('.')}. {src.url}"


@dataclass
class Row:
    """One jurisdiction's profile as the table shows it: values as text, each field's first source and date."""

    code: str
    name: str
    level: str
    country: str
    span: Span
    profile: Profile
    values: dict[str, str] = field(default_factory=dict)  # field → value text ("" when not confirmed)
    links: dict[str, str] = field(default_factory=dict)  # field → its first source's URL
    as_of: dict[str, str] = field(default_factory=dict)  # field → as-of date


def rows(profiles: Sequence[Profile], lang: str, name: Callable[[str], str] | None = None) -> list[Row]:
    """One Row per profile, in the order given; ``name`` names a jurisdiction (default: the profile's own name)."""
    out = []
    for p in profiles:
        r = Row(
            code=p.jurisdiction,
            name=name(p.jurisdiction) if name else p.name(lang),
            level=p.level,
            country=country_of(p.jurisdiction),
            span=span(p),
            profile=p,
        )
        for key in TABLE_FIELDS:
            f = p.fields[key]
            r.values[key] = f.text(lang)
            r.links[key] = f.sources[0].url if f.filled and f.sources else ""
            r.as_of[key] = as_of_text(f, lang)
        out.append(r)
    return out


def matches(row: Row, needle: str) -> bool:
    """Whether ``needle`` (case and accents ignored) occurs in the row's name, code or any value."""
    fold = lambda s: ascii_fold(s).casefold()  # noqa: E731
    n = fold(needle.strip())
    return not n or any(n in fold(v) for v in (row.name, row.code, *row.values.values()))


def label(key: str, lang: str) -> str:
    return FIELDS[key][0 if lang == "es" else 1]


HEAD = {
    "jurisdiction": ("Jurisdicción", "Jurisdiction"),
    "code": ("Código", "Code"),
    "level": ("Nivel", "Level"),
    "source": ("fuente", "source"),
    "as_of": ("a fecha de", "as of"),
    "checked": ("fuentes revisadas", "sources checked"),
}


def _h(key: str, lang: str) -> str:
    return HEAD[key][0 if lang == "es" else 1]


def header(lang: str) -> list[str]:
    """The export's columns: who, then for each field its value, its sources and its as-of date."""
    cols = [_h("jurisdiction", lang), _h("code", lang), _h("level", lang)]
    for key in TABLE_FIELDS:
        cols += [
            label(key, lang),
            f"{label(key, lang)}: {_h('source', lang)}",
            f"{label(key, lang)}: {_h('as_of', lang)}",
        ]
    return cols + [_h("checked", lang)]


def records(table: Sequence[Row], lang: str, level_name: Callable[[str], str] = str) -> list[list[str]]:
    """The export's rows: every field's value, all its sources (title, publisher, year, URL) and as-of date."""
    out = []
    for r in table:
        line = [r.name, r.code, level_name(r.level)]
        for key in TABLE_FIELDS:
            f = r.profile.fields[key]
            note = f.note.get(lang, "") if not f.filled else ""
            line += [
                r.values[key] or note or ("sin confirmar" if lang == "es" else "not confirmed"),
                " | ".join(source_text(s, lang) for s in f.sources),
                r.as_of[key],
            ]
        out.append(line + [r.profile.checked])
    return out


def to_csv(table: Sequence[Row], lang: str, level_name: Callable[[str], str] = str) -> str:
    """CSV (UTF-8 with a byte-order mark, so Excel reads the accents), one row per jurisdiction."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header(lang))
    for line in records(table, lang, level_name):
        w.writerow([_csv_safe(v) for v in line])
    return BOM + buf.getvalue()


def to_xlsx(table: Sequence[Row], lang: str, level_name: Callable[[str], str] = str) -> bytes:
    """An Excel workbook of the same table; each value's cell links to its first source."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Estrategias" if lang == "es" else "Strategies"
    ws.append(header(lang))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for n, (r, line) in enumerate(zip(table, records(table, lang, level_name)), start=2):
        # Text, never a formula: openpyxl writes a value starting with "=" as one.
        ws.append([("'" + v) if v.startswith("=") else v for v in line])
        for i, key in enumerate(TABLE_FIELDS):
            if r.links[key]:
                c = ws.cell(row=n, column=4 + 3 * i)
                c.hyperlink = r.links[key]
                c.font = Font(color="1F4E96", underline="single")
    ws.freeze_panes = "B2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_markdown(table: Sequence[Row], lang: str, level_name: Callable[[str], str] = str) -> str:
    """One section per jurisdiction, each field with its sources (linked) and as-of date."""
    es = lang == "es"
    today = dt.date.today().isoformat()
    lines = [f"# {'Estrategias' if es else 'Strategies'} ({today})", ""]
    for r in table:
        lines += [f"## {md_escape(r.name)} ({r.code}, {md_escape(level_name(r.level))})", ""]
        for key in TABLE_FIELDS:
            f = r.profile.fields[key]
            if not f.filled:
                note = f.note.get(lang, "")
                lines.append(
                    f"- **{label(key, lang)}:** _{'sin confirmar' if es else 'not confirmed'}_"
                    + (f". {md_escape(note)}" if note else "")
                )
                continue
            srcs = "; ".join(
                f"[{md_escape(s.title)}]({s.url}), {md_escape(publisher_text(s, lang))}, "
                + (str(s.year) if s.year else ("s. f." if es else "n.d."))
                for s in f.sources
            )
            lines.append(
                f"- **{label(key, lang)}** ({'a fecha de' if es else 'as of'} {r.as_of[key]}): "
                f"{md_escape(r.values[key])} — {'fuente' if es else 'source'}: {srcs}"
            )
        lines.append("")
    return "\n".join(lines)
