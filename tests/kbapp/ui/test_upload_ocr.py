"""Uploading a scanned PDF with "Read scanned pages with OCR" ticked: it is read by Tesseract and searchable."""

from __future__ import annotations

import time

import pytest

from ingest.ocr import languages_available
from tests.fixtures import make_scanned_pdf
from tests.kbapp.ui.conftest import open_app

pytestmark = pytest.mark.skipif(
    not {"spa", "eng"} <= languages_available(),
    reason="Tesseract with spa and eng models is not installed (make test installs it)",
)

SCAN_TEXT = (
    "El fondo estatal de innovación cofinancia proyectos de transferencia tecnológica entre universidades "
    "y empresas manufactureras de la región."
)


def test_a_scanned_upload_is_read_by_ocr_when_asked(tmp_path, monkeypatch):
    from kbapp.wiring import open_kb

    kb = open_kb(tmp_path / "store")
    scan = make_scanned_pdf(tmp_path / "fondo_escaneado.pdf", [["# Fondo de innovación", SCAN_TEXT]])
    at = open_app(kb.config.store, monkeypatch, page="library")
    at.file_uploader(key="upload_files").set_value([("fondo_escaneado.pdf", scan.read_bytes(), "application/pdf")])
    at.checkbox(key="up_ocr").check()
    at.button(key="up_submit").click().run()
    assert not at.exception, at.exception
    deadline = time.time() + 300
    while time.time() < deadline and not any(
        "fondo_escaneado.pdf" in s.value for s in list(at.success) + list(at.error) + list(at.warning)
    ):
        time.sleep(1.0)
        at.run()
    shown = [s.value for s in list(at.success) + list(at.error) + list(at.warning)]
    assert any("fondo_escaneado.pdf" in s and "ingested" in s for s in shown), shown
    hits = kb.search("innovation fund technology transfer", 3)
    assert hits and "transferencia tecnológica" in " ".join(hits[0].chunk.text.split())
