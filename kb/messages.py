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
