"""Concurrent use: a reader process searches without pause while an ingestion runs in another process, and sees
each document in its old or new version, never neither; a second ingestion waits for the lock or refuses clearly."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from ingest.pipeline import content_hash
from kb.config import PROJECT_ROOT
from tests.reliability.conftest import QUERIES, assert_consistent, child_env, ingest_command, run, write_base
from tests.reliability.hooks import PAUSE_FILE

pytestmark = pytest.mark.slow


class Reader:
    """The searcher subprocess and its log."""

    def __init__(self, store: Path, tmp: Path) -> None:
        self.log, self.stop = tmp / "searches.jsonl", tmp / "stop"
        self.log.touch()
        self.proc = subprocess.Popen(
            [
                __import__("sys").executable,
                "-m",
                "tests.reliability.searcher",
                str(store),
                str(self.log),
                str(self.stop),
            ],
            cwd=PROJECT_ROOT,
            env=child_env(),
        )

    def records(self) -> list[dict]:
        return [json.loads(l) for l in self.log.read_text(encoding="utf-8").splitlines() if l.strip()]

    def more_rounds(self, rounds: int = 2, timeout: float = 120) -> list[dict]:
        """Wait for ``rounds`` more passes over every query; returns the records they wrote."""
        start = len(self.records())
        deadline = time.monotonic() + timeout
        while len(self.records()) < start + rounds * len(QUERIES):
            assert self.proc.poll() is None, "the reader process died"
            assert time.monotonic() < deadline, "the reader made no progress"
            time.sleep(0.05)
        return self.records()[start:]

    def close(self) -> None:
        self.stop.touch()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def wait_paused(store: Path, point: str, proc: subprocess.Popen, timeout: float = 180) -> None:
    flag = store / PAUSE_FILE
    deadline = time.monotonic() + timeout
    while not (flag.exists() and flag.read_text() == point):
        assert proc.poll() is None, f"the ingestion ended before {point}: {proc.stderr.read()[-3000:]}"
        assert time.monotonic() < deadline, f"never paused at {point}"
        time.sleep(0.02)


def release(store: Path) -> None:
    (store / PAUSE_FILE).unlink()


def plan_versions(corpus: Path, tmp: Path) -> tuple[str, str]:
    base = tmp / "base"
    write_base(base)
    return content_hash((base / "a_plan.md").read_bytes()), content_hash((corpus / "a_plan.md").read_bytes())


def test_searches_during_ingestion_and_a_second_ingestion(workspace, tmp_path):
    store = tmp_path / "store"
    workspace.reset(store)
    old_id, new_id = plan_versions(workspace.corpus, tmp_path)
    reader = Reader(store, tmp_path)
    try:
        first = reader.more_rounds(1)
        assert all(["a_plan.md", old_id] in r["found"] for r in first if r["q"] == "a_plan.md")
        writer = subprocess.Popen(
            ingest_command(workspace.corpus, store),
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(KB_TEST_HOOK="pause:put.upserted:1,pause:put.committed:1,pause:batch.indexed:1"),
        )

        # New vectors of the changed document are in the index, the manifest still names the old version.
        wait_paused(store, "put.upserted", writer)
        during_upsert = reader.more_rounds()
        assert all(["a_plan.md", old_id] in r["found"] for r in during_upsert if r["q"] == "a_plan.md")
        # A second ingestion meanwhile: with a short lock timeout it refuses, saying who holds the lock.
        refused = run(ingest_command(workspace.corpus, store), timeout=120, KB_LOCK_TIMEOUT_S="1")
        assert refused.returncode == 3, refused.stderr
        assert "waiting for another ingestion (pid" in refused.stderr
        assert "another ingestion (pid" in refused.stderr and "try again when it has finished" in refused.stderr
        release(store)

        # The manifest switched: the reader, another process, must now find the new version.
        wait_paused(store, "put.committed", writer)
        during_commit = reader.more_rounds()
        assert all(["a_plan.md", new_id] in r["found"] for r in during_commit if r["q"] == "a_plan.md")
        release(store)

        # Everything stored, the lexical index not yet rebuilt; a second ingestion with the default timeout waits.
        wait_paused(store, "batch.indexed", writer)
        err_file = tmp_path / "second.err"
        with err_file.open("w") as err_out:
            waiting = subprocess.Popen(
                ingest_command(workspace.corpus, store),
                cwd=PROJECT_ROOT,
                text=True,
                stdout=subprocess.PIPE,
                stderr=err_out,
                env=child_env(),
            )
        deadline = time.monotonic() + 120
        while "waiting for another ingestion (pid" not in err_file.read_text():
            assert waiting.poll() is None, f"the second ingestion did not wait: {err_file.read_text()[-3000:]}"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        reader.more_rounds(1)
        assert waiting.poll() is None, "the second ingestion did not wait for the first"
        release(store)
        assert writer.wait(timeout=180) == 0, writer.stderr.read()[-3000:]
        out, _ = waiting.communicate(timeout=180)
        assert waiting.returncode == 0, err_file.read_text()[-3000:]
        assert "5 files: 5 unchanged" in out  # it ran after the first, and found nothing left to do
        reader.more_rounds()
    finally:
        reader.close()

    records = reader.records()
    assert not [r for r in records if "error" in r]
    for r in records:  # every search found its document, in one version or the other, at every moment
        versions = {doc_id for name, doc_id in r["found"] if name == r["q"]}
        assert versions, r
        assert r["q"] != "a_plan.md" or versions <= {old_id, new_id}
    assert len(records) >= 8 * len(QUERIES)
    assert_consistent(workspace.open(store), workspace.corpus)


def test_the_lock_is_free_while_an_ingestion_embeds(workspace, tmp_path):
    """The writer lock covers the store's changes, not reading and embedding: a deletion (or another ingestion's
    write) does not wait for a whole batch of embedding."""
    store = tmp_path / "store"
    workspace.reset(store)
    writer = subprocess.Popen(
        ingest_command(workspace.corpus, store),
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(KB_TEST_HOOK="pause:embed.batch:1"),
    )
    try:
        wait_paused(store, "embed.batch", writer)
        kb = workspace.open(store)
        with kb.store.writing(timeout=0):  # StoreLocked if the ingestion held the lock while embedding
            pass
    finally:
        release(store)
    assert writer.wait(timeout=180) == 0, writer.stderr.read()[-3000:]
    assert_consistent(workspace.open(store), workspace.corpus)
