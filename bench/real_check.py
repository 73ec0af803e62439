"""The real-document check (issue 14): 10 Spanish and 10 English questions on the six real PDFs of
``../shared/pdfs/real/``; in each top 3, no passage in a third language and at least one passage that answers
(from the labelled document, containing one of its spans). Questions: ``bench/real_questions.jsonl``.

    .venv/bin/python -m bench.real_check --store /path/to/a/store/of/the/six/pdfs
    .venv/bin/python -m bench.real_check           # builds bench/results/real-store first (~1,330 passages to embed)
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.common import PROJECT_ROOT, RESULTS, machine_line, md_table

QUESTIONS = Path(__file__).resolve().parent / "real_questions.jsonl"
REAL_PDFS = PROJECT_ROOT.parent / "shared" / "pdfs" / "real"
MAIN = ("es", "en")


@dataclass
class Outcome:
    id: str
    lang: str
    text: str
    third_language: list[str]  # languages of top-3 passages that are neither es nor en
    answered_at: int | None  # rank (1-3) of the first answering passage
    top: list[str]  # "lang file p.N" of the top 3

    @property
    def ok(self) -> bool:
        return not self.third_language and self.answered_at is not None


def _norm(text: str) -> str:
    import re
    import unicodedata

    return " ".join(re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", text).casefold()).split())


def relevant(question: dict, hit) -> bool:
    src = hit.chunk.doc.source.replace("\\", "/")
    return any(
        src.endswith("/" + a["doc"].split("/")[-1]) and f" {_norm(a['span'])} " in f" {_norm(hit.chunk.text)} "
        for a in question["answers"]
    )


def check(kb, questions: list[dict], k: int = 3) -> list[Outcome]:
    out = []
    for q in questions:
        hits = kb.search(q["text"], k)
        top = [f"{h.chunk.language} {Path(h.chunk.doc.source).name} p.{h.chunk.page_start}" for h in hits]
        third = [h.chunk.language for h in hits if h.chunk.language not in MAIN]
        rank = next((h.rank for h in hits if relevant(q, h)), None)
        out.append(Outcome(q["id"], q["lang"], q["text"], third, rank, top))
    return out


def report(outcomes: list[Outcome]) -> str:
    rows = [
        [
            o.id,
            o.text[:50],
            "yes" if o.ok else "NO",
            o.answered_at or "-",
            ",".join(o.third_language) or "-",
            o.top[0] if o.top else "",
        ]
        for o in outcomes
    ]
    by_lang = {l: [o for o in outcomes if o.lang == l] for l in MAIN}
    summary = "; ".join(
        f"{l}: {sum(o.ok for o in v)}/{len(v)} pass ({sum(o.answered_at is not None for o in v)} "
        f"answered in the top 3, {sum(bool(o.third_language) for o in v)} with a third-language "
        f"passage)"
        for l, v in by_lang.items()
    )
    return "\n".join([md_table(["id", "question", "ok", "answer rank", "3rd language", "rank 1"], rows), "", summary])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", type=Path, help="a store holding the six real PDFs (default: build one)")
    args = ap.parse_args()
    from kb import KnowledgeBase

    if args.store is None:
        if not REAL_PDFS.is_dir():
            sys.exit(f"{REAL_PDFS} is absent: the check needs the six real PDFs")
        from ingest import ingest_paths
        from kb import IngestOptions

        args.store = RESULTS / "real-store"
        kb = KnowledgeBase.open(args.store)
        ingest_paths(kb, [REAL_PDFS], IngestOptions(progress=True))
    else:
        kb = KnowledgeBase.open(args.store)
    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    outcomes = check(kb, questions)
    print(machine_line())
    print(report(outcomes))
    sys.exit(0 if all(o.ok for o in outcomes) else 1)


if __name__ == "__main__":
    main()
