"""Cutting text into passages must cost time linear in its length: Markdown of 50 KB, 500 KB and 5 MB, as one line
(the worst case: one block, one "paragraph") and as paragraphs, through ``ingest.pipeline.prepare`` in-process
(reading, cleaning, sections, sentences, chunks, language; no embedding).

    .venv/bin/python -m bench.chunking                 # 50 KB, 500 KB, 5 MB
    .venv/bin/python -m bench.chunking --sizes 50 500

Before sentence splitting was cut into pieces (kb/text.py), one line of 10 KB took 2.5 s, 50 KB 21 s, 200 KB
223 s, and 5 MB did not finish in 900 s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from ingest.chunk import ChunkSettings
from ingest.pipeline import prepare
from tests.fixtures import ES_PORT, ES_SUPPLIERS


def document(kb: int, one_line: bool) -> str:
    sep = " " if one_line else "\n\n"
    unit = ES_SUPPLIERS + sep + ES_PORT + sep
    return "# Informe\n\n" + (unit * (kb * 1000 // len(unit) + 1))[: kb * 1000]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 500, 5000], help="sizes in KB")
    args = ap.parse_args()
    print("| text | size | seconds | ms per KB | passages |\n|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for kb in args.sizes:
            for one_line in (True, False):
                path = Path(tmp) / f"doc_{kb}_{int(one_line)}.md"
                path.write_text(document(kb, one_line), encoding="utf-8")
                t = time.perf_counter()
                prepared = prepare(path, path.read_bytes(), "bench", ChunkSettings())
                s = time.perf_counter() - t
                print(
                    f"| {'one line' if one_line else 'paragraphs'} | {kb:,} KB | {s:.1f} | {s * 1000 / kb:.0f} "
                    f"| {len(prepared.chunks):,} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
