"""A long-lived reader process for the concurrency test: searches every query in a loop, one JSON line each.

python -m tests.reliability.searcher STORE LOG STOPFILE
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from kb import KnowledgeBase
from tests.reliability.conftest import QUERIES


def main(store: str, log: str, stop: str) -> None:
    kb = KnowledgeBase.open(store)  # opened before the ingestion starts, like a running app
    with open(log, "a", encoding="utf-8") as out:
        while not Path(stop).exists():
            for name, query in QUERIES.items():
                try:
                    hits = kb.search(query, 5)
                    rec = {
                        "q": name,
                        "t": round(time.time(), 2),
                        "gen": kb.store.manifest.generation(),
                        "found": [[Path(h.chunk.doc.source).name, h.chunk.doc_id] for h in hits],
                    }
                except Exception as exc:  # the test fails on any of these
                    rec = {"q": name, "t": round(time.time(), 2), "error": f"{exc.__class__.__name__}: {exc}"}
                out.write(json.dumps(rec) + "\n")
                out.flush()


if __name__ == "__main__":
    main(*sys.argv[1:4])
