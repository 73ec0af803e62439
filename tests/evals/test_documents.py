"""Evaluation: metrics checked against hand-computed values, query files, and a run on the session store."""

import json
import math

import pytest

from evals.documents import (
    QueryFileError,
    cell,
    dcg,
    doc_ranking,
    format_report,
    load_queries,
    mrr_at_k,
    ndcg_at_k,
    recall_at_k,
    resolve,
    run,
    source_to_document,
)
from kb.records import Document

REL = {"a": 2, "b": 1, "c": 1}


def test_recall():
    assert recall_at_k(["x", "a", "y", "b"], REL, 2) == pytest.approx(1 / 3)
    assert recall_at_k(["x", "a", "y", "b"], REL, 4) == pytest.approx(2 / 3)
    assert recall_at_k(["x"], {}, 5) == 0.0


def test_mrr():
    assert mrr_at_k(["x", "y", "b"], REL, 10) == pytest.approx(1 / 3)
    assert mrr_at_k(["x", "y", "b"], REL, 2) == 0.0
    assert mrr_at_k(["a"], REL, 10) == 1.0


def test_ndcg_by_hand():
    # ranking x, b, a: DCG = 0 + 1/log2(3) + 2/log2(4) = 0.6309 + 1 = 1.6309
    # ideal a, b, c:   DCG = 2/1 + 1/log2(3) + 1/log2(4) = 2 + 0.6309 + 0.5 = 3.1309
    assert dcg([0, 1, 2]) == pytest.approx(1 / math.log2(3) + 1.0)
    assert ndcg_at_k(["x", "b", "a"], REL, 10) == pytest.approx(1.6309 / 3.1309, abs=1e-4)
    assert ndcg_at_k(["a", "b", "c"], REL, 10) == pytest.approx(1.0)
    assert ndcg_at_k(["a"], REL, 1) == pytest.approx(1.0)  # the ideal is cut at k too
    assert ndcg_at_k(["x"], REL, 10) == 0.0


def test_doc_ranking_keeps_first_appearance():
    assert doc_ranking(["d1", "d2", "d1", "d3", "d2"]) == ["d1", "d2", "d3"]


def test_cells():
    assert cell("en", ["es", "es"]) == "en→es"
    assert cell("es", ["es"]) == "es→es"
    assert cell("es", ["es", "en"]) == "es→mixed"


def test_source_notes_map_to_their_pdfs():
    assert source_to_document("_sources/es_x.md") == "pdf/es_x.pdf"
    assert source_to_document("md/en_y.md") == "md/en_y.md"


def test_query_file_errors_name_the_line(tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text('{"id": "1", "text": "x", "lang": "en", "relevant": {"a.md": 2}}\n{"id": "2", "text": "y"}\n')
    with pytest.raises(QueryFileError, match="line 2"):
        load_queries(f)


def test_resolve_maps_paths_to_doc_ids(tmp_path):
    (tmp_path / "_eval").mkdir()
    f = tmp_path / "_eval" / "q.jsonl"
    f.write_text(
        json.dumps(
            {"id": "1", "text": "x", "lang": "en", "relevant": {"_sources/es_a.md": 2, "md/b.md": 1, "md/gone.md": 1}}
        )
        + "\n"
    )
    docs = [
        Document(doc_id="A", source=str(tmp_path / "pdf" / "es_a.pdf"), language="es"),
        Document(doc_id="B", source=str(tmp_path / "md" / "b.md"), language="en"),
    ]
    (q,) = load_queries(f)
    langs = resolve([q], docs)
    assert q.doc_grades == {"A": 2, "B": 1} and q.missing == ["md/gone.md"] and langs == {"A": "es", "B": "en"}


def test_run_on_the_session_store(kb_small, small_corpus, tmp_path):
    corpus = small_corpus["es_pdf"].parent
    f = tmp_path / "q.jsonl"
    f.write_text(
        "\n".join(
            json.dumps(q)
            for q in [
                {
                    "id": "q1",
                    "text": "supplier development programme",
                    "lang": "en",
                    "relevant": {"plan_industrial_es.pdf": 2},
                },
                {
                    "id": "q2",
                    "text": "parques ecoindustriales",
                    "lang": "es",
                    "relevant": {"notas/eco_parques_es.md": 2, "singapore_skills_en.pdf": 1},
                },
            ]
        )
        + "\n"
    )
    report = run(kb_small, load_queries(f, corpus))
    assert [r.cell for r in report.results] == ["en→es", "es→mixed"]
    for r in report.results:
        assert set(r.scores) == {"dense", "lexical", "hybrid"}
        assert all(0.0 <= v <= 1.0 for s in r.scores.values() for v in s.values())
    assert report.results[0].scores["hybrid"]["MRR@10"] == 1.0
    text = format_report(report)
    assert "overall" in text and "nDCG@10" in text and "worst" in text


def test_cli_eval(kb_small, small_corpus, tmp_path):
    from typer.testing import CliRunner

    from kbapp.cli import app

    f = tmp_path / "q.jsonl"
    f.write_text(
        json.dumps({"id": "q1", "text": "consejo consultivo", "lang": "es", "relevant": {"plan_industrial_es.pdf": 2}})
        + "\n"
    )
    args = [
        "eval",
        "--queries",
        str(f),
        "--corpus",
        str(small_corpus["es_pdf"].parent),
        "--store",
        str(kb_small.config.store),
    ]
    res = CliRunner().invoke(app, args + ["--mode", "hybrid", "--no-glossary"])
    assert res.exit_code == 0, res.output
    assert "glossary off" in res.output and "es→es" in res.output
    res = CliRunner().invoke(app, args + ["--mode", "bogus"])
    assert res.exit_code == 2 and "--mode" in res.output
