"""Fusion by calibrated similarity (issue 14, item 1; issue 10, item 2) and the "nothing relevant" verdict
(issue 10, item 5), with the real model where it matters."""

from __future__ import annotations

import shutil

import pytest

from ingest import ingest_paths
from kb import Config, KnowledgeBase
from kb.fusion import calibrated_dense, lexical_bonus
from tests.fixtures import write_md
from tests.ingest.test_language import PT


def test_calibrated_dense_by_hand():
    legs = {"dense:es": [("es1", 0.86), ("es2", 0.80)], "dense:en": [("en1", 0.84)], "dense:other": [("pt1", 0.79)]}
    # A Spanish query: Spanish passages lose the same-language bonus (0.04), and so do third languages (a
    # Portuguese passage shares much of it); the English ones keep their similarity.
    merged = calibrated_dense(legs, "es", 0.04)
    assert [(c, round(s, 3), leg) for c, s, leg in merged] == [
        ("en1", 0.84, "dense:en"),
        ("es1", 0.82, "dense:es"),
        ("es2", 0.76, "dense:es"),
        ("pt1", 0.75, "dense:other"),
    ]
    # A query in no known language: no correction.
    assert [c for c, _, _ in calibrated_dense(legs, "", 0.04)] == ["es1", "en1", "es2", "pt1"]


def test_lexical_bonus_is_normalised_per_language():
    found = [("es1", 8.0, "es"), ("es2", 4.0, "es"), ("en1", 2.0, "en"), ("pt1", 2.0, "pt")]
    # The best English match weighs as much as the best Spanish one, although its BM25 score is lower; a third
    # language is measured against the best overall.
    assert lexical_bonus(found, 0.02) == pytest.approx({"es1": 0.02, "es2": 0.01, "en1": 0.02, "pt1": 0.005})
    # For a Spanish query, passages in other languages (matched through glossary terms and names) get half.
    assert lexical_bonus(found, 0.02, "es", 0.5) == pytest.approx(
        {"es1": 0.02, "es2": 0.01, "en1": 0.01, "pt1": 0.0025}
    )


@pytest.fixture(scope="module")
def kb_pt(kb_small, tmp_path_factory):
    """The small store plus a genuinely Portuguese document (its own language group: the "other" dense leg)."""
    root = tmp_path_factory.mktemp("pt")
    shutil.copytree(kb_small.config.store, root / "store")
    write_md(root / "docs" / "semicondutores_pt.md", {"title": "Programa de semicondutores"}, PT)
    kb = KnowledgeBase(Config.from_env(store=root / "store"), embedder=kb_small.embedder)
    report = ingest_paths(kb, [root / "docs"])
    assert report.ok and report.files[0].language == "pt"
    return kb


@pytest.mark.parametrize(
    "query",
    ["desarrollo de proveedores para pequeñas empresas", "eco-industrial parks", "consejo consultivo industrial"],
)
def test_a_language_leg_gets_no_slot_it_has_not_earned(kb_pt, query):
    """The only Portuguese passage is the best of its leg for every query; fused by rank it took a top-3 slot in
    every search. By calibrated similarity it shows only where it matches."""
    hits = kb_pt.search(query, k=5)
    assert "pt" not in [h.chunk.language for h in hits[:3]], [(h.chunk.language, h.chunk.text[:40]) for h in hits]


def test_a_portuguese_question_finds_the_portuguese_document(kb_pt):
    hits = kb_pt.search("programa brasileiro de crédito para fábricas de semicondutores", k=3)
    assert hits[0].chunk.language == "pt" and "semicondutores" in hits[0].chunk.text


def test_an_english_question_still_finds_the_spanish_answer_first(kb_pt):
    """The cross-language gain of the per-language legs stays: the Spanish passage that answers comes first."""
    top = kb_pt.search("supplier development programme for small firms", k=3)[0]
    assert top.chunk.language == "es" and "proveedores" in top.chunk.text


def test_nothing_relevant_is_said_with_its_evidence(kb_small):
    nonsense = kb_small.search_result("xqzv blorft")
    assert nonsense.nothing_relevant and nonsense.hits  # the nearest passages are still there to look at
    assert nonsense.best_similarity is not None
    unknown = kb_small.search_result("How does Finland's innovation agency Sitra finance its projects?")
    assert unknown.nothing_relevant and "Sitra" in unknown.unknown_names
    found = kb_small.search_result("supplier development programme for small firms")
    assert not found.nothing_relevant and found.best_similarity >= found.floor
    assert found.relevance_json()["nothing_relevant"] is False


def test_the_floor_is_a_setting(kb_small):
    off = KnowledgeBase(
        Config.from_env(store=kb_small.config.store, relevance_floor=0.0, relevance_floor_names=0.0),
        embedder=kb_small.embedder,
    )
    assert not off.search_result("How does Finland's innovation agency Sitra finance its projects?").nothing_relevant
