"""Every benchmark in turn (``make bench``): ingestion, search latency at 1k/10k/100k, start-up; the tables are
printed and written to bench/results/all.md.

    .venv/bin/python -m bench.run_all                 # ~15-25 min on 2 cores when the 100k store is not built yet
    .venv/bin/python -m bench.run_all --quick         # a few minutes: 2 PDFs, 200 files, 1k and 10k passages
"""

from __future__ import annotations

import argparse
import time

from bench import ingestion, search_latency, startup
from bench.common import machine, machine_line, save


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, for a first look")
    ap.add_argument("--sizes", type=int, nargs="+", help="search-latency sizes (default 1k 10k 100k)")
    ap.add_argument("--max-load", type=float, default=1.5, help="wait for a 1-minute load average below this")
    ap.add_argument("--max-wait", type=float, default=120.0, help="seconds to wait for it before each benchmark")
    args = ap.parse_args()
    sizes = args.sizes or ([1_000, 10_000] if args.quick else list(search_latency.SIZES))
    wait = {"max_load": args.max_load, "max_wait_s": args.max_wait}
    sections, data, took = [], {}, {}
    steps = [
        ("ingestion", lambda: ingestion.run(limit=2 if args.quick else 0, docs=200 if args.quick else 1000, **wait)),
        ("search_latency", lambda: search_latency.run(sizes, 30 if args.quick else 60, **wait)),
        ("startup", lambda: startup.run(**wait)),
    ]
    for name, step in steps:
        t = time.perf_counter()
        print(f"== {name} ==", flush=True)
        text, data[name] = step()
        took[name] = time.perf_counter() - t
        print(text, flush=True)
        sections.append(text)
    summary = "Benchmark run times: " + ", ".join(f"{k} {v / 60:.1f} min" for k, v in took.items())
    text = "\n\n".join([f"## Benchmarks\n\n{machine_line(machine())}", *sections, summary])
    print(summary)
    save("all", {"took_s": took, **data}, text)


if __name__ == "__main__":
    main()
