"""Write a passage-level question file from a plain authoring text, locating each span in its document.

    python scripts/eval_labels.py questions.txt corpus/_eval/passages_starter.jsonl --prefix ps --root corpus
    python scripts/eval_labels.py real.txt corpus/_eval/passages_real.jsonl --prefix pr --root ../shared/pdfs

Authoring format, one question per ``Q`` line followed by its answers (none: out of scope)::

    Q en | What incentives do companies in the Polos get?
    A md/es_mx_polos_bienestar.md | deducción inmediata de inversiones en activos fijos nuevos

Each document goes through the ingestion pipeline's extraction, cleaning and chunking (no embedding); a span must
lie inside one passage, whose first page and section become the label's locators. The split alternates dev/test
within each language cell in file order; a question already in the output file keeps its split, so appending
questions or fixing a label never moves an existing one.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evals.passages import cell, contains_span  # noqa: E402
from ingest.chunk import ChunkSettings  # noqa: E402
from ingest.pipeline import content_hash, prepare  # noqa: E402
from kb.config import Config  # noqa: E402


@lru_cache(maxsize=None)
def passages(path: Path):
    cfg = Config.from_env()
    data = path.read_bytes()
    prep = prepare(
        path.resolve(),
        data,
        content_hash(data),
        ChunkSettings(cfg.chunk_words, cfg.chunk_max_words, cfg.chunk_overlap_words),
    )
    return prep.meta.language, prep.chunks


def parse(text: str) -> list[dict]:
    out: list[dict] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        kind, _, rest = line.partition(" ")
        head, _, tail = rest.partition("|")
        if kind == "Q":
            out.append({"text": tail.strip(), "lang": head.strip(), "answers": [], "line": number})
        elif kind == "A" and out:
            out[-1]["answers"].append({"doc": head.strip(), "span": tail.strip()})
        else:
            raise SystemExit(f"line {number}: expected 'Q <lang> | text' or 'A <doc> | span': {line}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("source", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--root", type=Path, required=True, help="the folder the answers' doc paths are relative to")
    args = ap.parse_args()
    items = parse(args.source.read_text(encoding="utf-8"))
    # A question keeps the split it was published with (fixing a label must never move it between halves).
    kept, published = {}, []
    if args.out.exists():
        for line in args.out.read_text(encoding="utf-8").splitlines():
            if line.strip():
                old = json.loads(line)
                kept[old["text"]] = old["split"]
                published.append(old)
    errors = 0
    lines: list[str] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items, start=1):
        langs = []
        for a in item["answers"]:
            lang, chunks = passages((args.root / a["doc"]).resolve())
            langs.append(lang)
            hit = next((c for c in chunks if contains_span(c.text, a["span"])), None)
            if hit is None:
                errors += 1
                print(f"line {item['line']}: span not in any passage of {a['doc']}: {a['span']!r}", file=sys.stderr)
                continue
            a["page"], a["section"] = hit.page_start, hit.section
            a["lang"] = hit.language  # the passage's language: a profile holds Spanish and English passages
            langs[-1] = hit.language
        if any("page" not in a for a in item["answers"]):
            continue
        c = cell(item["lang"], langs)
        split = kept.get(item["text"]) or ("dev", "test")[seen.get(c, 0) % 2]
        seen[c] = seen.get(c, 0) + 1
        answers = [{k: a[k] for k in ("doc", "page", "section", "lang", "span")} for a in item["answers"]]
        lines.append(
            json.dumps(
                {
                    "id": f"{args.prefix}-{i:03d}",
                    "text": item["text"],
                    "lang": item["lang"],
                    "split": split,
                    "answers": answers,
                },
                ensure_ascii=False,
            )
        )
    if errors:
        print(f"{errors} span(s) not found: nothing written", file=sys.stderr)
        return 1
    # Questions added to the file by hand under their own ids (e.g. ps-tab-01) are kept, after the generated ones.
    made = {f"{args.prefix}-{i:03d}" for i in range(1, len(items) + 1)}
    lines += [json.dumps(q, ensure_ascii=False) for q in published if q["id"] not in made]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} questions → {args.out}; per cell: {seen}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
