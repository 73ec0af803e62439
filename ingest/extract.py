"""Extraction: a file's bytes → numbered pages of raw text, plus the metadata the file carries itself."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import yaml

from ingest.errors import IngestError
from ingest.messages import message
from kb.records import DocumentMeta, Page

PDF_SUFFIXES = {".pdf"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
TEXT_SUFFIXES = {".txt"}
SUPPORTED_SUFFIXES = PDF_SUFFIXES | MARKDOWN_SUFFIXES | TEXT_SUFFIXES

# pypdf logs every recoverable oddity of a broken file; the ingestion report says what matters.
logging.getLogger("pypdf").setLevel(logging.ERROR)

# A page with fewer letters than this and an image on it is a scan (its text layer, if any, is a stray word).
MIN_PAGE_LETTERS = 20

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)


@dataclass
class Extracted:
    kind: str  # "pdf", "markdown" or "text"
    pages: list[Page]
    meta: DocumentMeta
    page_count: int  # 0 for formats without pages
    empty_pages: int = 0
    warnings: list[str] = field(default_factory=list)
    scanned: list[int] = field(default_factory=list)  # pages that are images only: OCR can read them


def sniff(data: bytes) -> str:
    """What the bytes are, whatever the file name says."""
    head = data[:2048].lstrip()
    if not data:
        return "empty"
    if data[:1024].find(b"%PDF-") != -1:
        return "pdf"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG image"
    if head[:3] == b"\xff\xd8\xff":
        return "JPEG image"
    if head[:4] == b"PK\x03\x04":
        return "ZIP archive (or an Office document)"
    lowered = head[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered or b"<head" in lowered:
        return "HTML page"
    if b"\x00" in data[:4096]:
        return "binary data"
    return "text"


def extract(path: Path, data: bytes, *, password: str | Sequence[str] = "") -> Extracted:
    """Pages and metadata of one file; ``password`` may be several candidates (tried in order)."""
    suffix = path.suffix.lower()
    kind = sniff(data)
    if kind == "empty":
        raise IngestError(message("file.empty"))
    if suffix in PDF_SUFFIXES:
        if kind != "pdf":
            raise IngestError(message("file.not_pdf", kind=kind))
        return extract_pdf(data, password=password)
    if kind == "pdf":  # a PDF under another name is still a PDF
        return extract_pdf(data, password=password)
    if kind != "text":
        raise IngestError(message("file.unsupported_kind", kind=kind))
    text = _decode(data)
    if suffix in MARKDOWN_SUFFIXES:
        return extract_markdown(text)
    return Extracted("text", [Page(0, text)], DocumentMeta(), page_count=0)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def extract_markdown(text: str) -> Extracted:
    meta = DocumentMeta()
    match = _FRONT_MATTER.match(text)
    warnings: list[str] = []
    if match:
        try:
            fm = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as exc:
            fm = {}
            warnings.append(message("warn.front_matter", error=exc.__class__.__name__))
        if isinstance(fm, dict):
            meta = meta_from_mapping(fm)
        text = text[match.end() :]
    return Extracted("markdown", [Page(0, text)], meta, page_count=0, warnings=warnings)


def meta_from_mapping(m: dict) -> DocumentMeta:
    """Metadata from front matter, a catalog row or a sidecar: known keys only, values as given."""

    def s(*keys: str) -> str:
        for k in keys:
            v = m.get(k)
            if v not in (None, ""):
                return str(v).strip()
        return ""

    def year_of(*keys: str) -> int | None:
        match = re.search(r"\b(1[89]\d\d|20\d\d)\b", s(*keys))
        return int(match.group(1)) if match else None

    topics = m.get("topics") or m.get("tags") or []
    if isinstance(topics, str):
        topics = [t.strip() for t in re.split(r"[;,]", topics) if t.strip()]
    return DocumentMeta(
        title=s("title", "título", "titulo"),
        publisher=s("publisher", "author", "autor", "editor"),
        year=year_of("year", "año", "date"),
        jurisdiction=s("jurisdiction").upper(),
        level=s("level").lower(),
        doc_type=s("doc_type", "type").lower(),
        language=s("language", "lang").lower(),
        topics=[str(t) for t in topics],
        url=s("url"),
        licence=s("licence", "license"),
        source_title=s("source_title"),
        source_publisher=s("source_publisher"),
        source_year=year_of("source_year"),
        source_url=s("source_url"),
        source_note=s("source_note"),
    )


def extract_pdf(data: bytes, *, password: str | Sequence[str] = "") -> Extracted:
    import io

    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    def open_reader(candidate: bytes):
        reader = PdfReader(io.BytesIO(candidate), strict=False)
        if reader.is_encrypted:
            _decrypt(reader, password)
        return reader, len(reader.pages)

    recovered = False
    try:
        try:
            reader, n_pages = open_reader(data)
        except (IngestError, FileNotDecryptedError, DependencyError):
            raise
        except Exception:
            if b"%%EOF" in data[-1024:]:
                raise
            # An interrupted download: the objects are there, the cross-reference table and end marker are not.
            # An end marker whose table pointer is 0 makes pypdf rebuild the table by scanning the objects (the
            # 262-page Colombian plan cut anywhere in its last 100 KB reads all 262 pages again this way).
            reader, n_pages = open_reader(data + b"\nstartxref\n0\n%%EOF\n")
            recovered = True
    except IngestError:
        raise
    except FileNotDecryptedError:
        raise IngestError(message("pdf.encrypted")) from None
    except DependencyError as exc:
        raise IngestError(f"encrypted with a cipher that needs an extra package ({exc})", skip=False) from None
    except Exception as exc:  # PdfReadError, PdfStreamError, ValueError, KeyError, RecursionError, zlib.error …
        raise IngestError(message("pdf.corrupt", why=_brief(exc)), skip=False) from None
    if n_pages == 0:
        raise IngestError(message("pdf.corrupt", why="no pages"), skip=False)

    pages: list[Page] = []
    blank: list[int] = []
    scanned: list[int] = []
    failed: list[int] = []
    first_error = ""
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page_text(page)
        except Exception as exc:  # pypdf raises many types (and RecursionError) on odd content streams
            text = ""
            failed.append(number)
            first_error = first_error or _brief(exc)
        letters = sum(ch.isalnum() for ch in text)
        if letters < MIN_PAGE_LETTERS and _has_images(page):
            # A scan: the few characters there are ("Background", a stamp) are not the page's content.
            scanned.append(number)
            text = ""
        elif not letters and number not in failed:  # a page whose text could not be read is not blank
            blank.append(number)
        pages.append(Page(number, text))

    warnings = []
    if failed:
        warnings.append(message("warn.pages_unreadable", n=len(failed), pages=_ranges(failed)))
    unread = [n for n in failed if n not in scanned]
    textless = sorted(blank + scanned + unread)
    if len(textless) == n_pages and not scanned:
        if unread:
            raise IngestError(
                f"no text could be read: extracting the text of {len(unread)} of {n_pages} page(s) "
                f"failed ({first_error})",
                skip=False,
            )
        raise IngestError(message("pdf.blank", pages=n_pages))
    # Scanned pages are returned textless with their numbers: the pipeline reads them by OCR when asked to, and
    # otherwise skips a document that has nothing else (ingest.pipeline.apply_ocr).
    if textless and len(textless) < n_pages:
        warnings.append(textless_warning(textless, scanned, n_pages))
    if recovered:
        warnings.append(
            "recovered truncated PDF: its end (cross-reference table, end-of-file marker) is missing, "
            f"an incomplete download?; {n_pages - len(failed)} of {n_pages} page(s) were read"
        )
    elif b"%%EOF" not in data[-2048:]:
        warnings.append(
            f"the file has no end-of-file marker (an incomplete download?); {n_pages - len(failed)} page(s) were read"
        )
    return Extracted(
        "pdf",
        pages,
        _pdf_meta(reader),
        page_count=n_pages,
        empty_pages=len(textless),
        warnings=warnings,
        scanned=scanned,
    )


# Orientations of text (degrees, as pypdf names them) whose words pypdf separates: it inserts a space when the pen
# moves forward along the line, which for text turned 180° or 270° (read top-down: a margin label, a landscape page
# turned clockwise) is a move backwards. Words drawn one by one there came out glued ("Documentodetrabajosobre…",
# pypdf 7.1): every word but one lost to search.
_SPACED_ORIENTATIONS = (0, 90)


def page_text(page) -> str:
    """A page's text, with the words of text turned 180° or 270° kept apart: such text is read again from the page
    turned half a turn, where it lies at 0° or 90°, and follows the page's other text."""
    found: set[int] = set()

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            found.add(_orientation(tm, cm))

    text = page.extract_text(visitor_text=visit) or ""
    if not found - set(_SPACED_ORIENTATIONS):
        return text
    try:
        from pypdf import PageObject, Transformation

        box = page.mediabox
        turned = PageObject.create_blank_page(width=box.width, height=box.height)
        turned.merge_transformed_page(page, Transformation().rotate(180))
        upside = turned.extract_text(orientations=_SPACED_ORIENTATIONS) or ""
    except Exception:  # a page pypdf cannot merge: its text as first read is still better than none
        return text
    upright = page.extract_text(orientations=_SPACED_ORIENTATIONS) or "" if found & set(_SPACED_ORIENTATIONS) else ""
    return "\n".join(t.strip("\n") for t in (upright, upside) if t.strip())


def _orientation(tm: list[float], cm: list[float]) -> int:
    """The direction text is written in, from its text and transformation matrices (as pypdf tells it)."""
    b = tm[0] * cm[1] + tm[1] * cm[3]  # the second and fourth entries of tm × cm
    d = tm[2] * cm[1] + tm[3] * cm[3]
    if abs(d) > 1e-6:
        return 0 if d > 0 else 180
    return 90 if b > 0 else 270


def textless_warning(textless: list[int], scanned: list[int], n_pages: int) -> str:
    ocr = f"; {len(scanned)} of them are images only (needs OCR): {_ranges(scanned)}" if scanned else ""
    return f"{len(textless)} of {n_pages} page(s) have no text: {_ranges(textless)}{ocr}"


def _decrypt(reader, password: str | Sequence[str]) -> None:
    from pypdf.errors import FileNotDecryptedError

    given = [password] if isinstance(password, str) else list(password)
    password = next((p for p in given if p), "")
    for candidate in dict.fromkeys(["", *given]):
        try:
            if reader.decrypt(candidate):
                return
        except FileNotDecryptedError:
            continue
    if password:
        raise IngestError("encrypted: password required, and the password given does not open it")
    raise IngestError(
        "encrypted: password required (give it with `kb ingest --password`, or in a password "
        "column of catalog.csv or a sidecar file)"
    )


_INLINE_IMAGE = re.compile(rb"(?:^|\s)BI\s.*?\sID\s", re.S)


def _has_images(page) -> int:
    """Whether the page draws an image: an image XObject, one inside a form XObject (scanners and PDF tools wrap
    a scan in a form), or an inline image (BI … ID … EI). A page whose only content is an image pypdf cannot
    decode (JBIG2, JPEG 2000) has no text, but it is a scan, not a blank page."""
    try:
        if _draws_image(page.get("/Resources") or {}, depth=0, seen=set()):
            return 1
        contents = page.get_contents()
        return int(contents is not None and bool(_INLINE_IMAGE.search(contents.get_data()[:2_000_000])))
    except Exception:
        return 0


def _draws_image(resources: Any, *, depth: int, seen: set[int]) -> bool:
    xobjects: Any = resources.get("/XObject") or {}  # a pypdf DictionaryObject (raw_get) when present
    for name in xobjects:
        ref = xobjects.raw_get(name)
        key = getattr(ref, "idnum", None)
        if key is not None:
            if key in seen:  # a form that draws itself (cycle_operator_list.pdf)
                continue
            seen.add(key)
        obj = xobjects[name].get_object()
        subtype = obj.get("/Subtype")
        if subtype == "/Image":
            return True
        if subtype == "/Form" and depth < 5 and _draws_image(obj.get("/Resources") or {}, depth=depth + 1, seen=seen):
            return True
    return False


def _pdf_meta(reader) -> DocumentMeta:
    try:
        info = reader.metadata or {}
        title = str(info.get("/Title") or "").strip()
        author = str(info.get("/Author") or "").strip()
        keywords = str(info.get("/Keywords") or "").strip()
    except Exception:
        return DocumentMeta()
    from ingest.pdfinfo import clean_title, publisher_from_author

    # No year from /CreationDate: it records when the file was written (or re-saved), not when it was published.
    # Producers often write junk titles ("untitled", "Microsoft Word - plan.docx") and authors that are people or
    # logins: keep only a plausible title, and the author only when it names an organisation.
    return DocumentMeta(
        title=clean_title(title),
        publisher=publisher_from_author(author),
        topics=[k.strip() for k in re.split(r"[;,]", keywords) if k.strip()],
    )


def _brief(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{exc.__class__.__name__}: {msg[:120]}" if msg else exc.__class__.__name__


def _ranges(numbers: list[int]) -> str:
    """1, 3-5, 9 (at most ten runs shown)."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    text = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs[:10])
    return text + (" …" if len(runs) > 10 else "")
