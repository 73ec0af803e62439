"""A segmented BM25 index: adding or removing a document costs time in proportion to that document.

A rebuild of one global BM25 index after every change re-tokenised every passage: minutes at 100,000 passages, more
than embedding the document that was added. Here, as in Lucene, the index is a list of immutable segments:

- adding passages writes a new small segment (only those passages are tokenised);
- removing or replacing passages marks their rows deleted (per segment, by row: a chunk id that comes back after a
  delete gets a new row and the old one stays dead);
- scoring uses collection-wide statistics (live passages, their mean length, and document frequency counted over
  live rows of every segment), so a passage scores exactly as in a fresh one-segment build, whichever segment holds
  it and whatever was deleted;
- when there are more than ``MAX_SEGMENTS`` segments the smallest are merged, and when over a quarter of all rows are
  deleted everything is merged: work proportional to the collection, but rare (amortised like Lucene's tiered merges).

Scores are BM25 with Lucene's idf, ``ln(1 + (N - df + 0.5) / (df + 0.5))``, and term component
``tf / (tf + k1 (1 - b + b dl / avgdl))`` with k1 = 1.5, b = 0.75: bm25s's default ("lucene") method, which the
lexical leg used before, so a one-segment index ranks exactly as bm25s did (tests/kb/test_bm25_segments.py).
"""

from __future__ import annotations

import json
import math
import uuid
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

K1, B = 1.5, 0.75
MAX_SEGMENTS = 8  # query cost grows with the segment count (one dictionary look-up per token per segment)
COMPACT_DELETED_SHARE = 0.25
_ARRAYS = "postings.npz"
_META = "segment.json"


@dataclass
class Segment:
    """Immutable postings of some passages: for term ``j``, rows ``docs[indptr[j]:indptr[j+1]]`` with their tfs."""

    name: str
    ids: list[str]  # chunk id of each row
    fields: list[dict]  # filter fields of each row
    doclen: np.ndarray  # float32, tokens per row
    vocab: dict[str, int]
    indptr: np.ndarray  # int64, len(vocab) + 1
    docs: np.ndarray  # int32 row numbers
    tfs: np.ndarray  # float32 term frequencies

    @classmethod
    def build(cls, rows: Iterable[tuple[str, dict, Sequence[str]]], name: str | None = None) -> "Segment":
        """A segment from (chunk id, filter fields, tokens) rows."""
        # Postings go into flat typed arrays and are grouped by term with one stable sort: a dict of Python lists
        # of tuples took 3.5 GB and most of an hour for 300,000 passages (36 M postings).
        ids: list[str] = []
        fields: list[dict] = []
        lengths = array("i")
        term_of, row_of, tf_of = array("i"), array("i"), array("i")
        vocab: dict[str, int] = {}
        for row, (chunk_id, f, tokens) in enumerate(rows):
            ids.append(chunk_id)
            fields.append(f)
            lengths.append(len(tokens))
            for term, tf in Counter(tokens).items():
                term_of.append(vocab.setdefault(term, len(vocab)))
                row_of.append(row)
                tf_of.append(tf)
        first_seen = sorted(vocab, key=vocab.__getitem__)
        return cls._from_arrays(
            name or _new_name(),
            ids,
            fields,
            np.asarray(lengths, dtype=np.float32),
            first_seen,
            np.frombuffer(term_of, dtype=np.int32),
            np.frombuffer(row_of, dtype=np.int32),
            np.frombuffer(tf_of, dtype=np.int32),
        )

    @classmethod
    def _from_arrays(
        cls,
        name: str,
        ids: list[str],
        fields: list[dict],
        doclen: np.ndarray,
        terms: list[str],
        term_idx: np.ndarray,
        rows: np.ndarray,
        tfs: np.ndarray,
    ) -> "Segment":
        """Postings given as parallel arrays (term index into ``terms``, row, tf), grouped by term in sorted term
        order with one stable sort, so rows stay ascending within a term."""
        ordered = sorted(range(len(terms)), key=terms.__getitem__)
        rank = np.empty(len(terms), dtype=np.int64)
        rank[ordered] = np.arange(len(terms))
        key = rank[term_idx] if len(term_idx) else np.zeros(0, np.int64)
        order = np.argsort(key, kind="stable")
        indptr = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(np.bincount(key, minlength=len(terms)), out=indptr[1:])
        return cls(
            name,
            ids,
            fields,
            doclen,
            {terms[i]: j for j, i in enumerate(ordered)},
            indptr,
            rows[order].astype(np.int32),
            tfs[order].astype(np.float32),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def df(self, term: str) -> int:
        j = self.vocab.get(term)
        return 0 if j is None else int(self.indptr[j + 1] - self.indptr[j])

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        j = self.vocab.get(term)
        if j is None:
            return None
        a, b = self.indptr[j], self.indptr[j + 1]
        return self.docs[a:b], self.tfs[a:b]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=False)
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        np.savez(folder / _ARRAYS, doclen=self.doclen, indptr=self.indptr, docs=self.docs, tfs=self.tfs)
        (folder / _META).write_text(
            json.dumps({"ids": self.ids, "fields": self.fields, "terms": terms}, ensure_ascii=False), encoding="utf-8"
        )

    @classmethod
    def load(cls, folder: Path) -> "Segment":
        meta = json.loads((folder / _META).read_text(encoding="utf-8"))
        with np.load(folder / _ARRAYS, allow_pickle=False) as a:
            arrays = {k: a[k] for k in ("doclen", "indptr", "docs", "tfs")}
        return cls(
            folder.name,
            meta["ids"],
            meta["fields"],
            arrays["doclen"],
            {t: j for j, t in enumerate(meta["terms"])},
            arrays["indptr"],
            arrays["docs"],
            arrays["tfs"],
        )


def _new_name() -> str:
    return f"s-{uuid.uuid4().hex[:12]}"


def merge(segments: Sequence[Segment], deleted: dict[str, set[int]]) -> Segment:
    """One segment holding the live rows of ``segments`` (deleted rows are dropped here, and only here)."""
    ids: list[str] = []
    fields: list[dict] = []
    lengths, term_parts, row_parts, tf_parts = [], [], [], []
    vocab: dict[str, int] = {}
    for seg in segments:
        dead = deleted.get(seg.name, set())
        alive = np.ones(len(seg), dtype=bool)
        alive[list(dead)] = False
        new_row = np.full(len(seg), -1, dtype=np.int64)
        new_row[alive] = np.arange(len(ids), len(ids) + int(alive.sum()))
        ids.extend(i for r, i in enumerate(seg.ids) if alive[r])
        fields.extend(f for r, f in enumerate(seg.fields) if alive[r])
        lengths.append(seg.doclen[alive])
        seg_terms = sorted(seg.vocab, key=seg.vocab.__getitem__)
        to_global = np.array([vocab.setdefault(t, len(vocab)) for t in seg_terms], dtype=np.int64)
        per_posting = np.repeat(to_global, np.diff(seg.indptr)) if len(seg_terms) else np.zeros(0, np.int64)
        rows = new_row[seg.docs]
        keep = rows >= 0
        term_parts.append(per_posting[keep])
        row_parts.append(rows[keep])
        tf_parts.append(seg.tfs[keep])
    doclen = np.concatenate(lengths).astype(np.float32) if lengths else np.zeros(0, dtype=np.float32)
    cat = lambda parts, dt: np.concatenate(parts).astype(dt) if parts else np.zeros(0, dt)  # noqa: E731
    return Segment._from_arrays(
        _new_name(),
        ids,
        fields,
        doclen,
        sorted(vocab, key=vocab.__getitem__),
        cat(term_parts, np.int64),
        cat(row_parts, np.int32),
        cat(tf_parts, np.float32),
    )


@dataclass
class SegmentedIndex:
    """Segments plus deleted rows, with the collection-wide statistics scoring needs (computed once per state)."""

    segments: list[Segment] = field(default_factory=list)
    deleted: dict[str, set[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.offsets = np.cumsum([0] + [len(s) for s in self.segments])
        total = int(self.offsets[-1])
        self.alive = np.ones(total, dtype=bool)
        for seg, off in zip(self.segments, self.offsets):
            for r in self.deleted.get(seg.name, ()):
                self.alive[off + r] = False
        self.rows_ids = [i for s in self.segments for i in s.ids]
        self.rows_fields = [f for s in self.segments for f in s.fields]
        lengths = np.concatenate([s.doclen for s in self.segments]) if self.segments else np.zeros(0, np.float32)
        self.n_alive = int(self.alive.sum())
        self.avgdl = float(lengths[self.alive].mean()) if self.n_alive else 1.0
        # The length part of every row's term component, computed once per state rather than once per query term.
        self._norm = [K1 * ((1 - B) + B * s.doclen / max(self.avgdl, 1e-9)) for s in self.segments]

    @property
    def live_ids(self) -> list[str]:
        return [i for i, a in zip(self.rows_ids, self.alive) if a]

    def live_rows(self) -> dict[str, tuple[str, int]]:
        """chunk id → (segment name, row) of its live row."""
        out: dict[str, tuple[str, int]] = {}
        for seg in self.segments:
            dead = self.deleted.get(seg.name, set())
            for r, cid in enumerate(seg.ids):
                if r not in dead:
                    out[cid] = (seg.name, r)
        return out

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every row (0 for deleted rows) for the query ``tokens`` (each occurrence counts)."""
        out = np.zeros(len(self.rows_ids), dtype=np.float32)
        if not self.n_alive:
            return out
        for term in tokens:
            found = [
                (off, norm, p)
                for seg, off, norm in zip(self.segments, self.offsets, self._norm)
                if (p := seg.postings(term)) is not None
            ]
            # Document frequency over live rows only, so scores equal a fresh build's after any change.
            df = (
                sum(int(self.alive[off + p[0]].sum()) for off, _, p in found)
                if self.deleted
                else sum(len(p[0]) for _, _, p in found)
            )
            if not df:
                continue
            idf = math.log(1 + (self.n_alive - df + 0.5) / (df + 0.5))
            for off, norm, (rows, tf) in found:
                out[off + rows] += idf * tf / (tf + norm[rows])  # rows are unique within one term's postings
        out[~self.alive] = 0.0
        return out

    # --- changes (each returns a new state; segments themselves never change) ---------------------------
    def with_changes(self, added: Segment | None, removed: Iterable[str]) -> "SegmentedIndex":
        live = self.live_rows()
        deleted = {name: set(rows) for name, rows in self.deleted.items()}
        for cid in removed:
            where = live.get(cid)
            if where is not None:
                deleted.setdefault(where[0], set()).add(where[1])
        segments = list(self.segments) + ([added] if added is not None and len(added) else [])
        return SegmentedIndex(segments, {k: v for k, v in deleted.items() if v}).merged_if_needed()

    def merged_if_needed(self) -> "SegmentedIndex":
        total = int(self.offsets[-1])
        dead = total - self.n_alive
        if self.segments and total and dead / total > COMPACT_DELETED_SHARE:
            return SegmentedIndex([merge(self.segments, self.deleted)], {})
        if len(self.segments) <= MAX_SEGMENTS:
            return self
        # Merge the smallest segments into one, leaving the large ones untouched (tiered: small merges are cheap).
        by_size = sorted(self.segments, key=len)
        small = by_size[: len(self.segments) - MAX_SEGMENTS + 2]
        small_names = {s.name for s in small}
        merged = merge(small, self.deleted)
        keep = [s for s in self.segments if s.name not in small_names]
        deleted = {k: v for k, v in self.deleted.items() if k not in small_names}
        return SegmentedIndex(keep + [merged], deleted)
