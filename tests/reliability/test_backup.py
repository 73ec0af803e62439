"""Backups that lose nothing: ``backup`` while a real ``kb ingest`` process is writing, then ``restore`` into a new
folder, gives a store that passes the consistency check and answers the same searches (kb/store/backup.py)."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from kb import Config, KnowledgeBase
from kb.config import PROJECT_ROOT
from kb.store.backup import BackupError, backup, restore
from tests.fixtures import make_pdf
from tests.reliability.conftest import ES_ENERGY, child_env, ingest_command
from tests.reliability.hooks import PAUSE_FILE

pytestmark = pytest.mark.slow


def wait_for(path: Path, proc: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the ingestion ended ({proc.returncode}) before pausing:\n{out}\n{err}")
        assert time.monotonic() < deadline, "the ingestion never reached its pause"
        time.sleep(0.05)


def assert_consistent_copy(kb) -> None:
    """The consistency check, the journal, and the lexical index on disk all agree with the manifest."""
    docs = kb.documents()
    assert len({d.source for d in docs}) == len(docs)  # each file once
    assert kb.store.manifest.pending() == []
    assert kb.store.verify() == {"orphan_vectors": [], "missing_vectors": []}
    on_disk = kb.lexical._load_disk()  # what a reader process loads
    assert on_disk is not None and on_disk.generation == kb.store.manifest.generation()
    assert set(on_disk.ids) == kb.store.manifest.chunk_ids()


def answers(kb, queries) -> list[list[tuple[str, float]]]:
    return [[(h.chunk.chunk_id, round(h.score, 6)) for h in kb.search(q, 5)] for q in queries]


QUERIES = ["supplier development", "eco-industrial parks", "agencias de promoción de inversiones", "energía solar"]


def test_backup_during_an_ingestion_then_restore(kb_small, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(kb_small.config.store, store)  # the session's store, its vectors cached: nothing embedded twice
    new = tmp_path / "new"
    make_pdf(new / "energia.pdf", [["# Energía", ES_ENERGY]], title="Energía solar")
    # The writer stops holding the lock with the new document's vectors written but not committed.
    proc = subprocess.Popen(
        ingest_command(new, store),
        cwd=PROJECT_ROOT,
        env=child_env(KB_TEST_HOOK="pause:put.upserted"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(store / PAUSE_FILE, proc)
        app = KnowledgeBase(Config.from_env(store=store), embedder=kb_small.embedder)  # a reader, as the app is
        assert app.store.verify()["orphan_vectors"], "the paused writer has uncommitted vectors in chromadb"
        before = app.store.manifest.generation()
        done: dict = {}
        copier = threading.Thread(target=lambda: done.update(info=backup(app.store, tmp_path / "backup")))
        copier.start()
        time.sleep(0.5)
        assert copier.is_alive(), "the backup must wait for the document being written, not copy half of it"
        (store / PAUSE_FILE).unlink()  # the writer commits, cleans up and lets go of the lock
        copier.join(timeout=120)
        assert not copier.is_alive()
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
    finally:
        if proc.poll() is None:
            proc.kill()
    info = done["info"]
    assert info.generation == before + 1 and info.documents == 5  # the new document whole, after its commit

    restore(tmp_path / "backup", Config.from_env(store=tmp_path / "restored"))
    copy = KnowledgeBase(Config.from_env(store=tmp_path / "restored"), embedder=kb_small.embedder)
    copy.index.refresh()  # as `kb restore` does: opening repaired the journal; the lexical state catches up
    assert copy.store.manifest.generation() == info.generation
    assert_consistent_copy(copy)
    assert (copy.stats().documents, copy.stats().chunks) == (info.documents, info.passages)
    original = KnowledgeBase(Config.from_env(store=store), embedder=kb_small.embedder)
    assert original.store.manifest.generation() == info.generation  # nothing was written after the backup
    assert answers(copy, QUERIES) == answers(original, QUERIES)
    assert "energia.pdf" in {Path(h.chunk.doc.source).name for h in copy.search("energía solar cooperativas", 3)}

    with pytest.raises(BackupError, match="not empty"):
        backup(original.store, tmp_path / "backup")
    with pytest.raises(BackupError, match="not empty"):
        restore(tmp_path / "backup", Config.from_env(store=store))
