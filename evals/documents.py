"""Retrieval evaluation: labelled queries → document rankings → Recall@k, MRR@k, nDCG@k, overall and per language cell.

The metric functions are pure (a ranking of document ids and graded judgments in, a number out) so they can be
checked by hand. Evaluation is at document level: a passage hit counts for its document, and a document counts
once, at the rank of its first passage.

Query files are JSON lines ``{"id", "text", "lang", "relevant": {"<path relative to the corpus>": 2 | 1}}``,
kept in ``<corpus>/_eval/``; a key ``_sources/<name>.md`` names the PDF ``pdf/<name>.pdf`` built from that source
(the rule of ``scripts/build_corpus.py``'s ``source_to_document``).
"""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from kb.errors import KbError
from kb.records import Document

METRICS = ("Recall@5", "Recall@10", "MRR@10", "nDCG@10")
MODES = ("dense", "lexical", "hybrid")
_SOURCE_PATH = re.compile(r"^(.*?)_sources/([^/]+)\.md$")


# --- metrics (pure) ---------------------------------------------------------------------------------
def recall_at_k(ranking: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    """Share of the relevant documents (grade ≥ 1) found in the first ``k``."""
    wanted = {d for d, g in relevant.items() if g > 0}
    if not wanted:
        return 0.0
    return len(wanted & set(ranking[:k])) / len(wanted)


def mrr_at_k(ranking: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    """1 / rank of the first relevant document in the first ``k``, else 0."""
    for rank, doc in enumerate(ranking[:k], start=1):
        if relevant.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


def dcg(grades: Iterable[float]) -> float:
    """Discounted cumulative gain with linear gain (as trec_eval): Σ grade / log2(rank + 1)."""
    return sum(g / math.log2(rank + 1) for rank, g in enumerate(grades, start=1))


def ndcg_at_k(ranking: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    """DCG of the first ``k`` over the DCG of the ideal order of the judged documents."""
    ideal = dcg(sorted((g for g in relevant.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg(relevant.get(doc, 0) for doc in ranking[:k]) / ideal


def score(ranking: Sequence[str], relevant: Mapping[str, int]) -> dict[str, float]:
    return {
        "Recall@5": recall_at_k(ranking, relevant, 5),
        "Recall@10": recall_at_k(ranking, relevant, 10),
        "MRR@10": mrr_at_k(ranking, relevant, 10),
        "nDCG@10": ndcg_at_k(ranking, relevant, 10),
    }


def doc_ranking(doc_ids: Iterable[str]) -> list[str]:
    """Documents in order of their first passage."""
    return list(dict.fromkeys(doc_ids))


def cell(query_lang: str, doc_langs: Iterable[str]) -> str:
    """ "es→en" when every relevant document is English, and so on; "es→mixed" when they are of both languages."""
    langs = set(doc_langs)
    return f"{query_lang}→{langs.pop()}" if len(langs) == 1 else f"{query_lang}→mixed"


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


# --- query sets ---------------------------------------------------------------------------------------
class QueryFileError(KbError, ValueError):
    """A query file cannot be read; the message names the file and line."""


@dataclass
class Query:
    id: str
    text: str
    lang: str
    relevant: dict[str, int]  # path relative to the corpus → grade
    corpus: Path  # the folder the paths are relative to
    doc_grades: dict[str, int] = field(default_factory=dict)  # doc_id → grade, once resolved against a store
    missing: list[str] = field(default_factory=list)  # judged paths with no document in the store


def source_to_document(path: str) -> str:
    """``_sources/x.md`` → ``pdf/x.pdf`` (the PDF built from that source); any other path unchanged."""
    m = _SOURCE_PATH.match(path.replace("\\", "/"))
    return f"{m.group(1)}pdf/{m.group(2)}.pdf" if m else path


def load_queries(path: Path, corpus: Path | None = None) -> list[Query]:
    """Queries of one JSON-lines file; paths are relative to ``corpus`` (default: the folder above ``_eval/``)."""
    path = Path(path)
    corpus = Path(corpus) if corpus else path.resolve().parent.parent
    out: list[Query] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            rel = {str(k): int(v) for k, v in item["relevant"].items()}
            out.append(Query(str(item["id"]), str(item["text"]), str(item.get("lang", "")), rel, corpus))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise QueryFileError(
                f'{path}, line {number}: expected {{"id", "text", "lang", "relevant"}}: {exc.__class__.__name__}: {exc}'
            ) from None
    return out


def resolve(queries: Sequence[Query], documents: Sequence[Document]) -> dict[str, str]:
    """Fill each query's ``doc_grades`` from the store's documents (matched by absolute source path); returns
    doc_id → document language."""
    by_source = {str(Path(d.source).resolve()): d for d in documents}
    for q in queries:
        q.doc_grades, q.missing = {}, []
        for rel, grade in q.relevant.items():
            doc = None
            for candidate in (rel, source_to_document(rel)):
                doc = by_source.get(str((q.corpus / candidate).resolve()))
                if doc:
                    break
            if doc is None:
                q.missing.append(rel)
            else:
                q.doc_grades[doc.doc_id] = max(grade, q.doc_grades.get(doc.doc_id, 0))
    return {d.doc_id: d.language or "" for d in documents}


# --- running --------------------------------------------------------------------------------------------
@dataclass
class QueryResult:
    query: Query
    cell: str
    scores: dict[str, dict[str, float]]  # mode → metric → value
    rankings: dict[str, list[str]]  # mode → doc ids


@dataclass
class EvalReport:
    results: list[QueryResult]
    modes: list[str]
    seconds: dict[str, float]  # mode → mean seconds per query
    glossary: bool

    def table(self) -> list[tuple[str, int, str, dict[str, float]]]:
        """(cell, number of queries, metric, mode → mean) rows: overall first, then each cell."""
        cells = ["overall"] + sorted({r.cell for r in self.results})
        rows = []
        for c in cells:
            members = [r for r in self.results if c == "overall" or r.cell == c]
            for metric in METRICS:
                rows.append(
                    (c, len(members), metric, {m: mean([r.scores[m][metric] for r in members]) for m in self.modes})
                )
        return rows

    def worst(self, n: int = 10, mode: str | None = None) -> list[QueryResult]:
        mode = mode or self.modes[-1]
        return sorted(self.results, key=lambda r: (r.scores[mode]["nDCG@10"], r.query.id))[:n]

    def to_json(self) -> dict:
        return {
            "glossary": self.glossary,
            "modes": self.modes,
            "seconds_per_query": self.seconds,
            "table": [{"cell": c, "queries": n, "metric": m, **v} for c, n, m, v in self.table()],
            "queries": [
                {"id": r.query.id, "cell": r.cell, "text": r.query.text, "scores": r.scores, "missing": r.query.missing}
                for r in self.results
            ],
        }


def rank_documents(kb, text: str, mode: str, depth: int = 50) -> list[str]:
    """Documents in order of their first passage among the top ``depth`` passages of one search mode."""
    dense, extra = {"dense": (True, False), "lexical": (False, True), "hybrid": (True, True)}[mode]
    # No per-document cap: each document needs its best passage's rank, whatever its other passages do.
    hits = kb.searcher.search(text, depth, dense=dense, extra=extra, max_per_doc=0)
    return doc_ranking(h.chunk.doc_id for h in hits)


def run(kb, queries: Sequence[Query], modes: Sequence[str] = MODES, *, depth: int = 50) -> EvalReport:
    """Every query through every mode of ``kb``'s real search."""
    doc_lang = resolve(queries, kb.documents())
    results: list[QueryResult] = []
    spent = {m: 0.0 for m in modes}
    for q in queries:
        langs = [doc_lang.get(d, "") for d in q.doc_grades] or ["?"]
        # Judged paths missing from the store still count as relevant: a missing document is a miss.
        relevant = {**q.doc_grades, **{f"missing:{p}": q.relevant[p] for p in q.missing}}
        scores, rankings = {}, {}
        for m in modes:
            t = time.perf_counter()
            rankings[m] = rank_documents(kb, q.text, m, depth)
            spent[m] += time.perf_counter() - t
            scores[m] = score(rankings[m], relevant)
        results.append(QueryResult(q, cell(q.lang, langs), scores, rankings))
    n = max(len(queries), 1)
    return EvalReport(results, list(modes), {m: s / n for m, s in spent.items()}, kb.config.glossary)


def format_report(report: EvalReport, worst: int = 10) -> str:
    lines = [
        f"{len(report.results)} queries; glossary {'on' if report.glossary else 'off'}; document-level metrics",
        "",
    ]
    head = f"{'cell':<10} {'n':>4}  {'metric':<10}" + "".join(f"{m:>9}" for m in report.modes)
    lines += [head, "-" * len(head)]
    last = None
    for c, n, metric, values in report.table():
        if last is not None and c != last:
            lines.append("")
        lines.append(
            f"{c if c != last else '':<10} {n if c != last else '':>4}  {metric:<10}"
            + "".join(f"{values[m]:>9.3f}" for m in report.modes)
        )
        last = c
    lines.append("")
    lines.append("seconds per query: " + ", ".join(f"{m} {s:.3f}" for m, s in report.seconds.items()))
    missing = sorted({p for r in report.results for p in r.query.missing})
    if missing:
        lines.append(
            f"warning: {len(missing)} judged document(s) are not in the store (counted as misses): "
            + ", ".join(missing[:8])
            + (" …" if len(missing) > 8 else "")
        )
    mode = report.modes[-1]
    lines += ["", f"worst {worst} queries by {mode} nDCG@10:"]
    for r in report.worst(worst, mode):
        vals = " ".join(f"{m}={r.scores[m]['nDCG@10']:.2f}" for m in report.modes)
        lines.append(f"  {r.query.id:<10} {r.cell:<9} {vals}  {r.query.text[:90]}")
    return "\n".join(lines)
