"""The Python API: open a knowledge base, ingest into it, search it, list and delete documents.

    from kbapp import open_kb
    kb = open_kb("store")
    kb.ingest(["corpus/"])
    for hit in kb.search("supplier development", language="es"):
        print(hit.citation.title, hit.citation.pages, hit.chunk.text[:80])

``KnowledgeBase.open`` alone searches, lists and deletes; ingestion needs an ``Ingestor`` (``kb/ingestor.py``), which
``open_kb`` plugs in (``kb`` never imports ``ingest``). Every write goes through the write port ``KnowledgeBase.index``
(``kb/index.py``); the ingestor receives that port, not the facade.
"""

from __future__ import annotations

import time
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable, Sequence

from kb.config import Config
from kb.embedding import Embedder, QueryVectors, load_embedder
from kb.errors import KbError
from kb.index import Index
from kb.ingestor import IngestOptions, Ingestor
from kb.records import ALL_KINDS, Document, Filters, Hit, IngestReport, Query, Response, SearchResult
from kb.search.search import QueryError, Searcher, SearchTrace, check_k
from kb.store import ingest_log
from kb.store.store import Store, require_store


def _tuple(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return tuple(value)


def make_filters(
    *,
    language: Any = None,
    jurisdiction: Any = None,
    level: Any = None,
    doc_type: Any = None,
    year: tuple[int | None, int | None] | None = None,
    doc_id: Any = None,
    kind: Any = None,
) -> Filters:
    """Filters from friendly arguments: a value, a comma-separated string, or a list for each field. ``kind``:
    passage kinds to search (default content only; "all", or e.g. "references,toc")."""
    year_min, year_max = year if year else (None, None)
    # Language codes are lower-case ISO 639-1 ("ES" and " es" mean "es").
    return Filters(
        languages=tuple(l.lower() for l in _tuple(language)),
        jurisdictions=tuple(j.upper() for j in _tuple(jurisdiction)),
        levels=_tuple(level),
        doc_types=_tuple(doc_type),
        year_min=year_min,
        year_max=year_max,
        doc_ids=_tuple(doc_id),
        kinds=kinds_filter(kind),
    )


def kinds_filter(kind: Any) -> tuple[str, ...]:
    """Passage kinds from a friendly value; a clear error for an unknown one."""
    wanted = tuple(k.lower() for k in _tuple(kind))
    if not wanted:
        return Filters().kinds
    if "all" in wanted:
        return ALL_KINDS
    unknown = [k for k in wanted if k not in ALL_KINDS]
    if unknown:
        raise QueryError(f"unknown passage kind {', '.join(unknown)}: use {', '.join(ALL_KINDS)} or all")
    return wanted


class KnowledgeBase:
    """A store, its embedder and its searcher. Cheap to keep, expensive to create: make one per process."""

    def __init__(
        self,
        config: Config | None = None,
        *,
        embedder: Embedder | None = None,
        ingestor: Ingestor | None = None,
        create: bool = True,
    ) -> None:
        """``create=False``: raise ``kb.store.StoreNotFound`` rather than create an empty store where there is none
        (what a search wants: an empty store would answer every query with nothing)."""
        self.config = config or Config.from_env()
        if not create:
            require_store(self.config)
        self.embedder = embedder or load_embedder(
            self.config.embedder, self.config.query_prompt, self.config.passage_prompt
        )
        self.store = Store(self.config, self.embedder)
        self.store.repair_if_idle()
        self.ingestor = ingestor
        self.query_vectors = QueryVectors()  # the ask path's query-vector cache (kb/embedding.py)

    @classmethod
    def open(
        cls, store: str | Path | None = None, *, ingestor: Ingestor | None = None, create: bool = True, **overrides: Any
    ) -> "KnowledgeBase":
        return cls(Config.from_env(store=store, **overrides), ingestor=ingestor, create=create)

    @cached_property
    def searcher(self) -> Searcher:
        return Searcher(self.store, extra_legs=self._extra_legs())

    def _extra_legs(self) -> list:
        return [self.lexical] if self.config.lexical else []

    @cached_property
    def glossary(self):
        """The ES↔EN glossary of policy terms (None when KB_GLOSSARY is off)."""
        if not self.config.glossary:
            return None
        from kb.search.glossary import Glossary

        return Glossary.load(self.config.glossary_path or None)

    @cached_property
    def lexical(self):
        """The BM25 leg, stored beside the vectors and reloaded when the manifest's generation changes."""
        from kb.store.lexical import LexicalIndex

        return LexicalIndex(
            self.config.lexical_path,
            self.store.manifest,
            glossary=self.glossary,
            expansion_weight=self.config.glossary_weight,
        )

    @cached_property
    def index(self) -> Index:
        """The write port: ingestion, deletion and repair go through it, under the store's lock."""
        return Index(self.store, self.lexical)

    def search(
        self,
        query: str,
        k: int | None = None,
        *,
        filters: Filters | None = None,
        trace: SearchTrace | None = None,
        **filter_args: Any,
    ) -> list[Hit]:
        """Cited passages for ``query``; filter by language, jurisdiction, level, doc_type, year=(min, max)."""
        return self.searcher.search(query, k, filters or make_filters(**filter_args), trace=trace)

    def search_result(
        self,
        query: str,
        k: int | None = None,
        *,
        filters: Filters | None = None,
        trace: SearchTrace | None = None,
        **filter_args: Any,
    ) -> SearchResult:
        """Like ``search``, with the verdict: ``.hits``, ``.nothing_relevant`` (the collection has nothing that
        answers ``query``: the hits are only the nearest passages) and its evidence ``.relevance`` (kb/relevance.py)."""
        return self.searcher.search_result(query, k, filters or make_filters(**filter_args), trace=trace)

    def query(self, text: str | Query) -> Query:
        """The query record of ``text`` (checked, stripped, its language guessed), with its vector when this
        knowledge base has embedded the same text before. QueryError for an empty or too long query."""
        if isinstance(text, Query):
            return text
        q = self.searcher.query(text)
        q.vector = self.query_vectors.get(q.text)
        return q

    def ask(
        self,
        query: str | Query,
        k: int | None = None,
        filters: Filters | None = None,
        *,
        answer: bool = True,
        always_answer: bool = False,
        method: str | None = None,
        sentences: int | None = None,
        trace: SearchTrace | None = None,
    ) -> Response:
        """The one ask path (CLI, app and evaluation): the query record built once (text, language, vector), one
        search with its "nothing relevant" verdict, and (``answer``) the extractive answer quoted from the hits.
        No answer is quoted when nothing in the collection answers the query (it would answer another question),
        unless ``always_answer`` (the evaluation scores what would be quoted for every in-scope question)."""
        check_k(k)
        q = self.query(query)
        started = time.perf_counter()
        result = self.searcher.search_result(q, k, filters or Filters(), trace=trace)
        if q.vector is not None:
            self.query_vectors.put(q.text, q.vector)
        seconds = {"search": time.perf_counter() - started}
        found = None
        if answer and (always_answer or not result.nothing_relevant):
            started = time.perf_counter()
            found = self.answer(q.text, method=method, sentences=sentences, hits=result.hits)
            seconds["answer"] = time.perf_counter() - started
        return Response(q, result, found, seconds)

    def answer(
        self,
        query: str,
        k: int | None = None,
        *,
        method: str | None = None,
        sentences: int | None = None,
        filters: Filters | None = None,
        hits: list[Hit] | None = None,
        **filter_args: Any,
    ):
        """An extractive answer: the best sentences of the top hits (searched, unless ``hits`` are given), each with
        its [n] (the hit's rank)."""
        from kb.answer.answer import extract_answer

        if hits is None:
            hits = self.search(query, k, filters=filters, **filter_args)
        return extract_answer(
            query,
            hits,
            glossary=self.glossary,
            embedder=self.embedder,
            method=method or self.config.answer_method,
            max_sentences=sentences or self.config.answer_sentences,
            max_hits=self.config.answer_passages,
        )

    def ingest(
        self, paths: Iterable[str | Path], options: IngestOptions | None = None, *, origin: str = "api"
    ) -> IngestReport:
        """Ingest files and folders with the plugged-in ingestor, and keep the report for the Library page
        (``origin`` says who ran it). Raises ``kb.store.StoreLocked`` while another writer holds the store."""
        if self.ingestor is None:
            raise KbError(
                "this knowledge base has no ingestor: open it with kbapp.open_kb(), or pass "
                "ingestor=ingest.pipeline.ingest_into to KnowledgeBase"
            )
        report = self.ingestor(self.index, paths, options)
        ingest_log.save(self.config, report, origin=origin)
        return report

    def documents(self) -> list[Document]:
        return self.store.manifest.documents()

    def documents_for(self, hits: Sequence[Hit]) -> dict[str, Document]:
        """The records of the documents behind ``hits`` (what exports cite: URL, language, primary source)."""
        rows = {d: self.store.manifest.document(d) for d in {h.chunk.doc_id for h in hits}}
        return {d: row for d, row in rows.items() if row}

    def export(self, hits, fmt: str) -> str:
        """``hits`` as BibTeX, RIS, CSV or Markdown (one entry per document, its cited passages inside)."""
        from kb.search.citations import EXPORTERS

        return EXPORTERS[fmt](hits, self.documents_for(hits))

    def is_upload(self, source: str) -> bool:
        """Uploads live in the store's files folder and belong to the store; corpus files belong to the user."""
        try:
            return Path(source).resolve().is_relative_to(self.config.files_path.resolve())
        except OSError:
            return False

    def delete(self, doc_id: str) -> bool:
        """Remove a document from the store; an uploaded document's file (and its metadata sidecar) goes too."""
        doc = self.store.manifest.document(doc_id)
        gone = self.index.delete(doc_id)
        self.index.refresh()
        if doc and self.is_upload(doc.source):
            for path in (Path(doc.source), Path(doc.source + ".yaml")):
                path.unlink(missing_ok=True)
        return gone

    def stats(self):
        return self.store.stats()
