"""OCR for pages without a text layer: each page rendered (pypdfium2) and read by Tesseract, page numbers kept.

Tesseract comes from Debian (`tesseract-ocr`, `-spa`, `-eng`; `make run` and `make test` install them) and runs as a
subprocess, one page at a time with its own time limit, so a stuck page costs that page only. pypdfium2 ships its
PDFium binary inside the PyPI wheel: no Ghostscript or poppler needed.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field, replace
from typing import Sequence

from ingest.errors import IngestError
from ingest.extract import Extracted, _ranges, textless_warning
from ingest.messages import message
from kb.records import Page

INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-osd tesseract-ocr-spa tesseract-ocr-eng"
# 300 dpi is Tesseract's documented sweet spot for body text; at 200 dpi accents on 10-pt text were misread
# ("publica" for "pública") on our test scans, at 300 they were read right.
DPI = 300
# Tesseract's orientation detection (OSD, the "osd" model) says how far to turn a page clockwise and how sure it is.
# A page is turned only when it is sure: on our upside-down test scans it says 180 with confidence 6-15 at 300 dpi,
# and on upright pages 0; below 1.0 its guess is noise (an upright page at 72 dpi came out 0 with 1.1).
MIN_ORIENTATION_CONFIDENCE = 1.0
_ROTATE = re.compile(r"^Rotate:\s*(\d+)", re.M)
_CONFIDENCE = re.compile(r"^Orientation confidence:\s*([\d.]+)", re.M)


@dataclass(frozen=True)
class OcrSettings:
    """OCR is on when a pipeline has one of these (``kb ingest --ocr``, KB_OCR)."""

    languages: str = "spa+eng"  # Tesseract's model names joined by "+"
    page_timeout_s: float = 120.0


@dataclass
class OcrResult:
    texts: dict[int, str] = field(default_factory=dict)  # page number → text read
    failed: dict[int, str] = field(default_factory=dict)  # page number → why it could not be read
    turned: dict[int, int] = field(default_factory=dict)  # page number → degrees turned clockwise before reading
    orientation_unchecked: bool = False  # no "osd" model: pages were read as they are


def languages_available(binary: str | None = None) -> set[str]:
    """Tesseract's installed language models ({"spa", "eng", …}); empty when Tesseract is not installed."""
    binary = binary or shutil.which("tesseract")
    if not binary:
        return set()
    try:
        out = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {line.strip() for line in out.splitlines()[1:] if line.strip()}


def check_available(languages: str) -> None:
    """Raise IngestError naming what to install when Tesseract or one of ``languages`` ("spa+eng") is missing."""
    have = languages_available()
    if not have:
        raise IngestError(f"OCR is not available: Tesseract is not installed (install it with: {INSTALL_HINT})")
    missing = [lang for lang in languages.split("+") if lang and lang not in have]
    if missing:
        raise IngestError(
            f"OCR is not available: Tesseract has no model for {', '.join(missing)} (install it with: {INSTALL_HINT})"
        )


def _open(data: bytes, passwords: Sequence[str]):
    import pypdfium2 as pdfium

    error: Exception | None = None
    for candidate in dict.fromkeys(["", *passwords]):
        try:
            return pdfium.PdfDocument(data, password=candidate or None)
        except pdfium.PdfiumError as exc:  # a wrong password among the candidates: try the next one
            error = exc
    raise error or RuntimeError("cannot open the PDF")


def render_page(data: bytes, number: int, *, passwords: Sequence[str] = (), dpi: int = DPI) -> bytes:
    """One page (1-based) as a greyscale PNG."""
    pdf = _open(data, passwords)
    try:
        page = pdf[number - 1]
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        page.close()
    finally:
        pdf.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def orientation(png: bytes, timeout_s: float) -> int:
    """Degrees (0, 90, 180, 270) to turn the page image clockwise so its text is upright, by Tesseract's OSD; 0 when
    it cannot tell (too few characters) or is not sure."""
    binary = shutil.which("tesseract")
    if not binary:
        return 0
    proc = subprocess.run([binary, "stdin", "stdout", "--psm", "0"], input=png, capture_output=True, timeout=timeout_s)
    out = proc.stdout.decode("utf-8", "replace")
    rotate, confidence = _ROTATE.search(out), _CONFIDENCE.search(out)
    if proc.returncode != 0 or not rotate or not confidence:
        return 0
    return int(rotate.group(1)) % 360 if float(confidence.group(1)) >= MIN_ORIENTATION_CONFIDENCE else 0


def turn(png: bytes, degrees: int) -> bytes:
    """The image turned ``degrees`` clockwise."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).rotate(-degrees, expand=True)  # PIL turns counter-clockwise
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def read_image(png: bytes, languages: str, timeout_s: float) -> str:
    """Tesseract's text for one image (stdin → stdout, no temporary files)."""
    binary = shutil.which("tesseract")
    if not binary:
        raise IngestError(f"OCR is not available: Tesseract is not installed (install it with: {INSTALL_HINT})")
    proc = subprocess.run(
        [binary, "stdin", "stdout", "-l", languages], input=png, capture_output=True, timeout=timeout_s
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or "tesseract failed")
    return proc.stdout.decode("utf-8", "replace")


def ocr_pages(
    data: bytes,
    numbers: Sequence[int],
    *,
    languages: str = "spa+eng",
    passwords: Sequence[str] = (),
    page_timeout_s: float = 120.0,
) -> OcrResult:
    """Text for each page in ``numbers``; a page that cannot be rendered or read is listed in ``failed`` with the
    reason, and the others go on."""
    check_available(languages)
    result = OcrResult()
    # Orientation first: a page scanned upside down was read as "W0}}0q WOJ AN USIYIM…" and stored (issue 21).
    result.orientation_unchecked = "osd" not in languages_available()
    for number in numbers:
        try:
            png = render_page(data, number, passwords=passwords)
            degrees = 0 if result.orientation_unchecked else orientation(png, page_timeout_s)
            if degrees:
                png = turn(png, degrees)
                result.turned[number] = degrees
            text = read_image(png, languages, page_timeout_s)
        except subprocess.TimeoutExpired:
            result.failed[number] = f"OCR took longer than {page_timeout_s:g} s"
            continue
        except Exception as exc:  # pdfium and tesseract fail in many ways on odd pages; keep the other pages
            result.failed[number] = f"{exc.__class__.__name__}: {str(exc)[:120]}"
            continue
        result.texts[number] = text
    return result


_TEXTLESS_WARNING = re.compile(r"^\d+ of \d+ page\(s\) have no text")


def apply_ocr(
    extracted: Extracted, data: bytes, settings: OcrSettings | None, *, passwords: Sequence[str] = ()
) -> Extracted:
    """A PDF's image-only pages read by OCR when ``settings`` is given. Without OCR, a document whose every page is
    an image is skipped with a reason that says how to read it; one with some text keeps its warning."""
    scanned, n = extracted.scanned, extracted.page_count
    if not scanned:
        return extracted
    has_text = any(p.text.strip() for p in extracted.pages)
    needs = f"no text layer: needs OCR ({len(scanned)} of {n} page(s) are images only"
    if settings is None:
        if not has_text:
            raise IngestError(
                f"{needs}; ingest with `kb ingest --ocr` (Tesseract), or OCR it with e.g. ocrmypdf "
                "and ingest the result)"
            )
        return extracted
    try:
        check_available(settings.languages)
    except IngestError as exc:
        if not has_text:
            raise IngestError(f"{needs}), and {exc.reason}") from None
        return replace(extracted, warnings=[*extracted.warnings, f"image-only pages not read: {exc.reason}"])
    result = ocr_pages(
        data, scanned, languages=settings.languages, passwords=passwords, page_timeout_s=settings.page_timeout_s
    )
    read = {k: v for k, v in result.texts.items() if v.strip()}
    pages = [Page(p.number, read[p.number], ocr=True) if p.number in read else p for p in extracted.pages]
    if not any(p.text.strip() for p in pages):
        why = "; ".join(f"p. {k}: {v}" for k, v in list(result.failed.items())[:3])
        raise IngestError(
            f"no text: OCR found no text on the {len(scanned)} image-only page(s)" + (f" ({why})" if why else "")
        )
    textless = [p.number for p in pages if not p.text.strip()]
    left = [k for k in scanned if k not in read]
    warnings = [w for w in extracted.warnings if not _TEXTLESS_WARNING.match(w)]
    if textless:
        warnings.append(textless_warning(textless, left, n))
    if result.failed:
        warnings.append("OCR could not read page(s) " + "; ".join(f"{k} ({v})" for k, v in result.failed.items()))
    turned = {k: v for k, v in result.turned.items() if k in read}
    for degrees in sorted(set(turned.values())):
        pages_turned = [k for k, v in turned.items() if v == degrees]
        warnings.append(message("ocr.turned", pages=_ranges(pages_turned), degrees=degrees))
    if result.orientation_unchecked:
        warnings.append(message("ocr.orientation_unchecked", hint=INSTALL_HINT))
    return replace(extracted, pages=pages, empty_pages=len(textless), warnings=warnings, scanned=left)


def ocr_page_numbers(pages: Sequence[Page]) -> list[int]:
    return [p.number for p in pages if p.ocr]


def describe(numbers: Sequence[int], languages: str) -> str:
    """ "pages 1-3, 6 (Tesseract spa+eng)" for the report."""
    return f"page(s) {_ranges(list(numbers))} (Tesseract {languages})"
