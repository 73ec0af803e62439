"""Messages to people (ingestion reasons and warnings) as keys with parameters, in English and Spanish.

Ingestion writes ``message(key, **params)``: the English text, which the CLI prints and the JSON report keeps, so
nothing downstream changes. A reader in another language gets ``translate(text, lang)``: the text is matched back
to its key and parameters (every template is exact, so the match is too) and the key's Spanish template filled in.
A text with no key (a new reason not yet in the catalogue, or a parameter that is itself a message) comes back
unchanged, or with its translatable parts translated. Parameters are data: never translated, never interpreted.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kb.errors import KbError

# key → (English, Spanish). Placeholders in braces; a parameter never contains what follows it in the template.
CATALOG: dict[str, tuple[str, str]] = {
    # skipped or failed files
    "file.empty": ("empty file (0 bytes)", "archivo vacío (0 bytes)"),
    "file.not_pdf": ("not a PDF (looks like {kind})", "no es un PDF (parece {kind})"),
    "file.unsupported_kind": (
        "unsupported file type (looks like {kind})",
        "tipo de archivo no admitido (parece {kind})",
    ),
    "file.unsupported_suffix": (
        "unsupported file type {suffix}: policy-kb reads PDF, Markdown and plain text",
        "tipo de archivo no admitido {suffix}: policy-kb lee PDF, Markdown y texto plano",
    ),
    "file.not_found": ("file not found", "archivo no encontrado"),
    "file.too_large": (
        "too large ({mb} MB > KB_MAX_FILE_MB={limit})",
        "demasiado grande ({mb} MB > KB_MAX_FILE_MB={limit})",
    ),
    "file.unreadable": ("cannot read the file ({why})", "no se puede leer el archivo ({why})"),
    "file.duplicate": ("duplicate of {other} (same content)", "duplicado de {other} (mismo contenido)"),
    "folder.unreadable": (
        "cannot read the folder ({why}); the files in it were not ingested",
        "no se puede leer la carpeta ({why}); sus archivos no se ingresaron",
    ),
    "pdf.encrypted": ("encrypted: password required", "cifrado: se necesita contraseña"),
    "pdf.corrupt": ("truncated or corrupt PDF ({why})", "PDF truncado o dañado ({why})"),
    "pdf.blank": (
        "no text: every page is blank ({pages} page(s))",
        "sin texto: todas las páginas están en blanco ({pages} página(s))",
    ),
    "doc.empty_after_cleaning": (
        "no text: the document is empty after cleaning",
        "sin texto: el documento queda vacío tras la limpieza",
    ),
    "unexpected": ("unexpected error: {why}", "error inesperado: {why}"),
    # warnings on ingested files
    "warn.headers_removed": (
        "removed {n} repeated header/footer line(s)",
        "se quitaron {n} línea(s) repetidas de encabezado o pie de página",
    ),
    "warn.language_unknown": (
        "language: unknown (too little text to tell)",
        "idioma: desconocido (muy poco texto para saberlo)",
    ),
    "warn.language_other": (
        "language: {language} (neither Spanish nor English)",
        "idioma: {language} (ni español ni inglés)",
    ),
    "warn.passages_other_language": (
        "language: some passages are in {languages} (neither Spanish nor English)",
        "idioma: algunos pasajes están en {languages} (ni español ni inglés)",
    ),
    "warn.no_passages": (
        "no passages: the document has no usable text",
        "sin pasajes: el documento no tiene texto aprovechable",
    ),
    "warn.pages_unreadable": (
        "text of {n} page(s) could not be read: {pages}",
        "no se pudo leer el texto de {n} página(s): {pages}",
    ),
    "warn.front_matter": (
        "front matter is not valid YAML ({error}); ignored",
        "el encabezado YAML no es válido ({error}); se ignoró",
    ),
    # Texts written as plain f-strings by extraction, OCR, cleaning and the reader process: catalogued with the
    # exact English wording they are written in, so a Spanish reader gets them in Spanish too.
    "warn.headers_removed_detail": (
        "removed {n} header/footer line(s) repeated across its {pages} page(s) ({kinds} kind(s)), e.g. {examples}",
        "se quitaron {n} línea(s) de encabezado o pie de página repetidas en sus {pages} página(s) "
        "({kinds} tipo(s)), p. ej. {examples}",
    ),
    "warn.textless_scanned": (
        "{n} of {total} page(s) have no text: {pages}; {k} of them are images only (needs OCR): {scanned}",
        "{n} de {total} página(s) no tienen texto: {pages}; {k} de ellas son solo imagen (requieren OCR): {scanned}",
    ),
    "warn.textless": (
        "{n} of {total} page(s) have no text: {pages}",
        "{n} de {total} página(s) no tienen texto: {pages}",
    ),
    "pdf.recovered": (
        "recovered truncated PDF: its end (cross-reference table, end-of-file marker) is missing, an incomplete "
        "download?; {read} of {n} page(s) were read",
        "PDF truncado recuperado: le falta el final (tabla de referencias cruzadas, marca de fin de archivo), "
        "¿una descarga incompleta?; se leyeron {read} de {n} página(s)",
    ),
    "pdf.no_eof": (
        "the file has no end-of-file marker (an incomplete download?); {read} page(s) were read",
        "el archivo no tiene marca de fin de archivo (¿una descarga incompleta?); se leyeron {read} página(s)",
    ),
    "pdf.encrypted_hint": (
        "encrypted: password required (give it with `kb ingest --password`, or in a password column of "
        "catalog.csv or a sidecar file)",
        "cifrado: se necesita contraseña (indíquela con `kb ingest --password`, o en una columna password de "
        "catalog.csv o en un archivo adjunto)",
    ),
    "pdf.encrypted_wrong": (
        "encrypted: password required, and the password given does not open it",
        "cifrado: se necesita contraseña, y la contraseña indicada no lo abre",
    ),
    "pdf.cipher_dependency": (
        "encrypted with a cipher that needs an extra package ({why})",
        "cifrado con un algoritmo que necesita un paquete adicional ({why})",
    ),
    "pdf.text_failed": (
        "no text could be read: extracting the text of {n} of {total} page(s) failed ({why})",
        "no se pudo leer texto: falló la extracción del texto de {n} de {total} página(s) ({why})",
    ),
    "ocr.needed": (
        "no text layer: needs OCR ({n} of {total} page(s) are images only; ingest with `kb ingest --ocr` "
        "(Tesseract), or OCR it with e.g. ocrmypdf and ingest the result)",
        "sin capa de texto: requiere OCR ({n} de {total} página(s) son solo imagen; ingréselo con "
        "`kb ingest --ocr` (Tesseract), o aplíquele OCR con p. ej. ocrmypdf e ingrese el resultado)",
    ),
    "ocr.needed_unavailable": (
        "no text layer: needs OCR ({n} of {total} page(s) are images only), and {why}",
        "sin capa de texto: requiere OCR ({n} de {total} página(s) son solo imagen), y {why}",
    ),
    "ocr.no_tesseract": (
        "OCR is not available: Tesseract is not installed (install it with: {hint})",
        "el OCR no está disponible: Tesseract no está instalado (instálelo con: {hint})",
    ),
    "ocr.no_model": (
        "OCR is not available: Tesseract has no model for {languages} (install it with: {hint})",
        "el OCR no está disponible: Tesseract no tiene modelo para {languages} (instálelo con: {hint})",
    ),
    "ocr.nothing_found_why": (
        "no text: OCR found no text on the {n} image-only page(s) ({why})",
        "sin texto: el OCR no encontró texto en la(s) {n} página(s) de solo imagen ({why})",
    ),
    "ocr.nothing_found": (
        "no text: OCR found no text on the {n} image-only page(s)",
        "sin texto: el OCR no encontró texto en la(s) {n} página(s) de solo imagen",
    ),
    "ocr.pages_unread": ("image-only pages not read: {why}", "páginas de solo imagen sin leer: {why}"),
    "ocr.pages_failed": ("OCR could not read page(s) {pages}", "el OCR no pudo leer la(s) página(s) {pages}"),
    "garbage.repaired": (
        "repaired double-encoded text (mojibake){where}, e.g. {before} → {after}",
        "se reparó texto con doble codificación (mojibake){where}, p. ej. {before} → {after}",
    ),
    "garbage.mojibake": (
        "garbage text: looks double-encoded (mojibake){where} and could not be repaired with certainty, e.g. "
        "{example}; stored as it is",
        "texto dañado: parece de doble codificación (mojibake){where} y no se pudo reparar con certeza, p. ej. "
        "{example}; se guardó tal cual",
    ),
    "garbage.no_unicode_map": (
        "garbage text: page(s) {pages} use a font without a Unicode map (the text reads as gibberish, e.g. "
        "{example}); their text was not stored (kb ingest --ocr reads them)",
        "texto dañado: la(s) página(s) {pages} usan una fuente sin mapa Unicode (el texto resulta ilegible, p. ej. "
        "{example}); su texto no se guardó (kb ingest --ocr las lee)",
    ),
    "garbage.all_pages": (
        "no usable text: every page with text uses a font without a Unicode map (it reads as gibberish, e.g. "
        "{example}); `kb ingest --ocr` reads it from the page images",
        "sin texto aprovechable: todas las páginas con texto usan una fuente sin mapa Unicode (resulta ilegible, "
        "p. ej. {example}); `kb ingest --ocr` lo lee de las imágenes de las páginas",
    ),
    "file.timed_out": (
        "timed out: {doing} took longer than {limit} s (KB_FILE_TIMEOUT_S); the file may be damaged or pathological",
        "tiempo agotado: {doing} tardó más de {limit} s (KB_FILE_TIMEOUT_S); el archivo puede estar dañado o ser "
        "patológico",
    ),
}


class UnknownMessage(KbError, KeyError):
    """A message key that is not in the catalogue (a programming error, named so it is found at once)."""


def message(key: str, **params: object) -> str:
    """The English text of ``key`` with ``params`` filled in (what reports, logs and the CLI show)."""
    try:
        return CATALOG[key][0].format(**params)
    except KeyError:
        raise UnknownMessage(f"no message {key!r} (or a parameter missing for it)") from None


@lru_cache(maxsize=None)
def _pattern(key: str) -> re.Pattern:
    english = CATALOG[key][0]
    parts = re.split(r"\{(\w+)\}", english)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(rf"^{regex}$", re.S)


def _by_literal_length() -> list[str]:
    # The template with most fixed text first: "language: some passages are in {x} (…)" before "language: {x} (…)".
    return sorted(CATALOG, key=lambda k: -len(re.sub(r"\{\w+\}", "", CATALOG[k][0])))


def parse(text: str) -> tuple[str, dict[str, str]] | None:
    """(key, params) of an English message text, or None when no template made it."""
    for key in _by_literal_length():
        m = _pattern(key).match(text)
        if m:
            return key, m.groupdict()
    return None


def translate(text: str, lang: str) -> str:
    """``text`` (an English message) in ``lang``; unknown texts and English come back as they are. Several
    messages joined with "; " are translated one by one."""
    if lang == "en" or not text:
        return text
    found = parse(text)
    if found is None:
        if "; " in text:
            return "; ".join(translate(part, lang) for part in text.split("; "))
        return text
    key, params = found
    return CATALOG[key][1].format(**params)
