"""Ranking laboratory: the real search code (kb/search/search.py, kb/search/fusion.py, kb/search/relevance.py) replayed on cached legs.

    python -m bench.rank_lab STORE QUESTIONS.jsonl --split dev [--set lexical_bonus=0.02 ...] [--sweep NAME=a,b,c]

Every query is embedded once (vectors cached in ``/tmp/rank_lab_qvec.pkl``, keyed by model and text), and the
chromadb neighbours, BM25 candidates, stored vectors and manifest rows each search asks for are memoised in memory,
so a sweep over settings costs only the fusion itself. The numbers are those of ``kb eval --passages --no-answers``
(the same ``kb.eval_passages.run``), per cell, for dense and hybrid; plus out-of-scope precision / recall and the
in-scope R@1 lost to false "nothing relevant" verdicts. Not part of the product: a measuring instrument.
"""

from __future__ import annotations

import argparse
import itertools
import os
import pickle
import sys
from dataclasses import fields, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CACHE = Path(os.environ.get("RANK_LAB_CACHE", "/tmp/rank_lab_qvec.pkl"))


def memoise(obj, name, key):
    original = getattr(obj, name)
    memo: dict = {}

    def wrapper(*args, **kwargs):
        k = key(*args, **kwargs)
        if k not in memo:
            memo[k] = original(*args, **kwargs)
        return memo[k]

    setattr(obj, name, wrapper)


def open_cached(store: str):
    from kb import KnowledgeBase

    kb = KnowledgeBase.open(store)
    cache: dict = pickle.loads(CACHE.read_bytes()) if CACHE.exists() else {}
    model = kb.config.embedder
    embed = kb.store.embedder.embed_query
    fresh = []

    def embed_query(text: str):
        k = (model, text)
        if k not in cache:
            cache[k] = embed(text)
            fresh.append(k)
        return cache[k]

    kb.store.embedder.embed_query = embed_query  # type: ignore[method-assign]
    s = kb.searcher
    memoise(s, "committed_neighbours", lambda qvec, n, where, group: (qvec.tobytes(), n, repr(where), group))
    memoise(kb.lexical, "scored", lambda q, n, filters=None, **kw: (q, n, repr(filters), repr(kw)))
    memoise(kb.lexical, "knows", lambda w: w)
    memoise(kb.store.vectors, "vectors", lambda ids: tuple(ids))
    memoise(kb.store.manifest, "chunks_by_id", lambda ids: tuple(ids))
    memoise(kb.store.manifest, "committed", lambda ids: tuple(ids))

    def save():
        if fresh:
            old: dict = pickle.loads(CACHE.read_bytes()) if CACHE.exists() else {}
            old.update(cache)
            CACHE.write_bytes(pickle.dumps(old))
            fresh.clear()

    return kb, save


def summary(kb, questions, split: str, modes=("dense", "hybrid")) -> dict:
    from evals.passages import run

    rep = run(kb, questions, modes, split=split, answers=False)
    out: dict = {"table": {}, "oos": rep.oos_scores(), "report": rep}
    for row in rep.passage_table():
        if row["metric"] in ("R@1", "MRR@10"):
            out["table"][(row["cell"], row["metric"])] = (row["questions"], *(row[m] for m in modes))
    wins: dict = {}
    for r in rep.results:
        if r.cell == "oos":
            continue
        for c in {"overall", r.cell} | ({"cross"} if r.cross else set()):
            w = wins.setdefault(c, [0, 0, 0.0])
            d, h = r.scores["dense"], r.scores["hybrid"]
            w[0] += h["R@1"] > d["R@1"]
            w[1] += h["R@1"] < d["R@1"]
            w[2] += h["MRR@10"] - d["MRR@10"]
    out["wins"] = wins
    flagged = [r for r in rep.results if r.cell != "oos" and r.nothing_relevant]
    out["inscope_flagged"] = len(flagged)
    out["inscope_r1_lost_n"] = int(sum(r.scores["hybrid"]["R@1"] for r in flagged))
    out["inscope_r1_lost"] = sum(r.scores["hybrid"]["R@1"] for r in flagged) / max(
        1, sum(r.cell != "oos" for r in rep.results)
    )
    return out


def brief(label: str, s: dict) -> str:
    """One line: per cell, R@1 wins-losses of hybrid over dense, and the summed MRR@10 difference."""
    cells = " ".join(f"{c}:+{w[0]}-{w[1]}/{w[2]:+.2f}" for c, w in sorted(s["wins"].items()) if c != "cross")
    o = s["oos"] or {}
    below = [f"{c} {m}" for (c, m), (n, d, h) in s["table"].items() if h < d - 1e-9]
    caught = round((o.get("recall") or 0) * (o.get("oos") or 0))
    return (
        f"{label:<48} {cells}  below:{len(below)} oos caught {caught}/{o.get('oos')} said {o.get('said')} "
        f"in-scope flagged {s['inscope_flagged']} (first passage answered: {s['inscope_r1_lost_n']})"
    )


def show(label: str, s: dict) -> str:
    bad = []
    lines = [label]
    for (c, m), (n, d, h) in sorted(s["table"].items()):
        mark = " <" if h < d - 1e-9 else ""
        if mark:
            bad.append(f"{c} {m}")
        lines.append(f"  {c:<8} {m:<6} n={n:<3} dense {d:.3f} hybrid {h:.3f}{mark}")
    o = s["oos"] or {}
    lines.append(
        f"  oos P {o.get('precision')} R {o.get('recall')} said {o.get('said')} "
        f"in-scope flagged {s['inscope_flagged']} (R@1 lost {s['inscope_r1_lost']:.3f})"
    )
    lines.append(f"  cells below dense: {bad or 'none'}")
    return "\n".join(lines)


def parse_value(name: str, raw: str):
    from kb.config import Config, _coerce

    types = {f.name: f.type for f in fields(Config)}
    return _coerce(types[name], raw)


def main() -> None:
    from evals.passages import load_questions

    ap = argparse.ArgumentParser()
    ap.add_argument("store")
    ap.add_argument("questions")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--sweep", action="append", default=[])
    ap.add_argument("--brief", action="store_true")
    a = ap.parse_args()
    kb, save = open_cached(a.store)
    qs = load_questions(Path(a.questions))
    base = kb.searcher.config
    for kv in a.set:
        k, v = kv.split("=", 1)
        base = replace(base, **{k: parse_value(k, v)})
    grid = []
    for sw in a.sweep:
        k, vs = sw.split("=", 1)
        grid.append([(k, parse_value(k, v)) for v in vs.split(",")])
    for combo in itertools.product(*grid) if grid else [()]:
        cfg = replace(base, **dict(combo))
        kb.searcher.config = cfg
        kb.config = cfg
        s = summary(kb, qs, a.split)
        save()
        label = f"{a.split} {dict(combo) or 'base'}"
        print(brief(label, s) if a.brief else show(label, s), flush=True)


if __name__ == "__main__":
    main()
