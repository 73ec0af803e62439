"""Search: dense retrieval per language → calibrated merge (+ a lexical bonus) → de-duplication → hits, and whether
anything relevant was found."""

from __future__ import annotations

import os
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Callable, Protocol

import numpy as np

from kb.compare.profiles import is_boilerplate
from kb.errors import KbError
from kb.records import Chunk, Filters, Hit, Query, SearchResult
from kb.search.citations import citation_for
from kb.search.fusion import calibrate, calibrated_dense, leg_language, lexical_bonus, pool_bias, within_groups
from kb.search.names import place_names
from kb.search.relevance import LEAD_RANK, NAMES_MIN_SHARE, judge, proper_names, relevance, unknown
from kb.store.store import Store
from kb.store.vectors import group_of
from kb.text import MAIN_LANGUAGES, fingerprint, guess_language, is_stopword, words

MAX_ASKED = 10_000  # a leg never asks the vector index for more candidates than this, orphans or not


class QueryError(KbError, ValueError):
    """A query that cannot be searched (empty, too long, a k below 1); the message says why, for a person."""


def check_query(query: str, max_chars: int) -> str:
    """The query stripped of surrounding space, or QueryError (also for a query with no visible character: only
    control or format characters such as NUL, or only spaces)."""
    text = (query or "").strip()
    if not any(unicodedata.category(ch)[0] not in "CZ" for ch in text):
        raise QueryError("empty query: type a question or some keywords")
    if max_chars and len(text) > max_chars:
        raise QueryError(
            f"query too long: {len(text):,} characters, the limit is {max_chars:,} "
            "(KB_MAX_QUERY_CHARS); shorten it to the question or a key paragraph"
        )
    return text


def check_k(k: int | None) -> None:
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 1):
        raise QueryError(f"the number of passages must be a whole number of at least 1, not {k!r}")


class Leg(Protocol):
    """An extra retrieval leg (e.g. BM25): scored chunk ids for a query under the same filters."""

    name: str

    def scored(self, query: str, n: int, filters: Filters) -> list[tuple[str, float, str]]:
        """(chunk id, score, passage language), best first."""
        ...

    def scorer(self, query: str, n: int, filters: Filters) -> Callable[[], list[tuple[str, float, str]]]:
        """``scored`` as a function to call later, in any thread: whatever needs the store's databases is read in
        the calling thread (SQLite connections are not shared across threads); the function only computes."""
        ...


@dataclass
class SearchTrace:
    """Where the time of one search went (seconds), for benchmarks and ``--explain``."""

    stages: dict[str, float] = field(default_factory=dict)
    # Work done in the worker thread while the stages above ran (not part of their sum): the lexical legs' scoring.
    beside: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, started: float) -> float:
        now = time.perf_counter()
        self.stages[stage] = self.stages.get(stage, 0.0) + now - started
        return now


class Searcher:
    """Runs one query through every leg. Same-language bias is why dense retrieval runs once per language."""

    def __init__(self, store: Store, *, extra_legs: list[Leg] | None = None) -> None:
        self.store = store
        self.config = store.config
        self.extra_legs = list(extra_legs or [])
        self._languages: tuple[int, list[str]] = (-1, [])
        self._values: dict[str, tuple[int, list[str]]] = {}
        self._sizes: tuple[int, dict[str, int]] = (-1, {})
        self._lock = threading.Lock()
        # Score the lexical legs in a worker thread while the query is embedded (on one CPU there is nothing to
        # overlap: no setting needed). The benchmark turns it off to time both ways in one run.
        self.parallel = _cpus() > 1

    def languages(self) -> list[str]:
        """Languages present in the store, re-read only when the manifest changes."""
        gen = self.store.manifest.generation()
        with self._lock:
            if self._languages[0] != gen:
                self._languages = (gen, self.store.manifest.languages())
            return self._languages[1]

    def language_sizes(self) -> dict[str, int]:
        """Content passages per language, re-read only when the manifest changes."""
        gen = self.store.manifest.generation()
        with self._lock:
            if self._sizes[0] != gen:
                self._sizes = (gen, self.store.manifest.language_sizes())
            return self._sizes[1]

    def language_bias(self, query_language: str) -> float:
        """What passages in the query's language lose before the language legs are merged: ``KB_LANGUAGE_BIAS``,
        less where that language has far fewer passages than the other (kb/fusion.py ``pool_bias``)."""
        weight = self.config.language_bias_pool_weight
        if not weight or query_language not in MAIN_LANGUAGES:
            return self.config.language_bias
        sizes = self.language_sizes()
        other = next(l for l in MAIN_LANGUAGES if l != query_language)
        return pool_bias(self.config.language_bias, weight, sizes.get(query_language, 0), sizes.get(other, 0))

    def check_languages(self, filters: Filters) -> None:
        """A language filter naming a language the store has no passage in finds nothing: say so, and which
        languages there are, rather than return no hits as if nothing matched."""
        if not filters.languages:
            return
        present = self.languages()
        absent = [l for l in filters.languages if l not in present]
        if absent:
            have = ", ".join(present) or "none (the store is empty)"
            raise QueryError(
                f"no passages in language {', '.join(repr(a) for a in absent)}; languages in this "
                f"store: {have} (ISO 639-1 codes, e.g. es, en)"
            )

    # Filters.<attribute>, the manifest's column, and the name a person uses for it (the CLI option).
    VALUE_FILTERS = (
        ("jurisdictions", "jurisdiction", "jurisdiction"),
        ("levels", "level", "level"),
        ("doc_types", "doc_type", "type"),
    )

    def values(self, column: str) -> list[str]:
        """The values of a document field present in the store, re-read only when the manifest changes."""
        gen = self.store.manifest.generation()
        with self._lock:
            if self._values.get(column, (-1, []))[0] != gen:
                self._values[column] = (gen, self.store.manifest.values(column))
            return self._values[column][1]

    def check_filters(self, filters: Filters) -> Filters:
        """``filters`` with each jurisdiction, level and type spelled as the store spells it (case aside), or
        QueryError naming the values no document has, with the ones there are (as for languages): a filter on a
        value nothing has would return no hits as if nothing matched. An empty year range is refused too."""
        self.check_languages(filters)
        if filters.year_min is not None and filters.year_max is not None and filters.year_min > filters.year_max:
            raise QueryError(
                f"empty year range: the earliest year ({filters.year_min}) is after the latest ({filters.year_max})"
            )
        spelled: dict[str, Any] = {}
        for attribute, column, label in self.VALUE_FILTERS:
            asked = getattr(filters, attribute)
            if not asked:
                continue
            have = {v.casefold(): v for v in self.values(column)}
            absent = [a for a in asked if a.casefold() not in have]
            if absent:
                there = ", ".join(have.values()) or "none (the store is empty)"
                raise QueryError(
                    f"no document has {label} {', '.join(repr(a) for a in absent)}; {label} values in this store: "
                    f"{there}"
                )
            spelled[attribute] = tuple(have[a.casefold()] for a in asked)
        return replace(filters, **spelled) if spelled else filters

    def dense_legs(self, filters: Filters) -> list[tuple[str, str, dict | None]]:
        """(leg name, language group, where clause) per language: Spanish, English, and one leg for all other
        languages. Each group has its own collection, so the es and en legs need no language clause (a metadata
        pre-filter is what made a leg slow on a large store); the other leg names languages only when asked to."""
        present = self.languages()
        wanted = [l for l in present if not filters.languages or l in filters.languages]
        rest = replace(filters, languages=()).where()
        legs = [(f"dense:{l}", l, rest) for l in MAIN_LANGUAGES if l in wanted]
        others = [l for l in wanted if l not in MAIN_LANGUAGES]
        if others:
            legs.append(
                (
                    "dense:other",
                    "other",
                    replace(filters, languages=tuple(others)).where() if filters.languages else rest,
                )
            )
        return legs

    def committed_neighbours(self, qvec: np.ndarray, n: int, where: dict | None, group: str) -> list:
        """The ``n`` nearest committed vectors of a language group. After a crash (or while an ingestion is
        writing) the index holds vectors the manifest does not name; they are dropped here and the index is asked
        for more, so that orphans never take a leg's candidate slots (issue 14: 12 orphans made an English search
        return nothing although 11 English passages were committed)."""
        asked = n
        while True:
            found = self.store.vectors.query(qvec, asked, where, with_embeddings=False, group=group)
            committed = self.store.manifest.committed([h.chunk_id for h in found])
            kept = [h for h in found if h.chunk_id in committed]
            if len(kept) >= n or len(found) < asked or asked >= MAX_ASKED:
                return kept[:n]
            asked = min(MAX_ASKED, asked * 4)

    def query(self, text: str) -> Query:
        """The query record: the text checked (QueryError) and stripped, its language guessed; the vector is
        filled in by the first dense search."""
        text = check_query(text, self.config.max_query_chars)
        return Query(text, guess_language(text))

    def search(
        self,
        query: str | Query,
        k: int | None = None,
        filters: Filters = Filters(),
        *,
        dense: bool = True,
        extra: bool = True,
        trace: SearchTrace | None = None,
        max_per_doc: int | None = None,
    ) -> list[Hit]:
        return self.search_result(
            query, k, filters, dense=dense, extra=extra, trace=trace, max_per_doc=max_per_doc
        ).hits

    def search_result(
        self,
        query: str | Query,
        k: int | None = None,
        filters: Filters = Filters(),
        *,
        dense: bool = True,
        extra: bool = True,
        trace: SearchTrace | None = None,
        max_per_doc: int | None = None,
    ) -> SearchResult:
        """The hits, and whether the best of them is below the relevance floor (nothing answers the query)."""
        check_k(k)
        q = query if isinstance(query, Query) else self.query(query)
        k = k or self.config.k
        filters = self.check_filters(filters)
        cap = self.config.max_per_doc if max_per_doc is None else max_per_doc
        trace = trace or SearchTrace()
        n = max(self.config.candidates, k * 3)
        qlang = q.language
        bias = self.language_bias(qlang)
        t = time.perf_counter()
        scores: dict[str, float] = {}
        found_by: dict[str, list[str]] = {}
        embeddings: dict[str, np.ndarray] = {}
        similarity: dict[str, float] = {}
        best: float | None = None
        rel: float | None = None
        qvec = None
        dense_group: dict[str, str] = {}  # the collection each dense hit came from, to read its vector if needed
        # The lexical legs need no query vector. The e5 engine embeds in C through ctypes, which releases the GIL,
        # so BM25 scoring (~5 ms beside a ~31 ms embedding at 100,000 passages) runs in a worker thread meanwhile, on
        # the core the one-thread query embedding leaves free (kb/embedding.py); the dense legs never wait for it
        # (it is joined after them). Each leg reads what it needs from the manifest here, in this thread; the worker
        # only computes. Results are the sequential ones (tests/kb/test_search.py). At 100,000 passages, one process,
        # the four ways alternating per query (80 queries, load 2.4): p50 53.1 ms sequential with a two-thread
        # embedding, 49.5 with the one-thread embedding alone, 53.0 with the worker alone (the two-thread team has
        # no core to spare), 46.2 with both.
        jobs = [(leg, leg.scorer(q.text, n, filters)) for leg in self.extra_legs] if extra else []
        if jobs:
            t = trace.add("lexical", t)
        running = [_worker().submit(_timed, job) for _, job in jobs] if dense and self.parallel else []
        if dense:
            if q.vector is None:
                q.vector = self.store.embedder.embed_query(q.text)
            qvec = q.vector
            t = trace.add("embed_query", t)
            lists: dict[str, list[tuple[str, float]]] = {}
            for name, group, where in self.dense_legs(filters):
                found = self.committed_neighbours(qvec, n, where, group)
                lists[name] = [(h.chunk_id, 1.0 - h.distance) for h in found]
                dense_group.update((h.chunk_id, group) for h in found)
                similarity.update(lists[name])
                t = trace.add(name, t)
            for cid, score, leg_name in calibrated_dense(lists, qlang, bias, self.config.language_bias):
                scores[cid] = score
                found_by[cid] = [leg_name]
            best = max(scores.values(), default=None)
            reference = self._unfiltered(qvec, qlang, bias) if filters.where() is not None else None
            rel = relevance(list(scores.values()), self.config.relevance_gap_weight, reference)
        if extra:
            for i, (leg, job) in enumerate(jobs):
                if running:
                    found, took = running[i].result()
                    trace.beside[leg.name] = trace.beside.get(leg.name, 0.0) + took
                else:
                    found = job()
                if qvec is None:  # lexical only (evaluation): BM25 order
                    for cid, score, _ in found:
                        scores[cid] = scores.get(cid, 0.0) + score
                        found_by.setdefault(cid, []).append(leg.name)
                else:
                    self._add_lexical(leg.name, q.text, found, qvec, qlang, scores, found_by, embeddings, similarity)
                t = trace.add(leg.name, t)
        # Ties (the same passage text in two documents): the closer vector wins.
        fused = sorted(
            ((cid, s, found_by[cid]) for cid, s in scores.items()),
            key=lambda x: (-round(x[1], 12), -similarity.get(x[0], 0.0), x[0]),
        )
        t = trace.add("fusion", t)
        # Committed versions only. Most lists fill from their head: read 3k rows first, the rest only if needed
        # (turning 120 rows into Chunk records was a third of this stage at 100k passages).
        ids = [cid for cid, _, _ in fused]
        head = max(3 * k, 20)
        chunks = self._wanted(self.store.manifest.chunks_by_id(ids[:head]), filters)
        self._read_vectors(ids[:head], chunks, dense_group, embeddings)
        hits = select(fused[:head], chunks, embeddings, k=k, max_per_doc=cap, similarity=self.config.dedup_similarity)
        if len(hits) < k and len(ids) > head:
            chunks.update(self._wanted(self.store.manifest.chunks_by_id(ids[head:]), filters))
            self._read_vectors(ids[head:], chunks, dense_group, embeddings)
            hits = select(fused, chunks, embeddings, k=k, max_per_doc=cap, similarity=self.config.dedup_similarity)
        t = trace.add("citations", t)
        nothing, names = self._nothing_relevant(q.text, rel if dense else None, qlang)
        if nothing and any(is_boilerplate(h.chunk) for h in hits):
            # Nothing answers: the hits are the nearest passages, and a profile's introduction and "not confirmed"
            # notes are near every such question (15 of the 200 nearest of the starter set's 20): drop them.
            chunks.update(self._wanted(self.store.manifest.chunks_by_id(ids[head:]), filters))
            self._read_vectors(ids[head:], chunks, dense_group, embeddings)
            shown = {cid: c for cid, c in chunks.items() if not is_boilerplate(c)}
            hits = select(fused, shown, embeddings, k=k, max_per_doc=cap, similarity=self.config.dedup_similarity)
        trace.add("relevance", t)
        return SearchResult(
            hits=hits,
            nothing_relevant=nothing or not hits,
            best_similarity=best,
            floor=self.config.relevance_floor,
            query_language=qlang,
            unknown_names=names,
            relevance=rel,
        )

    def _unfiltered(self, qvec: np.ndarray, qlang: str, bias: float) -> list[float]:
        """The calibrated similarities of the whole collection's ``LEAD_RANK`` nearest passages: the crowd the
        question's lead is measured in whatever the filters (kb/relevance.py). One small query per language leg
        (~1 ms each on the starter store), only when filters are set."""
        lists = {
            name: [(h.chunk_id, 1.0 - h.distance) for h in self.committed_neighbours(qvec, LEAD_RANK, where, group)]
            for name, group, where in self.dense_legs(Filters())
        }
        return [score for _, score, _ in calibrated_dense(lists, qlang, bias, self.config.language_bias)]

    def _nothing_relevant(self, query: str, score: float | None, qlang: str) -> tuple[bool, list[str]]:
        """The verdict of kb/relevance.py, with the names the collection never mentions (its evidence)."""
        # The BM25 leg also knows the collection's vocabulary (LexicalIndex.knows): the only leg that can say so.
        lexicon: Any = next((leg for leg in self.extra_legs if hasattr(leg, "knows")), None)
        names: list[str] = []
        all_unknown = False
        if lexicon is not None:
            if lexicon.language_share(qlang) >= NAMES_MIN_SHARE:
                capitalised = proper_names(query)
                if capitalised:  # Etiopía is mentioned where a passage says Ethiopia (kb/names.py)
                    places = place_names(self.config.glossary_path or None).mentioned(query, lexicon.knows)
                    names = unknown(capitalised, lexicon.knows, places)
            content = lexicon.content_words(query)
            all_unknown = bool(content) and not any(lexicon.knows(w) for w in content)
        verdict = judge(
            score,
            floor=self.config.relevance_floor,
            names_floor=self.config.relevance_floor_names,
            unknown_names=names,
            all_words_unknown=all_unknown,
        )
        return verdict, names

    def _add_lexical(
        self,
        name: str,
        query: str,
        found: list[tuple[str, float, str]],
        qvec: np.ndarray,
        qlang: str,
        scores: dict[str, float],
        found_by: dict[str, list[str]],
        embeddings: dict[str, np.ndarray],
        similarity: dict[str, float],
    ) -> None:
        """BM25 as a bonus on the calibrated similarity: at most ``KB_LEXICAL_BONUS``, for the best BM25 score among
        passages of the same language, × ``KB_LEXICAL_CROSS_WEIGHT`` (0) for passages not in the query's language.
        With ``KB_LEXICAL_WITHIN_LANGUAGE`` the bonus only reorders the passages of one language among themselves
        (``within_groups``): which language each rank holds stays dense search's choice. A passage only BM25 found
        is scored by its own stored vector, like every other candidate."""
        bias = self.language_bias(qlang)
        new = [cid for cid, _, _ in found if cid not in scores]
        # Each from its own language's collection only (one read instead of three).
        vectors = self.store.vectors.vectors(new, {cid: lang for cid, _, lang in found}) if new else {}
        # Non-content passages (reference lists, title blocks…, searched only when asked for) have no vector: they
        # start from the lowest score of the passages that have one and are ordered by their BM25 bonus.
        floor = min(scores.values(), default=0.0)
        for cid, _, lang in found:
            if cid in scores:
                continue
            if cid not in vectors:
                scores[cid], found_by[cid] = floor, []
                continue
            vec = vectors[cid]
            similarity[cid] = float(np.dot(qvec, vec))
            scores[cid] = calibrate(similarity[cid], group_of(lang), qlang, bias, self.config.language_bias)
            embeddings[cid] = vec
            found_by[cid] = []
        # A keyword lookup (a name or term of a few words, no stop word: "IMMEX", "Economic Development Board") is
        # what BM25 is for: its bonus is added across languages, as in the first round. A question (every passage
        # question of the evaluation has a stop word) is left to the within-language reordering.
        words_ = [w for w in words(query) if len(w) > 1]
        keywords = 0 < len(words_) <= self.config.lexical_keyword_words and not any(is_stopword(w) for w in words_)
        cross = self.config.lexical_keyword_cross_weight if keywords else self.config.lexical_cross_weight
        bonuses = {
            cid: bonus
            for cid, bonus in lexical_bonus(found, self.config.lexical_bonus, qlang, cross).items()
            if cid in scores
        }
        if self.config.lexical_within_language and not keywords:
            language = {cid: group_of(lang) for cid, _, lang in found}
            group = {
                cid: leg_language(legs[0]) if legs and legs[0].startswith("dense") else language.get(cid, "")
                for cid, legs in found_by.items()
            }
            scores.update(within_groups(scores, bonuses, group))
        else:
            for cid, bonus in bonuses.items():
                scores[cid] += bonus
        for cid in bonuses:
            found_by[cid].append(name)

    def _read_vectors(
        self, ids: list[str], chunks: dict[str, Chunk], groups: dict[str, str], embeddings: dict[str, np.ndarray]
    ) -> None:
        """Add the vectors of the dense hits among ``ids`` that can become hits (committed, of a kind asked for):
        de-duplication compares them. Only these are read, from their own collection: asking chromadb's query for
        the vectors of all 40 candidates of a leg cost ~4 ms per leg at 100,000 passages (7.1 ms instead of 3.0)."""
        wanted = [cid for cid in ids if cid in groups and cid in chunks and cid not in embeddings]
        if wanted:
            embeddings.update(self.store.vectors.vectors(wanted, groups))

    @staticmethod
    def _wanted(chunks: dict[str, Chunk], filters: Filters) -> dict[str, Chunk]:
        """Drop passages of kinds not asked for. Only a store written before passage kinds has vectors for them."""
        return {cid: c for cid, c in chunks.items() if (c.kind or "content") in filters.kinds}


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may run on (a container may get fewer)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@lru_cache(maxsize=1)
def _worker() -> ThreadPoolExecutor:
    """One worker thread per process for the lexical legs. A second search at the same time queues behind the first
    for a few milliseconds; its embedding waits for the embedder's lock anyway."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-lexical")


def _timed(job: Callable[[], list[tuple[str, float, str]]]) -> tuple[list[tuple[str, float, str]], float]:
    started = time.perf_counter()
    found = job()
    return found, time.perf_counter() - started


def shingles(fingerprint: str, size: int = 3) -> frozenset[tuple[str, ...]]:
    """Word ``size``-grams of a fingerprint: the unit of the near-duplicate test for hits without a vector."""
    ws = fingerprint.split()
    return frozenset(tuple(ws[i : i + size]) for i in range(max(1, len(ws) - size + 1)))


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


NEAR_DUPLICATE_JACCARD = 0.8  # the same paragraph re-issued with a changed word or two (a law's amended copy)


def select(
    fused: list[tuple[str, float, list[str]]],
    chunks: dict[str, Chunk],
    embeddings: dict[str, np.ndarray],
    *,
    k: int,
    max_per_doc: int,
    similarity: float,
) -> list[Hit]:
    """The top ``k`` committed chunks, skipping near-duplicates and more than ``max_per_doc`` per document."""
    hits: list[Hit] = []
    per_doc: dict[str, int] = {}
    seen_text: set[str] = set()
    kept_shingles: list[frozenset] = []
    kept_vectors: list[np.ndarray] = []
    for chunk_id, score, legs in fused:
        chunk = chunks.get(chunk_id)
        if chunk is None:
            continue  # uncommitted (an ingestion is writing it) or already replaced
        if max_per_doc and per_doc.get(chunk.doc_id, 0) >= max_per_doc:
            continue
        fp = fingerprint(chunk.text)
        if fp in seen_text:
            continue
        vec = embeddings.get(chunk_id)
        if vec is not None and kept_vectors and float(np.max(np.stack(kept_vectors) @ vec)) >= similarity:
            continue
        # Lexical-only hits carry no vector: compare their words instead.
        sh = shingles(fp)
        if any(jaccard(sh, other) >= NEAR_DUPLICATE_JACCARD for other in kept_shingles):
            continue
        kept_shingles.append(sh)
        seen_text.add(fp)
        if vec is not None:
            kept_vectors.append(vec)
        per_doc[chunk.doc_id] = per_doc.get(chunk.doc_id, 0) + 1
        hits.append(Hit(chunk=chunk, score=score, rank=len(hits) + 1, legs=sorted(legs), citation=citation_for(chunk)))
        if len(hits) >= k:
            break
    return hits
