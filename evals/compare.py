"""Compare evaluation: labelled (jurisdiction × theme) cells → the share whose shown passage is acceptable and the
share of cells with nothing right that Compare leaves empty.

Cell files are JSON lines ``{"id", "jurisdiction", "theme", "split": "dev"|"test", "acceptable": [{"doc", "span"}]}``
kept in ``<corpus>/_eval/compare/``. A passage is acceptable when it belongs to ``doc`` (a path relative to the
corpus) and contains ``span`` (a short verbatim phrase, compared case- and whitespace-insensitively), so labels
survive re-chunking. A label with a ``field`` (``{"doc": "profiles/mx-nle.md", "field": "instruments", "span"}``)
names an item of a strategy profile: the cell may show that item as its evidence (kb/compare.py ``evidence``).
``acceptable: []`` means nothing in the collection answers the cell: it should stay empty.

``rates`` judges each cell as the reader sees it: on theme (what it shows is labelled acceptable), off-topic (it
shows something that is not), false empty (it says "nothing on this theme" though something acceptable exists),
correctly empty; per language run (Compare restricted to Spanish or English passages, or both), where an acceptable
passage counts only in its document's language (``es_`` / ``en_`` file names) and profile items in both.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from kb.errors import KbError
from kb.records import Hit


class CellFileError(KbError, ValueError):
    """A cell file that cannot be read, with the file and line."""


@dataclass(frozen=True)
class Span:
    doc: str
    span: str
    field: str = ""  # a strategy profile's field: the span is part of one of its items

    def language(self) -> str:
        """The language of the passage holding the span, from the file name (es_… / en_…); "" for both."""
        name = Path(self.doc).name
        return name[:2] if name[:3] in ("es_", "en_") and not self.field else ""


@dataclass(frozen=True)
class LabelledCell:
    id: str
    jurisdiction: str
    theme: str
    split: str
    acceptable: tuple[Span, ...]


def load_cells(path: Path) -> list[LabelledCell]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            out.append(
                LabelledCell(
                    raw["id"],
                    raw["jurisdiction"],
                    raw["theme"],
                    raw.get("split", "dev"),
                    tuple(Span(a["doc"], a["span"], a.get("field", "")) for a in raw["acceptable"]),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CellFileError(f"{path}:{n}: not a labelled cell ({exc})") from exc
    return out


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def is_acceptable(hit: Hit, cell: LabelledCell) -> bool:
    source = hit.chunk.doc.source.replace("\\", "/")
    text = _norm(hit.chunk.text)
    return any(not s.field and source.endswith("/" + s.doc) and _norm(s.span) in text for s in cell.acceptable)


def is_acceptable_evidence(item, cell: LabelledCell) -> bool:
    """Whether a profile item shown in a cell (kb.compare.ProfileEvidence) is one the labels accept."""
    path = item.path.replace("\\", "/")
    texts = [_norm(t) for _, t in item.texts]
    return any(
        s.field == item.field and path.endswith("/" + s.doc) and any(_norm(s.span) in t for t in texts)
        for s in cell.acceptable
    )


@dataclass
class CellResult:
    cell: LabelledCell
    shown: Hit | None  # the passage Compare put in the cell (None: the cell said "nothing on this")

    @property
    def ok(self) -> bool:
        if not self.cell.acceptable:
            return self.shown is None
        return self.shown is not None and is_acceptable(self.shown, self.cell)


@dataclass
class ShownCell:
    """What one cell of one language run shows: its passage, else its profile items, else nothing."""

    cell: LabelledCell
    language: str  # "" (both), "es" or "en"
    passage: Hit | None
    items: list = field(default_factory=list)  # kb.compare.ProfileEvidence

    @property
    def answerable(self) -> bool:
        """Something acceptable exists in this run's language (a passage in it, or a profile item)."""
        return any(not s.language() or not self.language or s.language() == self.language for s in self.cell.acceptable)

    def verdict(self) -> str:
        """on_theme, off_topic, false_empty or correctly_empty."""
        if self.passage is None and not self.items:
            return "false_empty" if self.answerable else "correctly_empty"
        if self.passage is not None:
            ok = is_acceptable(self.passage, self.cell)
        else:
            ok = any(is_acceptable_evidence(i, self.cell) for i in self.items)
        return "on_theme" if ok else "off_topic"


def rates(shown: Sequence[ShownCell]) -> dict[str, float | int]:
    """Shares of cells on theme, off-topic, falsely empty and correctly empty (of all cells)."""
    n = len(shown)
    verdicts = [s.verdict() for s in shown]
    out: dict[str, float | int] = {"cells": n}
    for v in ("on_theme", "off_topic", "false_empty", "correctly_empty"):
        out[v] = verdicts.count(v) / n if n else 0.0
    return out


def evaluate_languages(
    kb, cells: Sequence[LabelledCell], languages: Sequence[str] = ("", "es", "en")
) -> dict[str, list[ShownCell]]:
    """One Compare run per language ("" for both, as the page does by default), each cell as the reader sees it."""
    from kb.compare.compare import THEMES_BY_KEY, compare

    themes = [THEMES_BY_KEY[k] for k in dict.fromkeys(c.theme for c in cells)]
    jurisdictions = list(dict.fromkeys(c.jurisdiction for c in cells))
    out: dict[str, list[ShownCell]] = {}
    for lang in languages:
        comp = compare(kb, themes, jurisdictions, language=(lang,) if lang else ())
        out[lang] = []
        for c in cells:
            cell = comp.cell(THEMES_BY_KEY[c.theme], c.jurisdiction)
            out[lang].append(ShownCell(c, lang, cell.best, [] if cell.best else list(getattr(cell, "profile", []))))
    return out


def covered(cells: Sequence[LabelledCell], documents) -> set[str]:
    """The jurisdictions whose labels name every content document the store holds for them (strategy profiles
    aside): only there can a shown passage that no label accepts be called off-topic. A note added to the corpus
    after its jurisdiction was labelled leaves the jurisdiction out until its passages are labelled too."""
    named: dict[str, set[str]] = {}
    for c in cells:
        named.setdefault(c.jurisdiction, set()).update(s.doc for s in c.acceptable if not s.field)
    out = set()
    for jur, docs in named.items():
        held = [
            d.source.replace("\\", "/")
            for d in documents
            if d.jurisdiction == jur and (d.doc_type or "").lower() != "profile"
        ]
        if all(any(src.endswith("/" + n) for n in docs) for src in held):
            out.add(jur)
    return out


def format_rates(runs: dict[str, list[ShownCell]], *, failures: bool = False) -> str:
    """Per language run and half: on theme, off-topic, false empty, correctly empty (shares of cells)."""
    lines = [
        f"{'language':<9} {'split':<5} {'cells':>5} {'on theme':>9} {'off-topic':>10} {'false empty':>12} {'empty ok':>9}"
    ]
    for lang, shown in runs.items():
        for split in ("dev", "test"):
            r = rates([s for s in shown if s.cell.split == split])
            lines.append(
                f"{lang or 'es+en':<9} {split:<5} {r['cells']:>5} {r['on_theme']:>9.3f} {r['off_topic']:>10.3f} "
                f"{r['false_empty']:>12.3f} {r['correctly_empty']:>9.3f}"
            )
    if failures:
        for s in runs.get("", []):
            v = s.verdict()
            if v in ("off_topic", "false_empty"):
                what = (
                    f"{Path(s.passage.chunk.doc.source).name}: {s.passage.chunk.text[:80]!r}"
                    if s.passage
                    else "; ".join(f"{i.field}: {i.text('en')[:60]}" for i in s.items) or "(empty)"
                )
                lines.append(f"  ✗ {s.cell.split:<4} {s.cell.id:<26} {v:<12} {what}")
    return "\n".join(lines)


@dataclass
class CompareReport:
    results: list[CellResult] = field(default_factory=list)

    def subset(self, split: str | None) -> list[CellResult]:
        return [r for r in self.results if split is None or r.cell.split == split]

    def scores(self, split: str | None = None) -> dict[str, tuple[int, int]]:
        """(right, total) for cells that have an answer and for cells that should stay empty."""
        rs = self.subset(split)
        answerable = [r for r in rs if r.cell.acceptable]
        empty = [r for r in rs if not r.cell.acceptable]
        return {
            "acceptable": (sum(r.ok for r in answerable), len(answerable)),
            "correctly_empty": (sum(r.ok for r in empty), len(empty)),
        }

    def line(self, split: str | None = None) -> str:
        s = self.scores(split)
        (a, na), (e, ne) = s["acceptable"], s["correctly_empty"]
        name = split or "all"
        return (
            f"compare cells ({name}, {na + ne}): acceptable passage {a / max(na, 1):.3f} ({a}/{na}), "
            f"correctly empty {e / max(ne, 1):.3f} ({e}/{ne})"
        )

    def failures(self) -> list[CellResult]:
        return [r for r in self.results if not r.ok]


def evaluate(kb, cells: Sequence[LabelledCell], **compare_args) -> CompareReport:
    """Run Compare on the labelled jurisdictions and themes (one comparison, as the page does) and judge each cell."""
    from kb.compare.compare import THEMES_BY_KEY, compare

    themes = [THEMES_BY_KEY[k] for k in dict.fromkeys(c.theme for c in cells)]
    jurisdictions = list(dict.fromkeys(c.jurisdiction for c in cells))
    comp = compare(kb, themes, jurisdictions, **compare_args)
    return CompareReport([CellResult(c, comp.cell(THEMES_BY_KEY[c.theme], c.jurisdiction).best) for c in cells])


def format_report(report: CompareReport, *, failures: bool = False) -> str:
    lines = [report.line(), report.line("dev"), report.line("test")]
    if failures:
        for r in report.failures():
            shown = (
                f"{Path(r.shown.chunk.doc.source).name} § {r.shown.chunk.section}: {r.shown.chunk.text[:90]!r}"
                if r.shown
                else "(empty)"
            )
            lines.append(f"  ✗ {r.cell.id:<28} {shown}")
    return "\n".join(lines)
