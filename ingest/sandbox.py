"""PDF extraction in a long-lived child process, so a pathological file can be stopped after a time limit.

pypdf is pure Python, but a crafted content stream can keep it busy for minutes, and a thread cannot be
stopped from outside. One worker process serves a whole batch (started once: about 0.5 s), so the normal path
pays only for moving bytes through a pipe; a file that overruns ``KB_FILE_TIMEOUT_S`` gets the worker killed
and replaced, and the batch goes on. Markdown and text are read in-process: decoding them cannot hang.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Sequence

from ingest.errors import IngestError
from ingest.extract import Extracted, extract

STARTUP_TIMEOUT_S = 120.0
log = logging.getLogger(__name__)


def _serve(conn_in: Connection, conn_out: Connection) -> None:
    """The worker's loop: (job, path, bytes, password) in, (job, "ok", Extracted) or (job, "error", reason, skip) out."""
    while True:
        try:
            job = conn_in.recv()
        except EOFError:
            return
        if job is None:
            return
        job_id, path, data, password = job
        try:
            reply = ("ok", extract(Path(path), data, password=password))
        except IngestError as exc:
            reply = ("error", exc.reason, exc.skip)
        except RecursionError:
            reply = ("error", "truncated or corrupt PDF (its structure refers to itself without end)", False)
        except Exception as exc:  # report, and keep serving the batch
            reply = ("error", f"unexpected error while reading: {exc.__class__.__name__}: {str(exc)[:200]}", False)
        conn_out.send((job_id, *reply))


def main() -> None:
    # The channel is the original stdin/stdout; anything a library prints goes to stderr instead.
    out_fd = os.dup(1)
    os.dup2(2, 1)
    conn_out = Connection(out_fd, readable=False)
    conn_out.send(("ready",))  # imports done: the parent starts the clock only now
    _serve(Connection(os.dup(0), writable=False), conn_out)


class Extractor:
    """``extract()`` with a per-file time limit; call ``close()`` (or use it as a context manager) when done."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._proc: subprocess.Popen | None = None
        self._send: Connection | None = None
        self._recv: Connection | None = None
        self._jobs = 0

    def __enter__(self) -> "Extractor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def extract(self, path: Path, data: bytes, *, password: str | Sequence[str] = "") -> Extracted:
        if self.timeout_s <= 0 or not _needs_worker(path, data):
            return extract(path, data, password=password)
        if self._proc is None or self._proc.poll() is not None:
            try:
                self._start()
            except (OSError, RuntimeError) as exc:
                # No worker (a locked-down host): read in-process, without the time limit, rather than not at all.
                log.warning("PDF reader process unavailable (%s); reading in-process without a time limit", exc)
                self.timeout_s = 0
                return extract(path, data, password=password)
        # Every reply names its job: a reply to another file (a stray message, a desynchronised pipe) must never
        # be taken for this one, or a document would be stored with another document's text.
        self._jobs += 1
        job = (self._jobs, str(path), data, password)
        try:
            self._send.send(job)
        except OSError:  # the worker died between files; one fresh start
            self._stop(kill=True)
            self._start()
            self._send.send(job)
        if not self._recv.poll(self.timeout_s):
            self._stop(kill=True)
            raise IngestError(f"timed out: reading it took longer than {self.timeout_s:g} s (KB_FILE_TIMEOUT_S); "
                              "the file may be damaged or pathological", skip=False)
        try:
            reply = self._recv.recv()
        except (EOFError, OSError):
            code = self._proc.poll() if self._proc is not None else None
            self._stop(kill=True)
            raise IngestError(f"truncated or corrupt PDF (the reader crashed on it, exit code {code})",
                              skip=False) from None
        if not isinstance(reply, tuple) or len(reply) < 3 or reply[0] != self._jobs:
            self._stop(kill=True)
            raise IngestError("unexpected error: the PDF reader answered out of turn; the file was not stored "
                              "(run the ingestion again)", skip=False)
        if reply[1] == "ok":
            return reply[2]
        raise IngestError(reply[2], skip=reply[3])

    def _start(self) -> None:
        # A plain interpreter running this module, not multiprocessing's spawn: spawn re-imports the parent's main
        # script, which breaks scripts without a __main__ guard and Streamlit pages.
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[1])
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self._proc = subprocess.Popen([sys.executable, "-c", "from ingest.sandbox import main; main()"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, env=env)
        self._send = Connection(os.dup(self._proc.stdin.fileno()), readable=False)
        self._recv = Connection(os.dup(self._proc.stdout.fileno()), writable=False)
        self._proc.stdin.close()
        self._proc.stdout.close()
        # A loaded machine can take seconds to start Python; that must not count against a file's time limit.
        if not self._recv.poll(STARTUP_TIMEOUT_S) or self._recv.recv() != ("ready",):
            self._stop(kill=True)
            raise RuntimeError(f"the PDF reader process did not start within {STARTUP_TIMEOUT_S:g} s")

    def _stop(self, *, kill: bool) -> None:
        if self._proc is None:
            return
        if kill:
            self._proc.kill()
        else:
            try:
                self._send.send(None)
            except OSError:
                pass
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._send.close()
        self._recv.close()
        self._proc = self._send = self._recv = None

    def close(self) -> None:
        self._stop(kill=False)


def _needs_worker(path: Path, data: bytes) -> bool:
    """Only PDFs go to the worker (sniffed, as ``extract`` does: a PDF under another name is still a PDF)."""
    return path.suffix.lower() == ".pdf" or data[:1024].find(b"%PDF-") != -1
