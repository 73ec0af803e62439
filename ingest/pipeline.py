"""The ingestion pipeline: find files, skip unchanged ones, extract → clean → chunk → detect → embed → store."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

from ingest import garbage, shipped_vectors
from ingest.chunk import ChunkSettings
from ingest.errors import IngestError
from ingest.extract import SUPPORTED_SUFFIXES, Extracted, _ranges, extract
from ingest.messages import message
from ingest.metadata import CATALOG_NAME
from ingest.ocr import OcrSettings, apply_ocr
from ingest.sandbox import Extractor
from ingest.structure import Prepared, structure
from kb.embedding import EmbedderIdentity
from kb.index import Index, StoreLocked
from kb.ingestor import IngestOptions
from kb.records import FileReport, IngestReport, Outcome

# Bump when extraction/cleaning changes what a document turns into (6: source_* fields, #11; 7: a passage's language
# takes its document's as prior, #14; 8: passage kinds and title blocks, #10; 9: headings, header/footer remover,
# language switches, garbage text, #14; 10: sentence spans stored with each passage, #10 — re-chunks, re-embeds nothing;
# 11: a heading never keeps the text after its full stop, article titles wrap until their full stop, labels up to
# 240 characters, text turned 180°/270° keeps its spaces, #14 item 7).
PIPELINE_VERSION = "11"


class IngestLocked(StoreLocked):
    """Another ingestion holds the store's lock."""


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


def settings_key(identity: EmbedderIdentity, chunking: ChunkSettings) -> str:
    return f"{identity}|{chunking.key()}|pipeline:{PIPELINE_VERSION}"


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


def version_tag(settings: str) -> str:
    return hashlib.sha256(settings.encode()).hexdigest()[:6] + "-"


def ingest_into(index: Index, paths: Iterable[str | Path], options: IngestOptions | None = None) -> IngestReport:
    """Ingest files and folders through the write port ``index`` (``kb/index.py``) as ``options`` say. Unchanged documents are
    skipped, changed ones replaced as a unit; every file ends in the report with its outcome and reason. One ingestion
    writes to a store at a time: another one waits (``on_wait`` hears why; default: a line on stderr) up to
    KB_LOCK_TIMEOUT_S, then IngestLocked is raised. ``on_stage(file name, stage, done, total)`` hears each file's
    stages: "reading", then "embedding" with the passages embedded so far of those to embed, then "storing"."""
    opts = options or IngestOptions()
    on_wait = opts.on_wait or _say
    cfg = index.config
    chunking = ChunkSettings(cfg.chunk_words, cfg.chunk_max_words, cfg.chunk_overlap_words)
    settings = settings_key(index.identity, chunking)
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
    # what a crash interrupted), for each document's write (Index.put takes it for the whole
    # journal → vectors → commit → clean-up sequence, so a repair by another process never sees a write half done),
    # and at the end (prune, index update). A deletion from the app or a second ingestion waits for one write, not
    # for a whole batch; reading a file is bounded by KB_FILE_TIMEOUT_S and embedding by the passages' number.
    try:
        with index.writing(on_wait=on_wait):
            index.repair()
            # Vectors shipped with a collection (corpus/_vectors/) seed the cache: a fresh store then embeds only
            # passages whose text is new (the starter corpus: 0 of its passages on a fresh clone).
            report.seeded = sum(
                index.seed(shipped_vectors.read(f, index.identity))
                for f in shipped_vectors.find_files(roots, index.identity)
            )
        with Extractor(cfg.file_timeout_s) as extractor:
            bar = _progress(len(files), opts.progress)
            for n, path in enumerate(files, start=1):
                fr = ingest_file(
                    index,
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
        with index.writing(on_wait=on_wait):
            if opts.prune:
                report.pruned = index.prune(roots)
            index.indexed()
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
    index: Index,
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
        if size > index.config.max_file_mb * 1024 * 1024:
            raise IngestError(message("file.too_large", mb=f"{size / 1e6:.0f}", limit=f"{index.config.max_file_mb:g}"))
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(
                message("file.unreadable", why=f"{exc.__class__.__name__}: {exc.strerror or exc}"), skip=False
            ) from None
        doc_id = content_hash(data)
        current = index.current(str(path))
        if current and current.doc_id == doc_id and is_current(current.settings, settings, ocr):
            fr.outcome, fr.doc_id, fr.chunks = Outcome.UNCHANGED, doc_id, current.chunk_count
            return fr
        twin = index.document(doc_id)
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
            min_lang_words=index.config.min_lang_words,
            extractor=extractor,
            version=version_tag(settings),
            ocr=ocr,
            structurer=structurer,
        )
        prepared.doc.file_size, prepared.doc.settings = size, stored_settings(settings, prepared, ocr)
        stored = index.put(prepared.doc, prepared.chunks, prepared.embed_texts, progress=stage)
        report.embedded += stored.embedded
        report.reused += stored.reused
        report.not_embedded += stored.not_embedded
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
