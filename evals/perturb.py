"""The filter-perturbation suite: does "nothing relevant" hold when filters change but keep the answer?

Every in-scope question of a passage question file (``corpus/_eval/passages_*.jsonl``, evals/passages.py) is asked
through ``KnowledgeBase.ask`` under filters that all keep its labelled (gold) passage:

- ``none``: no filter;
- ``jurisdiction``: the gold document's jurisdiction alone;
- ``+1`` and ``+2``: that jurisdiction with one and two others added (the jurisdictions whose passages come nearest
  to the question, the hardest case: they add the most competition, as Singapore did beside Querétaro in issue 20);
- ``year``: the gold document's (content) year alone;
- ``type``: the gold document's type alone.

In a store whose documents carry no jurisdiction (the real PDFs, ingested without metadata) the same test runs with
the document filter: the gold document alone, then with the one and two nearest other documents.

A question *flips* when its verdict is not the same under all of them (target: 0). Two stricter counts beside it:
``lost`` (a jurisdiction added to an answered filter turns it into "nothing relevant", the issue's example) and
``gold_nothing`` (a filter that keeps the gold passage says nothing answers). Out-of-scope questions get the
``jurisdiction`` / ``+1`` variants with their nearest jurisdictions: ``oos_answered`` counts those that no filter
should answer but one does, although the whole collection says nothing answers them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from evals.passages import K, Question, label_languages, load_questions, same_document, select
from kb.records import Document, Filters

VARIANTS = ("none", "jurisdiction", "+1", "+2", "year", "type")
NEIGHBOURS = 30  # hits of the unfiltered search whose jurisdictions are the "others" added, nearest first


@dataclass
class Perturbed:
    question: Question
    verdicts: dict[str, bool] = field(default_factory=dict)  # variant → nothing relevant
    filters: dict[str, str] = field(default_factory=dict)  # variant → what was filtered, for people

    @property
    def flipped(self) -> bool:
        return flipped(self.verdicts)

    @property
    def lost(self) -> bool:
        return lost(self.verdicts)


def flipped(verdicts: dict[str, bool]) -> bool:
    """The verdict is not the same under every filter."""
    return len(set(verdicts.values())) > 1


def lost(verdicts: dict[str, bool]) -> bool:
    """An answered filter turned into "nothing relevant" by adding a jurisdiction (jurisdiction → +1 → +2)."""
    chain = [verdicts[v] for v in ("jurisdiction", "+1", "+2") if v in verdicts]
    return any(not a and b for a, b in zip(chain, chain[1:]))


def gold_document(q: Question, documents: Sequence[Document]) -> Document | None:
    """The first labelled document of ``q`` that the store holds (one with a jurisdiction first)."""
    found = [d for a in q.answers for d in documents if same_document(d.source, a.doc)]
    return next((d for d in found if d.jurisdiction), found[0] if found else None)


def unit(d: Document) -> str:
    """What a perturbation adds: jurisdictions; documents in a store whose documents have none (the real PDFs are
    ingested without metadata), the same test with the document filter."""
    return d.jurisdiction or d.doc_id


def nearest_units(kb, q, exclude: str, documents: Sequence[Document], by_document: bool) -> list[str]:
    """Jurisdictions (or documents) other than ``exclude`` in the order their passages come in the unfiltered
    search, then the rest by how many documents they have."""
    hits = kb.ask(q, NEIGHBOURS, answer=False).hits
    key = (lambda d: d.doc_id) if by_document else (lambda d: d.jurisdiction)
    order = list(dict.fromkeys(key(h.chunk.doc) for h in hits if key(h.chunk.doc)))
    counts: dict[str, int] = {}
    for d in documents:
        if key(d):
            counts[key(d)] = counts.get(key(d), 0) + 1
    order += sorted((j for j in counts if j not in order), key=lambda j: (-counts[j], j))
    return [j for j in order if j != exclude]


def nearest_jurisdictions(kb, q, exclude: str, documents: Sequence[Document]) -> list[str]:
    return nearest_units(kb, q, exclude, documents, by_document=False)


def _place(values: tuple[str, ...], by_document: bool) -> Filters:
    return Filters(doc_ids=values) if by_document else Filters(jurisdictions=values)


def variants(gold: Document, others: Sequence[str]) -> dict[str, Filters]:
    """The filters of the module docstring; by document when the gold document has no jurisdiction."""
    by_document = not gold.jurisdiction
    out = {"none": Filters(), "jurisdiction": _place((unit(gold),), by_document)}
    for n in (1, 2):
        if len(others) >= n:
            out[f"+{n}"] = _place((unit(gold), *others[:n]), by_document)
    if gold.content_year:
        out["year"] = Filters(year_min=gold.content_year, year_max=gold.content_year)
    if gold.doc_type:
        out["type"] = Filters(doc_types=(gold.doc_type,))
    return out


def describe(f: Filters) -> str:
    parts = []
    if f.jurisdictions:
        parts.append("jurisdiction " + ",".join(f.jurisdictions))
    if f.doc_ids:
        parts.append("document " + ",".join(d[:8] for d in f.doc_ids))
    if f.year_min is not None:
        parts.append(f"year {f.year_min}")
    if f.doc_types:
        parts.append("type " + ",".join(f.doc_types))
    return "; ".join(parts) or "no filter"


@dataclass
class PerturbReport:
    split: str
    results: list[Perturbed]
    oos: list[Perturbed]
    skipped: int  # in-scope questions whose gold document is not in the store or has no jurisdiction

    def subset(self, split: str) -> "PerturbReport":
        keep = [r for r in self.results if split == "all" or r.question.split == split]
        oos = [r for r in self.oos if split == "all" or r.question.split == split]
        return PerturbReport(split, keep, oos, self.skipped)

    def counts(self) -> dict[str, int]:
        return {
            "questions": len(self.results),
            "flips": sum(r.flipped for r in self.results),
            "lost": sum(r.lost for r in self.results),
            "gold_nothing": sum(any(r.verdicts.values()) for r in self.results),
            "answered_everywhere": sum(not any(r.verdicts.values()) for r in self.results),
            "oos_questions": len(self.oos),
            "oos_answered": sum(r.verdicts.get("none", False) and not all(r.verdicts.values()) for r in self.oos),
        }

    def to_json(self) -> dict:
        return {
            "split": self.split,
            **self.counts(),
            "skipped": self.skipped,
            "flipped": [
                {"id": r.question.id, "text": r.question.text, "verdicts": r.verdicts, "filters": r.filters}
                for r in self.results + self.oos
                if r.flipped
            ],
        }


def run(kb, questions: Sequence[Question], *, split: str = "all") -> PerturbReport:
    """Every question of ``split`` under every variant (module docstring), through ``kb.ask``."""
    chosen = select(questions, split)
    documents = kb.documents()
    present = label_languages(chosen, documents)
    results: list[Perturbed] = []
    oos: list[Perturbed] = []
    skipped = 0
    for q in chosen:
        query = kb.query(q.text)
        if q.out_of_scope:
            by_document = not any(d.jurisdiction for d in documents)
            others = nearest_units(kb, query, "", documents, by_document)
            fs = {"none": Filters()}
            fs.update({v: _place(tuple(others[:n]), by_document) for v, n in (("jurisdiction", 1), ("+1", 2))})
            oos.append(_ask_all(kb, q, query, fs))
            continue
        gold = gold_document(q, documents) if any(a.doc in present for a in q.answers) else None
        if gold is None:
            skipped += 1
            continue
        others = nearest_units(kb, query, unit(gold), documents, by_document=not gold.jurisdiction)
        results.append(_ask_all(kb, q, query, variants(gold, others)))
    return PerturbReport(split, results, oos, skipped)


def _ask_all(kb, q: Question, query, fs: dict[str, Filters]) -> Perturbed:
    r = Perturbed(q)
    for name, f in fs.items():
        r.verdicts[name] = bool(kb.ask(query, K, f, answer=False).nothing_relevant)
        r.filters[name] = describe(f)
    return r


def format_report(report: PerturbReport, title: str = "", show: int = 10) -> str:
    c = report.counts()
    lines = [
        f"{title}{' · ' if title else ''}split {report.split}: filter perturbations of {c['questions']} in-scope "
        f"questions ({', '.join(VARIANTS)}), {c['oos_questions']} out-of-scope",
        f"  flips (verdict not the same under every filter that keeps the gold passage): {c['flips']}",
        f"  lost (a jurisdiction added turns an answered filter into nothing relevant): {c['lost']}",
        f"  said nothing relevant under some filter that keeps the gold passage: {c['gold_nothing']}",
        f"  out-of-scope questions answered under a filter though not in the whole collection: {c['oos_answered']}",
    ]
    if report.skipped:
        lines.append(f"  ({report.skipped} in-scope questions skipped: gold document absent)")
    shown = [r for r in report.results + report.oos if r.flipped][:show]
    for r in shown:
        said = ", ".join(f"{v}={'nothing' if n else 'answered'}" for v, n in r.verdicts.items())
        lines.append(f"  {r.question.id:<8} {r.question.text[:70]}\n           {said}")
    return "\n".join(lines)


def evaluate_cli(kb, files: Sequence[Path], *, split: str = "dev", as_json: bool = False, echo=print) -> int:
    """``kb eval --passages FILE… --perturb``: one report per file and half; exit status."""
    halves = [h.strip() for h in split.split(",")]
    sets = [(Path(f), load_questions(f)) for f in files]
    out = []
    for path, questions in sets:
        report = run(kb, questions, split=halves[0] if len(halves) == 1 else "all")
        out += [(path, h, report.subset(h)) for h in halves]
    if as_json:
        data: dict = {}
        for p, h, r in out:
            data.setdefault(p.name, {})[h] = r.to_json()
        echo(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        echo("\n\n".join(format_report(r, p.name) for p, _, r in out))
    return 0
