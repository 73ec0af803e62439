"""Ingestion: files → pages → clean text → sections → chunks with language → the knowledge base."""

from ingest.pipeline import ingest_paths

__all__ = ["ingest_paths"]
