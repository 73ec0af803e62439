"""Test hooks: make a writing process SIGKILL itself, or pause, at a named point (``KB_TEST_HOOK``).

The crash and concurrency tests need to stop an ingestion at an exact step of the write protocol (after the
vectors are written but before the manifest commits, say), in a real process. ``KB_TEST_HOOK`` is
``kill:<point>[:<n>]`` or ``pause:<point>[:<n>]`` (several, comma-separated): act the n-th time (default 1st)
the process reaches ``<point>``.
A pause writes ``<store>/hook.paused`` (the point's name) and waits until a test deletes that file.
Unset, every call is a dictionary lookup and nothing else.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from pathlib import Path

POINTS = (
    "put.pending",      # journal written, no vectors yet
    "put.upserted",     # new vectors written, manifest not committed
    "put.committed",    # manifest committed, old vectors not yet deleted
    "put.cleaned",      # old vectors deleted, journal not cleared
    "delete.pending",   # delete journalled, manifest unchanged
    "delete.committed",  # document removed from the manifest, vectors not yet deleted
    "embed.batch",      # one embedding batch done (and cached)
    "batch.indexed",    # every file stored, derived indexes (lexical) not yet rebuilt
)

_reached: Counter[str] = Counter()
PAUSE_FILE = "hook.paused"
PAUSE_LIMIT_S = 300.0  # a forgotten pause must not hang CI forever


def reach(hook: str, point: str, store: Path) -> None:
    """Called at ``point``; acts when ``hook`` (the config's ``test_hook``, comma-separated actions) names it."""
    if not hook or point not in hook:
        return
    _reached[point] += 1
    for spec in hook.split(","):
        action, _, rest = spec.strip().partition(":")
        name, _, nth = rest.partition(":")
        if name == point and _reached[point] == int(nth or 1):
            _act(action, point, Path(store))


def _act(action: str, point: str, store: Path) -> None:
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "pause":
        flag = store / PAUSE_FILE
        flag.write_text(point)
        deadline = time.monotonic() + PAUSE_LIMIT_S
        while flag.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
