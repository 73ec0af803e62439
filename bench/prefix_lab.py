"""Offline measurement: does the "title — section" prefix embedded with each passage blur the passages of one
document? On the documents that answer the most evaluation questions, every passage is embedded again without the
prefix, and the questions answered there are ranked within those documents both ways (calibrated dense, k = 10, the
product's de-duplication and per-document cap off). Not part of the product.

    python -m bench.prefix_lab STORE QUESTIONS.jsonl [N_DOCS]
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from bench.fusion_lab import normalise, query_lang, same_document


def main(store: str, questions: str, n_docs: int = 6) -> None:
    from kb import KnowledgeBase
    from kb.search.fusion import calibrate
    from kb.store.vectors import group_of

    kb = KnowledgeBase.open(store)
    qs = [json.loads(line) for line in Path(questions).read_text(encoding="utf-8").splitlines() if line.strip()]
    docs = kb.documents()
    count = Counter(d.doc_id for q in qs for a in q["answers"] for d in docs if same_document(d.source, a["doc"]))
    chosen = [doc for doc, _ in count.most_common(n_docs)]
    chunks = [c for c in kb.store.manifest.iter_chunks() if c.doc_id in chosen]
    with_prefix = kb.store.vectors.vectors([c.chunk_id for c in chunks])
    chunks = [c for c in chunks if c.chunk_id in with_prefix]
    A = np.vstack([with_prefix[c.chunk_id] for c in chunks])
    t = time.perf_counter()
    B = np.vstack([kb.embedder.embed_passages([c.text for c in chunks[i : i + 16]]) for i in range(0, len(chunks), 16)])
    print(
        f"{len(chunks)} passages of {len(chosen)} documents re-embedded without the prefix in "
        f"{time.perf_counter() - t:.0f} s"
    )
    groups = [group_of(c.language) for c in chunks]
    # Blur: mean cosine between passages of the same document, with and without the prefix.
    for name, M in (("with prefix", A), ("without", B)):
        same = [
            float(
                np.mean(
                    (
                        M[[i for i, c in enumerate(chunks) if c.doc_id == d]]
                        @ M[[i for i, c in enumerate(chunks) if c.doc_id == d]].T
                    )[np.triu_indices(sum(c.doc_id == d for c in chunks), 1)]
                )
            )
            for d in chosen
        ]
        print(f"  {name}: mean cosine between passages of one document {np.mean(same):.3f}")
    results: dict = {}
    for q in qs:
        if not q["answers"] or not any(
            d.doc_id in chosen and same_document(d.source, a["doc"]) for a in q["answers"] for d in docs
        ):
            continue
        qv = kb.embedder.embed_query(q["text"])
        ql = query_lang(q["text"])
        rel = [
            any(
                same_document(c.doc.source, a["doc"]) and f" {normalise(a['span'])} " in f" {normalise(c.text)} "
                for a in q["answers"]
            )
            for c in chunks
        ]
        for name, M in (("with prefix", A), ("without", B)):
            s = np.array([calibrate(float(x), g, ql, 0.04) for x, g in zip(M @ qv, groups)])
            order = np.argsort(-s)[:10]
            r = next((i for i, j in enumerate(order, 1) if rel[j]), None)
            results.setdefault((name, q["split"]), []).append((1.0 if r == 1 else 0.0, 1.0 / r if r else 0.0))
    for (name, split), v in sorted(results.items(), key=lambda x: (x[0][1], x[0][0])):
        print(
            f"  {split:<5} {name:<12} n={len(v):<4} R@1 {np.mean([x[0] for x in v]):.3f}  "
            f"MRR@10 {np.mean([x[1] for x in v]):.3f}"
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], *(int(a) for a in sys.argv[3:4]))
