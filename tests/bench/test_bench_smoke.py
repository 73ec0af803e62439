"""Each benchmark run on a handful of items: the tables come out and the numbers are sane (no timing goals here;
those belong to the benchmarks themselves)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bench import ingestion, search_latency, startup
from bench.common import md_table, pct
from bench.synthetic import PASSAGE_WORDS, PassageMaker, documents, queries

pytestmark = pytest.mark.slow


def test_synthetic_passages_look_like_the_chunkers():
    maker = PassageMaker(seed=3, bases_per_language=2)
    for lang in ("es", "en"):
        p = maker.make(lang)
        assert p.language == lang
        assert PASSAGE_WORDS[0] <= len(p.text.split()) <= PASSAGE_WORDS[1] + 80  # whole sentences overrun a bit
    base = np.eye(4, 384, dtype=np.float32)
    docs = list(documents(53, base, per_doc=25, bases_per_language=2))
    assert [len(d.chunks) for d in docs] == [25, 25, 3]
    assert len({c.chunk_id for d in docs for c in d.chunks}) == 53
    assert np.allclose(np.linalg.norm(docs[0].vectors, axis=1), 1.0, atol=1e-5)
    assert len(set(queries(20))) == 20


def test_markdown_table():
    assert md_table(["a", "b"], [[1.23456, "x"]]) == "| a | b |\n|---|---|\n| 1.23 | x |"
    assert math.isnan(pct([], 50))


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory):
    return search_latency.ensure_store(
        60, root=tmp_path_factory.mktemp("stores"), bases_per_language=2, say=lambda *_: None
    )


def test_search_latency_tables(tiny_store):
    path, build = tiny_store
    assert build["chunks"] == 60 and build["documents"] == 3
    m = search_latency.measure(path, n_queries=4, compare_before=True)
    assert m["queries"] == 4 and m["chunks"] == 60 and all(h > 0 for h in m["hits"])
    assert len(m["before"]) == len(m["ref_before"]) == 4 and m["before_differ"] == []
    assert len(m["beside"]["lexical"]) == 4 and all(b > 0 for b in m["beside"]["lexical"])  # in the worker
    assert "embed_query" in m["stages"] and any(s.startswith("dense:") for s in m["stages"])
    for i, total in enumerate(m["e2e"]):
        traced = sum(v[i] for k, v in m["stages"].items() if k != "other")
        assert 0 < traced <= total + 1e-9
    assert all(r > 0 for r in m["ref"]) and m["peak_rss_mb"] > 50
    sizes = search_latency.store_sizes(path)
    assert sizes["total_mb"] >= sizes["manifest_mb"] + sizes["chroma_mb"] > 0
    text = search_latency.report([{"n": 60, "m": m, "build": build, "sizes": sizes}], {**_info()})
    assert "| 60 |" in text and "embed_query" in text and "p50 / embedding" in text
    assert "p50 ms now / before" in text and "0 of 4 queries" in text


def test_ingestion_tables(tmp_path):
    pdfs = ingestion.make_pdf_set(tmp_path / "pdfs", count=1, pages=2, per_page=1)
    eff = ingestion.efficiency(pdfs, say=lambda *_: None)
    assert eff["passages"] >= 2 and not eff["failed"]
    # The synthetic pages are sentences drawn from the notes, reference entries included: a passage of those is
    # stored as kind "references" and not embedded, so only the embedded ones must match the replay.
    assert eff["raw"]["passages"] == eff["embedded"] == sum(eff["batch_sizes"])
    assert 1 <= eff["embedded"] <= eff["passages"]
    assert eff["raw"]["rate"] > 0 and 0 < eff["ratio_wall"] < 5
    assert {"extract", "structure", "embed (model)", "store"} <= set(eff["stages"])
    re = ingestion.reingest(20, say=lambda *_: None)
    assert re["first_ok"] and re["unchanged"] == 20 and re["embedded_again"] == 0 and re["again_s"] > 0
    text = ingestion.report(eff, re, _info())
    assert "raw encoder passages/s" in text and "| embed (model) |" in text and "| 20 |" in text


def test_startup_without_browser(tiny_store):
    m = startup.measure(tiny_store[0], browser=False)
    assert 0 < m["server_up_s"] < 120
    f = m["fresh_process"]
    assert f["process_s"] >= f["import_s"] + f["open_s"] + f["first_search_s"] > 0
    assert "server up" in startup.report(m, _info())


def test_add_document(tmp_path):
    from bench import add_document

    row = add_document.measure(60, passages=2, seed=5, root=tmp_path / "stores", say=lambda *_: None)
    assert row["n"] == 60 and row["passages"] >= 2 and row["add_s"] > 0 and row["encoder_s"] > 0
    assert row["lexical_full_rebuild_s"] > 0 and row["delete_s"] > 0
    assert "| 60 |" in add_document.report([row], _info())


def _info() -> dict:
    from bench.common import machine

    return machine()
