"""Ingestion of uploads in a background thread, so the page stays responsive; the page polls its progress.

One job per store at a time (the store's file lock also stops a concurrent ``kb ingest``). Jobs live in this
module, not in a session: a reader who reloads the page still sees the job that is running.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from kb.api import KnowledgeBase
from kb.errors import KbError
from kb.ingestor import IngestOptions
from kb.records import FileReport, IngestReport


class JobRunning(KbError, RuntimeError):
    """An upload is already being ingested into this store."""


_jobs: dict[str, "Job"] = {}
_lock = threading.Lock()


@dataclass
class Job:
    paths: list[Path]
    started: float = field(default_factory=time.time)
    done: int = 0
    total: int = 0
    current: str = ""
    files: list[FileReport] = field(default_factory=list)
    report: IngestReport | None = None
    error: str = ""
    waiting: str = ""  # why the job waits (another ingestion holds the store), shown beside the progress bar
    stage: str = ""  # the current file's stage: reading, embedding, storing
    stage_done: int = 0  # passages embedded so far (embedding)
    stage_total: int = 0  # passages to embed (those the model has never seen)
    finished: bool = False
    generation: int | None = None  # the store's generation when the job finished (its results are current until
    # the next change, e.g. a delete, by anyone)

    @property
    def fraction(self) -> float:
        """Files done, plus the share of the current file's passages embedded."""
        if not self.total:
            return 0.0
        within = self.stage_done / self.stage_total if self.stage == "embedding" and self.stage_total else 0.0
        return min(1.0, (self.done + within) / self.total)


def current(store: Path) -> Job | None:
    with _lock:
        return _jobs.get(str(store))


def running(store: Path) -> bool:
    job = current(store)
    return job is not None and not job.finished


def start(kb: KnowledgeBase, paths: list[Path], *, ocr: bool | None = None) -> Job:
    """Start ingesting ``paths`` into ``kb`` in a daemon thread; refuses while a job for this store is running."""
    key = str(kb.config.store)
    with _lock:
        old = _jobs.get(key)
        if old is not None and not old.finished:
            raise JobRunning("an upload is already being ingested into this store")
        job = Job(paths=list(paths), total=len(paths), current=Path(paths[0]).name if paths else "")
        _jobs[key] = job
    threading.Thread(target=_work, args=(kb, job, ocr), name="kb-ingest", daemon=True).start()
    return job


def _work(kb: KnowledgeBase, job: Job, ocr: bool | None = None) -> None:
    def on_file(n: int, total: int, report: FileReport) -> None:
        job.waiting = ""
        job.done, job.total = n, total
        job.stage, job.stage_done, job.stage_total = "", 0, 0
        job.files.append(report)
        job.current = Path(job.paths[n]).name if n < len(job.paths) else ""

    def on_wait(reason: str) -> None:
        job.waiting = reason

    def on_stage(name: str, stage: str, done: int, total: int) -> None:
        job.waiting = ""
        job.current, job.stage, job.stage_done, job.stage_total = name, stage, done, total

    try:
        options = IngestOptions(ocr=ocr, on_file=on_file, on_wait=on_wait, on_stage=on_stage)
        job.report = kb.ingest(job.paths, options, origin="upload")
    except KbError as exc:  # another ingestion holds the store, or the knowledge base cannot ingest
        job.error = str(exc)
    except Exception as exc:  # the thread must always finish its job, or the page would wait for ever
        job.error = f"{exc.__class__.__name__}: {exc}"
    finally:
        try:
            job.generation = kb.store.manifest.generation()
        except Exception:  # the results stay shown; nothing else depends on it
            pass
        job.finished = True
