"""Answers: how often each answer method quotes the labelled span, and what answering adds to a search.

    .venv/bin/python -m bench.answers STORE --questions corpus/_eval/passages_starter.jsonl [--split dev,test]
                                           [--methods semantic,lexical]

Every in-scope question of the passage evaluation (kb/eval_passages.py) is searched once with the default search;
each answer method then answers from the same hits, so the methods differ only in how they choose sentences. Per
split and language cell: the share of answers containing a labelled span, of first sentences that do, and of top
passages that do (the goal on cross-language questions: answer ≥ top passage). Latency: the search, and the answer
stage on its hits (p50 / p95), with the sentence encoder loaded beforehand (its one-time load is reported apart).
The goal: answering adds at most 300 ms to a search on this machine.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench.common import machine, machine_line, md_table, pct, save

GOAL_ADDED_MS = 300


def run(store: Path, question_files: list[Path], splits: list[str], methods: list[str]) -> dict:
    from kb import KnowledgeBase, sentence_encoder
    from kb import eval_passages as ev
    from kb.answer import extract_answer

    kb = KnowledgeBase.open(store)
    t = time.perf_counter()
    sentence_encoder.shared().encode(["warm up"])
    load_s = time.perf_counter() - t
    questions = [q for f in question_files for q in ev.load_questions(f) if not q.out_of_scope]
    doc_lang = ev.label_languages(questions, kb.documents())
    rows = []
    for q in questions:
        if q.split not in splits:
            continue
        langs = ev.answer_langs(q, doc_lang)
        if not langs:
            continue
        t = time.perf_counter()
        hits = kb.search(q.text)
        row = {
            "id": q.id,
            "split": q.split,
            "cell": ev.cell(q.lang, langs),
            "cross": ev.is_cross(q.lang, langs),
            "search_s": time.perf_counter() - t,
            "top": float(bool(hits) and ev.quotes_answer(q, hits[0].chunk.text)),
        }
        for m in methods:
            t = time.perf_counter()
            a = extract_answer(q.text, hits, glossary=kb.glossary, embedder=kb.embedder, method=m)
            row[f"{m}_s"] = time.perf_counter() - t
            row[m] = float(ev.quotes_answer(q, a.text()))
            row[f"{m}_first"] = float(bool(a.sentences) and ev.quotes_answer(q, a.sentences[0].text))
            row[f"{m}_text"] = a.text()[:300]
        rows.append(row)
    return {"store": str(store), "encoder_load_s": load_s, "methods": methods, "rows": rows}


def report(result: dict, info: dict) -> str:
    methods = result["methods"]
    rows = result["rows"]
    lines = [f"### Answers ({Path(result['store']).name}; {machine_line(info)})", ""]
    for split in sorted({r["split"] for r in rows}):
        part = [r for r in rows if r["split"] == split]
        cells = ["overall", "cross"] + sorted({r["cell"] for r in part})
        table = []
        for c in cells:
            m_ = [r for r in part if c == "overall" or (c == "cross" and r["cross"]) or r["cell"] == c]
            if not m_:
                continue
            avg = lambda k: sum(r[k] for r in m_) / len(m_)  # noqa: E731
            table.append([c, len(m_), avg("top")] + [f"{avg(m):.2f} / {avg(m + '_first'):.2f}" for m in methods])
        lines += [
            f"Split {split}: share containing a labelled span (answer / first sentence):",
            "",
            md_table(["cell", "n", "top passage"] + methods, table),
            "",
        ]
    ms = 1000.0
    lat = [
        ["search (default)", pct([r["search_s"] for r in rows], 50) * ms, pct([r["search_s"] for r in rows], 95) * ms]
    ]
    lat += [
        [f"answer: {m}", pct([r[f"{m}_s"] for r in rows], 50) * ms, pct([r[f"{m}_s"] for r in rows], 95) * ms]
        for m in methods
    ]
    lines += [
        f"Latency over {len(rows)} questions (goal: an answer adds ≤ {GOAL_ADDED_MS} ms to a search); sentence "
        f"encoder loaded once beforehand in {result['encoder_load_s']:.1f} s:",
        "",
        md_table(["stage", "p50 ms", "p95 ms"], lat),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--questions", type=Path, nargs="+", required=True)
    parser.add_argument("--split", default="dev,test")
    parser.add_argument("--methods", default="semantic,lexical")
    parser.add_argument("--name", default="answers")
    args = parser.parse_args(argv)
    info = machine()
    result = run(args.store, args.questions, args.split.split(","), args.methods.split(","))
    text = report(result, info)
    print(text)
    save(args.name, {"machine": info, **result}, text)


if __name__ == "__main__":
    main()
