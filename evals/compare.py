"""Compare evaluation: labelled (jurisdiction × theme) cells → the share whose shown passage is acceptable and the
share of cells with nothing right that Compare leaves empty.

Cell files are JSON lines ``{"id", "jurisdiction", "theme", "split": "dev"|"test", "acceptable": [{"doc", "span"}]}``
kept in ``<corpus>/_eval/compare/``. A passage is acceptable when it belongs to ``doc`` (a path relative to the
corpus) and contains ``span`` (a short verbatim phrase, compared case- and whitespace-insensitively), so labels
survive re-chunking. ``acceptable: []`` means nothing in the collection answers the cell: it should stay empty.
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
                    tuple(Span(a["doc"], a["span"]) for a in raw["acceptable"]),
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
    return any(source.endswith("/" + s.doc) and _norm(s.span) in text for s in cell.acceptable)


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
