"""Garbage text: mojibake repaired or reported, gibberish from fonts without a Unicode map kept out of the text."""

from pathlib import Path

import pytest

from ingest.chunk import ChunkSettings
from ingest.errors import IngestError
from ingest.garbage import is_gibberish, is_gibberish_line, repair_mojibake
from ingest.pipeline import prepare
from tests.fixtures import ES_PORT, ES_SUPPLIERS, make_pdf


def _double_encoded(text: str) -> str:
    """UTF-8 bytes read as cp1252: what an export through the wrong code page does to Spanish."""
    return text.encode("utf-8").decode("cp1252", errors="ignore")


def _glyph_codes(text: str, shift: int = 29) -> str:
    """Text as a font without a Unicode map gives it: the glyph codes, here the letters shifted by a constant."""
    return "".join(chr(ord(c) - shift) if "A" <= c <= "z" or c in "áéíóúñ" else c for c in text)


def _prepare(path: Path):
    return prepare(path, path.read_bytes(), "doc", ChunkSettings())


def test_double_encoded_utf8_is_repaired_before_nfkc(tmp_path):
    body = "La atracción de inversión y la logística del puerto. " + ES_PORT
    md = tmp_path / "nota.md"
    md.write_text("# Logística\n\n" + _double_encoded(body) + "\n", encoding="utf-8")
    assert "atracciÃ³n" in md.read_text(encoding="utf-8")
    prepared = _prepare(md)
    text = " ".join(c.text for c in prepared.chunks)
    assert "atracción de inversión y la logística" in text and "Ã" not in text
    assert "atracciÃ3n" not in text  # NFKC used to turn the "³" of "Ã³" into a 3 before anything could repair it
    assert any(
        w.startswith("repaired double-encoded text (mojibake), e.g. 'atracciÃ³n' → 'atracción'")
        for w in prepared.warnings
    ), prepared.warnings


def test_mojibake_that_cannot_be_repaired_is_reported(tmp_path):
    md = tmp_path / "nota.md"
    md.write_text("# Nota\n\nLa logÃstica del puerto y la atracciÃ3n de inversiones. " + ES_PORT + "\n")
    prepared = _prepare(md)
    assert any(
        w.startswith("garbage text: looks double-encoded (mojibake) and could not be repaired") and "logÃstica" in w
        for w in prepared.warnings
    ), prepared.warnings


def test_repair_leaves_good_text_alone():
    for text in ("Análisis de la Ley General de Cambio Climático: «ñandú», “comillas” — 3³ m³", "São Paulo"):
        assert repair_mojibake(text) == (text, None, "")


def test_a_page_in_a_font_without_unicode_map_is_reported_not_stored(tmp_path):
    pdf = make_pdf(
        tmp_path / "plan.pdf", [["# Proveedores", ES_SUPPLIERS], [_glyph_codes(ES_PORT)], ["# Puertos", ES_PORT]]
    )
    prepared = _prepare(pdf)
    text = " ".join(c.text for c in prepared.chunks)
    assert "proveedores" in text and "portuaria" in text
    assert _glyph_codes("portuaria") not in text
    warning = next(w for w in prepared.warnings if "without a Unicode map" in w)
    assert warning.startswith("garbage text: page(s) 2 use a font without a Unicode map")
    assert prepared.empty_pages == 1


def test_a_document_that_is_all_gibberish_fails_with_its_reason(tmp_path):
    pdf = make_pdf(tmp_path / "plan.pdf", [[_glyph_codes(ES_PORT)], [_glyph_codes(ES_SUPPLIERS)]])
    with pytest.raises(IngestError, match="no usable text: every page with text uses a font without a Unicode map"):
        _prepare(pdf)


@pytest.mark.parametrize("shift", [3, 29])
def test_gibberish_is_told_from_text(shift):
    assert is_gibberish(_glyph_codes(ES_SUPPLIERS, shift))
    assert not is_gibberish(ES_SUPPLIERS)


@pytest.mark.slow
def test_no_page_of_the_real_pdfs_is_taken_for_gibberish(shared_pdfs):
    from ingest.extract import extract

    for path in sorted((shared_pdfs / "real").glob("*.pdf")):
        flagged = [p.number for p in extract(path, path.read_bytes()).pages if is_gibberish(p.text)]
        assert flagged == [], (path.name, flagged)


def test_a_real_pdf_font_without_unicode_map_is_detected(tmp_path):
    """Glyph numbers of an embedded TrueType font (Identity-H, no ToUnicode), as a PDF writes them: pypdf reads
    "(O\\x03SURJUDPD" for "El programa"."""
    from tests.fixtures import make_no_unicode_map_pdf

    lines = [ES_SUPPLIERS[i : i + 60] for i in range(0, len(ES_SUPPLIERS), 60)]
    pdf = make_no_unicode_map_pdf(tmp_path / "sin_mapa.pdf", lines)
    with pytest.raises(IngestError, match="no usable text: every page with text uses a font without a Unicode map"):
        _prepare(pdf)


def test_gibberish_lines_on_a_readable_page_are_reported_and_not_stored(tmp_path):
    from tests.fixtures import make_no_unicode_map_pdf

    heading = "Programa estatal de proveedores: informe anual de resultados de las empresas locales"
    pdf = make_no_unicode_map_pdf(tmp_path / "mixto.pdf", [ES_SUPPLIERS[:58]], heading=heading)
    prepared = _prepare(pdf)
    text = " ".join(c.text for c in prepared.chunks)
    assert "informe anual de resultados" in text and "SURJUDPD" not in text and "\x03" not in text
    warning = next(w for w in prepared.warnings if "without a Unicode map" in w)
    assert warning.startswith("garbage text: some lines of page(s) 1 use a font without a Unicode map")
    assert "e.g. '(O SURJUDPD HVWDWDO GH GHVDUUROOR GH SUR')" in warning
    assert prepared.empty_pages == 0


def test_a_line_of_glyph_codes_is_told_from_a_line_of_text():
    from ingest.garbage import is_gibberish_line

    assert is_gibberish_line("3HQČåQtSURVWĜHGN\\QD~þWHFK")  # issue 21, stored as text before
    assert is_gibberish_line(_glyph_codes("El programa estatal de desarrollo de proveedores"))
    for line in ("CNDH, SHCP, SCT, SRE, SEMARNAT y CONAGUA", "Artículo 12 Bis. Las atribuciones de la Secretaría"):
        assert not is_gibberish_line(line)


def test_web_addresses_are_not_glyph_codes():
    # A references page of links, with addresses broken across lines, is readable text: read as a font without a
    # Unicode map, a corpus note lost that page, and with it the running footers the header remover needs to see.
    for line in (
        "https://elcapitalino.mx/megalopolis/hidalgo/menchaca-",
        "an-Estatal-Desarrollo-Hidalgo-2016-al-2022",
        '2016-2022" (copia subida por terceros). https://es.scribd.com/document/646919011/Pl',
    ):
        assert not is_gibberish_line(line), line
    assert is_gibberish_line("3HQČåQtSURVWĜHGN\\QD~þWHFK 3HQČåQtSURVWĜHGN\\QD~þWHFK")
