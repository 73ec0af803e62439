"""The typed records that flow through policy-kb: document, page, chunk, hit, citation, filters, ingestion outcomes."""

from __future__ import annotations

from dataclasses import Field, dataclass, field, fields
from enum import Enum
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    import numpy as np

# --- the schema: every document and chunk field, defined once ---------------------------------------------
# Each field of DocumentMeta, Document and Chunk is a column of the manifest (added to an older manifest when it
# opens). Its metadata says where else it goes:
#   filter  a chunk's value is stored with its vector and in the BM25 filter table (True: the field itself; a
#           string: the attribute that gives the value, e.g. a research note filters by the year of what it
#           summarises); Filters selects on these names
#   json    in each hit of `kb search --json` (default True)
#   sql     the column's declaration, when it is more than its type (keys)
# So adding a document field is one line in DocumentMeta (plus setting it where metadata is read); the manifest,
# the JSON output and the exports follow. See docs/architecture.md.


def _f(
    default: Any = "",
    *,
    filter: bool | str = False,
    json: bool = True,
    sql: str = "",
    factory: Callable[[], Any] | None = None,
) -> Any:
    meta = {"filter": filter, "json": json, "sql": sql}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


ALL_KINDS = ("content", "title", "toc", "references", "index", "table", "note")  # passage kinds, see kb/passage_kind.py


def summary_of(title: str, publisher: str, year: int | None) -> str:
    """ "Title, Publisher, Year" with the unknown parts left out; "" without a title."""
    return ", ".join(str(x) for x in (title, publisher, year) if x) if title else ""


@dataclass
class DocumentMeta:
    """What is known about a document. Empty strings / None mean unknown, never guessed."""

    title: str = _f()
    publisher: str = _f()
    year: int | None = _f(None, filter="content_year")
    jurisdiction: str = _f(filter=True)
    level: str = _f(filter=True)
    doc_type: str = _f(filter=True)
    language: str = _f(json=False)  # the document's; each chunk has its own, and that one is in the JSON
    topics: list[str] = _f(factory=list)
    url: str = _f()
    licence: str = _f()
    # The primary document a research note summarises (issue #11), from the catalog: the note's own fields above
    # describe the note; these describe what it is about. source_note says why one of them is empty.
    source_title: str = _f()
    source_publisher: str = _f()
    source_year: int | None = _f(None)
    source_url: str = _f()
    source_note: str = _f()

    @property
    def content_year(self) -> int | None:
        """The year a reader filters by: the summarised document's year when there is one, else the document's."""
        return self.source_year or self.year

    @property
    def summarises(self) -> str:
        """ "Title, Publisher, Year" of the summarised document, or "" for a document that is its own source."""
        return summary_of(self.source_title, self.source_publisher, self.source_year)

    def merged_over(self, fallback: DocumentMeta) -> DocumentMeta:
        """Fields of self where known, else those of ``fallback``."""
        out = DocumentMeta()
        for f in fields(DocumentMeta):
            mine = getattr(self, f.name)
            setattr(out, f.name, mine if mine not in ("", None, []) else getattr(fallback, f.name))
        return out


@dataclass
class Document(DocumentMeta):
    """A document as the store holds it: what is known about it, and the facts of its ingestion."""

    doc_id: str = _f(filter=True, sql="TEXT PRIMARY KEY")  # content hash of the file's bytes
    source: str = _f(sql="TEXT NOT NULL UNIQUE")  # absolute path of the file
    page_count: int = _f(0, json=False)
    empty_pages: int = _f(0, json=False)
    chunk_count: int = _f(0, json=False)
    file_size: int = _f(0, json=False)
    settings: str = _f(json=False)  # embedder, chunking and pipeline version it was ingested with
    ingested_at: float = _f(0.0, json=False)

    @classmethod
    def of(cls, meta: DocumentMeta, **facts: Any) -> Document:
        """``meta`` with the ingestion facts (doc_id, source, page_count …)."""
        return cls(**{f.name: getattr(meta, f.name) for f in fields(DocumentMeta)}, **facts)


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
class Chunk:
    """A passage of a document: the unit that is embedded, indexed, searched and cited. ``doc`` is its document
    (one shared record per document, never copied field by field)."""

    chunk_id: str = _f(sql="TEXT PRIMARY KEY", json=False)  # "<doc_id>:<settings tag><ordinal>"
    doc_id: str = _f(filter=True, sql="TEXT NOT NULL")
    ordinal: int = _f(0, json=False)
    text: str = _f(json=False)  # last in the JSON, after the citation fields (hit_json puts it there)
    page_start: int = _f(0)
    page_end: int = _f(0)
    section: str = _f()
    language: str = _f(filter=True)
    kind: str = _f("content", filter=True, sql="TEXT NOT NULL DEFAULT 'content'")  # see kb/passage_kind.py
    # Where the passage's sentences are, as kb.text.sentence_spans records them at ingestion ("0:112 113:240 …"),
    # so answers do not run the sentence splitter at question time. "" for passages stored before the field (or not
    # content): they are split when quoted (kb/answer.py).
    sentences: str = _f(json=False)
    doc: Document = field(default_factory=Document, metadata={"stored": False})

    def filter_values(self) -> dict[str, Any]:
        """The values filters select on (stored with the vector and in the BM25 filter table); unknown ones are
        left out, never stored as fake values."""
        out = {}
        for name, source, on_chunk in FILTER_SPEC:
            value = getattr(self if on_chunk else self.doc, source)
            if value not in ("", None):
                out[name] = value
        return out

    def to_json(self) -> dict[str, Any]:
        """The chunk's and its document's JSON fields (a chunk field wins a name both have: ``language``)."""
        out = {f.name: getattr(self.doc, f.name) for f in fields(Document) if f.metadata.get("json", True)}
        out.update({f.name: getattr(self, f.name) for f in stored_fields(Chunk) if f.metadata.get("json", True)})
        return out


def stored_fields(record: type) -> list[Field[Any]]:
    """The fields of a record that are manifest columns."""
    return [f for f in fields(record) if f.metadata.get("stored", True)]


# (name, attribute, on the chunk?) of every filter field: what chromadb and BM25 store beside each passage.
FILTER_SPEC: tuple[tuple[str, str, bool], ...] = tuple(
    [(f.name, f.name, True) for f in stored_fields(Chunk) if f.metadata.get("filter")]
    + [
        (f.name, f.name if f.metadata["filter"] is True else str(f.metadata["filter"]), False)
        for f in fields(Document)
        if f.metadata.get("filter") and f.name not in {g.name for g in fields(Chunk)}
    ]
)
FILTER_KEYS = tuple(name for name, _, _ in FILTER_SPEC)


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
            (self.languages, md.get("language")),
            (self.jurisdictions, md.get("jurisdiction")),
            (self.levels, md.get("level")),
            (self.doc_types, md.get("doc_type")),
            (self.doc_ids, md.get("doc_id")),
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
        for key, allowed in (
            ("jurisdiction", self.jurisdictions),
            ("level", self.levels),
            ("doc_type", self.doc_types),
            ("doc_id", self.doc_ids),
        ):
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
    source_title: str = ""  # the summarised document's own fields, for the one-sentence attribution
    source_publisher: str = ""
    source_year: int | None = None

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
    """One search: the hits, and whether the collection has nothing that answers the query (``relevance``, the best
    dense similarity calibrated for the same-language bonus plus a multiple of its lead over the 10th best, is below
    ``floor`` = ``KB_RELEVANCE_FLOOR``; kb/relevance.py). The hits are then the nearest passages, not answers."""

    hits: list[Hit]
    nothing_relevant: bool
    best_similarity: float | None  # the evidence: None when no dense leg ran
    floor: float
    query_language: str = ""
    unknown_names: list[str] = field(default_factory=list)  # names in the query that no passage mentions
    relevance: float | None = None  # what is compared with ``floor``: None when no dense leg ran

    def relevance_json(self) -> dict[str, Any]:
        """The verdict and its evidence, for ``--json`` outputs."""
        best = None if self.best_similarity is None else round(self.best_similarity, 4)
        return {
            "nothing_relevant": self.nothing_relevant,
            "best_similarity": best,
            "relevance": None if self.relevance is None else round(self.relevance, 4),
            "floor": self.floor,
            "unknown_names": list(self.unknown_names),
        }


@dataclass(eq=False)
class Query:
    """One question as it is searched, computed once and handed to every stage: the text (stripped and checked),
    its guessed language, and its e5 query vector (None until the first dense search embeds it; that search fills
    it in, so a second search of the same query does not embed it again)."""

    text: str
    language: str
    vector: "np.ndarray | None" = None


@dataclass
class Response:
    """What ``KnowledgeBase.ask`` returns: the search (hits and the "nothing relevant" verdict with its evidence)
    and the extractive answer, which is None when the collection has nothing that answers the query (it would
    answer another question) or when no answer was asked for."""

    query: Query
    result: SearchResult
    answer: Any = None  # kb.answer.answer.Answer | None (records import nothing of kb: no import cycle)
    seconds: dict[str, float] = field(default_factory=dict)  # "search", "answer": where the time went

    @property
    def hits(self) -> list[Hit]:
        return self.result.hits

    @property
    def nothing_relevant(self) -> bool:
        return self.result.nothing_relevant


class Outcome(str, Enum):
    INGESTED = "ingested"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


class Message(str):
    """A message to people (an ingestion reason or warning): its English text, which is what it is as a string (the
    CLI prints it, JSON reports keep it), plus the catalogue key and parameters it was made from
    (``ingest/messages.py``), so a reader in another language gets it rendered from those, never parsed back.
    A parameter may itself be a ``Message`` (a reason inside a reason)."""

    key: str
    params: dict[str, object]

    def __new__(cls, text: str, key: str, params: dict[str, object]) -> Message:
        self = super().__new__(cls, text)
        self.key = key
        self.params = dict(params)
        return self

    def __reduce__(self) -> tuple[type[Message], tuple[str, str, dict[str, object]]]:
        # Pickled as itself (through the reader process's pipe, by deepcopy in dataclasses.asdict).
        return (Message, (str(self), self.key, self.params))

    def ref(self) -> dict[str, Any]:
        """The key and parameters as JSON (what the ingestion log stores beside the text)."""
        return {
            "key": self.key,
            "params": {k: v.ref() if isinstance(v, Message) else str(v) for k, v in self.params.items()},
        }


@dataclass
class FileReport:
    path: str
    outcome: Outcome
    reason: str = ""  # a Message when the ingestion wrote it through the catalogue
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
