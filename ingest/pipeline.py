"""The ingestion pipeline: find files, skip unchanged ones, extract → clean → chunk → detect → embed → store."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from ingest import garbage, shipped_vectors
from ingest.chunk import ChunkSettings, chunk_blocks
from ingest.clean import clean_pages, describe_removed, join_hyphenated, normalise
from ingest.errors import IngestError
from ingest.extract import SUPPORTED_SUFFIXES, Extracted, _ranges, extract
from ingest.language import detect_language, passage_language
from ingest.messages import message
from ingest.metadata import CATALOG_NAME, resolve_metadata
from ingest.ocr import OcrSettings, apply_ocr, ocr_page_numbers
from ingest.sandbox import Extractor
from ingest.sections import markdown_blocks, page_blocks
from kb.ingestor import IngestOptions
from kb.passage_kind import CONTENT, TITLE, classify
from kb.records import Chunk, Document, DocumentMeta, FileReport, IngestReport, Outcome
from kb.store import steps
from kb.store.store import StoreLocked
from kb.text import MAIN_LANGUAGES, sentence_spans

# Bump when extraction/cleaning changes what a document turns into (6: source_* fields, #11; 7: a passage's language
# takes its document's as prior, #14; 8: passage kinds and title blocks, #10; 9: headings, header/footer remover,
# language switches, garbage text, #14; 10: sentence spans stored with each passage, #10 — re-chunks, re-embeds nothing;
# 11: a heading never keeps the text after its full stop, article titles wrap until their full stop, labels up to
# 240 characters, text turned 180°/270° keeps its spaces, #14 item 7).
PIPELINE_VERSION = "11"


class IngestLocked(StoreLocked):
    """Another ingestion holds the store's lock."""


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


def discover(paths: Iterable[Path], unreadable: list[tuple[Path, str]] | None = None) -> list[Path]:
    """Files to ingest: named files as given; folders searched recursively, leaving out hidden and ``_`` folders,
    README files and the catalog (they describe the collection, they are not part of it). A folder that cannot
    be listed goes into ``unreadable`` as (folder, reason) instead of being passed over in silence."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():

            def failed(exc: OSError) -> None:
                if unreadable is not None:
                    unreadable.append((Path(exc.filename or path), exc.strerror or exc.__class__.__name__))

            inside: list[Path] = []
            for folder, dirs, names in os.walk(path, onerror=failed):
                dirs[:] = [d for d in dirs if not d.startswith((".", "_"))]
                for name in names:
                    f = Path(folder) / name
                    if name.startswith(".") or not f.is_file():
                        continue
                    if f.suffix.lower() in SUPPORTED_SUFFIXES and not name.lower().startswith("readme"):
                        inside.append(f)
            found.extend(sorted(inside))
        else:
            found.append(path)
    return list(dict.fromkeys(p.resolve() for p in found if p.name != CATALOG_NAME))


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:24]


def settings_key(kb, chunking: ChunkSettings) -> str:
    return f"{kb.store.embedder.identity}|{chunking.key()}|pipeline:{PIPELINE_VERSION}"


def prepare(
    path: Path,
    data: bytes,
    doc_id: str,
    chunking: ChunkSettings,
    *,
    password: str | Sequence[str] = "",
    min_lang_words: int = 12,
    extractor: Callable[..., Extracted] = extract,
    version: str = "",
    ocr: OcrSettings | None = None,
    structurer: Callable[..., Prepared] | None = None,
) -> Prepared:
    """Everything but embedding and storing; raises IngestError with the reason a file cannot be used.
    ``version`` (a short hash of the settings) goes into chunk ids, so that re-chunking a document never
    overwrites the vectors of the version readers are still using. ``extractor`` and ``structurer`` default to
    running here; ingestion passes the worker's (ingest.sandbox), which stops either after KB_FILE_TIMEOUT_S."""
    extracted = check_garbage(extractor(path, data, password=password), ocr=ocr is not None)
    # OCR runs here, with its own per-page time limit: a long scan may take longer than one file's limit.
    extracted = apply_ocr(extracted, data, ocr, passwords=[password] if isinstance(password, str) else password)
    return (structurer or structure)(path, extracted, doc_id, chunking, min_lang_words=min_lang_words, version=version)


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
                # every question: that was most of what answering added to a search (README, "Extractive answers").
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


def check_garbage(extracted: Extracted, *, ocr: bool) -> Extracted:
    """Mojibake repaired (or reported); PDF pages whose font has no Unicode map emptied, reported, and handed to
    OCR like image-only pages."""

    # Only a PDF font makes glyph codes pass for text.
    pages, found = garbage.check_pages(extracted.pages, gibberish=extracted.kind == "pdf")
    warnings = [*extracted.warnings, *found.warnings(_ranges)]
    if not found.gibberish_pages:
        return replace(extracted, pages=pages, warnings=warnings)
    if not ocr and not any(p.text.strip() for p in pages):
        raise IngestError(
            f"no usable text: every page with text uses a font without a Unicode map (it reads as "
            f"gibberish, e.g. {found.gibberish_example!r}); `kb ingest --ocr` reads it from the page "
            "images",
            skip=False,
        )
    scanned = sorted(set(extracted.scanned) | set(found.gibberish_pages))
    return replace(
        extracted,
        pages=pages,
        warnings=warnings,
        scanned=scanned,
        empty_pages=extracted.empty_pages + len(found.gibberish_pages),
    )


def stored_settings(base: str, prepared: Prepared, ocr: OcrSettings | None) -> str:
    """The settings recorded with a document: the base key, plus whether image-only pages were read by OCR or left
    unread, so that turning OCR on re-reads exactly the documents that have unread images (and nothing else)."""
    if prepared.ocr_pages and ocr is not None:
        return f"{base}|ocr:{ocr.languages}"
    return f"{base}|images-unread" if prepared.unread_images else base


def is_current(stored: str, base: str, ocr: OcrSettings | None) -> bool:
    """Whether a stored document's settings make re-ingesting it pointless."""
    if stored == base or stored.startswith(f"{base}|ocr:"):
        return True  # an OCR'd document stays as it is when OCR is off: its text is still the best we have
    return stored == f"{base}|images-unread" and ocr is None


def passage_kinds(passages) -> list[str]:
    """Each passage's kind: a title block as the layout marked it, the rest from the shape of its text."""
    return [p.kind or classify(p.text, first=i == 0) for i, p in enumerate(passages)]


def version_tag(settings: str) -> str:
    return hashlib.sha256(settings.encode()).hexdigest()[:6] + "-"


def embed_with_cache(
    kb, texts: Sequence[str], batch: int, on_batch: Callable[[int, int], None] | None = None
) -> tuple[np.ndarray, int]:
    """Vectors for ``texts``; only passages this model has never embedded reach it. Returns (vectors, n embedded).
    ``on_batch(done, total)`` hears after each batch how many of the passages to embed are done."""
    ident = str(kb.store.embedder.identity)
    keys = [shipped_vectors.cache_key(ident, t) for t in texts]
    cached = kb.store.manifest.cached_vectors(keys)
    missing = [i for i, key in enumerate(keys) if key not in cached]
    if on_batch and missing:
        on_batch(0, len(missing))
    for start in range(0, len(missing), batch):
        idx = missing[start : start + batch]
        vecs = kb.store.embedder.embed_passages([texts[i] for i in idx])
        fresh = {keys[i]: v for i, v in zip(idx, vecs)}
        kb.store.manifest.cache_vectors(fresh)
        cached.update(fresh)
        steps.reached("embed.batch", kb.config.store)
        if on_batch:
            on_batch(min(start + batch, len(missing)), len(missing))
    dim = kb.store.embedder.identity.dim
    out = np.stack([cached[key] for key in keys]) if keys else np.zeros((0, dim), dtype=np.float32)
    return out, len(missing)


def ingest_paths(kb, paths: Iterable[str | Path], options: IngestOptions | None = None) -> IngestReport:
    """Ingest files and folders into ``kb`` (a ``kb.KnowledgeBase``) as ``options`` say. Unchanged documents are
    skipped, changed ones replaced as a unit; every file ends in the report with its outcome and reason. One ingestion
    writes to a store at a time: another one waits (``on_wait`` hears why; default: a line on stderr) up to
    KB_LOCK_TIMEOUT_S, then IngestLocked is raised. ``on_stage(file name, stage, done, total)`` hears each file's
    stages: "reading", then "embedding" with the passages embedded so far of those to embed, then "storing"."""
    opts = options or IngestOptions()
    on_wait = opts.on_wait or _say
    cfg = kb.config
    chunking = ChunkSettings(cfg.chunk_words, cfg.chunk_max_words, cfg.chunk_overlap_words)
    settings = settings_key(kb, chunking)
    ocr_settings = (
        OcrSettings(cfg.ocr_languages, cfg.ocr_page_timeout_s) if (cfg.ocr if opts.ocr is None else opts.ocr) else None
    )
    report = IngestReport()
    started = time.perf_counter()
    roots = [Path(p) for p in paths]
    unreadable: list[tuple[Path, str]] = []
    files = discover(roots, unreadable)
    for folder, why in unreadable:
        report.files.append(
            FileReport(path=str(folder), outcome=Outcome.FAILED, reason=message("folder.unreadable", why=why))
        )
    # The writer lock is held while the store changes, not while files are read and embedded: at the start (finish
    # what a crash interrupted), for each document's write (Store.put_document takes it for the whole
    # journal → vectors → commit → clean-up sequence, so a repair by another process never sees a write half done),
    # and at the end (prune, index update). A deletion from the app or a second ingestion waits for one write, not
    # for a whole batch; reading a file is bounded by KB_FILE_TIMEOUT_S and embedding by the passages' number.
    try:
        with kb.store.writing(on_wait=on_wait):
            kb.store.repair()
            # Vectors shipped with a collection (corpus/_vectors/) seed the cache: a fresh store then embeds only
            # passages whose text is new (the starter corpus: 0 of its passages on a fresh clone).
            identity = kb.store.embedder.identity
            report.seeded = shipped_vectors.seed(
                kb.store.manifest, identity, shipped_vectors.find_files(roots, identity)
            )
        with Extractor(cfg.file_timeout_s) as extractor:
            bar = _progress(len(files), opts.progress)
            for n, path in enumerate(files, start=1):
                fr = ingest_file(
                    kb,
                    path,
                    chunking,
                    settings,
                    password=opts.password,
                    report=report,
                    extractor=extractor.extract,
                    ocr=ocr_settings,
                    on_stage=opts.on_stage,
                    structurer=extractor.structure,
                )
                report.files.append(fr)
                if bar is not None:
                    bar.set_postfix_str(f"{path.name[:30]} {fr.outcome.value}")
                    bar.update(1)
                if opts.on_file:
                    opts.on_file(n, len(files), fr)
            if bar is not None:
                bar.close()
        with kb.store.writing(on_wait=on_wait):
            if opts.prune:
                report.pruned = prune_missing(kb, roots)
            steps.reached("batch.indexed", cfg.store)
            kb.after_ingest()
    except StoreLocked as exc:
        raise IngestLocked(str(exc)) from None
    report.seconds = time.perf_counter() - started
    return report


def _say(message: str) -> None:
    import sys

    print(message, file=sys.stderr, flush=True)


def _progress(total: int, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="file", desc="ingest", dynamic_ncols=True)


def ingest_file(
    kb,
    path: Path,
    chunking: ChunkSettings,
    settings: str,
    *,
    password: str,
    report: IngestReport,
    extractor: Callable[..., Extracted] = extract,
    ocr: OcrSettings | None = None,
    on_stage: Callable[[str, str, int, int], None] | None = None,
    structurer: Callable[..., Prepared] | None = None,
) -> FileReport:
    t0 = time.perf_counter()

    def stage(name: str, done: int = 0, total: int = 0) -> None:
        if on_stage:
            on_stage(path.name, name, done, total)

    fr = FileReport(path=str(path), outcome=Outcome.FAILED)
    try:
        if not path.exists():
            raise IngestError(message("file.not_found"), skip=False)
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise IngestError(message("file.unsupported_suffix", suffix=path.suffix or "(no extension)"))
        size = path.stat().st_size
        if size > kb.config.max_file_mb * 1024 * 1024:
            raise IngestError(message("file.too_large", mb=f"{size / 1e6:.0f}", limit=f"{kb.config.max_file_mb:g}"))
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(
                message("file.unreadable", why=f"{exc.__class__.__name__}: {exc.strerror or exc}"), skip=False
            ) from None
        doc_id = content_hash(data)
        current = kb.store.manifest.document_by_source(str(path))
        if current and current.doc_id == doc_id and is_current(current.settings, settings, ocr):
            fr.outcome, fr.doc_id, fr.chunks = Outcome.UNCHANGED, doc_id, current.chunk_count
            return fr
        twin = kb.store.manifest.document(doc_id)
        if twin and twin.source != str(path) and Path(twin.source).exists():
            raise IngestError(message("file.duplicate", other=twin.source))
        # The file's own password (catalog or sidecar) first, then the one given for the batch.
        pws = tuple(p for p in dict.fromkeys([_catalog_password(path), password]) if p)
        stage("reading")
        prepared = prepare(
            path,
            data,
            doc_id,
            chunking,
            password=pws,
            min_lang_words=kb.config.min_lang_words,
            extractor=extractor,
            version=version_tag(settings),
            ocr=ocr,
            structurer=structurer,
        )
        dense = prepared.dense_texts
        vectors, embedded = embed_with_cache(
            kb, dense, kb.config.embed_batch, on_batch=lambda done, total: stage("embedding", done, total)
        )
        stage("storing", len(prepared.chunks), len(prepared.chunks))
        report.embedded += embedded
        report.reused += len(dense) - embedded
        report.not_embedded += len(prepared.chunks) - len(dense)
        prepared.doc.file_size, prepared.doc.settings = size, stored_settings(settings, prepared, ocr)
        kb.store.put_document(prepared.doc, prepared.chunks, vectors)
        fr.outcome = Outcome.UPDATED if current else Outcome.INGESTED
        fr.doc_id, fr.chunks, fr.pages = doc_id, len(prepared.chunks), prepared.page_count
        fr.empty_pages, fr.language, fr.warnings = prepared.empty_pages, prepared.meta.language, prepared.warnings
        fr.ocr_pages = prepared.ocr_pages
        if not prepared.chunks:
            fr.warnings.append(message("warn.no_passages"))
    except IngestError as exc:
        fr.outcome = Outcome.SKIPPED if exc.skip else Outcome.FAILED
        fr.reason = exc.reason
    except StoreLocked as exc:  # another writer held the lock for longer than KB_LOCK_TIMEOUT_S
        fr.outcome = Outcome.FAILED
        fr.reason = f"not stored: {exc}"
    except Exception as exc:  # one bad file must not stop the batch; say what happened
        fr.outcome = Outcome.FAILED
        fr.reason = message("unexpected", why=f"{exc.__class__.__name__}: {str(exc)[:200]}")
    finally:
        fr.seconds = time.perf_counter() - t0
    return fr


def _catalog_password(path: Path) -> str:
    from ingest.metadata import catalog_row, sidecar

    return catalog_row(path).get("password", "") or str(sidecar(path).get("password", "") or "")


def prune_missing(kb, roots: Sequence[Path]) -> list[str]:
    """Remove documents under ``roots`` whose files are gone; returns their sources."""
    folders = [r.resolve() for r in roots if r.is_dir()]
    gone = []
    for doc in kb.store.manifest.documents():
        src = Path(doc.source)
        if any(src.is_relative_to(f) for f in folders) and not src.exists():
            kb.store.delete_document(doc.doc_id)
            gone.append(doc.source)
    return gone
