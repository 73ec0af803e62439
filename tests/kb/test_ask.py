"""The one ask path: ``KnowledgeBase.ask`` builds the query record once and returns hits, verdict and answer; the
query-vector cache lives in the library."""

import numpy as np
import pytest

from kb.embedding import QueryVectors
from kb.search.search import QueryError


def test_query_vectors_are_remembered_read_only_and_evicted():
    cache = QueryVectors(size=2)
    first = np.ones(3, dtype=np.float32)
    cache.put("supplier development", first)
    got = cache.get("supplier development")
    assert got is not None and np.array_equal(got, first) and not got.flags.writeable
    cache.put("a", np.zeros(3)), cache.put("b", np.zeros(3))  # evicts the oldest
    assert cache.get("supplier development") is None and len(cache) == 2


def test_ask_is_search_verdict_and_answer_in_one(kb_small):
    question = "  supplier development programme for small firms "
    response = kb_small.ask(question, 5)
    plain = kb_small.search_result(question, 5)
    assert [h.chunk.chunk_id for h in response.hits] == [h.chunk.chunk_id for h in plain.hits]
    assert response.nothing_relevant is plain.nothing_relevant is False
    assert response.query.text == question.strip() and response.query.language == "en"
    assert response.answer is not None and response.answer.sentences
    expected = kb_small.answer(question.strip(), hits=plain.hits)
    assert response.answer.text() == expected.text()
    assert set(response.seconds) == {"search", "answer"}


def test_ask_embeds_a_query_once(kb_small):
    text = "¿Qué programas de desarrollo de proveedores hay?"
    first = kb_small.ask(text, 3, answer=False)
    assert first.answer is None and first.query.vector is not None
    again = kb_small.query(text)
    assert again.vector is not None and np.array_equal(again.vector, first.query.vector)
    calls = []
    embed = kb_small.store.embedder.embed_query
    kb_small.store.embedder.embed_query = lambda t: calls.append(t) or embed(t)
    try:
        second = kb_small.ask(text, 3, answer=False)
    finally:
        del kb_small.store.embedder.embed_query
    assert calls == [] and [h.chunk.chunk_id for h in second.hits] == [h.chunk.chunk_id for h in first.hits]


def test_nothing_relevant_quotes_no_answer_unless_asked(kb_small):
    response = kb_small.ask("xqzv blorft")
    assert response.nothing_relevant and response.hits and response.answer is None
    forced = kb_small.ask("xqzv blorft", always_answer=True)
    assert forced.answer is not None


def test_ask_says_what_is_wrong_with_a_query(kb_small):
    with pytest.raises(QueryError, match="empty query"):
        kb_small.ask("   ")
    with pytest.raises(QueryError, match="at least 1"):
        kb_small.ask("supplier development", 0)
