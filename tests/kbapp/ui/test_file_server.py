"""Serving cited documents: only known doc_ids, only their unchanged files, PDFs opened at the page."""

from __future__ import annotations

import shutil

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from kbapp.ui.file_server import file_url, resolve, routes


@pytest.fixture
def client(kb_small, monkeypatch):
    monkeypatch.setenv("KB_STORE", str(kb_small.config.store))
    return TestClient(Starlette(routes=routes()))


def pdf_doc(kb) -> dict:
    return next(d for d in kb.documents() if d.source.endswith(".pdf"))


def test_link_names_the_doc_and_page():
    assert file_url("abcdef0123456789abcdef01", "/x/plan.pdf", 7) == "/files/abcdef0123456789abcdef01.pdf#page=7"
    assert file_url("abcdef0123456789abcdef01", "/x/n.md", 3) == "/files/abcdef0123456789abcdef01.md"
    assert file_url("../../etc/passwd", "/x/plan.pdf", 1) == ""
    assert file_url("abcdef0123456789abcdef01", "/x/evil.html", 1) == ""


def test_serves_a_known_pdf(kb_small, client):
    doc = pdf_doc(kb_small)
    res = client.get(f"/files/{doc.doc_id}.pdf")
    assert res.status_code == 200 and res.content.startswith(b"%PDF")
    assert res.headers["content-type"] == "application/pdf"
    assert res.headers["x-content-type-options"] == "nosniff"
    assert res.headers["content-disposition"].startswith("inline")


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "%2e%2e%2fetc%2fpasswd", "0123456789abcdef01234567.pdf", "manifest.sqlite", "abc.pdf"]
)
def test_refuses_unknown_names(client, name):
    assert client.get(f"/files/{name}").status_code in (400, 404)


def test_wrong_extension_is_not_served(kb_small, client):
    doc = pdf_doc(kb_small)
    assert client.get(f"/files/{doc.doc_id}.md").status_code == 404


def test_changed_or_missing_file_is_refused_with_a_reason(kb_small, tmp_path):
    from dataclasses import replace

    doc = pdf_doc(kb_small)
    # A copy of the store whose manifest points at a file we then change (the session store stays intact).
    store = tmp_path / "store"
    store.mkdir()
    src = tmp_path / "plan.pdf"
    shutil.copy(doc.source, src)
    from kb.records import Document
    from kb.store.manifest import Manifest

    cfg = replace(kb_small.config, store=store)
    m = Manifest(cfg.manifest_path)
    m.commit_document(Document(doc_id=doc.doc_id, source=str(src), title="x", page_count=1, file_size=1), [])
    m.close()
    assert resolve(cfg, f"{doc.doc_id}.pdf").status == 200
    src.write_bytes(src.read_bytes() + b"\n% edited")
    found = resolve(cfg, f"{doc.doc_id}.pdf")
    assert found.status == 409 and "re-ingest" in found.reason
    src.unlink()
    assert resolve(cfg, f"{doc.doc_id}.pdf").status == 410
