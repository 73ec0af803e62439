"""Ingestion: files → pages → clean text → sections → chunks with language → the knowledge base's write port."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ingest.pipeline import ingest_into
from kb.api import KnowledgeBase
from kb.ingestor import IngestOptions
from kb.records import IngestReport


def ingest_paths(kb: KnowledgeBase, paths: Iterable[str | Path], options: IngestOptions | None = None) -> IngestReport:
    """Ingest into ``kb`` through its write port (``kb.index``): ``ingest_into(kb.index, paths, options)``."""
    return ingest_into(kb.index, paths, options)


__all__ = ["ingest_into", "ingest_paths"]
