"""Write the passage vectors of a collection to ``<folder>/_vectors/<model>.npz`` (see ingest/shipped_vectors.py).

    python scripts/ship_vectors.py corpus/ [--store DIR] [--check]

Every file of the folder is prepared exactly as ``kb ingest`` prepares it (extract, clean, chunk; nothing stored),
and the vector of each passage is taken from the store's embedding cache, or embedded when the cache lacks it, so
the file always covers the whole collection as it is now. Run it after changing the corpus (``make vectors``).
``--check`` only reports how many of the collection's passages the shipped file covers (exit 1 below 100 %).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--store", type=Path, default=None, help="a store whose embedding cache to reuse")
    parser.add_argument("--check", action="store_true", help="report coverage only; exit 1 below 100 %%")
    args = parser.parse_args(argv)

    from ingest.vector_export import coverage, export_collection
    from kb import KnowledgeBase

    kb = KnowledgeBase.open(args.store)
    if args.check:
        out, covered, total = coverage(kb.index, args.folder)
        print(f"{out}: covers {covered} of {total} passages ({covered / max(total, 1):.0%})")
        return 0 if covered == total else 1
    out, total, embedded = export_collection(kb.index, args.folder)
    print(
        f"{out}: {total} passages ({embedded} embedded now, {total - embedded} from the cache), "
        f"{out.stat().st_size / 1e6:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
