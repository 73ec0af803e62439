"""Section labels on the real PDFs (issue 14, item 7): what the heading rules take out of the body and whether the
labels they make are headings. No model: extraction, cleaning, sections and chunking only.

For each PDF of ``../shared/pdfs/real/``:
- words of the cleaned page text (running headers removed), words of the passage bodies, words found only in
  section labels (headings, as they should be) and words found nowhere (a label cut to its last headings);
- suspicious labels: a label, or one of its stacked headings, shaped like body text rather than a heading
  (``suspicious``: prose after a heading's full stop, a line ending mid-phrase, an e-mail or address, a person's
  name, a table row, a long line in ordinary case).

    .venv/bin/python -m bench.section_labels               # the table
    .venv/bin/python -m bench.section_labels --list        # and every suspicious label with its reason
    .venv/bin/python -m bench.section_labels --dump F.json # and every passage's embedded text (to compare two runs)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import PROJECT_ROOT, md_table

REAL_PDFS = PROJECT_ROOT.parent / "shared" / "pdfs" / "real"
_WORD = re.compile(r"\w+")
# Words a heading does not end on: it goes on in the next line, or the line is a sentence.
_DANGLING = frozenset(
    "de del la las los el y e o u para en por con a al sobre entre un una su sus se que como "
    "of the and or for to in on at with by from a an its".split()
)
_STOP_THEN_WORD = re.compile(r"\.\s+[¿\"“]?[A-ZÁÉÍÓÚÑ][a-záéíóúñü]")
_LEVEL_MARK = re.compile(
    r"^(?:t[íi]tulo|cap[íi]tulo|secci[óo]n|art[íi]culo|par[áa]grafo|chapter|section|article)\s+\S+$", re.I
)
_NUMBER = re.compile(r"^[(\[]?[-+$€]?\d[\d.,%]*[)\]]?$")


@dataclass
class LabelReport:
    name: str
    page_words: int = 0
    body_words: int = 0
    label_only_words: int = 0  # in the page text, not in any body, but in a label
    lost_words: int = 0  # in the page text, in no body and no label
    labels: int = 0
    suspicious: list[tuple[int, str, str]] = field(default_factory=list)  # (page, label, reason)
    embed_texts: list[str] = field(default_factory=list)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def suspicion(heading: str) -> str:
    """Why one heading of a label looks like body text, or "" when it looks like a heading."""
    from ingest.sections import _looks_like_a_name

    words = heading.split()
    if not words:
        return ""
    capitals = _capitals(heading)
    if "@" in heading or "http" in heading.lower() or "www." in heading.lower():
        return "e-mail or address"
    for stop in _STOP_THEN_WORD.finditer(heading):
        head, rest = heading[: stop.start()], heading[stop.end() - 2 :]
        if _capitals(head) and not _capitals(rest) and not _LEVEL_MARK.match(head):
            return "text after the heading's full stop"
    if words[-1].lower().strip(",") in _DANGLING or heading.endswith((",", " -", "–")):
        return "ends mid-phrase"
    numbers = sum(bool(_NUMBER.match(w)) for w in words[1:])
    if numbers >= 2 and numbers >= 0.3 * len(words):
        return "table row"
    if not capitals and len(words) > 14:
        return "long line in ordinary case"
    if _looks_like_a_name(words):
        return "a person's name"
    return ""


def measure(path: Path, extracted=None) -> LabelReport:
    from ingest.chunk import ChunkSettings
    from ingest.clean import clean_pages
    from ingest.extract import extract
    from ingest.sections import page_blocks
    from ingest.structure import structure
    from kb.config import Config

    extracted = extracted or extract(path, path.read_bytes())
    pages, _ = clean_pages(extracted.pages)
    blocks = page_blocks(pages)
    in_pages = Counter(w for p in pages for w in _words(p.text))
    in_bodies = Counter(w for b in blocks for w in _words(b.text))
    in_labels = {w for b in blocks for w in _words(b.section)}
    missing = in_pages - in_bodies
    report = LabelReport(path.name, sum(in_pages.values()), sum(in_bodies.values()))
    report.label_only_words = sum(n for w, n in missing.items() if w in in_labels)
    report.lost_words = sum(n for w, n in missing.items() if w not in in_labels)
    seen: set[str] = set()
    for block in blocks:
        if block.section and block.section not in seen:
            seen.add(block.section)
            for heading in block.section.split(" — "):
                why = suspicion(heading)
                if why:
                    report.suspicious.append((block.page, heading, why))
    report.labels = len(seen)
    cfg = Config.from_env()
    settings = ChunkSettings(cfg.chunk_words, cfg.chunk_max_words, cfg.chunk_overlap_words)
    report.embed_texts = structure(path, extracted, path.stem, settings).embed_texts
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pdfs", type=Path, default=REAL_PDFS)
    ap.add_argument("--list", action="store_true", help="list every suspicious label")
    ap.add_argument("--dump", type=Path, help="write every passage's embedded text here (JSON)")
    args = ap.parse_args()
    if not args.pdfs.is_dir():
        sys.exit(f"{args.pdfs} is absent")
    reports = [measure(p) for p in sorted(args.pdfs.glob("*.pdf"))]
    rows: list[list[Any]] = [
        [r.name, r.page_words, r.body_words, r.label_only_words, r.lost_words, r.labels, len(r.suspicious)]
        for r in reports
    ]
    totals = [sum(r[i] for r in rows) for i in range(1, 7)]
    rows.append(["all", *totals])
    print(md_table(["PDF", "page words", "body words", "only in labels", "lost", "labels", "suspicious"], rows))
    if args.list:
        for r in reports:
            for page, heading, why in r.suspicious:
                print(f"{r.name} p.{page}: {why}: {heading}")
    if args.dump:
        args.dump.write_text(json.dumps({r.name: r.embed_texts for r in reports}, ensure_ascii=False))


if __name__ == "__main__":
    main()
