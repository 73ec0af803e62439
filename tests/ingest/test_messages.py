"""Ingestion messages as keys with parameters: the English text is what reports keep; Spanish readers get the same
message, parameters untouched."""

from __future__ import annotations

import pytest

from ingest.messages import CATALOG, UnknownMessage, message, parse, translate


@pytest.mark.parametrize("key", list(CATALOG))
def test_every_message_round_trips_and_has_spanish(key):
    english, spanish = CATALOG[key]
    fields = [f for f in __import__("re").findall(r"\{(\w+)\}", english)]
    params = {f: f"<{f} 7 (x)>" for f in fields}
    text = message(key, **params)
    assert parse(text) == (key, params)
    assert spanish != english and all(p in translate(text, "es") for p in params.values())


def test_translation_of_real_reasons():
    assert (
        translate(message("warn.headers_removed", n=7), "es")
        == "se quitaron 7 línea(s) repetidas de encabezado o pie de página"
    )
    assert translate("removed 7 repeated header/footer line(s)", "en") == "removed 7 repeated header/footer line(s)"
    both = "; ".join([message("warn.language_unknown"), message("warn.no_passages")])
    assert (
        translate(both, "es") == "idioma: desconocido (muy poco texto para saberlo); sin pasajes: el documento "
        "no tiene texto aprovechable"
    )
    assert translate("a reason nobody catalogued", "es") == "a reason nobody catalogued"  # left as it is


def test_unknown_keys_are_named():
    with pytest.raises(UnknownMessage, match="no.such"):
        message("no.such")


def test_reasons_written_by_extraction_and_ocr_reach_spanish_readers(tmp_path):
    """The texts the ingestion really writes (not only the catalogue's own round trip) are translated."""
    from ingest.extract import extract, textless_warning
    from ingest.ocr import apply_ocr
    from kb.errors import KbError
    from tests.fixtures import make_scanned_pdf

    scan = make_scanned_pdf(tmp_path / "scan.pdf", [["# Uno", "Texto de prueba en una página escaneada."]])
    data = scan.read_bytes()
    with pytest.raises(KbError) as err:
        apply_ocr(extract(scan, data), data, None)
    reason = str(err.value)
    assert translate(reason, "es").startswith("sin capa de texto: requiere OCR (1 de 1 página(s) son solo imagen")
    warning = textless_warning([2, 3], [3], 4)
    assert (
        translate(warning, "es")
        == "2 de 4 página(s) no tienen texto: 2-3; 1 de ellas son solo imagen (requieren OCR): 3"
    )
