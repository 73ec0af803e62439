"""Shared pieces of the reliability tests: a small corpus, its update, a template store, real subprocesses."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from ingest import ingest_paths
from ingest.pipeline import content_hash
from kb import Config, KnowledgeBase
from kb.config import PROJECT_ROOT
from tests.fixtures import EN_PARKS, EN_SKILLS, ES_PORT, ES_SUPPLIERS, make_pdf, write_md

# Each stored document and a query that must find it (by file name), before, during and after any crash.
QUERIES = {
    "a_plan.md": "estrategia portuaria muelles aduanas",
    "b_informe.pdf": "desarrollo de proveedores certificaciones de calidad",
    "c_notes.md": "skills agency training grants polytechnics",
}
NEW_QUERIES = {"d_parks.md": "eco-industrial park by-product exchanges", "e_energia.pdf": "energía solar cooperativas"}
ES_ENERGY = (
    "El programa de energía solar apoya a cooperativas rurales que instalan paneles en techos de escuelas y "
    "centros de salud; la energía sobrante se vende a la red y financia el mantenimiento."
)


def write_base(folder: Path) -> None:
    write_md(folder / "a_plan.md", {"title": "Plan portuario", "language": "es"}, ES_PORT)
    make_pdf(folder / "b_informe.pdf", [["# Proveedores", ES_SUPPLIERS]], title="Informe de proveedores")
    write_md(folder / "c_notes.md", {"title": "Skills notes", "language": "en"}, EN_SKILLS)


def write_update(folder: Path) -> None:
    """A changed document (first in the batch), and two new ones."""
    write_md(
        folder / "a_plan.md",
        {"title": "Plan portuario", "language": "es"},
        ES_PORT + "\n\nLa segunda versión añade un programa de capacitación para operadores de grúas.",
    )
    write_md(folder / "d_parks.md", {"title": "Parks", "language": "en"}, EN_PARKS)
    make_pdf(folder / "e_energia.pdf", [["# Energía", ES_ENERGY]], title="Energía solar")


@dataclass
class Workspace:
    corpus: Path  # the same absolute path in every case: the manifest stores absolute sources
    template: Path  # a store with the base corpus ingested
    embedder: object

    def reset(self, store: Path) -> None:
        """Base corpus + its update in ``corpus``; a fresh copy of the template store at ``store``."""
        shutil.rmtree(self.corpus, ignore_errors=True)
        write_base(self.corpus)
        write_update(self.corpus)
        shutil.rmtree(store, ignore_errors=True)
        shutil.copytree(self.template, store)

    def open(self, store: Path, **overrides) -> KnowledgeBase:
        return KnowledgeBase(Config.from_env(store=store, **overrides), embedder=self.embedder)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, kb_small) -> Workspace:
    root = tmp_path_factory.mktemp("reliability")
    corpus = root / "corpus"
    write_base(corpus)
    template = root / "template"
    kb = KnowledgeBase(Config.from_env(store=template), embedder=kb_small.embedder)
    report = ingest_paths(kb, [corpus])
    assert report.ok and len(report.files) == 3
    return Workspace(corpus, template, kb_small.embedder)


def ingest_command(corpus: Path, store: Path, *extra: str) -> list[str]:
    """``kb ingest`` in a subprocess that obeys ``KB_TEST_HOOK`` (kill or pause at a step of the write protocol)."""
    return [
        sys.executable,
        "-m",
        "tests.reliability.hooked",
        "ingest",
        str(corpus),
        "-q",
        "--store",
        str(store),
        *extra,
    ]


def child_env(**env: str) -> dict[str, str]:
    out = dict(os.environ)
    out.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"})
    out.update(env)
    return out


def run(cmd: list[str], timeout: float = 180, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=PROJECT_ROOT, env=child_env(**env), capture_output=True, text=True, timeout=timeout)


def generation(store: Path) -> int:
    """The manifest's commit counter, read without opening the store (as an observer would)."""
    with sqlite3.connect(f"file:{store / 'manifest.sqlite'}?mode=ro", uri=True, timeout=30) as db:
        row = db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
    return int(row[0]) if row else 0


def found_sources(kb: KnowledgeBase, query: str, k: int = 5) -> set[str]:
    return {Path(h.chunk.doc.source).name for h in kb.search(query, k)}


def assert_consistent(kb: KnowledgeBase, corpus: Path) -> None:
    """Every file present exactly once in its current version; vectors, lexical index and manifest agree."""
    docs = kb.documents()
    files = sorted(p.name for p in corpus.iterdir() if p.is_file())
    assert sorted(Path(d.source).name for d in docs) == files  # exactly once each
    assert {d.doc_id for d in docs} == {content_hash((corpus / f).read_bytes()) for f in files}
    assert kb.store.manifest.pending() == []
    assert kb.store.verify() == {"orphan_vectors": [], "missing_vectors": []}
    manifest_ids = kb.store.manifest.chunk_ids()
    assert set(kb.store.vectors.all_ids()) == manifest_ids
    assert sum(d.chunk_count for d in docs) == len(manifest_ids)
    if kb.config.lexical:
        on_disk = kb.lexical._load_disk()  # what a reader process would load
        assert on_disk is not None and on_disk.generation == kb.store.manifest.generation()
        assert len(on_disk.ids) == len(set(on_disk.ids)) and set(on_disk.ids) == manifest_ids
