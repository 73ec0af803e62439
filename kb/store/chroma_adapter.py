"""Everything policy-kb needs from chromadb beyond its plain collection API, in one place.

One workaround reaches into chromadb's internals (``reopen_local_client``): an embedded client loads the HNSW
index once, and every ``PersistentClient`` for the same path in a process shares that one cached ``System``, so a
reader never sees vectors another process wrote later (chromadb issues #2536, #3792; measured with 1.5.9). The
public way out, ``close()`` on every client of the path and a new client, stops the shared ``System``, which would
break a query another thread (a Streamlit session) is running on it. So we drop only this path's cached system
without stopping it: threads still holding the old client finish their query, new ones get a fresh index.
``tests/kb/test_chroma_adapter.py`` pins the behaviour this works around, so a chromadb upgrade that fixes it (or
renames the internals) fails there first.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

# chromadb reads this at import time; telemetry would try the network.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import chromadb  # noqa: E402
from chromadb.api.shared_system_client import SharedSystemClient  # noqa: E402
from chromadb.config import Settings  # noqa: E402
from chromadb.errors import InternalError, NotFoundError  # noqa: E402

# A reader whose in-memory index is older than the shared SQLite metadata fails a filtered query with
# InternalError("Error finding id"); reloading the index and asking again is the cure.
STALE_INDEX_ERRORS: tuple[type[Exception], ...] = (InternalError,)
COLLECTION_MISSING: tuple[type[Exception], ...] = (NotFoundError,)


@lru_cache(maxsize=8)
def chroma_client(path: str = "", url: str = "") -> Any:
    """One client per process and location (chromadb clients are heavy and keep their own caches)."""
    settings = Settings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url)
        return chromadb.HttpClient(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 8000,
            ssl=parsed.scheme == "https",
            settings=settings,
        )
    Path(path).mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=path, settings=settings)


def reopen_local_client(path: str) -> Any:
    """A fresh embedded client for ``path`` that loads the index as it is on disk now. Only this path's cached
    system is dropped (not stopped: another thread may be querying it); other stores in the process keep theirs."""
    chroma_client.cache_clear()  # lru_cache cannot drop one key; the other entries are rebuilt cheaply on demand
    with SharedSystemClient._refcount_lock:
        SharedSystemClient._identifier_to_system.pop(path, None)
        SharedSystemClient._identifier_to_refcount.pop(path, None)
    return chroma_client(path, "")
