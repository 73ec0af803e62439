"""Named steps of the write protocol, announced to whoever listens: nobody in production.

The crash and concurrency tests must stop a real ingestion process at an exact step (after the vectors are
written but before the manifest commits, say). The store and the pipeline call ``reached(point, store)`` at each
step; ``tests/reliability/hooks.py`` listens (kill or pause at a named step), installed only by the test runner
``python -m tests.reliability.hooked``. Nothing else in the library knows tests exist; without listeners a call is a
loop over an empty list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

POINTS = (
    "put.pending",  # journal written, no vectors yet
    "put.upserted",  # new vectors written, manifest not committed
    "put.committed",  # manifest committed, old vectors not yet deleted
    "put.cleaned",  # old vectors deleted, journal not cleared
    "delete.pending",  # delete journalled, manifest unchanged
    "delete.committed",  # document removed from the manifest, vectors not yet deleted
    "embed.batch",  # one embedding batch done (and cached)
    "batch.indexed",  # every file stored, derived indexes (lexical) not yet rebuilt
)

Listener = Callable[[str, Path], None]
_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    """Call ``listener(point, store)`` at every step from now on (tests only)."""
    _listeners.append(listener)


def reached(point: str, store: Path) -> None:
    """The writer of ``store`` is at ``point`` (one of POINTS)."""
    for listener in _listeners:
        listener(point, store)
