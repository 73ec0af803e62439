"""The lexical leg: BM25 (bm25s) over the committed chunks, stemmed by each chunk's language, persisted beside the vectors.

Every token is prefixed with the language whose stemmer made it ("es:desarroll", "en:develop"), so a Spanish
passage is matched only through Spanish stems and an English one through English stems. A query is tokenized once
per language, because we do not know (and need not know) which language it is in; glossary expansions are
tokenized only in their own language. Names and acronyms (IMMEX, CORFO) stem to themselves in both languages,
which is what makes this leg precise where embeddings blur.

The index is derived from the manifest and kept in segments (kb/bm25_segments.py): ``rebuild`` brings it up to date
after every ingestion or deletion by indexing only the passages added since (and marking removed ones deleted),
tagged with the manifest's generation; a reader reloads it when the generation changes, and catches it up in memory
if the files on disk are older than the manifest (an ingestion still running).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import uuid
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from kb.store.bm25_segments import Segment, SegmentedIndex
from kb.records import ALL_KINDS, Chunk, Filters
from kb.text import MAIN_LANGUAGES, fold, is_stopword, stems, words

OTHER = "xx"  # prefix for chunks in any other language: lower-cased, not stemmed
_POINTER = "CURRENT"
_SEGMENTS = "segments"
log = logging.getLogger(__name__)


def chunk_tokens(text: str, language: str) -> list[str]:
    """Index tokens of one passage: its words stemmed by its own language, prefixed with that language."""
    lang = language if language in MAIN_LANGUAGES else OTHER
    return [f"{lang}:{s}" for s in stems(text, lang)]


def query_tokens(text: str, languages: Iterable[str] = (*MAIN_LANGUAGES, OTHER)) -> list[str]:
    """Query tokens for every language the query may match (unknown tokens are ignored by BM25)."""
    out: list[str] = []
    for lang in languages:
        out.extend(f"{lang}:{s}" for s in dict.fromkeys(stems(text, lang)))
    return out


@dataclass
class _Loaded:
    generation: int
    index: SegmentedIndex
    origin: str = ""  # the state file on disk this index was read from (then perhaps caught up in memory), or ""

    @property
    def ids(self) -> list[str]:
        """Chunk ids of the live passages."""
        return self.index.live_ids

    @property
    def fields(self) -> list[dict]:
        """Filter fields of every row (deleted rows included: their scores are 0)."""
        return self.index.rows_fields

    @cached_property
    def kinds(self) -> np.ndarray:
        """Each row's passage kind; "" for rows indexed before passage kinds existed (any filter lets them through;
        the search then reads the kind from the manifest)."""
        return np.array([f.get("kind") or "" for f in self.fields], dtype="U10")

    @cached_property
    def _masks(self) -> dict[Filters, np.ndarray | None]:
        return {}

    def mask(self, filters: Filters) -> np.ndarray | None:
        """Which rows ``filters`` lets through (None: all). Kept per loaded index for the last few filter sets: at
        300,000 passages testing every row's fields took ~150 ms and the kinds test 6 ms, per query."""
        cache = self._masks
        if filters not in cache:
            if len(cache) >= _MASKS_KEPT:
                cache.pop(next(iter(cache)))
            if replace(filters, kinds=()) != replace(Filters(), kinds=()):
                cache[filters] = np.fromiter(
                    (filters.matches(f) for f in self.fields), dtype=bool, count=len(self.fields)
                )
            elif set(filters.kinds) != set(ALL_KINDS):
                # The default (content only) is one vectorised test, not a dict lookup per passage.
                cache[filters] = np.isin(self.kinds, (*filters.kinds, ""))
            else:
                cache[filters] = None
        return cache[filters]


_MASKS_KEPT = 8


def top_rows(scores: np.ndarray, n: int) -> np.ndarray:
    """Row numbers of the ``n`` best positive scores, best first, ties in row order: what a stable argsort of all
    scores gives, without sorting every row (at 300,000 passages the full argsort took ~23 ms per query)."""
    rows = np.flatnonzero(scores > 0)
    if len(rows) > n:
        nth = np.partition(scores[rows], len(rows) - n)[len(rows) - n]  # the n-th best score
        rows = rows[scores[rows] >= nth]  # every tie of it too, so that row order decides among them
    return rows[np.argsort(-scores[rows], kind="stable")[:n]]


def _rows(chunks: Iterable[Chunk]):
    # Title and section are part of what a passage is about (the dense leg embeds them too).
    for c in chunks:
        yield (
            c.chunk_id,
            c.filter_values(),
            chunk_tokens(" ".join(x for x in (c.doc.title, c.section, c.text) if x), c.language),
        )


def build(chunks: Iterable[Chunk], generation: int) -> _Loaded:
    """A one-segment index of ``chunks`` (every passage tokenised)."""
    segment = Segment.build(_rows(chunks))
    return _Loaded(generation, SegmentedIndex([segment] if len(segment) else []))


def catch_up(loaded: _Loaded, manifest) -> tuple[_Loaded, int]:
    """``loaded`` brought to the manifest's committed chunks: a new segment for chunks it lacks, deleted rows for
    chunks the manifest no longer has. Costs the changed passages' tokenisation plus one scan of chunk ids
    (~0.1 s at 300,000 passages). Returns (index, passages added)."""
    generation = manifest.generation()
    committed = manifest.chunk_ids()
    live = loaded.index.live_rows()
    new = [cid for cid in committed if cid not in live]
    gone = [cid for cid in live if cid not in committed]
    if not new and not gone:
        return _Loaded(generation, loaded.index, loaded.origin), 0
    chunks = manifest.chunks_by_id(new)
    added = Segment.build(_rows(chunks[cid] for cid in new if cid in chunks)) if new else None
    return _Loaded(generation, loaded.index.with_changes(added, gone), loaded.origin), len(new)


class LexicalIndex:
    """BM25 over the manifest's committed chunks; a retrieval leg for the searcher (``name``, ``search``).

    On disk (``store/lexical/``): ``segments/<name>/`` (immutable), state files ``g<generation>-<id>.json`` naming
    the segments and their deleted rows, and ``CURRENT`` naming the state in force, replaced atomically."""

    name = "lexical"

    def __init__(self, path: Path, manifest, *, glossary=None, expansion_weight: float = 1.0) -> None:
        self.path = Path(path)
        self.manifest = manifest
        self.glossary = glossary
        self.expansion_weight = expansion_weight
        self._loaded: _Loaded | None = None
        self._lock = threading.Lock()

    # --- writing ------------------------------------------------------------------------------------
    def rebuild(self, *, force: bool = False) -> int:
        """Bring the index on disk to the manifest; returns the number of passages tokenised (0 if nothing changed).

        Incremental: only passages added since the index on disk are tokenised, into a new segment, and removed ones
        are marked deleted (see kb/bm25_segments.py). ``force`` re-indexes every passage into one segment."""
        generation = self.manifest.generation()
        on_disk = None if force else self._base()
        if on_disk is not None and on_disk.generation == generation and self._disk_generation() == generation:
            with self._lock:
                self._loaded = on_disk
            return 0
        if on_disk is None:
            loaded = build(self.manifest.iter_chunks(), generation)
            indexed = len(loaded.ids)
        elif on_disk.generation == generation:  # caught up in memory already (a search ran during the ingestion)
            loaded, indexed = on_disk, 0
        else:
            loaded, indexed = catch_up(on_disk, self.manifest)
        name = self._persist(loaded)
        with self._lock:
            self._loaded = replace(loaded, origin=name)
        return indexed

    def _base(self) -> _Loaded | None:
        """The index on disk: the one in memory when it was read from the state the pointer still names (and perhaps
        caught up since), else read again. Reading it again cost ~1.6 s of every ingestion at 300,000 passages."""
        with self._lock:
            mem = self._loaded
        if mem is not None and mem.origin and mem.origin == self._pointer():
            return mem
        return self._load_disk()

    def _pointer(self) -> str | None:
        try:
            return (self.path / _POINTER).read_text(encoding="utf-8").strip()
        except OSError:
            return None

    def _persist(self, loaded: _Loaded) -> str:
        # New segments first, then a new state file, then an atomic switch of the pointer: a reader sees the old
        # state or the new one. Segments and states nobody names any more are removed last.
        segments_dir = self.path / _SEGMENTS
        segments_dir.mkdir(parents=True, exist_ok=True)
        for seg in loaded.index.segments:
            if not (segments_dir / seg.name).exists():
                seg.save(segments_dir / seg.name)
        name = f"g{loaded.generation}-{uuid.uuid4().hex[:8]}.json"
        state: dict[str, Any] = {
            "generation": loaded.generation,
            "segments": [s.name for s in loaded.index.segments],
            "deleted": {k: sorted(v) for k, v in loaded.index.deleted.items()},
        }
        (self.path / name).write_text(json.dumps(state), encoding="utf-8")
        tmp = self.path / f".{_POINTER}.{name}"
        tmp.write_text(name, encoding="utf-8")
        os.replace(tmp, self.path / _POINTER)
        keep = set(state["segments"])
        for old in segments_dir.iterdir():
            if old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)
        for old in self.path.iterdir():
            if old.name in (name, _POINTER, _SEGMENTS):
                continue
            if old.is_dir():  # an index written by an older version (one bm25s folder per generation)
                shutil.rmtree(old, ignore_errors=True)
            elif old.name.startswith("g") and old.suffix == ".json":
                old.unlink(missing_ok=True)
        return name

    def _disk_generation(self) -> int | None:
        """The generation of the state the pointer names (its file is ``g<generation>-<id>.json``), if present."""
        name = self._pointer()
        if name is None:
            return None
        if not name.startswith("g") or not (self.path / name).is_file():
            return None
        try:
            return int(name[1:].split("-", 1)[0])
        except ValueError:
            return None

    # --- reading ------------------------------------------------------------------------------------
    def _load_disk(self) -> _Loaded | None:
        name = self._pointer()
        if name is None:
            log.debug("lexical index on disk not usable: no %s pointer", _POINTER)
            return None
        try:
            state = json.loads((self.path / name).read_text(encoding="utf-8"))
            segments = [Segment.load(self.path / _SEGMENTS / s) for s in state["segments"]]
            deleted = {k: set(v) for k, v in state["deleted"].items()}
        except (OSError, ValueError, KeyError) as exc:  # absent, older format, or replaced while we read it
            log.debug("lexical index on disk not usable: %s", exc)
            return None
        return _Loaded(int(state["generation"]), SegmentedIndex(segments, deleted), name)

    def current(self) -> _Loaded:
        """The index for the manifest's current generation: in memory, else from disk (caught up in memory with what
        an ingestion still running has committed), else built in memory."""
        generation = self.manifest.generation()
        with self._lock:
            if self._loaded is None or self._loaded.generation != generation:
                loaded = self._load_disk()
                if loaded is None:
                    loaded = build(self.manifest.iter_chunks(), generation)
                elif loaded.generation != generation:
                    loaded, _ = catch_up(loaded, self.manifest)
                self._loaded = loaded
            return self._loaded

    def scores(self, query: str, filters: Filters = Filters(), *, expand: bool = True) -> tuple[_Loaded, np.ndarray]:
        """BM25 score of every indexed passage (0 where filtered out); expansions count ``expansion_weight``."""
        idx = self.current()
        return idx, self._scores(idx, query, filters, expand)

    def _scores(self, idx: _Loaded, query: str, filters: Filters, expand: bool) -> np.ndarray:
        scores = idx.index.scores(query_tokens(query))
        if expand and self.glossary is not None:
            extra = [f"{lang}:{s}" for lang, phrase in self.glossary.expand(query) for s in stems(phrase, lang)]
            if extra:
                scores = scores + self.expansion_weight * idx.index.scores(extra)
        mask = idx.mask(filters)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        return scores

    def knows(self, word: str) -> bool:
        """Whether any passage contains ``word`` (stemmed as Spanish or English, or as it is), or a part of it;
        words of one or two letters count as known."""
        index = self.current().index
        parts = [p for p in words(word) if len(p) >= 3]
        if not parts:
            return True
        for part in parts:
            tokens = [f"{lang}:{s}" for lang in MAIN_LANGUAGES for s in stems(part, lang, keep_stopwords=True)]
            if any(seg.df(t) for t in tokens + [f"{OTHER}:{fold(part)}"] for seg in index.segments):
                return True
        return False

    def language_share(self, language: str) -> float:
        """The share of indexed passages in ``language`` (deleted rows included: an approximation that is fine
        for the question it answers, whether a language is well represented)."""
        idx = self.current()
        cached = getattr(idx, "_shares", None)
        if cached is None:
            counts: dict[str, int] = {}
            for f in idx.fields:
                counts[f.get("language") or ""] = counts.get(f.get("language") or "", 0) + 1
            total = sum(counts.values()) or 1
            cached = {k: v / total for k, v in counts.items()}
            idx._shares = cached  # type: ignore[attr-defined]  # computed once per loaded index
        return cached.get(language, 0.0)

    def content_words(self, query: str) -> list[str]:
        """The words of ``query`` that are no stop word in Spanish or English (at least 3 letters)."""
        return [w for w in words(query) if len(w) >= 3 and not is_stopword(w)]

    def scored(
        self, query: str, n: int, filters: Filters = Filters(), *, expand: bool = True
    ) -> list[tuple[str, float, str]]:
        """(chunk id, BM25 score, passage language) of the ``n`` best-scoring passages that match ``filters``."""
        return self.scorer(query, n, filters, expand=expand)()

    def scorer(
        self, query: str, n: int, filters: Filters = Filters(), *, expand: bool = True
    ) -> Callable[[], list[tuple[str, float, str]]]:
        """``scored`` in two steps, so that the search can run the BM25 work in another thread while the query is
        embedded: this call reads the manifest (SQLite: it stays in the calling thread) to fix the index of the
        current generation; the function it returns only computes on that index, in any thread."""
        idx = self.current()

        def run() -> list[tuple[str, float, str]]:
            scores = self._scores(idx, query, filters, expand)
            if n <= 0 or not len(scores):
                return []
            rows, fields = idx.index.rows_ids, idx.fields
            return [(rows[i], float(scores[i]), fields[i].get("language") or "") for i in top_rows(scores, n)]

        return run

    def search(self, query: str, n: int, filters: Filters = Filters(), *, expand: bool = True) -> list[str]:
        """Chunk ids of the ``n`` best-scoring passages that match ``filters`` (only those with a positive score)."""
        idx, scores = self.scores(query, filters, expand=expand)
        if n <= 0 or not len(scores):
            return []
        return [idx.index.rows_ids[i] for i in top_rows(scores, n)]
