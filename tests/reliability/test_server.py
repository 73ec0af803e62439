"""Server mode against a real ``chroma run``: ingest, search, delete, re-ingest (in-process and through the CLI's
``--chroma-url`` / ``KB_CHROMA_URL``), a crash in the middle, and the manifest and lexical index kept in step."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ingest import ingest_paths
from kb import Config, KnowledgeBase
from tests.reliability.conftest import (
    NEW_QUERIES,
    QUERIES,
    assert_consistent,
    found_sources,
    ingest_command,
    run,
    write_base,
    write_update,
)

pytestmark = [pytest.mark.server, pytest.mark.slow]


def _chroma_cli() -> str | None:
    local = Path(sys.executable).parent / "chroma"
    return str(local) if local.exists() else shutil.which("chroma")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    cli = _chroma_cli()
    if cli is None:
        pytest.skip("the chroma command line is not installed")
    data = tmp_path_factory.mktemp("chroma_server")
    port = _free_port()
    log = (data / "server.log").open("w")
    proc = subprocess.Popen(
        [cli, "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                break
        except OSError:
            assert proc.poll() is None, (data / "server.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "chroma run did not answer within 60 s"
            time.sleep(0.2)
    yield url
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


def test_ingest_search_delete_reingest_through_a_server(chroma_server, tmp_path, kb_small):
    corpus, store = tmp_path / "corpus", tmp_path / "store"
    write_base(corpus)
    cfg = Config.from_env(store=store, chroma_url=chroma_server, collection="server_e2e")
    kb = KnowledgeBase(cfg, embedder=kb_small.embedder)
    assert ingest_paths(kb, [corpus]).ok
    assert not (store / "chroma").exists()  # the vectors live on the server; only the manifest and lexical here
    for name, query in QUERIES.items():
        assert name in found_sources(kb, query)
    assert_consistent(kb, corpus)

    # The command line reaches the same server, by flag and by environment variable.
    env = {"KB_COLLECTION": "server_e2e"}
    res = run(
        [
            sys.executable,
            "-m",
            "kbapp.cli",
            "search",
            QUERIES["b_informe.pdf"],
            "--json",
            "--store",
            str(store),
            "--chroma-url",
            chroma_server,
        ],
        **env,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert "b_informe.pdf" in {Path(h["source"]).name for h in json.loads(res.stdout)["hits"]}
    res = run(
        [sys.executable, "-m", "kbapp.cli", "stats", "--json", "--store", str(store)],
        KB_CHROMA_URL=chroma_server,
        **env,
    )
    assert json.loads(res.stdout)["vectors"] == kb.store.manifest.chunk_count()

    # Delete: gone from the manifest, the server and the lexical index.
    gone = next(d for d in kb.documents() if d.source.endswith("c_notes.md"))
    assert kb.delete(gone.doc_id)
    assert kb.store.vectors.ids_for_doc(gone.doc_id) == []
    assert "c_notes.md" not in found_sources(kb, QUERIES["c_notes.md"])
    (corpus / "c_notes.md").unlink()
    assert_consistent(kb, corpus)

    # Re-ingest the changed corpus from another process through the server.
    write_update(corpus)
    res = run(ingest_command(corpus, store, "--chroma-url", chroma_server), **env)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "1 updated" in res.stdout and "2 ingested" in res.stdout
    assert_consistent(kb, corpus)  # this process sees the other's writes at once: the server holds one index
    for name, query in {**QUERIES, **NEW_QUERIES}.items():
        if (corpus / name).exists():
            assert name in found_sources(kb, query)


def test_a_crash_in_server_mode_is_repaired(chroma_server, tmp_path, kb_small):
    corpus, store = tmp_path / "corpus", tmp_path / "store"
    write_base(corpus)
    env = {"KB_COLLECTION": "server_crash", "KB_CHROMA_URL": chroma_server}
    assert run(ingest_command(corpus, store), **env).returncode == 0
    write_update(corpus)
    res = run(ingest_command(corpus, store), KB_TEST_HOOK="kill:put.committed:1", **env)
    assert res.returncode == -signal.SIGKILL
    from kb.store.manifest import Manifest

    journal = Manifest(store / "manifest.sqlite")
    assert journal.pending()  # the crash left the replaced version's vectors journalled in the server …
    journal.close()
    kb = KnowledgeBase(
        Config.from_env(store=store, chroma_url=chroma_server, collection="server_crash"), embedder=kb_small.embedder
    )
    assert kb.store.manifest.pending() == []  # … and opening the store (no writer running) repaired it:
    assert kb.store.verify()["orphan_vectors"] == []  # no orphan vector is left in the server
    assert ingest_paths(kb, [corpus]).ok
    assert_consistent(kb, corpus)
