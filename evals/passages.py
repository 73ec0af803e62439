"""Passage- and answer-level evaluation: the passage we put first and the answer we quote, per language cell.

Question files are JSON lines in ``<corpus>/_eval/passages_*.jsonl``::

    {"id": "ps-001", "text": "...", "lang": "en", "split": "dev",
     "answers": [{"doc": "md/es_mx_polos_bienestar.md", "page": 0, "section": "…", "lang": "es",
                  "span": "short verbatim span"}]}

``answers: []`` marks an out-of-scope question (the collection cannot answer it). A label survives re-chunking:
a passage answers when it comes from the labelled document (matched by path suffix) and its normalised text
contains the normalised span; page and section are locators for people only. An answer's ``lang`` is the language
of the passage that holds the span (a strategy profile has Spanish and English passages in one document); the
language cells come from it.

The metric functions are pure (relevance flags or texts in, a number out) so they can be checked by hand; ``run``
puts every question through the real search (dense / lexical / hybrid) and the real ``kb.answer``.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from kb.errors import KbError
from kb.records import Document, Filters

MODES = ("dense", "lexical", "hybrid")
SPLITS = ("dev", "test")
CELLS = ("en→en", "es→es", "en→es", "es→en", "x→mixed", "oos")
K = 10
_NOT_WORD = re.compile(r"[\W_]+")


# --- text matching (pure) -------------------------------------------------------------------------------
def normalise(text: str) -> str:
    """NFKC, casefold, every run of punctuation/whitespace folded to one space: what a span match compares."""
    return " ".join(_NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split())


def contains_span(text: str, span: str) -> bool:
    """Whether ``text`` contains ``span`` once both are normalised, on word boundaries."""
    s = normalise(span)
    return bool(s) and f" {s} " in f" {normalise(text)} "


def same_document(source: str, doc: str) -> bool:
    """A store's source path names the labelled document when it ends with the label's path (``md/x.md``)."""
    src = source.replace("\\", "/")
    doc = doc.replace("\\", "/").lstrip("/")
    return src == doc or src.endswith("/" + doc)


# --- metrics (pure) -----------------------------------------------------------------------------------------
def first_relevant(flags: Sequence[bool], k: int = K) -> int | None:
    """1-based rank of the first relevant passage in the first ``k``, else None."""
    for rank, ok in enumerate(flags[:k], start=1):
        if ok:
            return rank
    return None


def recall_at(flags: Sequence[bool], k: int) -> float:
    """1 when an answering passage is in the first ``k`` (any one answers the question), else 0."""
    return 1.0 if first_relevant(flags, k) else 0.0


def mrr_at(flags: Sequence[bool], k: int = K) -> float:
    rank = first_relevant(flags, k)
    return 1.0 / rank if rank else 0.0


def passage_scores(flags: Sequence[bool]) -> dict[str, float]:
    return {"R@1": recall_at(flags, 1), "MRR@10": mrr_at(flags, 10), "R@10": recall_at(flags, 10)}


def cell(query_lang: str, answer_langs: Iterable[str]) -> str:
    """ "en→es" when every answer is Spanish, "en→en" when every answer is in the question's language,
    "x→mixed" when the answers are in both languages, "oos" when there is no answer."""
    langs = set(answer_langs)
    if not langs:
        return "oos"
    if len(langs) == 1:
        return f"{query_lang}→{langs.pop()}"
    return "x→mixed"


def is_cross(query_lang: str, answer_langs: Iterable[str]) -> bool:
    """Cross-language: the question's language is the language of none of its answers."""
    langs = set(answer_langs)
    return bool(langs) and query_lang not in langs


def nothing_relevant_scores(predicted: Sequence[bool], truth: Sequence[bool]) -> dict[str, float | None]:
    """Precision and recall of "nothing relevant" (``predicted``) against out-of-scope (``truth``); None when
    undefined (nothing predicted, or no out-of-scope question)."""
    tp = sum(p and t for p, t in zip(predicted, truth))
    said, oos = sum(predicted), sum(truth)
    return {"precision": tp / said if said else None, "recall": tp / oos if oos else None, "said": said, "oos": oos}


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


# --- question files ------------------------------------------------------------------------------------------
class QuestionFileError(KbError, ValueError):
    """A question file cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Label:
    doc: str  # path identifying the file: relative to corpus/ (md/x.md) or real/<file>.pdf
    span: str  # short verbatim span of the answering passage, as stored
    page: int | None = None
    section: str = ""
    lang: str = ""  # language of the passage holding the span


@dataclass
class Question:
    id: str
    text: str
    lang: str
    split: str
    answers: list[Label]
    file: str = ""

    @property
    def out_of_scope(self) -> bool:
        return not self.answers


def load_questions(path: Path) -> list[Question]:
    path = Path(path)
    out: list[Question] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            answers = [
                Label(str(a["doc"]), str(a["span"]), a.get("page"), str(a.get("section", "")), str(a.get("lang", "")))
                for a in item["answers"]
            ]
            split = str(item["split"])
            if split not in SPLITS:
                raise ValueError(f"split must be dev or test, not {split!r}")
            out.append(Question(str(item["id"]), str(item["text"]), str(item["lang"]), split, answers, path.name))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise QuestionFileError(
                f'{path}, line {number}: expected {{"id", "text", "lang", "split", '
                f'"answers": [{{"doc", "span"}}]}}: {exc.__class__.__name__}: {exc}'
            ) from None
    return out


def select(questions: Sequence[Question], split: str) -> list[Question]:
    return list(questions) if split == "all" else [q for q in questions if q.split == split]


def answer_langs(q: Question, present: dict[str, str] | None = None) -> list[str]:
    """Languages of ``q``'s answers: each label's passage language, else its document's language. With
    ``present`` (label path → document language, for the labelled documents a store holds), labels on documents the
    store lacks are left out."""
    return [a.lang or (present or {}).get(a.doc, "?") for a in q.answers if present is None or a.doc in present]


def label_languages(questions: Sequence[Question], documents: Sequence[Document]) -> dict[str, str]:
    """Label path → the stored document's language, for every labelled document found in the store."""
    out: dict[str, str] = {}
    for q in questions:
        for a in q.answers:
            for d in documents:
                if same_document(d.source, a.doc):
                    out[a.doc] = d.language or "?"
                    break
    return out


def relevant(q: Question, source: str, text: str) -> bool:
    return any(same_document(source, a.doc) and contains_span(text, a.span) for a in q.answers)


def quotes_answer(q: Question, text: str) -> bool:
    """Whether a text (an answer, a sentence) contains any of ``q``'s spans, from whichever document."""
    return any(contains_span(text, a.span) for a in q.answers)


# --- running -----------------------------------------------------------------------------------------------
@dataclass
class QuestionResult:
    question: Question
    cell: str
    cross: bool
    scores: dict[str, dict[str, float]] = field(default_factory=dict)  # mode → R@1 / MRR@10 / R@10
    top: dict[str, str] = field(default_factory=dict)  # mode → "doc p.N: text…" of the first passage
    answer: dict | None = None  # contains / first / top_passage / seconds / text
    nothing_relevant: bool | None = None


@dataclass
class PassageReport:
    results: list[QuestionResult]
    modes: list[str]
    split: str
    seconds: dict[str, float]  # mode → mean seconds per search
    relevance_signal: bool
    missing: list[str]  # labelled documents not in the store

    def subset(self, split: str) -> "PassageReport":
        """The same report restricted to one half (seconds stay those of the whole run)."""
        results = [r for r in self.results if split == "all" or r.question.split == split]
        return PassageReport(results, self.modes, split, self.seconds, self.relevance_signal, self.missing)

    def in_scope(self, c: str = "overall") -> list[QuestionResult]:
        return [
            r for r in self.results if r.cell != "oos" and (c == "overall" or r.cell == c or (c == "cross" and r.cross))
        ]

    def cells(self) -> list[str]:
        present = {r.cell for r in self.results}
        return ["overall", "cross"] + [c for c in CELLS if c in present and c != "oos"]

    def passage_table(self) -> list[dict]:
        rows = []
        for c in self.cells():
            members = self.in_scope(c)
            for metric in ("R@1", "MRR@10", "R@10"):
                rows.append(
                    {
                        "cell": c,
                        "questions": len(members),
                        "metric": metric,
                        **{m: mean([r.scores[m][metric] for r in members]) for m in self.modes},
                    }
                )
        return rows

    def answer_table(self) -> list[dict]:
        rows = []
        for c in self.cells():
            members = [r for r in self.in_scope(c) if r.answer]
            answers = [r.answer for r in members if r.answer is not None]
            if not members:
                continue
            rows.append(
                {
                    "cell": c,
                    "questions": len(members),
                    "answer": mean([a["contains"] for a in answers]),
                    "first_sentence": mean([a["first"] for a in answers]),
                    "top_passage": mean([a["top_passage"] for a in answers]),
                    "seconds": mean([a["seconds"] for a in answers]),
                }
            )
        return rows

    def oos_scores(self) -> dict | None:
        judged = [r for r in self.results if r.nothing_relevant is not None]
        if not judged:
            return None
        return nothing_relevant_scores([bool(r.nothing_relevant) for r in judged], [r.cell == "oos" for r in judged])

    def worst(self, n: int = 10, mode: str | None = None) -> list[QuestionResult]:
        mode = mode or self.modes[-1]
        return sorted(self.in_scope(), key=lambda r: (r.scores[mode]["MRR@10"], r.question.id))[:n]

    def to_json(self) -> dict:
        return {
            "split": self.split,
            "modes": self.modes,
            "seconds_per_search": self.seconds,
            "relevance_signal": self.relevance_signal,
            "missing_documents": self.missing,
            "passages": self.passage_table(),
            "answers": self.answer_table(),
            "out_of_scope": self.oos_scores(),
            "questions": [
                {
                    "id": r.question.id,
                    "cell": r.cell,
                    "cross": r.cross,
                    "text": r.question.text,
                    "scores": r.scores,
                    "top": r.top,
                    "answer": r.answer,
                    "nothing_relevant": r.nothing_relevant,
                }
                for r in self.results
            ],
        }


def _hits(kb, query, mode: str, asked=None, filters: Filters = Filters()):
    """The first ``K`` hits of one search mode; hybrid is the ask path's own search (``asked``) when there is one."""
    if mode == "hybrid" and asked is not None:
        return asked.hits
    dense, extra = {"dense": (True, False), "lexical": (False, True), "hybrid": (True, True)}[mode]
    return kb.searcher.search(query, K, filters, dense=dense, extra=extra)


def _describe(hit) -> str:
    return f"{Path(hit.chunk.doc.source).name} p.{hit.chunk.page_start}: {hit.chunk.text[:100]}"


def run(
    kb,
    questions: Sequence[Question],
    modes: Sequence[str] = MODES,
    *,
    split: str = "all",
    answers: bool = True,
    filters: Filters = Filters(),
) -> PassageReport:
    """Every question of ``split`` through every search mode of ``kb``, and (``answers``) through ``kb.answer``
    and the relevance signal when the knowledge base has one; every search under ``filters`` (default none: e.g.
    ``--lang en`` measures how often a language filter would have put the answer first)."""
    chosen = select(questions, split)
    documents = kb.documents()
    doc_lang = label_languages(chosen, documents)
    # A label on a document the store lacks cannot be hit; the question still counts through its other labels.
    missing = sorted({a.doc for q in chosen for a in q.answers if a.doc not in doc_lang})
    signal = hasattr(kb, "ask")
    spent = {m: 0.0 for m in modes}
    results: list[QuestionResult] = []
    for q in chosen:
        langs = answer_langs(q, doc_lang)
        if q.answers and not langs:
            continue  # none of its documents is in this store: listed in ``missing``, not scored
        r = QuestionResult(q, cell(q.lang, langs), is_cross(q.lang, langs))
        # One ask per question (the default hybrid search, its verdict and the answer, the query embedded once);
        # the other modes reuse its query record. The answer is scored for every in-scope question, also those
        # the verdict says nothing answers (``always_answer``): it measures what the answer stage would quote.
        asked = None
        query = kb.query(q.text) if hasattr(kb, "query") else q.text
        if signal:
            wants = answers and not q.out_of_scope
            asked = kb.ask(query, K, filters, answer=wants, always_answer=wants)
            r.nothing_relevant = bool(asked.nothing_relevant)
        for m in modes:
            if q.out_of_scope:
                continue
            t = time.perf_counter()
            hits = _hits(kb, query, m, asked, filters)
            spent[m] += asked.seconds["search"] if m == "hybrid" and asked is not None else time.perf_counter() - t
            r.scores[m] = passage_scores([relevant(q, h.chunk.doc.source, h.chunk.text) for h in hits])
            r.top[m] = _describe(hits[0]) if hits else ""
        if answers and not q.out_of_scope:
            if asked is not None:
                found, seconds = asked.answer, asked.seconds["answer"]
                assert found is not None  # always_answer
            else:
                t = time.perf_counter()
                found = kb.answer(q.text, filters=filters)
                seconds = time.perf_counter() - t
            r.answer = {
                "contains": float(quotes_answer(q, found.text())),
                "first": float(bool(found.sentences) and quotes_answer(q, found.sentences[0].quote)),
                "top_passage": float(bool(found.hits) and quotes_answer(q, found.hits[0].chunk.text)),
                "seconds": seconds,
                "text": found.text()[:400],
            }
        results.append(r)
    n = max(sum(r.cell != "oos" for r in results), 1)
    return PassageReport(results, list(modes), split, {m: s / n for m, s in spent.items()}, signal, missing)


# --- printing ------------------------------------------------------------------------------------------------
def _f(v: float | None, width: int = 9) -> str:
    return f"{'—':>{width}}" if v is None else f"{v:>{width}.3f}"


def format_report(report: PassageReport, title: str = "", worst: int = 10) -> str:
    n_oos = sum(r.cell == "oos" for r in report.results)
    lines = [
        f"{title}{' · ' if title else ''}split {report.split}: {len(report.results) - n_oos} in-scope "
        f"questions, {n_oos} out-of-scope; passage-level metrics (k={K}, default per-document cap)",
        "",
    ]
    head = f"{'cell':<9} {'n':>4}  {'metric':<7}" + "".join(f"{m:>9}" for m in report.modes)
    lines += [head, "-" * len(head)]
    last = None
    for row in report.passage_table():
        c = row["cell"]
        if last is not None and c != last:
            lines.append("")
        lines.append(
            f"{c if c != last else '':<9} {row['questions'] if c != last else '':>4}  {row['metric']:<7}"
            + "".join(_f(row[m]) for m in report.modes)
        )
        last = c
    lines += ["", "seconds per search: " + ", ".join(f"{m} {s:.3f}" for m, s in report.seconds.items())]
    table = report.answer_table()
    if table:
        lines += [
            "",
            "answers (kb.answer, default settings) containing the span; top passage of the default search beside it",
            f"{'cell':<9} {'n':>4}  {'answer':>8} {'1st sent':>9} {'top pass':>9} {'s/answer':>9}",
        ]
        for row in table:
            lines.append(
                f"{row['cell']:<9} {row['questions']:>4}  {_f(row['answer'], 8)} {_f(row['first_sentence'])}"
                f" {_f(row['top_passage'])} {_f(row['seconds'])}"
            )
    lines.append("")
    oos = report.oos_scores()
    if oos is None:
        lines.append("out-of-scope recognition: not measured (no relevance signal)")
    else:
        lines.append(
            f'out-of-scope recognition ("nothing relevant"): precision {_f(oos["precision"], 0).strip()}, '
            f"recall {_f(oos['recall'], 0).strip()} ({oos['said']} said, {oos['oos']} out of scope)"
        )
    if report.missing:
        lines.append(
            f"note: {len(report.missing)} labelled document(s) are not in the store (their labels cannot be "
            "hit; questions with no labelled document in the store are left out): "
            + ", ".join(report.missing[:6])
            + (" …" if len(report.missing) > 6 else "")
        )
    mode = report.modes[-1]
    lines += ["", f"worst {worst} questions by {mode} MRR@10:"]
    for r in report.worst(worst, mode):
        vals = " ".join(f"{m}={r.scores[m]['MRR@10']:.2f}" for m in report.modes)
        lines.append(f"  {r.question.id:<8} {r.cell:<8} {vals}  {r.question.text[:80]}")
        lines.append(f"  {'':<8} top: {r.top.get(mode, '')[:110]}")
    return "\n".join(lines)
