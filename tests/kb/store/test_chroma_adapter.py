"""Pins the chromadb behaviour that ``kb/chroma_adapter.py`` works around, so an upgrade that changes it fails here
first: an embedded client in this process never sees what another process wrote, a new public client for the same
path shares the stale index, a filtered query on it raises what the retry catches, and the adapter's reopen sees
the new vectors while the old client keeps answering."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from kb.store.chroma_adapter import STALE_INDEX_ERRORS, chroma_client, reopen_local_client

NAME = "pinned"
WRITER = """
import sys, numpy as np, chromadb
from chromadb.config import Settings
path, start, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
client = chromadb.PersistentClient(path=path, settings=Settings(anonymized_telemetry=False))
col = client.get_or_create_collection({name!r}, embedding_function=None, configuration={{"hnsw": {{"space": "cosine"}}}})
vectors = np.random.default_rng(start).normal(size=(n, 8)).astype("float32")
col.upsert(ids=[f"id{{i}}" for i in range(start, start + n)], embeddings=vectors,
           metadatas=[{{"doc_id": f"d{{i}}"}} for i in range(start, start + n)])
""".format(name=NAME)


def write_in_another_process(path: str, start: int, n: int) -> None:
    subprocess.run([sys.executable, "-c", WRITER, path, str(start), str(n)], check=True, timeout=120)


def nearest(col, n: int = 100) -> int:
    query = np.random.default_rng(99).normal(size=8).astype("float32")
    return len(col.query(query_embeddings=[query], n_results=n)["ids"][0])


@pytest.mark.slow
def test_stale_embedded_index_and_the_reopen_that_cures_it(tmp_path):
    import chromadb
    from chromadb.config import Settings

    path = str(tmp_path / "chroma")
    write_in_another_process(path, 0, 20)
    old = chroma_client(path, "").get_collection(NAME, embedding_function=None)
    assert nearest(old) == 20

    write_in_another_process(path, 20, 20)
    assert old.count() == 40  # the shared SQLite metadata sees the new rows …
    assert nearest(old) == 20  # … the in-memory vector index does not
    with pytest.raises(STALE_INDEX_ERRORS, match="Error finding id"):  # what VectorIndex's retry catches
        old.query(
            query_embeddings=[np.ones(8, dtype="float32")],
            n_results=40,
            where={"doc_id": {"$in": [f"d{i}" for i in range(20, 40)]}},
        )
    # The public way to "reopen" (a new client for the path) shares the same cached, stale system.
    public = chromadb.PersistentClient(path=path, settings=Settings(anonymized_telemetry=False))
    assert nearest(public.get_collection(NAME, embedding_function=None)) == 20

    fresh = reopen_local_client(path).get_collection(NAME, embedding_function=None)
    assert nearest(fresh) == 40
    assert nearest(old) == 20  # not stopped: a thread still holding the old client finishes its query
