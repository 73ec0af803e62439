"""What the knowledge base needs from an ingestion pipeline: the seam that lets ``kb`` ingest without importing
``ingest``.

``ingest`` builds on ``kb`` (it writes chunks into the store), so ``kb`` calling ``ingest`` would be a cycle. The
library states what it needs here; ``ingest.ingest_paths`` has exactly this signature; the apps (``kbapp``) plug
one into the other when they open a knowledge base (``kbapp.wiring.open_kb``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Protocol

from kb.records import FileReport, IngestReport

if TYPE_CHECKING:
    from kb.api import KnowledgeBase


class Ingestor(Protocol):
    """Ingest files and folders into ``kb``: unchanged documents skipped, changed ones replaced as a unit, every
    file in the report with its outcome. Raises ``kb.store.StoreLocked`` when another writer holds the store."""

    def __call__(
        self,
        kb: KnowledgeBase,
        paths: Iterable[str | Path],
        *,
        prune: bool = False,
        password: str = "",
        ocr: bool | None = None,
        progress: bool = False,
        on_file: Callable[[int, int, FileReport], None] | None = None,
        on_wait: Callable[[str], None] | None = None,
        on_stage: Callable[[str, str, int, int], None] | None = None,
    ) -> IngestReport: ...
