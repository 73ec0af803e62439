"""How well passage kinds are told apart, and what not embedding non-content passages saves.

    .venv/bin/python -m bench.passage_kinds STORE [STORE ...] [--embed-sample N]

Gold labels: ``bench/data/passage_kinds.jsonl``, one line per non-content passage of the starter corpus and of the
PDFs in ``../shared/pdfs/real/`` (``{"doc", "kind", "span"}``: the document's path as ``kb eval`` names it, the
kind, and the passage's first words), labelled by hand after reading every passage that opens a document, sits
under a heading, is short, or is dense in numbers or names; every other passage is content. A stored passage gets a
gold kind when it comes from the labelled document and starts with the span.

For each store: precision and recall per kind, the passages not embedded, and their share; with ``--embed-sample``,
the model's time for the non-content passages (a sample of them, embedded now) against content ones, so the saving
is in seconds as well as in passages.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import Any

from bench.common import machine, machine_line, md_table, save
from kb.passage_kind import NON_CONTENT

LABELS = Path(__file__).resolve().parent / "data" / "passage_kinds.jsonl"


def load_labels(path: Path = LABELS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _norm(text: str) -> str:
    return " ".join(text.split())


def gold_kind(labels: list[dict], source: str, text: str) -> str:
    src = source.replace("\\", "/")
    for lab in labels:
        doc = lab["doc"].removeprefix("real/")
        if (src.endswith("/" + doc)) and _norm(text).startswith(_norm(lab["span"])):
            return lab["kind"]
    return "content"


def scores(pairs: list[tuple[str, str]]) -> dict[str, dict[str, float | int]]:
    """Per kind (and all non-content kinds together): precision, recall, support, from (gold, predicted) pairs."""
    out: dict[str, dict[str, float | int]] = {}
    for kind in (*NON_CONTENT, "non-content"):

        def hit(k: str) -> bool:
            return k != "content" if kind == "non-content" else k == kind

        tp = sum(hit(g) and hit(p) for g, p in pairs)
        predicted = sum(hit(p) for _, p in pairs)
        gold = sum(hit(g) for g, _ in pairs)
        if predicted or gold:
            out[kind] = {
                "precision": tp / predicted if predicted else float("nan"),
                "recall": tp / gold if gold else float("nan"),
                "gold": gold,
                "predicted": predicted,
            }
    return out


def measure(store: Path, labels: list[dict], embed_sample: int) -> dict:
    from kb import KnowledgeBase

    kb = KnowledgeBase.open(store)
    chunks = list(kb.store.manifest.iter_chunks())
    pairs = [(gold_kind(labels, c.doc.source, c.text), c.kind) for c in chunks]
    wrong = [(g, c.kind, Path(c.doc.source).name, c.text[:90]) for (g, _), c in zip(pairs, chunks) if g != c.kind]
    skipped = [c for c in chunks if c.kind != "content"]
    words_all = sum(len(c.text.split()) for c in chunks)
    words_skipped = sum(len(c.text.split()) for c in skipped)
    out: dict[str, Any] = {
        "store": str(store),
        "passages": len(chunks),
        "not_embedded": len(skipped),
        "not_embedded_words_share": words_skipped / max(words_all, 1),
        "scores": scores(pairs),
        "errors": wrong,
    }
    if embed_sample and skipped:
        rng = random.Random(0)
        content = [c for c in chunks if c.kind == "content"]
        timed = {}
        for name, group in (("non-content", skipped), ("content", content)):
            sample = rng.sample(group, min(embed_sample, len(group)))
            t = time.perf_counter()
            kb.embedder.embed_passages([f"{c.doc.title} — {c.section}\n{c.text}" for c in sample])
            timed[name] = (time.perf_counter() - t) / len(sample)
        out["embed_s_per_passage"] = timed
        out["saved_s"] = timed["non-content"] * len(skipped)
        out["total_embed_s_estimate"] = timed["content"] * (len(chunks) - len(skipped)) + out["saved_s"]
    return out


def report(results: list[dict], info: dict) -> str:
    lines = [f"### Passage kinds ({machine_line(info)})", ""]
    rows = []
    for r in results:
        for kind, s in r["scores"].items():
            rows.append([Path(r["store"]).name, kind, s["gold"], s["predicted"], s["precision"], s["recall"]])
    lines.append(md_table(["store", "kind", "gold", "predicted", "precision", "recall"], rows))
    lines += [
        "",
        md_table(
            ["store", "passages", "not embedded", "share of words", "saved s (est.)"],
            [
                [
                    Path(r["store"]).name,
                    r["passages"],
                    r["not_embedded"],
                    r["not_embedded_words_share"],
                    r.get("saved_s", float("nan")),
                ]
                for r in results
            ],
        ),
    ]
    for r in results:
        for g, p, name, text in r["errors"]:
            lines.append(f"- {Path(r['store']).name}: gold {g}, predicted {p}: {name}: {text!r}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stores", nargs="+", type=Path)
    parser.add_argument("--embed-sample", type=int, default=0)
    args = parser.parse_args(argv)
    labels = load_labels()
    info = machine()
    results = [measure(s, labels, args.embed_sample) for s in args.stores]
    text = report(results, info)
    print(text)
    save("passage_kinds", {"machine": info, "results": results}, text)


if __name__ == "__main__":
    main()
