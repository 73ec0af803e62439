"""The Library page: documents table, upload of a small PDF ingested in the background, report, delete."""

from __future__ import annotations

import time

from tests.fixtures import make_pdf
from tests.kbapp.ui.conftest import open_app

UPLOAD_TEXT = (
    "Chile's development agency runs a supplier development programme that pairs large mining firms "
    "with local small suppliers, co-financing technical assistance and quality certification."
)


def table_titles(at) -> list[str]:
    frame = at.dataframe[0].value
    return list(frame[frame.columns[0]])


def test_documents_table_and_filter(kb_small, monkeypatch):
    at = open_app(kb_small.config.store, monkeypatch, page="library")
    assert not at.exception
    assert len(table_titles(at)) == 4
    cols = list(at.dataframe[0].value.columns)
    for col in ("Title", "Jurisdiction", "Type", "Year", "Language", "Pages", "Passages", "Ingested"):
        assert col in cols
    at.text_input(key="lib_filter").input("mexico").run()
    assert table_titles(at) == ["Parques ecoindustriales en la práctica"]
    assert at.query_params["find"] in ("mexico", ["mexico"])


def test_upload_ingests_in_the_background_then_delete(hostile_kb, tmp_path, monkeypatch):
    pdf = make_pdf(tmp_path / "corfo_suppliers.pdf", [["# Supplier development", UPLOAD_TEXT]], title="")
    at = open_app(hostile_kb.config.store, monkeypatch, page="library")
    before = len(hostile_kb.documents())
    at.file_uploader(key="upload_files").set_value(
        [
            ("corfo_suppliers.pdf", pdf.read_bytes(), "application/pdf"),
            ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "application/pdf"),  # a PNG named .pdf
        ]
    )
    at.text_input(key="up_title").input("")
    at.text_input(key="up_publisher").input("CORFO")
    at.text_input(key="up_jurisdiction").input("cl")
    at.selectbox(key="up_type").set_value("case study")
    at.button(key="up_submit").click().run()
    assert not at.exception, at.exception
    assert any("photo.pdf" in e.value and "not a supported document" in e.value for e in at.error)
    # The run that started the job returned at once (the page stays responsive) with a progress bar.
    deadline = time.time() + 300  # generous: the machine may be busy; the bar shows progress meanwhile
    while time.time() < deadline and not any(
        "corfo_suppliers.pdf" in s.value for s in list(at.success) + list(at.error)
    ):
        time.sleep(1.0)
        at.run()
        assert not at.exception, at.exception
    shown = [e.value for e in at.success] + [e.value for e in at.error] + [str(e.proto) for e in at.get("progress")]
    assert any("corfo_suppliers.pdf" in s.value and "ingested" in s.value for s in at.success), shown
    docs = {d.title: d for d in hostile_kb.documents()}
    assert len(docs) == before + 1
    doc = docs["corfo suppliers"]  # one file and no title: the file name is used, never an invented title
    assert doc.jurisdiction == "CL" and doc.publisher == "CORFO" and doc.doc_type == "case study"
    assert "corfo suppliers" in table_titles(at)
    # The search page finds it.
    hits = hostile_kb.search("supplier development mining", 3, jurisdiction="CL")
    assert hits and hits[0].chunk.doc_id == doc.doc_id

    # Delete: choose, ask, confirm.
    at.selectbox(key="lib_delete").set_value(doc.doc_id).run()
    at.button(key="lib_delete_btn").click().run()
    assert any("Delete “corfo suppliers”" in w.value for w in at.warning)
    assert doc.doc_id in {d.doc_id for d in hostile_kb.documents()}  # nothing gone before confirming
    at.button(key="lib_delete_yes").click().run()
    assert not at.exception, at.exception
    assert doc.doc_id not in {d.doc_id for d in hostile_kb.documents()}
    assert any("Deleted" in s.value for s in at.success)
    from pathlib import Path

    assert not Path(doc.source).exists()  # an upload's file goes with it
    assert not hostile_kb.search("supplier development mining", 3, jurisdiction="CL")


def test_cancel_keeps_the_document(kb_small, monkeypatch):
    at = open_app(kb_small.config.store, monkeypatch, page="library")
    doc_id = kb_small.documents()[0].doc_id
    at.selectbox(key="lib_delete").set_value(doc_id).run()
    at.button(key="lib_delete_btn").click().run()
    at.button(key="lib_delete_no").click().run()
    assert doc_id in {d.doc_id for d in kb_small.documents()}
    assert not at.warning


def test_last_ingestion_report_lists_problem_files(hostile_kb, tmp_path, monkeypatch):
    from ingest import ingest_paths
    from kb.store import ingest_log

    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\n garbage that is not a PDF")
    report = ingest_paths(hostile_kb, [bad])
    ingest_log.save(hostile_kb.config, report, origin="test")
    at = open_app(hostile_kb.config.store, monkeypatch, page="library")
    frames = [d.value for d in at.dataframe]
    problems = frames[-1]
    assert "broken.pdf" in list(problems["File"]) and list(problems["Outcome"]) == ["failed"]
    assert problems["Reason"][0]
