"""Where the library meets the pipeline: a ``KnowledgeBase`` whose ``ingest`` runs ``ingest.pipeline.ingest_into``
on its write port.

The apps live above both packages, so they are the place to plug one into the other (``kb`` only knows the
``Ingestor`` protocol of ``kb/ingestor.py``). ``ingest`` is imported when the first ingestion runs: a search from
the command line does not pay for pypdf and langdetect.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from kb.api import KnowledgeBase
from kb.config import Config
from kb.embedding import Embedder
from kb.index import Index
from kb.ingestor import IngestOptions
from kb.records import IngestReport


def ingest_into(index: Index, paths: Iterable[str | Path], options: IngestOptions | None = None) -> IngestReport:
    """The pipeline as an ``Ingestor`` (imported on first use: a search does not load pypdf and langdetect)."""
    from ingest.pipeline import ingest_into as run

    return run(index, paths, options)


def open_kb(
    store: str | Path | None = None, *, config: Config | None = None, embedder: Embedder | None = None, **overrides: Any
) -> KnowledgeBase:
    """A knowledge base that can ingest: ``config`` as given, or ``KB_*`` settings with ``store`` and overrides."""
    config = config or Config.from_env(store=store, **overrides)
    return KnowledgeBase(config, embedder=embedder, ingestor=ingest_into)
