"""What the knowledge base needs from an ingestion pipeline: the seam that lets ``kb`` ingest without importing
``ingest``.

``ingest`` builds on ``kb`` (it writes prepared documents through the write port, ``kb/index.py``), so ``kb``
calling ``ingest`` would be a cycle. The library states what it needs here; ``ingest.pipeline.ingest_into`` has
exactly this signature; the apps (``kbapp``) plug one into the other when they open a knowledge base
(``kbapp.wiring.open_kb``). The pipeline receives the port, never the facade. The options of an ingestion are one
record (``IngestOptions``), passed through unchanged from the facade to the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Protocol

from kb.records import FileReport, IngestReport

if TYPE_CHECKING:
    from kb.index import Index


@dataclass(frozen=True)
class IngestOptions:
    """How one ingestion runs (the defaults are what ``kb ingest`` does without flags)."""

    prune: bool = False  # remove documents whose file is gone from the ingested folders
    password: str = ""  # for encrypted PDFs in this batch
    ocr: bool | None = None  # read image-only pages with Tesseract; None: KB_OCR
    progress: bool = False  # a progress bar on stderr
    on_file: Callable[[int, int, FileReport], None] | None = None  # (n, total, report) after each file
    on_wait: Callable[[str], None] | None = None  # why the store's writer lock is being waited for
    on_stage: Callable[[str, str, int, int], None] | None = None  # (file name, stage, done, total)


class Ingestor(Protocol):
    """Ingest files and folders through ``index``: unchanged documents skipped, changed ones replaced as a unit,
    every file in the report with its outcome. Raises ``kb.index.StoreLocked`` when another writer holds the store."""

    def __call__(
        self, index: Index, paths: Iterable[str | Path], options: IngestOptions | None = None
    ) -> IngestReport: ...
