"""Offline fusion laboratory: collect every leg's candidates once per question, then try fusions in numpy.

    python -m bench.fusion_lab collect STORE QUESTIONS.jsonl... -o feats.pkl
    python -m bench.fusion_lab eval feats.pkl [--split dev]

Questions are the passage-level format (``answers``, see kb/eval_passages.py) or the document-level one
(``relevant``); the query is embedded once, each dense group is asked for DEPTH neighbours with their similarity,
the BM25 leg's own-word and glossary scores are kept apart. Not part of the product: a measuring instrument.
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import sys
import unicodedata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEPTH = 100
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split())


def same_document(source: str, doc: str) -> bool:
    src = source.replace("\\", "/")
    doc = doc.replace("\\", "/").lstrip("/")
    return src == doc or src.endswith("/" + doc)


def load(paths):
    out = []
    for p in paths:
        for line in Path(p).read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                item["file"] = Path(p).name
                out.append(item)
    return out


def collect(store: str, question_files: list[str], out: str) -> None:
    from kb import KnowledgeBase
    from kb.records import Filters

    kb = KnowledgeBase.open(store)
    qs = load(question_files)
    searcher = kb.searcher
    docs = {d.doc_id: d for d in kb.documents()}
    feats = []
    chunks: dict = {}
    vecs: dict = {}
    for n, q in enumerate(qs):
        qvec = kb.embedder.embed_query(q["text"])
        dense = {}
        for _name, group, where in searcher.dense_legs(Filters()):
            found = searcher.committed_neighbours(qvec, DEPTH, where, group)
            dense[group] = [(h.chunk_id, 1.0 - h.distance) for h in found]
            for h in found:
                vecs[h.chunk_id] = h.embedding
        idx, own = kb.lexical.scores(q["text"], expand=False)
        _, full = kb.lexical.scores(q["text"], expand=True)
        gloss = full - own
        top = np.argsort(-full, kind="stable")[:DEPTH]
        lex = [(idx.index.rows_ids[i], float(own[i]), float(gloss[i])) for i in top if full[i] > 0]
        missing = [c for c, _, _ in lex if c not in vecs]
        got = kb.store.vectors.vectors(missing)
        vecs.update(got)
        lexsim = {c: float(np.dot(qvec, v)) for c, v in got.items()}
        lexsim.update({c: s for lst in dense.values() for c, s in lst})
        feats.append({"q": q, "qvec": qvec, "dense": dense, "lex": lex, "lexsim": lexsim})
        need = [c for c, _ in sum(dense.values(), [])] + [c for c, _, _ in lex]
        chunks.update(kb.store.manifest.chunks_by_id([c for c in need if c not in chunks]))
        if n % 20 == 0:
            print(n, len(qs), file=sys.stderr)
    with open(out, "wb") as f:
        pickle.dump({"feats": feats, "chunks": chunks, "vecs": vecs, "docs": docs, "store": store}, f)


# --- relevance -------------------------------------------------------------------------------------------------
def relevance(q: dict, docs: dict):
    """chunk → bool, and the languages of the answers (for the cell)."""
    if "answers" in q:
        answers = q["answers"]

        def rel(c) -> bool:
            return any(
                same_document(c.doc.source, a["doc"]) and f" {normalise(a['span'])} " in f" {normalise(c.text)} "
                for a in answers
            )

        langs = set()
        for a in answers:
            for d in docs.values():
                if same_document(d.source, a["doc"]):
                    langs.add(d.language)
        return rel, langs
    from evals.documents import source_to_document

    wanted = {k for k, g in q["relevant"].items() if g >= 2}
    wanted |= {source_to_document(k) for k in wanted}

    def rel_doc(c) -> bool:
        return any(same_document(c.doc.source, w) for w in wanted)

    langs = {d.language for d in docs.values() if any(same_document(d.source, w) for w in wanted)}
    return rel_doc, langs


def cell_of(qlang: str, langs: set) -> str:
    if not langs:
        return "oos"
    if len(langs) == 1:
        return f"{qlang}→{next(iter(langs))}"
    return "x→mixed"


# --- fusions ---------------------------------------------------------------------------------------------------
def rrf(lists: dict, weights: dict, k: int = 60):
    scores: dict[str, float] = {}
    legs: dict[str, list] = {}
    for leg, ids in lists.items():
        w = weights.get(leg, 1.0)
        for r, i in enumerate(ids, start=1):
            scores[i] = scores.get(i, 0.0) + w / (k + r)
            legs.setdefault(i, []).append(leg)
    return scores, legs


def finish(scores: dict, legs: dict, sim: dict, chunks, vecs, k=10, cap=3):
    from kb.search.search import select

    fused = sorted(
        ((i, s, legs.get(i, [])) for i, s in scores.items()), key=lambda t: (-round(t[1], 12), -sim.get(t[0], 0.0))
    )
    return select(fused[:200], chunks, vecs, k=k, max_per_doc=cap, similarity=0.97)


def query_lang(text: str) -> str:
    from kb.text import guess_language

    return guess_language(text)


def lexical_lists(f, chunks, ql, p):
    """The lexical leg as one or more ranked lists with weights, by ``lex_mode``."""
    lex = f["lex"]
    n = p.get("n", 40)
    lw = p.get("lex_w", 0.3)
    mode = p.get("lex_mode", "all")
    lang = lambda c: chunks[c].language if c in chunks else ""  # noqa: E731
    if lw <= 0:
        return {}, {}
    if mode == "all":
        return {"lexical": [c for c, o, g in lex[:n]]}, {"lexical": lw}
    if mode == "match":  # own words on query-language passages; glossary terms on the others at gloss_w
        same = [c for c, o, g in lex if lang(c) == ql][:n]
        other = sorted(((g, c) for c, o, g in lex if lang(c) != ql and g > 0), reverse=True)[:n]
        lists, weights = {"lexical": same}, {"lexical": lw}
        if p.get("gloss_w", 0.0) > 0:
            lists["glossary"] = [c for _, c in other]
            weights["glossary"] = p["gloss_w"]
        return lists, weights
    raise ValueError(mode)


def fuse(f, chunks, vecs, method: str, **p):
    """One fusion: returns hits."""
    from kb.search.fusion import calibrated_dense

    dense = f["dense"]
    sim = {c: s for lst in dense.values() for c, s in lst}
    n = p.get("n", 40)
    ql = p.get("qlang") or query_lang(f["q"]["text"])
    lists: dict = {}
    weights: dict = {}
    if method in ("rrf", "dense"):
        for g, lst in dense.items():
            lists[f"dense:{g}"] = [c for c, _ in lst[:n]]
        if method == "rrf":
            l2, w2 = lexical_lists(f, chunks, ql, p)
            lists.update(l2)
            weights.update(w2)
        scores, legs = rrf(lists, weights, p.get("k", 60))
        return finish(scores, legs, sim, chunks, vecs)
    merged = calibrated_dense({f"dense:{g}": lst[:n] for g, lst in dense.items()}, ql, p.get("bias", 0.03))
    if method == "calib":  # dense merged by calibrated similarity, RRF with the lexical lists
        lists["dense"] = [c for c, _, _ in merged[:n]]
        l2, w2 = lexical_lists(f, chunks, ql, p)
        lists.update(l2)
        weights.update(w2)
        scores, legs = rrf(lists, weights, p.get("k", 60))
        return finish(scores, legs, sim, chunks, vecs)
    if method == "score":  # calibrated similarity + lam * BM25 / max BM25 (language-matched own words + glossary)
        lam = p.get("lam", 0.02)
        scores = {c: s for c, s, _ in merged[:n]}
        lex = f["lex"]
        mode = p.get("lex_mode", "all")
        vals = {}
        for c, o, g in lex[:n]:
            if c not in chunks:
                continue
            same = chunks[c].language == ql
            if mode == "all":
                v = o + g
            else:
                v = (o + g) if same else p.get("xw", 0.0) * o + p.get("gw", 1.0) * g
            if v > 0:
                vals[c] = v
        if mode == "perlang":  # the product's bonus (kb.fusion.lexical_bonus), divided back by lam below
            from kb.search.fusion import lexical_bonus

            norm = lexical_bonus(
                [(c, o + g, chunks[c].language) for c, o, g in lex[:n] if c in chunks], 1.0, ql, p.get("xw", 1.0)
            )
        else:
            top = max(vals.values(), default=0.0)
            norm = {c: v / top for c, v in vals.items()}
        from kb.store.vectors import group_of

        for c, v in norm.items():
            if c not in scores and p.get("lex_new", True):
                s0 = f["lexsim"].get(c)
                if s0 is None:
                    continue
                from kb.search.fusion import calibrate

                scores[c] = calibrate(s0, group_of(chunks[c].language), ql, p.get("bias", 0.03))
            if c in scores:
                scores[c] += lam * v
        legs = {c: ["x"] for c in scores}
        return finish(scores, legs, sim, chunks, vecs)
    raise ValueError(method)


def evaluate(data, method: str, split: str = "all", show=False, **p):
    docs = data["docs"]
    chunks, vecs = data["chunks"], data["vecs"]
    cells: dict = {}
    for f in data["feats"]:
        q = f["q"]
        if split != "all" and q.get("split", "dev") != split:
            continue
        rel, langs = relevance(q, docs)
        c = cell_of(q["lang"], langs)
        if c == "oos":
            continue
        hits = fuse(f, chunks, vecs, method, **p)
        flags = [rel(h.chunk) for h in hits]
        r = next((i for i, x in enumerate(flags, 1) if x), None)
        m = (1.0 if r == 1 else 0.0, 1.0 / r if r else 0.0, 1.0 if r else 0.0)
        for key in (c, "overall"):
            cells.setdefault(key, []).append(m)
        if show and r != 1:
            print(
                f"  {q['id']} {c} r={r} {q['text'][:70]} | top: {hits[0].chunk.language if hits else '-'} "
                f"{Path(hits[0].chunk.doc.source).name if hits else ''} {hits[0].chunk.text[:60] if hits else ''}"
            )
    return {c: (len(v), *[sum(x[i] for x in v) / len(v) for i in range(3)]) for c, v in sorted(cells.items())}


def table(results: dict) -> str:
    names = list(results)
    cells = sorted({c for r in results.values() for c in r})
    lines = [f"{'cell':<9}{'n':>4} " + "".join(f"{n[:22]:>24}" for n in names)]
    for c in cells:
        n = next(r[c][0] for r in results.values() if c in r)
        lines.append(
            f"{c:<9}{n:>4} " + "".join(f"{'%.3f/%.3f/%.3f' % r[c][1:] if c in r else '':>24}" for r in results.values())
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("store")
    c.add_argument("questions", nargs="+")
    c.add_argument("-o", "--out", required=True)
    args = ap.parse_args()
    if args.cmd == "collect":
        collect(args.store, args.questions, args.out)


if __name__ == "__main__":
    main()
