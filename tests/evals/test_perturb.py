"""The filter-perturbation suite: its pure parts, and one real run on the small store."""

import json

from evals.passages import load_questions
from evals.perturb import describe, flipped, lost, run, variants
from kb.records import Document, Filters


def test_flips_and_lost_answers():
    assert not flipped({"none": False, "jurisdiction": False, "+1": False})
    assert flipped({"none": False, "jurisdiction": False, "+1": True})
    assert lost({"jurisdiction": False, "+1": True}) and lost({"jurisdiction": False, "+1": False, "+2": True})
    assert not lost({"jurisdiction": True, "+1": False})  # an answer gained is a flip, not an answer lost
    assert not lost({"none": False, "year": True})


def test_variants_keep_the_gold_documents_jurisdiction_year_and_type():
    gold = Document(doc_id="d", source="x.md", jurisdiction="MX-QUE", year=2024, doc_type="case study")
    vs = variants(gold, ["SG", "MX-NLE", "CL"])
    assert vs["jurisdiction"].jurisdictions == ("MX-QUE",)
    assert vs["+1"].jurisdictions == ("MX-QUE", "SG") and vs["+2"].jurisdictions == ("MX-QUE", "SG", "MX-NLE")
    assert (vs["year"].year_min, vs["year"].year_max) == (2024, 2024) and vs["type"].doc_types == ("case study",)
    assert vs["none"] == Filters() and describe(vs["+1"]) == "jurisdiction MX-QUE,SG"


def test_a_run_on_the_small_store(kb_small, small_corpus, tmp_path):
    f = tmp_path / "p.jsonl"
    lines = [
        {
            "id": "q1",
            "text": "¿Qué reciben las empresas del programa de desarrollo de proveedores?",
            "lang": "es",
            "split": "dev",
            "answers": [{"doc": "notas/eco_parques_es.md", "span": "compartan agua"}],
        },
        {"id": "q2", "text": "What is the capital city of Australia?", "lang": "en", "split": "dev", "answers": []},
    ]
    f.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    report = run(kb_small, load_questions(f), split="dev")
    assert len(report.results) == 1 and len(report.oos) == 1
    r = report.results[0]
    assert set(r.verdicts) >= {"none", "jurisdiction", "+1", "year", "type"}
    assert r.filters["jurisdiction"] == "jurisdiction MX"
    counts = report.counts()
    assert counts["questions"] == 1 and counts["oos_questions"] == 1 and counts["flips"] in (0, 1)
