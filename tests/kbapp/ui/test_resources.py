"""The query-vector cache in front of the model: same vectors, computed once, read-only, everything else passed on."""

import numpy as np

from kbapp.ui.resources import QueryCache


def test_query_cache(kb_small):
    model = kb_small.embedder
    cached = QueryCache(model, size=2)
    first = cached.embed_query("supplier development")
    assert np.allclose(first, model.embed_query("supplier development"))
    assert cached.embed_query("supplier development") is first and not first.flags.writeable
    assert cached.identity == model.identity
    cached.embed_query("a"), cached.embed_query("b")  # evicts the oldest
    assert cached.embed_query("supplier development") is not first
