"""Session fixtures: the real model, a small real store built once, and paths to the shared PDFs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tests never reach a model hub
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from tests.fixtures import SHARED_PDFS, build_small_corpus  # noqa: E402


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory) -> dict[str, Path]:
    return build_small_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def kb_small(tmp_path_factory, small_corpus):
    """A KnowledgeBase with the small corpus ingested once (the real e5 model, a real chromadb on disk)."""
    from ingest import ingest_paths
    from kb import KnowledgeBase

    kb = KnowledgeBase.open(tmp_path_factory.mktemp("store"))
    report = ingest_paths(kb, [small_corpus["es_pdf"].parent])
    assert report.ok, report
    kb.first_report = report
    return kb


@pytest.fixture(scope="session")
def kb_starter(tmp_path_factory):
    """The starter corpus (corpus/) in a store of its own, built once. Its vectors ship in corpus/_vectors/, so this
    takes seconds, not the minutes embedding ~600 passages would."""
    from ingest import ingest_paths
    from kb import KnowledgeBase
    from kb.config import PROJECT_ROOT

    kb = KnowledgeBase.open(tmp_path_factory.mktemp("starter"))
    report = ingest_paths(kb, [PROJECT_ROOT / "corpus"])
    assert report.ok, [(f.path, f.reason) for f in report.files if f.reason]
    kb.first_report = report
    return kb


@pytest.fixture
def shared_pdfs() -> Path:
    if not SHARED_PDFS.is_dir():
        pytest.skip(f"{SHARED_PDFS} is absent (a fresh clone outside the workspace)")
    return SHARED_PDFS


@pytest.fixture
def fresh_copy(tmp_path):
    """Copy a folder of test documents so a test may change files without touching the session's."""

    def copy(src: Path) -> Path:
        dst = tmp_path / src.name
        shutil.copytree(src, dst)
        return dst

    return copy
