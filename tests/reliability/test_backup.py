"""Backups that lose nothing: ``backup`` while a real ``kb ingest`` process is writing, then ``restore`` into a new
folder, gives a store that passes the consistency check and answers the same searches (kb/store/backup.py)."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import pytest

from kb import Config
from kb.config import PROJECT_ROOT
from kb.store.backup import BackupError, backup, restore
from tests.reliability.conftest import NEW_QUERIES, QUERIES, child_env, ingest_command
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


def test_backup_during_an_ingestion_then_restore(workspace, tmp_path):
    store = tmp_path / "store"
    workspace.reset(store)  # the base corpus stored; a changed file and two new ones to ingest
    # The writer stops holding the lock with the changed file's new vectors written but not committed.
    proc = subprocess.Popen(
        ingest_command(workspace.corpus, store),
        cwd=PROJECT_ROOT,
        env=child_env(KB_TEST_HOOK="pause:put.upserted"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(store / PAUSE_FILE, proc)
        app = workspace.open(store)  # a reader, as the app is
        assert app.store.verify()["orphan_vectors"], "the paused writer has uncommitted vectors in chromadb"
        before = app.store.manifest.generation()
        done: dict = {}
        copier = threading.Thread(target=lambda: done.update(info=backup(app.store, tmp_path / "backup")))
        copier.start()
        time.sleep(1.0)
        assert copier.is_alive(), "the backup must wait for the document being written, not copy half of it"
        (store / PAUSE_FILE).unlink()  # the writer commits, cleans up and lets go of the lock between documents
        copier.join(timeout=120)
        assert not copier.is_alive()
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
    finally:
        if proc.poll() is None:
            proc.kill()
    info = done["info"]
    assert info.generation > before  # the changed file's new version is in the copy, its old one is not

    restore(tmp_path / "backup", Config.from_env(store=tmp_path / "restored"))
    copy = workspace.open(tmp_path / "restored")  # opening repairs what the journal holds, as `kb restore` does
    copy.index.refresh()  # and the copied lexical state catches up to the manifest on disk
    assert copy.store.manifest.generation() == info.generation
    assert_consistent_copy(copy)
    assert (copy.stats().documents, copy.stats().chunks) == (info.documents, info.passages)
    for name, query in QUERIES.items():  # the documents the snapshot holds are found as in the original
        assert name in {Path(h.chunk.doc.source).name for h in copy.search(query, 5)}

    # Once the ingestion is over, a backup restored elsewhere answers exactly as the original does.
    original = workspace.open(store)
    backup(original.store, tmp_path / "backup2")
    restore(tmp_path / "backup2", Config.from_env(store=tmp_path / "restored2"))
    again = workspace.open(tmp_path / "restored2")
    again.index.refresh()
    assert_consistent_copy(again)
    queries = [*QUERIES.values(), *NEW_QUERIES.values()]
    assert answers(again, queries) == answers(original, queries)

    with pytest.raises(BackupError, match="not empty"):
        backup(original.store, tmp_path / "backup2")
    with pytest.raises(BackupError, match="not empty"):
        restore(tmp_path / "backup2", Config.from_env(store=store))
