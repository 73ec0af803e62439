"""Reading and structuring files in a long-lived child process, so a pathological file can be stopped after a time
limit.

pypdf is pure Python, but a crafted content stream can keep it busy for minutes, and a thread cannot be
stopped from outside; a huge one-line Markdown file kept the sentence splitter busy for 15 minutes and more. One
worker process serves a whole batch (started once: about 0.5-1 s), so the normal path pays only for moving bytes
through a pipe. Every file type goes through it twice: reading ("extract") and cleaning/sectioning/chunking
("structure"), each with ``KB_FILE_TIMEOUT_S``; a step that overruns gets the worker killed and replaced, and the
batch goes on. OCR and embedding run in the parent (OCR has its own per-page limit; embedding is linear).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Sequence

from ingest.errors import IngestError
from ingest.extract import Extracted, extract

STARTUP_TIMEOUT_S = 120.0
log = logging.getLogger(__name__)


def _operation(name: str):
    if name == "extract":
        return extract
    if name == "structure":
        from ingest.structure import structure

        return structure
    raise ValueError(f"unknown operation {name!r}")


def _serve(conn_in: Connection, conn_out: Connection) -> None:
    """The worker's loop: (job, operation, args, kwargs) in, (job, "ok", result) or (job, "error", reason, skip)
    out. Operations: "extract" (bytes → Extracted) and "structure" (Extracted → Prepared: cleaning, sections,
    sentence splitting, chunking, language detection)."""
    while True:
        try:
            job = conn_in.recv()
        except EOFError:
            return
        if job is None:
            return
        job_id, operation, args, kwargs = job
        reply: tuple[Any, ...]
        try:
            reply = ("ok", _operation(operation)(*args, **kwargs))
        except IngestError as exc:
            reply = ("error", exc.reason, exc.skip)
        except RecursionError:
            reply = ("error", "truncated or corrupt PDF (its structure refers to itself without end)", False)
        except Exception as exc:  # report, and keep serving the batch
            reply = ("error", f"unexpected error while reading: {exc.__class__.__name__}: {str(exc)[:200]}", False)
        conn_out.send((job_id, *reply))


def _warm_up() -> None:
    """Load what the first file would otherwise load inside its time limit (the pipeline, pysbd's rules,
    langdetect's profiles: 1-3 s on a loaded machine)."""
    try:
        from ingest.language import detect_language
        from ingest.structure import structure  # noqa: F401
        from kb.text import split_sentences

        split_sentences("Uno. Dos.", "es")
        split_sentences("One. Two.", "en")
        detect_language("el programa de desarrollo de proveedores vincula a las empresas locales", min_words=1)
    except Exception:  # a warm-up failure shows again, with its reason, on the first file
        log.debug("worker warm-up failed", exc_info=True)


def main() -> None:
    # The channel is the original stdin/stdout; anything a library prints goes to stderr instead.
    out_fd = os.dup(1)
    os.dup2(2, 1)
    conn_out = Connection(out_fd, readable=False)
    _warm_up()
    conn_out.send(("ready",))  # imports done: the parent starts the clock only now
    _serve(Connection(os.dup(0), writable=False), conn_out)


class Extractor:
    """``extract()`` with a per-file time limit; call ``close()`` (or use it as a context manager) when done."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._proc: subprocess.Popen | None = None
        self._send: Any = None  # Connection once the worker is started (_start), None before
        self._recv: Any = None
        self._jobs = 0

    def __enter__(self) -> "Extractor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def extract(self, path: Path, data: bytes, *, password: str | Sequence[str] = "") -> Extracted:
        """A file's pages, read in the worker (every file type: PDF, Markdown, text)."""
        return self._run("extract", (path, data), {"password": password}, path=path, data=data, doing="reading it")

    def structure(self, path: Path, extracted: Extracted, *args, **kwargs):
        """``ingest.structure.structure`` in the worker: cleaning, sections and sentence splitting are where a huge
        one-line text spent its time (a 5 MB one-line .md never finished before splitting was made linear)."""
        return self._run(
            "structure", (path, extracted, *args), kwargs, path=path, data=b"", doing="cutting it into passages"
        )

    def _run(self, operation: str, args: tuple, kwargs: dict, *, path: Path, data: bytes, doing: str):
        if self.timeout_s <= 0:
            return _operation(operation)(*args, **kwargs)
        if self._proc is None or self._proc.poll() is not None:
            try:
                self._start()
            except (OSError, RuntimeError) as exc:
                # No worker (a locked-down host): work in-process, without the time limit, rather than not at all.
                log.warning("reader process unavailable (%s); reading in-process without a time limit", exc)
                self.timeout_s = 0
                return _operation(operation)(*args, **kwargs)
        # Every reply names its job: a reply to another file (a stray message, a desynchronised pipe) must never
        # be taken for this one, or a document would be stored with another document's text.
        self._jobs += 1
        job = (self._jobs, operation, args, kwargs)
        try:
            self._send.send(job)
        except OSError:  # the worker died between files; one fresh start
            self._stop(kill=True)
            self._start()
            self._send.send(job)
        if not self._recv.poll(self.timeout_s):
            self._stop(kill=True)
            raise IngestError(
                f"timed out: {doing} took longer than {self.timeout_s:g} s (KB_FILE_TIMEOUT_S); "
                "the file may be damaged or pathological",
                skip=False,
            )
        try:
            reply = self._recv.recv()
        except (EOFError, OSError):
            code = self._proc.poll() if self._proc is not None else None
            self._stop(kill=True)
            what = "truncated or corrupt PDF" if _is_pdf(path, data) else "unexpected error"
            raise IngestError(f"{what} (the reader crashed on it, exit code {code})", skip=False) from None
        if not isinstance(reply, tuple) or len(reply) < 3 or reply[0] != self._jobs:
            self._stop(kill=True)
            raise IngestError(
                "unexpected error: the reader process answered out of turn; the file was not stored "
                "(run the ingestion again)",
                skip=False,
            )
        if reply[1] == "ok":
            return reply[2]
        raise IngestError(reply[2], skip=reply[3])

    def _start(self) -> None:
        # A plain interpreter running this module, not multiprocessing's spawn: spawn re-imports the parent's main
        # script, which breaks scripts without a __main__ guard and Streamlit pages.
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[1])
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self._proc = subprocess.Popen(
            [sys.executable, "-c", "from ingest.sandbox import main; main()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        assert self._proc.stdin is not None and self._proc.stdout is not None  # both were asked for: PIPE
        self._send = Connection(os.dup(self._proc.stdin.fileno()), readable=False)
        self._recv = Connection(os.dup(self._proc.stdout.fileno()), writable=False)
        self._proc.stdin.close()
        self._proc.stdout.close()
        # A loaded machine can take seconds to start Python; that must not count against a file's time limit.
        if not self._recv.poll(STARTUP_TIMEOUT_S) or self._recv.recv() != ("ready",):
            self._stop(kill=True)
            raise RuntimeError(f"the reader process did not start within {STARTUP_TIMEOUT_S:g} s")

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


def _is_pdf(path: Path, data: bytes) -> bool:
    """Sniffed, as ``extract`` does: a PDF under another name is still a PDF."""
    return path.suffix.lower() == ".pdf" or data[:1024].find(b"%PDF-") != -1
