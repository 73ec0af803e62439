"""Test hooks: make a writing process SIGKILL itself, or pause, at a named step (``KB_TEST_HOOK``).

``KB_TEST_HOOK`` is ``kill:<point>[:<n>]`` or ``pause:<point>[:<n>]`` (several, comma-separated): act the n-th
time (default 1st) the process reaches ``<point>`` (one of ``kb.steps.POINTS``). A pause writes
``<store>/hook.paused`` (the point's name) and waits until a test deletes that file. Installed by
``python -m tests.reliability.hooked`` (the ``kb`` command with these hooks); the library only announces steps.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from pathlib import Path

from kb.store import steps

PAUSE_FILE = "hook.paused"
PAUSE_LIMIT_S = 300.0  # a forgotten pause must not hang CI forever


class Hook:
    """The actions of one ``KB_TEST_HOOK`` value, counting how often each point was reached."""

    def __init__(self, spec: str) -> None:
        self.actions: list[tuple[str, str, int]] = []
        for part in filter(None, (p.strip() for p in spec.split(","))):
            action, _, rest = part.partition(":")
            name, _, nth = rest.partition(":")
            if action not in ("kill", "pause") or name not in steps.POINTS:
                raise ValueError(
                    f"bad KB_TEST_HOOK entry {part!r}: kill|pause:<point>[:<n>], point in {', '.join(steps.POINTS)}"
                )
            self.actions.append((action, name, int(nth or 1)))
        self.reached: Counter[str] = Counter()

    def __call__(self, point: str, store: Path) -> None:
        self.reached[point] += 1
        for action, name, nth in self.actions:
            if name == point and self.reached[point] == nth:
                _act(action, point, Path(store))


def install(spec: str | None = None) -> None:
    """Listen to the library's steps with the actions of ``spec`` (default: ``KB_TEST_HOOK``)."""
    spec = os.environ.get("KB_TEST_HOOK", "") if spec is None else spec
    if spec:
        steps.listen(Hook(spec))


def _act(action: str, point: str, store: Path) -> None:
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "pause":
        flag = store / PAUSE_FILE
        flag.write_text(point)
        deadline = time.monotonic() + PAUSE_LIMIT_S
        while flag.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
