"""The segmented BM25 index scores as bm25s did, whatever the segmentation, and changes cost only what changed."""

from __future__ import annotations

import random

import numpy as np
import pytest

from kb.store import bm25_segments
from kb.store.bm25_segments import Segment, SegmentedIndex, merge
from kb.store.lexical import LexicalIndex
from kb.store.manifest import Manifest
from kb.records import Chunk, Document

WORDS = [f"w{i}" for i in range(60)]


def corpus(n: int, seed: int = 7) -> list[tuple[str, dict, list[str]]]:
    rnd = random.Random(seed)
    # Zipf-like: a few common words, many rare ones, documents of varied length.
    return [
        (
            f"c{i}",
            {"doc_id": f"d{i % 9}"},
            rnd.choices(WORDS, weights=[1 / (r + 1) for r in range(60)], k=rnd.randint(5, 60)),
        )
        for i in range(n)
    ]


QUERIES = [["w0", "w7"], ["w13"], ["w3", "w3", "w41"], ["w59", "w58", "w2"], ["nothing"]]


def test_one_segment_scores_exactly_as_bm25s():
    import bm25s

    rows = corpus(200)
    ref = bm25s.BM25()  # the lexical leg's previous engine, default (lucene) method
    ref.index([toks for _, _, toks in rows], show_progress=False)
    idx = SegmentedIndex([Segment.build(rows)])
    for q in QUERIES[:-1]:
        np.testing.assert_allclose(idx.scores(q), ref.get_scores(q), rtol=1e-5, atol=1e-6)


def test_scores_do_not_depend_on_how_passages_are_split_into_segments():
    rows = corpus(300)
    whole = SegmentedIndex([Segment.build(rows)])
    split = SegmentedIndex([Segment.build(rows[:10]), Segment.build(rows[10:200]), Segment.build(rows[200:])])
    for q in QUERIES:
        np.testing.assert_allclose(split.scores(q), whole.scores(q), rtol=1e-5, atol=1e-7)


def test_deleted_rows_score_zero_and_a_merge_equals_a_fresh_build():
    rows = corpus(120)
    idx = SegmentedIndex([Segment.build(rows[:60]), Segment.build(rows[60:])])
    gone = [f"c{i}" for i in range(0, 120, 7)]
    changed = idx.with_changes(None, gone)
    assert not set(gone) & set(changed.live_ids) and len(changed.live_ids) == 120 - len(gone)
    s = changed.scores(["w0"])
    assert all(s[changed.rows_ids.index(g)] == 0 for g in gone)
    fresh = SegmentedIndex([Segment.build([r for r in rows if r[0] not in set(gone)])])
    merged = SegmentedIndex([merge(changed.segments, changed.deleted)])
    live = changed.alive
    for q in QUERIES:
        np.testing.assert_allclose(merged.scores(q), fresh.scores(q), rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(changed.scores(q)[live], fresh.scores(q), rtol=1e-5, atol=1e-7)


def test_a_chunk_id_that_comes_back_after_a_delete_is_alive_again():
    rows = corpus(20)
    idx = SegmentedIndex([Segment.build(rows)]).with_changes(None, ["c3"])
    back = idx.with_changes(Segment.build([rows[3]]), [])
    assert "c3" in back.live_ids and back.live_ids.count("c3") == 1


def test_many_small_segments_are_merged_and_many_deletions_compact(monkeypatch):
    rows = corpus(100)
    idx = SegmentedIndex([Segment.build(rows[:60])])
    for i in range(60, 100, 4):  # ten small additions
        idx = idx.with_changes(Segment.build(rows[i : i + 4]), [])
    assert len(idx.segments) <= bm25_segments.MAX_SEGMENTS
    assert sorted(idx.live_ids) == sorted(r[0] for r in rows)
    big = max(idx.segments, key=len)
    assert len(big) == 60  # the large segment was left alone: small merges only
    compacted = idx.with_changes(None, [f"c{i}" for i in range(40)])  # 40 % deleted → one clean segment
    assert len(compacted.segments) == 1 and compacted.deleted == {} and len(compacted.live_ids) == 60


def _chunk(doc: str, n: int, text: str) -> Chunk:
    return Chunk(
        chunk_id=f"{doc}:{n}", doc_id=doc, ordinal=n, text=text, page_start=1, page_end=1, section="", language="en"
    )


def test_adding_a_document_tokenises_only_its_passages_and_ranks_as_a_full_rebuild(tmp_path):
    m = Manifest(tmp_path / "manifest.sqlite")
    rnd = random.Random(3)
    vocab = [
        "investment",
        "supplier",
        "cluster",
        "training",
        "port",
        "energy",
        "water",
        "export",
        "aftercare",
        "permits",
        "skills",
        "grant",
        "park",
        "tax",
        "zone",
    ]

    def doc(name: str, n: int) -> list[Chunk]:
        return [_chunk(name, i, " ".join(rnd.choices(vocab, k=rnd.randint(8, 40)))) for i in range(n)]

    for d in range(6):
        m.commit_document(Document(doc_id=f"d{d}", source=f"/x/d{d}", title=f"d{d}"), doc(f"d{d}", 20))
    lex = LexicalIndex(tmp_path / "lexical", m)
    assert lex.rebuild() == 120
    m.commit_document(Document(doc_id="new", source="/x/new", title="new"), doc("new", 5))
    m.remove_document("d2")
    assert lex.rebuild() == 5  # the new document's passages only
    assert sorted(lex.current().ids) == sorted(m.chunk_ids())
    reader = LexicalIndex(tmp_path / "lexical", Manifest(m.path))  # another process, from disk
    fresh = LexicalIndex(tmp_path / "fresh", m)
    fresh.rebuild(force=True)
    for q in ("supplier training grant", "port export zone", "water energy park"):
        _, got = reader.scores(q)
        _, want = fresh.scores(q)
        by_id_got = dict(zip(reader.current().index.rows_ids, got))
        by_id_want = dict(zip(fresh.current().index.rows_ids, want))
        assert by_id_got.keys() >= by_id_want.keys()
        for cid, score in by_id_want.items():
            assert by_id_got[cid] == pytest.approx(score, rel=1e-5, abs=1e-7)


@pytest.mark.parametrize("n", [0, 1])
def test_tiny_indexes(tmp_path, n):
    rows = corpus(n)
    idx = SegmentedIndex([Segment.build(rows)] if rows else [])
    assert idx.scores(["w0"]).shape == (n,)
