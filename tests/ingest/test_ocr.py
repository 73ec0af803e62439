"""OCR of image-only pages (Tesseract, spa+eng): words come back with their accents, page numbers are kept, the
report says which pages were read, and a scanned Spanish page is found by an English question."""

from __future__ import annotations

import shutil

import pytest

from ingest import ingest_paths
from ingest.extract import extract
from ingest.ocr import OcrSettings, apply_ocr, languages_available
from kb import IngestOptions, KnowledgeBase
from kb.records import Outcome
from tests.fixtures import make_pdf, make_scanned_pdf

ES_SCAN = (
    "La política de desarrollo de proveedores en Tabasco ofrecerá capacitación técnica y certificación a las "
    "pequeñas empresas para que vendan a la industria química y a la agroindustria de la región."
)
EN_SCAN = (
    "The investment promotion agency will offer aftercare services to foreign companies that expand their "
    "plants, including help with permits and introductions to local suppliers."
)

needs_tesseract = pytest.mark.skipif(
    not {"spa", "eng"} <= languages_available(),
    reason="Tesseract with spa and eng models is not installed (make test installs it)",
)


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    root = tmp_path_factory.mktemp("scans")
    return {
        "es": make_scanned_pdf(root / "escaneo_es.pdf", [["# Proveedores locales", ES_SCAN]]),
        "en": make_scanned_pdf(root / "scan_en.pdf", [["# Aftercare", EN_SCAN]]),
        "mixed": _mixed(root),
    }


def _mixed(root):
    """Page 1 has a text layer, page 2 is a scan: only page 2 needs OCR."""
    from pypdf import PdfReader, PdfWriter

    text = make_pdf(
        root / "text_part.pdf",
        [
            [
                "# Gobernanza",
                "Un consejo consultivo industrial da seguimiento trimestral a los proyectos estratégicos del estado.",
            ]
        ],
    )
    scan = make_scanned_pdf(root / "scan_part.pdf", [["# Proveedores locales", ES_SCAN]])
    writer = PdfWriter()
    for src in (text, scan):
        for page in PdfReader(src).pages:
            writer.add_page(page)
    out = root / "mixto.pdf"
    with out.open("wb") as fh:
        writer.write(fh)
    return out


def test_without_ocr_a_scan_is_skipped_with_how_to_read_it(scans):
    with pytest.raises(Exception) as err:
        apply_ocr(extract(scans["es"], scans["es"].read_bytes()), scans["es"].read_bytes(), None)
    assert "needs OCR (1 of 1 page(s) are images only" in str(err.value)
    assert "kb ingest --ocr" in str(err.value)


@needs_tesseract
def test_ocr_reads_spanish_with_accents_and_keeps_page_numbers(scans):
    data = scans["mixed"].read_bytes()
    extracted = extract(scans["mixed"], data)
    assert extracted.scanned == [2]
    read = apply_ocr(extracted, data, OcrSettings())
    assert [p.number for p in read.pages] == [1, 2]
    assert not read.pages[0].ocr and read.pages[1].ocr
    text = " ".join(read.pages[1].text.split())
    for word in ("política", "capacitación", "química", "pequeñas", "región"):
        assert word in text, (word, text)
    assert read.scanned == [] and read.empty_pages == 0
    assert not any("have no text" in w or "turned" in w for w in read.warnings)


@needs_tesseract
def test_a_scanned_spanish_page_is_found_by_an_english_question(scans, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for key in ("es", "en"):
        shutil.copy(scans[key], folder / scans[key].name)
    kb = KnowledgeBase.open(tmp_path / "store")
    report = ingest_paths(kb, [folder], IngestOptions(ocr=True))
    by_name = {f.path.rsplit("/", 1)[-1]: f for f in report.files}
    assert by_name["escaneo_es.pdf"].outcome is Outcome.INGESTED, by_name["escaneo_es.pdf"].reason
    assert by_name["escaneo_es.pdf"].ocr_pages == [1] and by_name["escaneo_es.pdf"].language == "es"
    assert by_name["scan_en.pdf"].ocr_pages == [1] and by_name["scan_en.pdf"].language == "en"
    hits = kb.search("supplier development training for small firms", 3, language="es")
    assert hits and hits[0].chunk.doc.source.endswith("escaneo_es.pdf") and hits[0].chunk.page_start == 1
    # Without --ocr a second run keeps the OCR'd documents as they are (nothing re-read, nothing lost).
    again = ingest_paths(kb, [folder])
    assert {f.outcome for f in again.files} == {Outcome.UNCHANGED}


@needs_tesseract
def test_turning_ocr_on_re_reads_only_documents_with_unread_images(scans, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(scans["mixed"], folder / "mixto.pdf")
    kb = KnowledgeBase.open(tmp_path / "store")
    first = ingest_paths(kb, [folder], IngestOptions(ocr=False))
    assert first.files[0].outcome is Outcome.INGESTED and first.files[0].ocr_pages == []
    assert any("images only (needs OCR): 2" in w for w in first.files[0].warnings)
    second = ingest_paths(kb, [folder], IngestOptions(ocr=True))
    assert second.files[0].outcome is Outcome.UPDATED and second.files[0].ocr_pages == [2]
    assert ingest_paths(kb, [folder], IngestOptions(ocr=True)).files[0].outcome is Outcome.UNCHANGED
    assert "capacitación" in " ".join(h.chunk.text for h in kb.search("capacitación técnica proveedores", 3))


@needs_tesseract
def test_the_shared_image_only_pdf_gets_a_clear_outcome_with_ocr(shared_pdfs, tmp_path):
    kb = KnowledgeBase.open(tmp_path / "store")
    report = ingest_paths(kb, [shared_pdfs / "malformed" / "imageonly_imagemagick_6pages.pdf"], IngestOptions(ocr=True))
    # Its six pictures hold no words (they are photographs): said plainly, not a silent empty document.
    assert report.files[0].outcome is Outcome.SKIPPED
    assert report.files[0].reason == "no text: OCR found no text on the 6 image-only page(s)"


@pytest.fixture(scope="module")
def upside_down(tmp_path_factory):
    return make_scanned_pdf(
        tmp_path_factory.mktemp("turned") / "volteado.pdf", [["# Proveedores locales", ES_SCAN]], dpi=300, turned=180
    )


needs_osd = pytest.mark.skipif(
    not {"spa", "eng", "osd"} <= languages_available(),
    reason="Tesseract with spa, eng and osd models is not installed (make test installs them)",
)


@pytest.mark.slow
@needs_osd
def test_an_upside_down_scan_is_turned_before_it_is_read(upside_down):
    data = upside_down.read_bytes()
    read = apply_ocr(extract(upside_down, data), data, OcrSettings())
    text = " ".join(read.pages[0].text.split())
    for word in ("política", "capacitación", "pequeñas", "región"):
        assert word in text, (word, text)
    assert "OCR turned page(s) 1 by 180° before reading them (Tesseract's orientation detection)" in read.warnings


@pytest.mark.slow
@needs_tesseract
def test_text_in_a_font_without_a_unicode_map_is_read_by_ocr(tmp_path):
    from ingest.chunk import ChunkSettings
    from ingest.pipeline import prepare
    from tests.fixtures import make_no_unicode_map_pdf

    pdf = make_no_unicode_map_pdf(tmp_path / "sin_mapa.pdf", [ES_SCAN[i : i + 60] for i in range(0, len(ES_SCAN), 60)])
    prepared = prepare(pdf, pdf.read_bytes(), "doc", ChunkSettings(), ocr=OcrSettings())
    text = " ".join(" ".join(c.text for c in prepared.chunks).split())
    assert "capacitación técnica" in text and "SURJUDPD" not in text
    assert prepared.ocr_pages == [1]
    assert any("use a font without a Unicode map" in w for w in prepared.warnings)
