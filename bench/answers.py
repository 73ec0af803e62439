"""Answers: how often each answer method quotes the labelled span, and what answering adds to a search.

    .venv/bin/python -m bench.answers STORE --questions corpus/_eval/passages_starter.jsonl [--split dev,test]
                                           [--methods semantic,lexical]

Every in-scope question of the passage evaluation (kb/eval_passages.py) is searched once with the default search;
each answer method then answers from the same hits, so the methods differ only in how they choose sentences. Per
split and language cell: the share of answers containing a labelled span, of first sentences that do, and of top
passages that do (the goal on cross-language questions: answer ≥ top passage). Latency: the search, and the answer
stage on its hits (p50 / p95), with the sentence encoder loaded beforehand (its one-time load is reported apart).
The goal: answering adds at most 300 ms to a search on this machine.

    .venv/bin/python -m bench.answers STORE --questions FILE... --latency

Latency only, before and after in one run: every question is searched once, then answered from the same hits in
three ways: splitting the passages into sentences at question time with the encoder package's Python tokenizer
(main before this change; a store ingested before sentence spans still splits), from the spans stored at
ingestion (``Chunk.sentences``), and from the spans with sentencepiece's C++ tokenizer (the default now). Each way
has its own encoder cache, and the order rotates per question, so none warms another's. Then a cold pass: every
cache emptied before every answer. Reports search alone, answer, and search + answer (p50 / p95), the answer's
stages, whether all ways quote the same sentences, and the load average.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace
from pathlib import Path

from bench.common import StageClock, machine, machine_line, md_table, pct, save

GOAL_ADDED_MS = 300


def run(store: Path, question_files: list[Path], splits: list[str], methods: list[str]) -> dict:
    from evals import passages as ev
    from kb import KnowledgeBase
    from kb.answer import sentence_encoder
    from kb.answer.answer import extract_answer

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
            row[f"{m}_first"] = float(bool(a.sentences) and ev.quotes_answer(q, a.sentences[0].quote))
            row[f"{m}_text"] = a.text()[:300]
        rows.append(row)
    return {"store": str(store), "encoder_load_s": load_s, "methods": methods, "rows": rows}


# Before (main this morning) → after: the spans stored at ingestion, then the C++ tokenizer (kb/sentence_encoder.py).
WAYS = (
    "before: split at question time, Python tokenizer",
    "stored spans, Python tokenizer",
    "after: stored spans, C++ tokenizer",
)
STAGES = ("sentences (split, quotable)", "encoder", "word coverage")


def latency(store: Path, question_files: list[Path], splits: list[str]) -> dict:
    import kb.answer.answer as answer_module
    from evals import passages as ev
    from kb import KnowledgeBase
    from kb.answer import sentence_encoder

    kb = KnowledgeBase.open(store)
    t = time.perf_counter()
    encoders = {WAYS[2]: sentence_encoder.shared()}
    encoders[WAYS[2]].encode(["warm up"])
    load_s = time.perf_counter() - t
    encoders[WAYS[0]] = sentence_encoder.SentenceEncoder(native_tokenizer=False)
    encoders[WAYS[0]].encode(["warm up"])
    encoders[WAYS[1]] = encoders[WAYS[0]].sharing_weights()
    for enc in encoders.values():
        enc.clear()
    kb.search("warm up the search")  # the e5 model's load and first query are not a search's cost
    answer_module.split_sentences.cache_clear()
    answer_module.quotable.cache_clear()
    questions = [q for f in question_files for q in ev.load_questions(f) if not q.out_of_scope and q.split in splits]
    cfg = kb.config
    load_before = os.getloadavg()[0]
    rows = []
    for i, q in enumerate(questions):
        t = time.perf_counter()
        hits = kb.search(q.text)
        row: dict = {"id": q.id, "search_s": time.perf_counter() - t}
        row["stored"] = sum(bool(h.chunk.sentences) for h in hits) / max(1, len(hits))
        given = {
            WAYS[0]: [replace(h, chunk=replace(h.chunk, sentences="")) for h in hits],
            WAYS[1]: hits,
            WAYS[2]: hits,
        }
        for way in _rotated(i):
            seconds, stages, text = timed_answer(answer_module, kb, q.text, given[way], encoders[way])
            row[way], row[way + " stages"], row[way + " text"] = seconds, stages, text
        row["same"] = len({row[w + " text"] for w in WAYS}) == 1
        row["hits"] = given
        rows.append(row)
    load_warm = os.getloadavg()[0]
    # Cold: every cache emptied before every answer, as for a question whose passages this process has never
    # quoted (the first questions after the app starts, or a large collection where passages rarely recur).
    for i, row in enumerate(rows):
        for way in _rotated(i):
            encoders[way].clear()
            answer_module.split_sentences.cache_clear()
            answer_module.quotable.cache_clear()
            seconds, stages, _ = timed_answer(answer_module, kb, questions[i].text, row["hits"][way], encoders[way])
            row[way + ", cold"], row[way + ", cold stages"] = seconds, stages
        del row["hits"]
    return {
        "store": str(store),
        "encoder_load_s": load_s,
        "method": cfg.answer_method,
        "load": [load_before, load_warm, os.getloadavg()[0]],
        "rows": rows,
    }


def _rotated(i: int) -> tuple[str, ...]:
    """The ways in a different order for each question, so none is always the one that runs first."""
    k = i % len(WAYS)
    return WAYS[k:] + WAYS[:k]


def timed_answer(answer_module, kb, query: str, hits: list, enc) -> tuple[float, dict, str]:
    """Seconds for one answer with the knowledge base's answer settings, its stages' seconds, and its text."""
    cfg = kb.config
    clock = StageClock()
    plain = (answer_module.candidates, answer_module.lexical_scores, enc.encode)
    answer_module.candidates = clock.wrap(STAGES[0], plain[0])
    answer_module.lexical_scores = clock.wrap(STAGES[2], plain[1])
    enc.encode = clock.wrap(STAGES[1], plain[2])
    try:
        t = time.perf_counter()
        a = answer_module.extract_answer(
            query,
            hits,
            glossary=kb.glossary,
            embedder=kb.embedder,
            method=cfg.answer_method,
            max_sentences=cfg.answer_sentences,
            max_hits=cfg.answer_passages,
            encoder=enc,
        )
        seconds = time.perf_counter() - t
    finally:
        answer_module.candidates, answer_module.lexical_scores = plain[0], plain[1]
        del enc.encode  # the instance attribute: the method shows through again
    return seconds, {name: clock.wall.get(name, 0.0) for name in STAGES}, a.text()


def latency_report(result: dict, info: dict) -> str:
    rows = result["rows"]
    ms = 1000.0

    def p(values: list[float]) -> list[float]:
        return [pct(values, 50) * ms, pct(values, 95) * ms]

    search = [r["search_s"] for r in rows]
    table = [["search alone", *p(search), "", ""]]
    runs = [w + c for c in ("", ", cold") for w in WAYS]
    for run in runs:
        table.append([f"answer ({run})", *p([r[run] for r in rows]), *p([r["search_s"] + r[run] for r in rows])])
    stages = [[run] + [pct([r[run + " stages"][name] for r in rows], 50) * ms for name in STAGES] for run in runs]
    same = sum(r["same"] for r in rows)
    stored = sum(r["stored"] for r in rows) / max(1, len(rows))
    return "\n".join(
        [
            f"### Answer latency ({Path(result['store']).name}; {machine_line(info)})",
            "",
            f"{len(rows)} in-scope questions, `{result['method']}` answers from the default search's hits; load "
            f"average {result['load'][0]:.1f} at the start, {result['load'][1]:.1f} after the warm pass, "
            f"{result['load'][2]:.1f} at the end. Warm: caches kept across the run, as in the app; cold: emptied "
            "before every answer (passages this process has never quoted). Sentence encoder "
            f"loaded once beforehand in {result['encoder_load_s']:.1f} s; {stored:.0%} of hits had stored spans. "
            f"Goal: an answer adds ≤ {GOAL_ADDED_MS} ms to a search.",
            "",
            md_table(["stage", "p50 ms", "p95 ms", "search + answer p50 ms", "p95 ms"], table),
            "",
            "Inside the answer, p50 ms:",
            "",
            md_table(["answer", *STAGES], stages),
            "",
            f"All ways quote the same sentences for {same} of {len(rows)} questions.",
        ]
    )


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
    parser.add_argument("--latency", action="store_true", help="latency only: stored spans vs split at question time")
    args = parser.parse_args(argv)
    info = machine()
    if args.latency:
        lat = latency(args.store, args.questions, args.split.split(","))
        text = latency_report(lat, info)
        print(text)
        save(args.name + "_latency", {"machine": info, **lat}, text)
        return
    result = run(args.store, args.questions, args.split.split(","), args.methods.split(","))
    text = report(result, info)
    print(text)
    save(args.name, {"machine": info, **result}, text)


if __name__ == "__main__":
    main()
