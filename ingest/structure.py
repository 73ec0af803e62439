"""From an extracted document to what is stored: cleaned text, sections, the document's language, passages with
their language, kind and sentences, and the text each passage is embedded with. Runs in the worker process of
``ingest/sandbox.py`` (under the file's time limit), so it imports nothing of the pipeline that drives it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ingest.chunk import ChunkSettings, chunk_blocks
from ingest.clean import clean_pages, describe_removed, join_hyphenated, normalise
from ingest.errors import IngestError
from ingest.extract import Extracted
from ingest.language import detect_language, passage_language
from ingest.messages import message
from ingest.metadata import resolve_metadata
from ingest.ocr import ocr_page_numbers
from ingest.sections import markdown_blocks, page_blocks
from kb.passage_kind import CONTENT, TITLE, classify
from kb.records import Chunk, Document, DocumentMeta
from kb.text import MAIN_LANGUAGES, sentence_spans


@dataclass
class Prepared:
    """A document ready to store: its chunks and the text each is embedded with (only content passages are)."""

    doc_id: str
    meta: DocumentMeta
    doc: Document  # what the store keeps of it (the chunks share it); file size and settings are set by the caller
    chunks: list[Chunk]
    embed_texts: list[str]
    page_count: int
    empty_pages: int
    warnings: list[str]
    ocr_pages: list[int] = field(default_factory=list)  # pages whose text was read by OCR
    unread_images: int = 0  # image-only pages left unread (OCR off or unavailable)

    @property
    def dense_texts(self) -> list[str]:
        """What reaches the model: the embed texts of content passages only. Title blocks, tables of contents,
        reference lists and indexes are never searched densely (they stay in the lexical index, when asked for)."""
        return [t for t, c in zip(self.embed_texts, self.chunks) if c.kind == CONTENT]


def structure(
    path: Path,
    extracted: Extracted,
    doc_id: str,
    chunking: ChunkSettings,
    *,
    min_lang_words: int = 12,
    version: str = "",
) -> Prepared:
    """An extracted document → cleaned text, sections, language, passages and the text each is embedded with."""
    meta, _ = resolve_metadata(path, extracted.meta)
    warnings = list(extracted.warnings)
    if extracted.kind == "markdown":
        text = join_hyphenated(normalise(extracted.pages[0].text))
        blocks = markdown_blocks(text)
    else:
        pages, removed = clean_pages(extracted.pages)
        blocks = page_blocks(pages)
        if removed and not any(b.text.strip() for b in blocks):
            # Every line repeats on every page (a one-line leaflet, a rotated label): that is the content,
            # not a running header. Keep it rather than lose the document.
            pages, removed = clean_pages(extracted.pages, strip_edges=False)
            blocks = page_blocks(pages)
        if removed:
            warnings.append(describe_removed(removed, sum(1 for p in extracted.pages if p.text.strip())))
    full_text = " ".join(b.text for b in blocks)
    if not full_text.strip():
        raise IngestError(message("doc.empty_after_cleaning"))
    # The document's language comes from its content: a title block or a reference list in another language
    # (a Spanish note citing English sources) must not decide it. A first guess chunks the text; the guess is then
    # checked on the content passages, and the text re-chunked in the rare case it changes.
    body = " ".join(b.text for b in blocks if b.kind != TITLE) or full_text
    doc_language = meta.language or document_language(body)
    passages = chunk_blocks(blocks, chunking, language=doc_language)
    kinds = passage_kinds(passages)
    if not meta.language:
        content = " ".join(p.text for p, k in zip(passages, kinds) if k == CONTENT)
        checked = (document_language(content) or doc_language) if content else doc_language
        if checked != doc_language:
            doc_language = checked
            passages = chunk_blocks(blocks, chunking, language=doc_language)
            kinds = passage_kinds(passages)
    meta.language = doc_language
    if not doc_language:
        warnings.append(message("warn.language_unknown"))
    elif doc_language not in MAIN_LANGUAGES:
        # Kept and searchable (the "other languages" leg), never dropped: the user decides what it is worth.
        warnings.append(message("warn.language_other", language=doc_language))
    doc = Document.of(
        meta, doc_id=doc_id, source=str(path), page_count=extracted.page_count, empty_pages=extracted.empty_pages
    )
    chunks: list[Chunk] = []
    texts: list[str] = []
    for ordinal, (p, kind) in enumerate(zip(passages, kinds)):
        # A reference list or a title block takes the document's language: its own (the cited works', a title's
        # few words) says nothing about the document and mis-tagged such passages in results.
        lang = passage_language(p.text, doc_language, min_words=min_lang_words) if kind == CONTENT else doc_language
        chunks.append(
            Chunk(
                chunk_id=f"{doc_id}:{version}{ordinal:05d}",
                doc_id=doc_id,
                ordinal=ordinal,
                text=p.text,
                page_start=p.page_start,
                page_end=p.page_end,
                section=p.section,
                language=lang,
                kind=kind,
                # Split once here, as answers split it (same function, the passage's language), instead of at
                # every question: that was most of what answering added to a search (docs/evaluation.md, "Extractive answers").
                sentences=sentence_spans(p.text, lang) if kind == CONTENT else "",
                doc=doc,
            )
        )
        # Title and section give a passage its context ("Pilar 2" means little alone).
        texts.append(" — ".join(x for x in (meta.title, p.section) if x) + "\n" + p.text)
    others = sorted({c.language for c in chunks if c.language and c.language not in MAIN_LANGUAGES} - {doc_language})
    if others and doc_language in MAIN_LANGUAGES:
        warnings.append(message("warn.passages_other_language", languages=", ".join(others)))
    return Prepared(
        doc_id,
        meta,
        doc,
        chunks,
        texts,
        extracted.page_count,
        extracted.empty_pages,
        warnings,
        ocr_page_numbers(extracted.pages),
        len(extracted.scanned),
    )


def document_language(text: str, *, parts: int = 10, size: int = 2000) -> str:
    """The language of most of a document: the majority of ``parts`` samples spread through it, not the language
    of its first pages (a title page, an English summary before a Spanish report). langdetect on one mixed sample
    is no vote: 20 % English and 80 % Spanish in one string came out English."""
    from collections import Counter

    if len(text) <= parts * size:
        return detect_language(text, fallback="", min_words=5)
    step = len(text) // parts
    votes = Counter(detect_language(text[i * step : i * step + size], fallback="", min_words=5) for i in range(parts))
    votes.pop("", None)
    return votes.most_common(1)[0][0] if votes else ""


def passage_kinds(passages) -> list[str]:
    """Each passage's kind: a title block as the layout marked it, the rest from the shape of its text."""
    return [p.kind or classify(p.text, first=i == 0) for i, p in enumerate(passages)]
