"""The typed records that flow through policy-kb: document, page, chunk, hit, citation, filters, ingestion outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

ALL_KINDS = ("content", "title", "toc", "references", "index")  # passage kinds, see kb/passage_kind.py


def summary_of(title: str, publisher: str, year: int | None) -> str:
    """ "Title, Publisher, Year" with the unknown parts left out; "" without a title."""
    return ", ".join(str(x) for x in (title, publisher, year) if x) if title else ""


@dataclass
class DocumentMeta:
    """What is known about a document. Empty strings / None mean unknown, never guessed."""

    title: str = ""
    publisher: str = ""
    year: int | None = None
    jurisdiction: str = ""
    level: str = ""
    doc_type: str = ""
    language: str = ""
    topics: list[str] = field(default_factory=list)
    url: str = ""
    licence: str = ""
    # The primary document a research note summarises (issue #11), from the catalog: the note's own fields above
    # describe the note; these describe what it is about. source_note says why one of them is empty.
    source_title: str = ""
    source_publisher: str = ""
    source_year: int | None = None
    source_url: str = ""
    source_note: str = ""

    @property
    def content_year(self) -> int | None:
        """The year a reader filters by: the summarised document's year when there is one, else the document's."""
        return self.source_year or self.year

    @property
    def summarises(self) -> str:
        """ "Title, Publisher, Year" of the summarised document, or "" for a document that is its own source."""
        return summary_of(self.source_title, self.source_publisher, self.source_year)

    def merged_over(self, fallback: "DocumentMeta") -> "DocumentMeta":
        """Fields of self where known, else those of ``fallback``."""
        out = DocumentMeta()
        for name in self.__dataclass_fields__:
            mine = getattr(self, name)
            setattr(out, name, mine if mine not in ("", None, []) else getattr(fallback, name))
        return out


@dataclass
class Page:
    """One page of extracted text; ``number`` is 1-based as printed in a PDF viewer."""

    number: int
    text: str
    ocr: bool = False  # the text was read by OCR from the page's image, not taken from a text layer


@dataclass
class Block:
    """A run of text on one page under one section heading (the unit the chunker works from)."""

    page: int
    section: str
    text: str
    kind: str = ""  # "title" where the page layout says so (a title block); else told from the passage's text


@dataclass
class Document:
    doc_id: str  # content hash of the file's bytes
    source: str  # absolute path of the file
    meta: DocumentMeta
    pages: list[Page]
    page_count: int
    empty_pages: int = 0


@dataclass
class Chunk:
    chunk_id: str  # "<doc_id>:<ordinal>"
    doc_id: str
    ordinal: int
    text: str
    page_start: int
    page_end: int
    section: str
    language: str
    kind: str = "content"  # content / title / toc / references / index (kb/passage_kind.py)
    # Document fields carried for filtering and citation.
    title: str = ""
    publisher: str = ""
    year: int | None = None
    jurisdiction: str = ""
    level: str = ""
    doc_type: str = ""
    source: str = ""
    url: str = ""
    # ``year`` above is the content year (the summarised document's, for a research note) so that filters and
    # cards use it; ``doc_year`` is the document's own year, which its citation gives. ``summarises`` names the
    # primary document a note summarises ("" otherwise), ``source_url`` where that document can be opened. None of
    # them is stored with the vectors.
    doc_year: int | None = None
    summarises: str = ""
    source_url: str = ""

    def metadata(self) -> dict[str, Any]:
        """chromadb metadata: scalar values only, unknown fields left out (never stored as fake values)."""
        raw = {
            "doc_id": self.doc_id, "ordinal": self.ordinal, "page_start": self.page_start,
            "page_end": self.page_end, "section": self.section, "language": self.language, "kind": self.kind,
            "title": self.title, "publisher": self.publisher, "year": self.year,
            "jurisdiction": self.jurisdiction, "level": self.level, "doc_type": self.doc_type,
            "source": self.source, "url": self.url,
        }
        return {k: v for k, v in raw.items() if v not in ("", None)}


@dataclass(frozen=True)
class Filters:
    """Search filters; empty means "any". Applied inside every retrieval leg. ``kinds`` is the exception: by default
    only content passages are searched (title blocks, tables of contents, reference lists and indexes only when
    asked for, e.g. ``kinds=("references",)`` or ``ALL_KINDS``)."""

    languages: tuple[str, ...] = ()
    jurisdictions: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    year_min: int | None = None
    year_max: int | None = None
    doc_ids: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ("content",)

    def matches(self, md: dict[str, Any]) -> bool:
        """The same test as ``where()``, for legs that do not run inside chromadb."""
        checks = [
            (self.languages, md.get("language")), (self.jurisdictions, md.get("jurisdiction")),
            (self.levels, md.get("level")), (self.doc_types, md.get("doc_type")), (self.doc_ids, md.get("doc_id")),
        ]
        if any(allowed and value not in allowed for allowed, value in checks):
            return False
        if md.get("kind") and md["kind"] not in self.kinds:
            return False  # no kind: a row from before passage kinds; the search reads its kind from the manifest
        year = md.get("year")
        if self.year_min is not None and (year is None or year < self.year_min):
            return False
        if self.year_max is not None and (year is None or year > self.year_max):
            return False
        return True

    def where(self) -> dict[str, Any] | None:
        """A chromadb ``where`` clause; values are passed as data, never interpolated. Kinds are not in it: only
        content passages have vectors (older stores' others are dropped when hits are read from the manifest)."""
        clauses: list[dict[str, Any]] = []
        for key, allowed in (("jurisdiction", self.jurisdictions), ("level", self.levels),
                             ("doc_type", self.doc_types), ("doc_id", self.doc_ids)):
            if allowed:
                clauses.append({key: {"$in": list(allowed)}})
        if self.languages:
            clauses.append({"language": {"$in": list(self.languages)}})
        if self.year_min is not None:
            clauses.append({"year": {"$gte": int(self.year_min)}})
        if self.year_max is not None:
            clauses.append({"year": {"$lte": int(self.year_max)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass(frozen=True)
class Citation:
    title: str
    publisher: str
    year: int | None
    page_start: int
    page_end: int
    section: str
    source: str
    url: str
    doc_id: str
    jurisdiction: str = ""
    language: str = ""
    summarises: str = ""  # "Title, Publisher, Year" of the primary document a research note summarises
    source_url: str = ""  # where that primary document can be opened ("" when no public copy was found)

    @property
    def pages(self) -> str:
        if not self.page_start:
            return ""
        if self.page_end and self.page_end != self.page_start:
            return f"pp. {self.page_start}–{self.page_end}"
        return f"p. {self.page_start}"


@dataclass
class Hit:
    chunk: Chunk
    score: float
    rank: int
    legs: list[str]  # which retrieval legs found it, e.g. ["dense:es", "lexical"]
    citation: Citation


@dataclass
class SearchResult:
    """One search: the hits, and whether the collection has nothing that answers the query (the best dense
    similarity, calibrated for the same-language bonus, is below ``floor`` = ``KB_RELEVANCE_FLOOR``). The hits
    are then the nearest passages, not answers."""

    hits: list[Hit]
    nothing_relevant: bool
    best_similarity: float | None  # the evidence: None when no dense leg ran
    floor: float
    query_language: str = ""
    unknown_names: list[str] = field(default_factory=list)  # names in the query that no passage mentions

    def relevance_json(self) -> dict[str, Any]:
        """The verdict and its evidence, for ``--json`` outputs."""
        best = None if self.best_similarity is None else round(self.best_similarity, 4)
        return {"nothing_relevant": self.nothing_relevant, "best_similarity": best, "floor": self.floor,
                "unknown_names": list(self.unknown_names)}


class Outcome(str, Enum):
    INGESTED = "ingested"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass
class FileReport:
    path: str
    outcome: Outcome
    reason: str = ""
    doc_id: str = ""
    chunks: int = 0
    pages: int = 0
    empty_pages: int = 0
    language: str = ""
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # pages whose text was read by OCR


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    embedded: int = 0  # passages actually sent to the model (cache misses)
    reused: int = 0  # passages whose vectors came from the cache
    seeded: int = 0  # vectors added to the cache from files shipped with the collection (``_vectors/``)
    not_embedded: int = 0  # non-content passages (title blocks, contents, references, indexes): lexical only
    seconds: float = 0.0

    def count(self, outcome: Outcome) -> int:
        return sum(1 for f in self.files if f.outcome is outcome)

    @property
    def ok(self) -> bool:
        return self.count(Outcome.FAILED) == 0
