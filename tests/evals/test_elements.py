"""Element questions: the file's shape and counts, every element wording against the ingested text of its labelled
documents, the metrics by hand, and the off-topic rule against its hand labels."""

import json
from collections import Counter
from pathlib import Path

import pytest

from evals.elements import (
    Element,
    ElementDoc,
    ElementQuestion,
    element_scores,
    holds,
    is_element_file,
    load_element_questions,
    mentions_topic,
)
from tests.evals.test_passages import _passages
from tests.fixtures import SHARED_PDFS

EVAL = Path(__file__).resolve().parents[2] / "corpus" / "_eval"
STARTER = EVAL / "elements_starter.jsonl"
REAL = EVAL / "elements_real.jsonl"
OFF_TOPIC = EVAL / "elements_offtopic.jsonl"


def _q(elements, topic=("pillar", "pilar"), lang="en", docs=(("md/a.md", "en"),)) -> ElementQuestion:
    return ElementQuestion(
        "q",
        "?",
        lang,
        "dev",
        [ElementDoc(d, l) for d, l in docs],
        list(topic),
        [Element({"en": tuple(en), "es": tuple(es)}) for en, es in elements],
    )


# --- pure functions, checked by hand -----------------------------------------------------------------------------
def test_an_element_is_held_in_either_language_on_word_boundaries():
    e = Element({"en": ("renewable energy",), "es": ("energías renovables",)})
    assert holds("…and Renewable-Energy.", e) and holds("las energías renovables y", e)
    assert not holds("renewable energies", e) and not holds("energías", e)


def test_topic_words_match_word_beginnings():
    assert mentions_topic("The four pillars are:", ["pillar"]) and mentions_topic("los pilares", ["pilar"])
    assert not mentions_topic("a caterpillar", ["pillar"])


def test_scores_of_one_answer():
    q = _q([(["agroindustry"], ["agroindustria"]), (["automotive"], ["automotriz"])], topic=["priority sector"])
    sentences = [
        "The priority sectors were chosen in workshops.",
        "Agroindustria e industria automotriz.",
        "Water is scarce.",
    ]
    s = element_scores(q, " ".join(sentences), sentences, sentences[0])
    assert s["all"] == 1.0 and s["recall"] == 1.0
    assert s["first"] == 0.0  # on topic, but it states no element
    assert s["language_first"] == 1.0 and s["sentences"] == 3 and s["off_topic"] == 1
    s = element_scores(q, "Agroindustry.", ["Agroindustry."], "Agroindustry.")
    assert s["all"] == 0.0 and s["recall"] == 0.5 and s["first"] == 1.0
    # The question's language is judged only where a labelled document states the fact in it.
    assert element_scores(_q([(["x"], ["x"])], lang="es"), "x", ["x"], "x")["language_first"] is None
    assert element_scores(q, "", [], "")["all"] == 0.0


# --- the question files -------------------------------------------------------------------------------------------
def _all():
    return load_element_questions(STARTER) + load_element_questions(REAL)


def test_counts_the_issue_asks_for():
    qs = _all()
    assert is_element_file(STARTER) and is_element_file(REAL)
    assert len(qs) >= 80
    # 46 of 92 were written cross-language; el-043 gained a label when the corpus gained Yucatán's English note.
    assert sum(q.cross for q in qs) / len(qs) >= 0.48, sum(q.cross for q in qs)
    assert len(load_element_questions(REAL)) >= 25
    by_lang = Counter(q.lang for q in qs)
    assert min(by_lang.values()) / len(qs) >= 0.4, by_lang
    assert len({q.id for q in qs}) == len(qs) and len({q.text for q in qs}) == len(qs)
    for q in qs:
        assert q.topic and q.elements and q.docs, q.id
        assert all(e.wordings["en"] and e.wordings["es"] for e in q.elements), f"{q.id}: a wording in each language"
    cells = Counter((q.cell, q.split) for q in qs)
    for c in {c for c, _ in cells}:
        assert cells[(c, "dev")] and cells[(c, "test")], f"cell {c} needs questions in both halves: {cells}"


def _check(questions, root: Path) -> list[str]:
    """Every element is stated in every labelled document (in a passage of the document's labelled language), and
    every wording in a labelled document's language is found in one of them."""
    wrong = []
    for q in questions:
        for d in q.docs:
            if not (root / d.doc).is_file():
                wrong.append(f"{q.id}: no document {d.doc}")
        passages = {d.doc: _passages(root / d.doc) for d in q.docs if (root / d.doc).is_file()}
        for n, e in enumerate(q.elements, start=1):
            for d in q.docs:
                if d.doc in passages and not any(holds(t, e) and l == d.lang for t, l in passages[d.doc]):
                    wrong.append(f"{q.id}: element {n} {e.all_wordings[:2]} is not in {d.doc} ({d.lang})")
            for lang in {d.lang for d in q.docs}:
                texts = [t for d in q.docs if d.doc in passages for t, _ in passages[d.doc]]
                for w in e.wordings[lang]:
                    if not any(holds(t, Element({lang: (w,)})) for t in texts):
                        wrong.append(f"{q.id}: wording {w!r} ({lang}) is in no labelled document")
    return wrong


def test_starter_element_wordings_are_in_the_ingested_text():
    assert _check(load_element_questions(STARTER), EVAL.parent) == []


@pytest.mark.slow  # prepares the six real PDFs (~2 min alone; shared with test_eval_passages in a full run)
def test_real_element_wordings_are_in_the_ingested_text():
    if not SHARED_PDFS.is_dir():
        pytest.skip(f"{SHARED_PDFS} is absent (a fresh clone outside the workspace)")
    assert _check(load_element_questions(REAL), SHARED_PDFS) == []


# --- a run on the session store ------------------------------------------------------------------------------------
def test_element_questions_run_through_kb_eval_passages(kb_small, tmp_path):
    from evals.cli import evaluate_cli

    f = tmp_path / "elements_x.jsonl"
    row = {
        "id": "e1",
        "text": "What does the supplier development programme give local SMEs?",
        "lang": "en",
        "split": "dev",
        "docs": [{"doc": "plan_industrial_es.pdf", "lang": "es"}],
        "topic": ["supplier", "proveedor"],
        "elements": [{"en": ["technical advice"], "es": ["asesoría técnica"]}],
    }
    f.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    out: list[str] = []
    assert evaluate_cli(kb_small, [f], split="dev", as_json=True, echo=out.append) == 0
    data = json.loads(out[0])["elements_x.jsonl"]["dev"]
    (q,) = data["questions"]
    assert q["cell"] == "en→es" and q["quoted"] and set(q["scores"]) >= {"all", "recall", "first", "off_topic"}
    assert data["elements"][0]["cell"] == "overall" and data["elements"][0]["questions"] == 1
