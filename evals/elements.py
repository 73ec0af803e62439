"""Element questions: questions whose answer is a set of elements or one exact fact (a plan's pillars, a council's
members, a date, an amount), and what a researcher judges in the answer we quote for them.

Question files are JSON lines in ``<corpus>/_eval/elements_*.jsonl``::

    {"id": "el-001", "text": "What are the four pillars of …?", "lang": "en", "split": "dev",
     "docs": [{"doc": "pdf/en_mx-tab_tabasco_plan_2044.pdf", "lang": "en"}, …],
     "topic": ["pillar", "pilar"],
     "elements": [{"en": ["Innovative Tabasco"], "es": ["Tabasco innovador"]}, …]}

``docs`` are the documents that state the whole answer (``lang``: the language of their passages that state it; the
language cells come from them, as in ``evals/passages.py``). Each element has its accepted wordings in both
languages; an answer holds an element when its normalised text contains one of them (``contains_span``). ``topic``
is what the question asks about, as word beginnings in both languages ("pillar" matches "pillars").

Metrics, per question, on ``kb.answer`` (default settings):

- **all elements**: every element is in the answer; **element recall**: the share that is;
- **first on point**: the first quoted sentence holds an element;
- **question's language first**: the first sentence is in the question's language, counted only where a labelled
  document states the fact in that language;
- **off-topic sentences**: a quoted sentence is *on topic* when it holds an element or a topic word, else it speaks
  to none of the question's content (the rule is checked against hand labels: ``corpus/_eval/elements_offtopic.jsonl``).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from evals.passages import SPLITS, QuestionFileError, contains_span, is_cross, mean, normalise
from kb.text import guess_language

LANGS = ("en", "es")


# --- the question file ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ElementDoc:
    doc: str  # path identifying the file, as in the passage labels (md/x.md, pdf/x.pdf, real/x.pdf)
    lang: str  # language of its passages that state the answer


@dataclass(frozen=True)
class Element:
    wordings: dict[str, tuple[str, ...]]  # language → accepted wordings

    @property
    def all_wordings(self) -> tuple[str, ...]:
        return tuple(w for lang in LANGS for w in self.wordings.get(lang, ()))


@dataclass
class ElementQuestion:
    id: str
    text: str
    lang: str
    split: str
    docs: list[ElementDoc]
    topic: list[str]
    elements: list[Element]
    file: str = ""

    @property
    def doc_langs(self) -> list[str]:
        return [d.lang for d in self.docs]

    @property
    def cell(self) -> str:
        langs = set(self.doc_langs)
        return "x→mixed" if len(langs) > 1 else f"{self.lang}→{langs.pop()}"

    @property
    def cross(self) -> bool:
        return is_cross(self.lang, self.doc_langs)

    @property
    def fact_in_question_language(self) -> bool:
        return self.lang in self.doc_langs


def is_element_file(path: Path) -> bool:
    """Whether a question file holds element questions (its first row has "elements")."""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                return "elements" in json.loads(line)
            except ValueError:
                return False
    return False


def load_element_questions(path: Path) -> list[ElementQuestion]:
    path = Path(path)
    out: list[ElementQuestion] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            split = str(item["split"])
            if split not in SPLITS:
                raise ValueError(f"split must be dev or test, not {split!r}")
            elements = [
                Element({lang: tuple(str(w) for w in e.get(lang, ())) for lang in LANGS}) for e in item["elements"]
            ]
            if not elements or any(not e.all_wordings for e in elements):
                raise ValueError("every question needs elements, and every element a wording")
            out.append(
                ElementQuestion(
                    str(item["id"]),
                    str(item["text"]),
                    str(item["lang"]),
                    split,
                    [ElementDoc(str(d["doc"]), str(d["lang"])) for d in item["docs"]],
                    [str(t) for t in item.get("topic", [])],
                    elements,
                    path.name,
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise QuestionFileError(
                f'{path}, line {number}: expected {{"id", "text", "lang", "split", "docs": [{{"doc", "lang"}}], '
                f'"topic": [...], "elements": [{{"en": [...], "es": [...]}}]}}: {exc.__class__.__name__}: {exc}'
            ) from None
    return out


# --- matching and metrics (pure) ---------------------------------------------------------------------------------
def holds(text: str, element: Element) -> bool:
    """Whether ``text`` states ``element`` in one of its accepted wordings (either language)."""
    return any(contains_span(text, w) for w in element.all_wordings)


def mentions_topic(text: str, topic: Sequence[str]) -> bool:
    """Whether ``text`` has a word starting like one of the topic words ("pillar" → "pillars")."""
    folded = f" {normalise(text)}"
    return any(t and f" {t}" in folded for t in (normalise(x) for x in topic))


def on_topic(sentence: str, q: ElementQuestion) -> bool:
    """The off-topic rule: a sentence speaks to the question when it states one of its elements or names what the
    question asks about. Everything else speaks to none of the question's content."""
    return any(holds(sentence, e) for e in q.elements) or mentions_topic(sentence, q.topic)


def element_scores(q: ElementQuestion, answer_text: str, sentences: Sequence[str], first_text: str) -> dict:
    """The per-question metrics of one answer: ``answer_text`` (the whole answer), ``sentences`` (what it quotes,
    one entry per quoted unit) and ``first_text`` (its first sentence without the context quoted before it)."""
    found = [holds(answer_text, e) for e in q.elements]
    off = [not on_topic(s, q) for s in sentences]
    return {
        "all": float(all(found)) if sentences else 0.0,
        "recall": sum(found) / len(found),
        "first": float(bool(sentences) and any(holds(sentences[0], e) for e in q.elements)),
        "language_first": (
            float(bool(first_text) and guess_language(first_text) == q.lang) if q.fact_in_question_language else None
        ),
        "sentences": len(sentences),
        "off_topic": sum(off),
    }


# --- running -----------------------------------------------------------------------------------------------------
@dataclass
class ElementResult:
    question: ElementQuestion
    scores: dict
    answer: str = ""
    quoted: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class ElementReport:
    results: list[ElementResult]
    split: str
    missing: list[str]

    def subset(self, split: str) -> "ElementReport":
        return ElementReport(
            [r for r in self.results if split == "all" or r.question.split == split], split, self.missing
        )

    def cells(self) -> list[str]:
        present = {r.question.cell for r in self.results}
        return ["overall", "cross"] + [c for c in ("en→en", "es→es", "en→es", "es→en", "x→mixed") if c in present]

    def members(self, c: str) -> list[ElementResult]:
        return [
            r for r in self.results if c == "overall" or r.question.cell == c or (c == "cross" and r.question.cross)
        ]

    def table(self) -> list[dict]:
        rows = []
        for c in self.cells():
            rs = self.members(c)
            if not rs:
                continue
            lang = [r.scores["language_first"] for r in rs if r.scores["language_first"] is not None]
            quoted = sum(r.scores["sentences"] for r in rs)
            off = sum(r.scores["off_topic"] for r in rs)
            rows.append(
                {
                    "cell": c,
                    "questions": len(rs),
                    "all_elements": mean([r.scores["all"] for r in rs]),
                    "element_recall": mean([r.scores["recall"] for r in rs]),
                    "first_on_point": mean([r.scores["first"] for r in rs]),
                    "language_first": mean(lang),
                    "language_questions": len(lang),
                    "off_topic_share": off / quoted if quoted else None,
                    "off_topic_per_answer": off / len(rs),
                    "sentences_per_answer": quoted / len(rs),
                    "seconds": mean([r.seconds for r in rs]),
                }
            )
        return rows

    def to_json(self) -> dict:
        return {
            "split": self.split,
            "missing_documents": self.missing,
            "elements": self.table(),
            "questions": [
                {
                    "id": r.question.id,
                    "cell": r.question.cell,
                    "text": r.question.text,
                    "scores": r.scores,
                    "answer": r.answer,
                    "quoted": r.quoted,
                }
                for r in self.results
            ],
        }


def _in_store(q: ElementQuestion, sources: Sequence[str]) -> bool:
    from evals.passages import same_document

    return any(same_document(s, d.doc) for d in q.docs for s in sources)


def run_elements(kb, questions: Sequence[ElementQuestion], *, split: str = "all") -> ElementReport:
    """Every element question of ``split`` (whose documents the store holds) through ``kb.answer``."""
    from evals.passages import same_document

    sources = [d.source for d in kb.documents()]
    chosen = [q for q in questions if split == "all" or q.split == split]
    missing = sorted({d.doc for q in chosen for d in q.docs if not any(same_document(s, d.doc) for s in sources)})
    results = []
    for q in chosen:
        if not _in_store(q, sources):
            continue
        t = time.perf_counter()
        found = kb.answer(q.text)
        seconds = time.perf_counter() - t
        quoted = [s.quote for s in found.sentences]
        first = found.sentences[0].text if found.sentences else ""
        results.append(ElementResult(q, element_scores(q, found.text(), quoted, first), found.text(), quoted, seconds))
    return ElementReport(results, split, missing)


def _f(v: float | None, width: int = 8) -> str:
    return f"{'—':>{width}}" if v is None else f"{v:>{width}.3f}"


def format_element_report(report: ElementReport, title: str = "", worst: int = 10) -> str:
    lines = [
        f"{title}{' · ' if title else ''}split {report.split}: {len(report.results)} element questions; "
        "answers by kb.answer (default settings)",
        "",
        f"{'cell':<9} {'n':>4} {'all elem':>8} {'recall':>8} {'1st on pt':>9} {'lang 1st':>8} {'(n)':>4} "
        f"{'off-topic':>9} {'off/ans':>8} {'sent/ans':>8} {'s/answer':>8}",
    ]
    for row in report.table():
        lines.append(
            f"{row['cell']:<9} {row['questions']:>4} {_f(row['all_elements'])} {_f(row['element_recall'])} "
            f"{_f(row['first_on_point'], 9)} {_f(row['language_first'])} {row['language_questions']:>4} "
            f"{_f(row['off_topic_share'], 9)} {_f(row['off_topic_per_answer'])} {_f(row['sentences_per_answer'])} "
            f"{_f(row['seconds'])}"
        )
    if report.missing:
        lines.append(
            f"note: {len(report.missing)} labelled document(s) are not in the store: " + ", ".join(report.missing[:6])
        )
    bad = sorted(report.results, key=lambda r: (r.scores["recall"], r.scores["first"], r.question.id))[:worst]
    lines += ["", f"worst {worst} by element recall:"]
    for r in bad:
        lines.append(
            f"  {r.question.id:<7} {r.question.cell:<8} recall={r.scores['recall']:.2f}  {r.question.text[:80]}"
        )
        lines.append(f"  {'':<7} answer: {r.answer[:160]}")
    return "\n".join(lines)
