"""Uploads are untrusted bytes with an untrusted name: sanitised names, type by content, size limit, and nothing
ever written outside ``<store>/files``."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from kb import Config
from kbapp.uploads import UploadRejected, safe_filename, save_upload
from tests.fixtures import ES_PORT, make_pdf


@pytest.fixture
def cfg(tmp_path) -> Config:
    return Config.from_env(store=tmp_path / "store", max_file_mb=1)


@pytest.fixture
def pdf_bytes(tmp_path) -> bytes:
    return make_pdf(tmp_path / "src" / "p.pdf", [[ES_PORT]]).read_bytes()


def _inside(cfg: Config, path: Path) -> bool:
    return path.resolve().parent == cfg.files_path.resolve()


def _everything_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


@pytest.mark.parametrize(
    "hostile",
    [
        "../../etc/passwd",
        "..\\..\\windows\\system32\\config.pdf",
        "/etc/cron.d/job.pdf",
        "C:\\evil.pdf",
        "....//....//x.pdf",
        "..",
        ".",
        "",
        "/",
        ".hidden.pdf",
        "a\x00b.pdf",
        "nul\x00../../x.pdf",
        "line\nbreak.pdf",
        "<script>alert(1)</script>.pdf",
        "$(rm -rf ~).pdf",
        "`id`.pdf",
        "\u202egpj.pdf",
        "file%2F..%2F..%2Fx.pdf",
        "ｆｕｌｌ／ｗｉｄｔｈ．ｐｄｆ",
    ],
)
def test_hostile_names_stay_inside_the_files_folder(cfg, pdf_bytes, tmp_path, hostile):
    before = _everything_under(tmp_path)
    path = save_upload(cfg, hostile, pdf_bytes)
    assert _inside(cfg, path) and path.suffix == ".pdf" and path.read_bytes() == pdf_bytes
    assert not path.name.startswith(".") and "\x00" not in path.name and "/" not in path.name
    assert all(ch.isalnum() or ch in "._- " for ch in path.name)
    new = _everything_under(tmp_path) - before
    assert new == {cfg.store, cfg.files_path, path}  # nothing written anywhere else


@pytest.mark.parametrize("name", ["a" * 1000 + ".pdf", "报告" * 200 + ".pdf", "é" * 300])
def test_very_long_names_are_shortened_to_a_valid_file_name(cfg, pdf_bytes, name):
    path = save_upload(cfg, name, pdf_bytes)
    assert _inside(cfg, path) and len(path.name.encode()) <= 255 and path.suffix == ".pdf"
    assert len(safe_filename(name).encode()) <= 160


def test_type_is_decided_by_the_bytes_not_the_name(cfg, pdf_bytes):
    assert save_upload(cfg, "report.txt", pdf_bytes).suffix == ".pdf"  # a PDF under any name is a PDF
    assert save_upload(cfg, "notes.pdf", b"plain words, not a PDF").suffix == ".txt"
    assert save_upload(cfg, "notes.md", b"# Heading\n\ntext").suffix == ".md"
    assert save_upload(cfg, "run.sh", b"#!/bin/sh\necho hi\n").suffix == ".txt"  # stored inert, as text
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    refused = {
        "page.pdf": b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        "photo.pdf": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        "scan.pdf": b"\xff\xd8\xff\xe0" + b"\x00" * 64,
        "report.pdf": buf.getvalue(),
        "program.pdf": b"\x7fELF\x02\x01\x01" + b"\x00" * 64,
    }
    for name, data in refused.items():
        with pytest.raises(UploadRejected, match=r"not a supported document \(looks like"):
            save_upload(cfg, name, data)
    with pytest.raises(UploadRejected, match="^empty file"):
        save_upload(cfg, "empty.pdf", b"")
    assert {p.suffix for p in cfg.files_path.iterdir()} <= {".pdf", ".txt", ".md"}


def test_size_limit(cfg):
    with pytest.raises(UploadRejected, match=r"^too large \(1\.1 MB; the limit is 1 MB\)"):
        save_upload(cfg, "big.txt", b"x" * 1_100_000)
    assert not cfg.files_path.exists() or not any(cfg.files_path.iterdir())


def test_same_name_never_overwrites_and_same_content_is_not_duplicated(cfg, pdf_bytes):
    first = save_upload(cfg, "plan.pdf", pdf_bytes)
    again = save_upload(cfg, "plan.pdf", pdf_bytes)
    other = save_upload(cfg, "plan.pdf", pdf_bytes + b"\n% changed")
    assert first == again and other != first
    assert first.read_bytes() == pdf_bytes and other.name == "plan-1.pdf"


def test_a_planted_symlink_is_never_written_through(cfg, pdf_bytes, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    cfg.files_path.mkdir(parents=True)
    os.symlink(victim, cfg.files_path / "plan.pdf")
    with pytest.raises(UploadRejected, match="invalid file name"):
        save_upload(cfg, "plan.pdf", pdf_bytes)
    assert victim.read_text() == "precious"
