"""Verdicts that hold (issue 20): "nothing relevant" is judged on the question against the collection as filtered,
and is recomputed for the collection as it is after a delete or an ingestion."""

import shutil

import pytest

from kb import KnowledgeBase
from kb.api import make_filters
from kb.config import Config
from kb.search.relevance import relevance

QUESTION = "¿Qué apoyo reciben las pymes en el programa de desarrollo de proveedores?"


def test_the_lead_is_the_questions_in_the_whole_collection():
    crowd = [0.90, 0.89, 0.88, 0.88, 0.87, 0.87, 0.87, 0.86, 0.86, 0.86, 0.80]
    # Unfiltered: the lead over the 10th best, as before.
    assert relevance(crowd, 3.0) == pytest.approx(0.90 + 3 * 0.03)
    # Filtered to a few far-apart passages: their own lead would be 0.03 (the 10th is far off); the question's lead in
    # the whole collection is what counts.
    crowded = [0.85, 0.849, 0.848, 0.848, 0.847, 0.847, 0.846, 0.846, 0.845, 0.845]
    assert relevance([0.84, 0.70], 3.0, reference=crowded) == pytest.approx(0.84 + 3 * 0.005)
    assert relevance([0.84, 0.70], 3.0) == pytest.approx(0.84 + 3 * 0.03)
    # Adding passages to the filtered set can only raise it.
    assert relevance([0.84, 0.70, 0.845], 3.0, reference=crowded) >= relevance([0.84, 0.70], 3.0, reference=crowded)


@pytest.fixture
def kb_copy(kb_small, tmp_path):
    """The small store copied, to delete from and ingest into (the model is shared; nothing is embedded again)."""
    shutil.copytree(kb_small.config.store, tmp_path / "store")
    return KnowledgeBase(Config.from_env(store=tmp_path / "store"), embedder=kb_small.embedder)


def _doc(kb, name):
    return next(d for d in kb.documents() if d.source.endswith(name))


def test_the_verdict_is_recomputed_after_a_delete_and_an_ingestion(kb_copy, small_corpus):
    from ingest import ingest_paths

    before = kb_copy.ask(QUESTION, answer=False)
    assert not before.nothing_relevant and "proveedores" in before.hits[0].chunk.text
    assert kb_copy.delete(_doc(kb_copy, "plan_industrial_es.pdf").doc_id)
    after = kb_copy.ask(QUESTION, answer=False)
    fresh = KnowledgeBase(kb_copy.config, embedder=kb_copy.embedder).ask(QUESTION, answer=False)
    assert after.result.relevance_json() == fresh.result.relevance_json()
    assert after.nothing_relevant and after.answer is None
    report = ingest_paths(kb_copy, [small_corpus["es_pdf"]])
    assert report.ok
    again = kb_copy.ask(QUESTION, answer=False)
    assert again.result.relevance_json() == before.result.relevance_json()


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    ["supplier development", "supplier development programmes", "programas de desarrollo de proveedores"],
)
def test_adding_a_jurisdiction_never_takes_an_answer_away(kb_starter, question):
    """Issue 20: answered under Querétaro, "nothing relevant" once Singapore was added (its passages crowded the ten
    best, so the lead over the 10th best fell), and the Querétaro passage was relabelled as not answering."""
    alone = kb_starter.ask(question, 10, make_filters(jurisdiction="MX-QUE"), answer=False)
    both = kb_starter.ask(question, 10, make_filters(jurisdiction="MX-QUE,SG"), answer=False)
    assert not alone.nothing_relevant and not both.nothing_relevant
    assert both.result.relevance >= alone.result.relevance


@pytest.mark.slow
def test_a_filter_never_answers_what_the_collection_cannot(kb_starter):
    """A question the whole collection cannot answer was answered under one state's filter ("¿Qué dice la
    Constitución española sobre la monarquía?" under Yucatán): a state has few passages, so its best stood out of its
    own ten best by the full lead."""
    questions = [
        "¿Qué dice la Constitución española sobre la monarquía?",
        "What is the capital city of Australia?",
        "How many moons does Jupiter have?",
    ]
    unanswered = [q for q in questions if kb_starter.ask(q, 10, answer=False).nothing_relevant]
    assert unanswered
    for q in unanswered:
        for jurisdiction in ("MX-YUC", "MX-YUC,MX-NLE", "SG"):
            assert kb_starter.ask(q, 10, make_filters(jurisdiction=jurisdiction), answer=False).nothing_relevant, (
                q,
                jurisdiction,
            )


@pytest.mark.slow
def test_nothing_relevant_shows_no_profile_boilerplate(kb_starter):
    """Under "nothing relevant" the nearest passages are shown; a profile's introduction and "not confirmed" notes
    are near every such question and were most of them."""
    from kb.compare.profiles import is_boilerplate

    for question in ("¿Cuál es la tasa de desempleo en Bolivia?", "What is the capital city of Australia?"):
        response = kb_starter.ask(question, 10)
        assert response.nothing_relevant and len(response.hits) == 10 and response.answer is None
        assert not [h.chunk.text[:60] for h in response.hits if is_boilerplate(h.chunk)]
