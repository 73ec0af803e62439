"""Search latency at 1k, 10k and 100k passages, end to end and by stage, with peak memory and store size.

    .venv/bin/python -m bench.search_latency                      # 1k, 10k, 100k
    .venv/bin/python -m bench.search_latency --sizes 1000 --queries 30

Stores are synthetic (bench/synthetic.py: realistic bilingual passages, vectors mixed from real e5 vectors) and
cached in bench/results/stores/ so a re-run measures without rebuilding. Each size is measured in a fresh process
(its peak RSS is the search process's own), with the real model on the query path. The goal is p50 ≤ 1.5 × and
p95 ≤ 3 × the time of one query embedding (measured in the same process on the same queries).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from bench.common import RESULTS, dir_size_mb, machine, machine_line, md_table, pct, peak_rss_mb, save, wait_for_quiet
from bench.synthetic import DATA_VERSION, build_store, queries

SIZES = (1_000, 10_000, 100_000)
GOAL_P50, GOAL_P95 = 1.5, 3.0


def store_path(n: int, root: Path = RESULTS / "stores") -> Path:
    return root / f"n{n}-v{DATA_VERSION}"


def ensure_lexical(kb) -> str:
    """Make sure the search runs a lexical leg if the code has one: returns who wired it (the knowledge base, or
    this benchmark while the knowledge base does not yet), or "absent"."""
    if any(getattr(leg, "name", "") == "lexical" for leg in kb.searcher.extra_legs):
        return "knowledge base"
    try:
        from kb.store.lexical import LexicalIndex
    except ImportError:
        return "absent"
    kb.searcher.extra_legs.append(LexicalIndex(kb.config.lexical_path, kb.store.manifest))
    return "bench"


def ensure_store(
    n: int, *, root: Path = RESULTS / "stores", bases_per_language: int = 24, say=print
) -> tuple[Path, dict[str, Any]]:
    """The bench store of ``n`` passages, built once (its build times are kept beside it)."""
    from kb import KnowledgeBase

    path = store_path(n, root)
    marker = path / "bench-build.json"
    if marker.exists():
        return path, json.loads(marker.read_text())
    shutil.rmtree(path, ignore_errors=True)
    say(f"building a store of {n:,} synthetic passages in {path} …")
    kb = KnowledgeBase.open(path)
    info = build_store(kb, n, bases_per_language=bases_per_language, cache=root.parent / "cache", say=say)
    if ensure_lexical(kb) == "bench":  # the knowledge base does not keep a lexical index yet: build it as it would
        t = time.perf_counter()
        kb.lexical.rebuild()
        info["lexical_rebuild_s"] = time.perf_counter() - t
        info["total_s"] += info["lexical_rebuild_s"]
    info.update(n=n, chunks=kb.store.manifest.chunk_count(), documents=len(kb.store.manifest.doc_ids()))
    marker.write_text(json.dumps(info, indent=2))
    return path, info


def store_sizes(path: Path) -> dict[str, float]:
    manifest = sum(dir_size_mb(p) for p in path.glob("manifest.sqlite*"))
    return {
        "total_mb": dir_size_mb(path),
        "manifest_mb": manifest,
        "chroma_mb": dir_size_mb(path / "chroma"),
        "lexical_mb": dir_size_mb(path / "lexical"),
    }


def measure(store: Path, n_queries: int, k: int | None = None, *, compare_before: bool = False) -> dict[str, Any]:
    """Run in a fresh process: open the store, one cold search, then ``n_queries`` timed searches.

    ``compare_before``: each query is also searched the way it was before the lexical legs had a worker thread
    (``as_before``), alternating which way goes first, and the two results compared (same hits, order, scores,
    legs); the reference embedding is timed both ways too. Both sides then see the same load."""
    from kb import KnowledgeBase
    from kb.search.search import SearchTrace

    t0 = time.perf_counter()
    kb = KnowledgeBase.open(store)
    lexical = ensure_lexical(kb)
    open_s = time.perf_counter() - t0
    qs = queries(n_queries + 1)
    t = time.perf_counter()
    kb.search(qs[0], k)  # cold: loads the vector index and the lexical index
    cold_s = time.perf_counter() - t
    e2e: list[float] = []
    ref: list[float] = []
    stages: list[dict[str, float]] = []
    beside: list[dict[str, float]] = []
    hits: list[int] = []
    before: list[float] = []
    ref_before: list[float] = []
    differ: list[str] = []
    for i, q in enumerate(qs[1:]):
        for now in (True, False) if i % 2 == 0 else (False, True):
            if now:
                trace = SearchTrace()
                t = time.perf_counter()
                found = kb.search(q, k, trace=trace)
                e2e.append(time.perf_counter() - t)
                hits.append(len(found))
                stages.append(dict(trace.stages))
                beside.append(dict(getattr(trace, "beside", {})))
            elif compare_before:
                with as_before(kb):
                    t = time.perf_counter()
                    old = kb.search(q, k)
                    before.append(time.perf_counter() - t)
        if compare_before and _key(old) != _key(found):
            differ.append(q)
        # The reference: one query embedding of the same text, after the search (a cache could only make it
        # faster, which makes the goal harder, never easier).
        for now in (True, False) if i % 2 == 0 else (False, True):
            if now:
                t = time.perf_counter()
                kb.store.embedder.embed_query(q)
                ref.append(time.perf_counter() - t)
            elif compare_before:
                with as_before(kb):
                    t = time.perf_counter()
                    kb.store.embedder.embed_query(q)
                    ref_before.append(time.perf_counter() - t)
    answer: list[float] = []
    answer_stages: dict[str, list[float]] = {}
    if hasattr(kb, "answer"):  # the extractive answer, when the knowledge base has one (the app calls it)
        answer, answer_stages = _time_answers(kb, qs[1:], k)
    names = list(dict.fromkeys(name for s in stages for name in s))
    per_stage = {name: [s.get(name, 0.0) for s in stages] for name in names}
    per_stage["other"] = [max(0.0, total - sum(s.values())) for total, s in zip(e2e, stages)]
    # In the search's worker thread, at the same time as the stages (so not in their sum).
    per_beside = {name: [b.get(name, 0.0) for b in beside] for name in dict.fromkeys(n for b in beside for n in b)}
    return {
        "open_s": open_s,
        "cold_search_s": cold_s,
        "e2e": e2e,
        "ref": ref,
        "stages": per_stage,
        "beside": per_beside,
        "answer": answer,
        "answer_stages": answer_stages,
        "hits": hits,
        "before": before,
        "ref_before": ref_before,
        "before_differ": differ,
        "lexical": lexical,
        "peak_rss_mb": peak_rss_mb(),
        "chunks": kb.store.manifest.chunk_count(),
        "queries": len(e2e),
    }


@contextmanager
def as_before(kb) -> Iterator[None]:
    """Search as before the lexical worker thread: the lexical legs after the dense ones, in the calling thread, and
    the query embedded by the engine's default OpenMP team (two threads here). What stays as now: the vectors of
    BM25-only hits read from their own collection, and those of dense candidates read after fusion (measured apart,
    against main's code in alternating processes: docs/benchmarks.md)."""
    searcher, embedder = kb.searcher, kb.store.embedder
    saved = getattr(searcher, "parallel", False), getattr(embedder, "one_thread_chars", 0)
    searcher.parallel = False
    if hasattr(embedder, "one_thread_chars"):
        embedder.one_thread_chars = 0
    try:
        yield
    finally:
        searcher.parallel = saved[0]
        if hasattr(embedder, "one_thread_chars"):
            embedder.one_thread_chars = saved[1]


def _key(hits) -> list[tuple[str, float, list[str]]]:
    return [(h.chunk.chunk_id, h.score, h.legs) for h in hits]


def _time_answers(kb, qs: list[str], k: int | None) -> tuple[list[float], dict[str, list[float]]]:
    """``kb.answer`` end to end, and inside it the sentence extraction and its sentence splitting (the module's
    functions are wrapped from outside while it runs)."""
    import kb.answer.answer as answer_module
    from bench.common import StageClock

    totals: list[float] = []
    stages: dict[str, list[float]] = {}
    patched = {
        name: getattr(answer_module, name)
        for name in ("extract_answer", "split_sentences")
        if hasattr(answer_module, name)
    }
    try:
        for q in qs:
            clock = StageClock()
            for name, fn in patched.items():
                setattr(answer_module, name, clock.wrap(f"answer: {name}", fn))
            t = time.perf_counter()
            kb.answer(q, k)
            totals.append(time.perf_counter() - t)
            for name in patched:
                stages.setdefault(f"answer: {name}", []).append(clock.wall.get(f"answer: {name}", 0.0))
    finally:
        for name, fn in patched.items():
            setattr(answer_module, name, fn)
    return totals, stages


def measure_in_subprocess(store: Path, n_queries: int, compare_before: bool = False) -> dict[str, Any]:
    compare = ["--compare-before"] if compare_before else []
    out = subprocess.run(
        [sys.executable, "-m", "bench.search_latency", "--measure", str(store), "--queries", str(n_queries), *compare],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
    )
    if out.returncode != 0:
        raise RuntimeError(f"measuring {store} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(results: list[dict[str, Any]], info: dict[str, Any]) -> str:
    ms = 1000.0
    lines = [f"### Search latency ({machine_line(info)})", ""]
    rows = []
    for r in results:
        m = r["m"]
        one = pct(m["ref"], 50)
        rows.append(
            [
                f"{r['n']:,}",
                pct(m["e2e"], 50) * ms,
                pct(m["e2e"], 95) * ms,
                one * ms,
                f"{pct(m['e2e'], 50) / one:.2f} (≤ {GOAL_P50})",
                f"{pct(m['e2e'], 95) / one:.2f} (≤ {GOAL_P95})",
                pct(m["answer"], 50) * ms if m["answer"] else float("nan"),
                m["cold_search_s"] * ms,
                m["open_s"] * ms,
            ]
        )
    lines.append(
        md_table(
            [
                "passages",
                "p50 ms",
                "p95 ms",
                "1 query embedding ms (p50)",
                "p50 / embedding",
                "p95 / embedding",
                "answer p50 ms",
                "cold first search ms",
                "open store ms",
            ],
            rows,
        )
    )
    compared = [r for r in results if r["m"].get("before")]
    if compared:
        lines += [
            "",
            "The same queries searched as before (`as_before`: lexical legs after the dense ones in one thread, the "
            "query on the engine's default OpenMP team), alternating with the above in the same run:",
            "",
        ]
        lines.append(
            md_table(
                [
                    "passages",
                    "p50 ms now / before",
                    "p95 ms now / before",
                    "1 query embedding ms now / before",
                    "p50 / its embedding now / before",
                    "p50 now / before's embedding",
                    "results differ",
                ],
                [
                    [
                        f"{r['n']:,}",
                        f"{pct(m['e2e'], 50) * ms:.1f} / {pct(m['before'], 50) * ms:.1f}",
                        f"{pct(m['e2e'], 95) * ms:.1f} / {pct(m['before'], 95) * ms:.1f}",
                        f"{pct(m['ref'], 50) * ms:.1f} / {pct(m['ref_before'], 50) * ms:.1f}",
                        f"{pct(m['e2e'], 50) / pct(m['ref'], 50):.2f} / "
                        f"{pct(m['before'], 50) / pct(m['ref_before'], 50):.2f}",
                        f"{pct(m['e2e'], 50) / pct(m['ref_before'], 50):.2f}",
                        f"{len(m['before_differ'])} of {len(m['before'])} queries",
                    ]
                    for r in compared
                    for m in [r["m"]]
                ],
            )
        )
    lines += ["", "By stage (ms, p50 / p95; `other` = end to end minus the traced stages):", ""]

    def stage_rows(key: str, label: str) -> list[list[str]]:
        """One row per stage recorded under ``key`` in any run: p50 / p95 ms per run, "–" where it has none."""
        names = list(dict.fromkeys(name for r in results for name in r["m"].get(key, {})))
        return [
            [label.format(name)]
            + [
                f"{pct(r['m'][key][name], 50) * ms:.1f} / {pct(r['m'][key][name], 95) * ms:.1f}"
                if name in r["m"].get(key, {})
                else "–"
                for r in results
            ]
            for name in names
        ]

    rows = (
        stage_rows("stages", "{}")
        + stage_rows("beside", "{} scoring (worker thread, beside the embedding)")
        + stage_rows("answer_stages", "{} (in `kb.answer`)")
    )
    lines.append(md_table(["stage"] + [f"{r['n']:,}" for r in results], rows))
    lines += ["", "Memory, size on disk and build time:", ""]
    rows = [
        [
            f"{r['n']:,}",
            r["m"]["peak_rss_mb"],
            r["sizes"]["total_mb"],
            r["sizes"]["manifest_mb"],
            r["sizes"]["chroma_mb"],
            r["sizes"]["lexical_mb"],
            r["build"].get("total_s", float("nan")),
        ]
        for r in results
    ]
    lines.append(
        md_table(
            [
                "passages",
                "peak RSS of the search process MB",
                "store MB",
                "manifest MB",
                "chromadb MB",
                "lexical MB",
                "build s",
            ],
            rows,
        )
    )
    lex = {r["m"]["lexical"] for r in results}
    lines += [
        "",
        f"Queries per size: {results[0]['m']['queries']} distinct (the evaluation set's, Spanish and English); "
        f"lexical leg wired by: {', '.join(sorted(lex))}.",
    ]
    return "\n".join(lines)


def run(
    sizes=SIZES,
    n_queries: int = 60,
    *,
    root: Path = RESULTS / "stores",
    max_load: float = 1.5,
    max_wait_s: float = 0.0,
    compare_before: bool = False,
    say=print,
) -> tuple[str, dict[str, Any]]:
    results = []
    for n in sizes:
        t = time.perf_counter()
        path, build = ensure_store(n, root=root, say=say)
        wait_for_quiet(max_load, max_wait_s, say)
        info = machine()
        say(f"measuring {n:,} passages (load {info['load'][0]:.2f}) …")
        m = measure_in_subprocess(path, n_queries, compare_before)
        results.append(
            {
                "n": n,
                "m": m,
                "build": build,
                "sizes": store_sizes(path),
                "load": info["load"],
                "bench_s": time.perf_counter() - t,
            }
        )
    info = machine()
    text = report(results, info)
    return text, {"machine": info, "results": results}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    ap.add_argument("--queries", type=int, default=60)
    ap.add_argument("--max-load", type=float, default=1.5, help="wait for a 1-minute load average below this")
    ap.add_argument("--max-wait", type=float, default=0.0, help="seconds to wait for it (0: measure anyway)")
    ap.add_argument(
        "--stores",
        type=Path,
        default=RESULTS / "stores",
        help="folder of the bench stores (n<passages>-v<version>/; built there if absent); "
        "opening a store may migrate it, so point this at a copy of stores you must not change",
    )
    ap.add_argument(
        "--compare-before",
        action="store_true",
        help="also search every query as before the lexical worker thread (same run, alternating), and compare",
    )
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # internal: the fresh measuring process
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.queries, compare_before=args.compare_before)))
        return
    text, data = run(
        args.sizes,
        args.queries,
        root=args.stores,
        max_load=args.max_load,
        max_wait_s=args.max_wait,
        compare_before=args.compare_before,
    )
    print(text)
    save("search_latency", data, text)


if __name__ == "__main__":
    main()
