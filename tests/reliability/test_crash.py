"""Crash safety for real: an ingestion in a subprocess is SIGKILLed at named points of the write protocol (and
from outside at whatever point it has reached); the next run leaves every document present exactly once, with
vectors, lexical index and manifest in agreement, and documents stored before the crash stay searchable."""

from __future__ import annotations

import signal
import subprocess
import time

import pytest

from ingest import ingest_paths
from kb import IngestOptions
from kb.config import PROJECT_ROOT
from tests.reliability.conftest import (
    NEW_QUERIES,
    QUERIES,
    assert_consistent,
    child_env,
    found_sources,
    generation,
    ingest_command,
    run,
)

pytestmark = pytest.mark.slow

KILL_POINTS = [  # (KB_TEST_HOOK point:n, prune) — the batch is a changed document first, then two new ones
    ("put.pending:1", False),  # the changed document journalled, nothing written yet
    ("put.upserted:1", False),  # its new vectors written; the manifest still names the old version
    ("put.committed:1", False),  # the manifest switched to the new version; the old vectors are still there
    ("embed.batch:2", False),  # the changed document stored; a new one embedded (and cached) but not stored
    ("put.cleaned:2", False),  # a new document completely written; its journal entry not yet cleared
    ("batch.indexed:1", False),  # every document stored; the lexical index not rebuilt
    ("delete.committed:1", True),  # --prune: a removed file's document left the manifest, its vectors did not
]


def assert_searchable(kb, corpus) -> None:
    """Each document whose file exists is found by its query (the changed one in its old or new version)."""
    for name, query in QUERIES.items():
        if (corpus / name).exists():
            assert name in found_sources(kb, query), (name, query)


def recover_and_check(workspace, store, prune: bool) -> None:
    kb = workspace.open(store)
    assert_searchable(kb, workspace.corpus)  # right after the crash (opening repaired the journal, if idle)
    report = ingest_paths(kb, [workspace.corpus], IngestOptions(prune=prune))
    assert report.ok, [(f.path, f.reason) for f in report.files]
    assert_consistent(kb, workspace.corpus)
    assert_searchable(kb, workspace.corpus)
    for name, query in NEW_QUERIES.items():
        assert name in found_sources(kb, query)


@pytest.mark.parametrize("point,prune", KILL_POINTS, ids=[p for p, _ in KILL_POINTS])
def test_sigkill_at_a_named_point(workspace, tmp_path, point, prune):
    store = tmp_path / "store"
    workspace.reset(store)
    if prune:
        (workspace.corpus / "c_notes.md").unlink()
    extra = ["--prune"] if prune else []
    res = run(ingest_command(workspace.corpus, store, *extra), KB_TEST_HOOK=f"kill:{point}")
    assert res.returncode == -signal.SIGKILL, f"the kill point was not reached: {res.returncode}\n{res.stderr[-3000:]}"
    recover_and_check(workspace, store, prune)


@pytest.mark.parametrize("commits", [1, 2])
def test_sigkill_from_outside_after_progress(workspace, tmp_path, commits):
    """No hook: the test watches the manifest and kills the process as soon as it has committed ``commits``
    documents, wherever it then is (deleting old vectors, extracting, embedding, upserting …)."""
    store = tmp_path / "store"
    workspace.reset(store)
    start = generation(store)
    proc = subprocess.Popen(
        ingest_command(workspace.corpus, store),
        cwd=PROJECT_ROOT,
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 180
    while generation(store) < start + commits and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.kill()
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the ingestion finished before it could be killed"
    recover_and_check(workspace, store, prune=False)
