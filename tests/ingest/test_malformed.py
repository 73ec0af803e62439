"""Every bad file ends in a specific outcome and the batch goes on: the shared malformed PDFs and self-made ones."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest import ingest_paths
from kb import IngestOptions, KnowledgeBase, Outcome
from kbapp.cli import app
from tests.fixtures import EN_PARKS, ES_PORT, ES_SUPPLIERS, make_pdf, write_pdf_objects

# file in ../shared/pdfs/malformed → (outcome, start of the reason). Its README says what each file is.
EXPECTED = {
    # pypdf refuses its cyclic page tree; pdfium reads its first page (issue 21: pdfium before giving up).
    "corrupt_pages_tree_refs.pdf": (Outcome.INGESTED, ""),
    "corrupt_pdfjs_helloworld_bad.pdf": (Outcome.INGESTED, ""),
    "corrupt_xref_command_missing.pdf": (Outcome.INGESTED, ""),
    "cycle_operator_list.pdf": (Outcome.SKIPPED, "no text: every page is blank"),
    "cycle_type3_inside_type3.pdf": (Outcome.INGESTED, ""),
    "empty_pdfjs_blank_page.pdf": (Outcome.SKIPPED, "no text: every page is blank"),
    "enc_r2_rc4_40_user_pw_asdfzxcv.pdf": (Outcome.SKIPPED, "encrypted: password required"),
    "enc_r4_rc4_128_owner_only.pdf": (Outcome.INGESTED, ""),
    "enc_r6_aes256_owner_only.pdf": (Outcome.INGESTED, ""),
    "enc_user_pw_qwerty.pdf": (Outcome.SKIPPED, "encrypted: password required"),
    "imageonly_imagemagick_6pages.pdf": (Outcome.SKIPPED, "no text layer: needs OCR"),
    "layout_multicolumn_latex.pdf": (Outcome.INGESTED, ""),
    "realworld_zero_bytes_desarrollo_territorial.pdf": (Outcome.SKIPPED, "empty file"),
    "rotated_habibi.pdf": (Outcome.INGESTED, ""),
    "rotated_pdfjs_rotation.pdf": (Outcome.INGESTED, ""),
    "scanned_with_ocr_layer_vicksburg.pdf": (Outcome.INGESTED, ""),
    "text_french_diacritics.pdf": (Outcome.INGESTED, ""),
    "text_ligatures.pdf": (Outcome.INGESTED, ""),
    "text_multilang.pdf": (Outcome.INGESTED, ""),
}


@pytest.fixture(scope="module")
def malformed(tmp_path_factory):
    """The whole malformed folder in one batch (skips when ../shared/pdfs is absent)."""
    from tests.fixtures import SHARED_PDFS

    folder = SHARED_PDFS / "malformed"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent (a fresh clone outside the workspace)")
    kb = KnowledgeBase.open(tmp_path_factory.mktemp("malformed_store"))
    report = ingest_paths(kb, sorted(folder.glob("*.pdf")))
    return kb, {Path(f.path).name: f for f in report.files}, folder


def test_every_malformed_file_has_its_expected_outcome(malformed):
    _, files, folder = malformed
    assert set(files) == {p.name for p in folder.glob("*.pdf")} == set(EXPECTED), "update EXPECTED for new files"
    wrong = {
        name: (f.outcome, f.reason)
        for name, f in files.items()
        if f.outcome is not EXPECTED[name][0] or not f.reason.startswith(EXPECTED[name][1])
    }
    assert not wrong
    for name, f in files.items():
        if f.outcome is Outcome.INGESTED:
            assert f.chunks > 0 and not f.reason, name  # ingested means searchable text, never an empty document
        else:
            assert f.chunks == 0 and f.reason, name


def test_malformed_batch_leaves_a_consistent_store(malformed):
    kb, files, _ = malformed
    ingested = {f.doc_id for f in files.values() if f.outcome is Outcome.INGESTED}
    assert {d.doc_id for d in kb.documents()} == ingested
    assert kb.store.verify() == {"orphan_vectors": [], "missing_vectors": []}
    assert kb.store.manifest.pending() == []


def test_text_survives_encoding_oddities(malformed):
    kb, files, _ = malformed
    text = {Path(c.doc.source).name: c.text for c in kb.store.manifest.iter_chunks()}
    assert "àÀâÂäÄçÇéÉ" in text["text_french_diacritics.pdf"]
    assert "ffi" in text["text_ligatures.pdf"] and not any(
        "\ufb00" <= ch <= "\ufb06" for ch in text["text_ligatures.pdf"]
    )
    assert "Hello, world!" in text["corrupt_pdfjs_helloworld_bad.pdf"]


def test_the_reader_used_is_reported(malformed):
    _, files, _ = malformed
    cyclic = files["corrupt_pages_tree_refs.pdf"]
    assert cyclic.warnings[0] == (
        "read with pdfium: pypdf could not read it (PdfReadError: Detected cyclic page references.)"
    )
    assert not any(
        "pdfium" in w for name, f in files.items() if name != cyclic.path.rsplit("/")[-1] for w in f.warnings
    )


def test_other_languages_are_stored_and_reported(malformed):
    kb, files, _ = malformed
    arabic = files["rotated_habibi.pdf"]
    assert arabic.language == "ar" and "language: ar (neither Spanish nor English)" in arabic.warnings
    latin = files["layout_multicolumn_latex.pdf"]  # lorem ipsum: langdetect calls it Catalan
    assert any(w.startswith(f"language: {latin.language} (neither Spanish nor English)") for w in latin.warnings)
    assert "ar" in kb.store.manifest.languages()
    hits = kb.search("مرحبا habibi", k=20)
    assert any(h.chunk.doc_id == arabic.doc_id for h in hits)  # the "other languages" leg finds it


def test_shared_encrypted_files_open_with_their_password(tmp_path, shared_pdfs):
    kb = KnowledgeBase.open(tmp_path / "store")
    folder = shared_pdfs / "malformed"
    wrong = ingest_paths(kb, [folder / "enc_user_pw_qwerty.pdf"], IngestOptions(password="nope")).files[0]
    assert wrong.outcome is Outcome.SKIPPED
    assert wrong.reason.startswith("encrypted: password required") and "does not open it" in wrong.reason
    right = ingest_paths(kb, [folder / "enc_r2_rc4_40_user_pw_asdfzxcv.pdf"], IngestOptions(password="asdfzxcv")).files[
        0
    ]
    assert right.outcome is Outcome.INGESTED and right.chunks > 0


# --- self-made fixtures: run without ../shared ------------------------------------------------------------


def _png(width: int = 600, height: int = 800) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    for y in range(40, height - 40, 24):  # lines of "text" as pixels, the way a scanner sees a page
        draw.rectangle([40, y, width - 40 - (y * 7) % 200, y + 10], fill=0)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def make_image_only_pdf(path: Path, pages: int = 2) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    image = ImageReader(io.BytesIO(_png()))
    for _ in range(pages):
        c.drawImage(image, 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()
    return path


def make_slow_pdf(path: Path, operators: int) -> Path:
    """A valid one-page PDF of a few KB whose content stream holds ``operators`` text operations (pypdf needs
    ~70 µs each): the pathological file that a per-file time limit exists for."""
    content = zlib.compress(b"BT /F1 9 Tf 20 700 Td " + b"(ab) Tj 1 0 Td " * operators + b"ET")
    return _one_page_pdf(path, content)


def _one_page_pdf(path: Path, content: bytes) -> Path:
    """One Helvetica page whose content stream is ``content`` (Flate-compressed)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return write_pdf_objects(path, objects)


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.fixture(scope="module")
def self_made(tmp_path_factory):
    """One folder of bad and good files, ingested in one batch."""
    root = tmp_path_factory.mktemp("bad_files")
    docs = root / "docs"
    good = make_pdf(docs / "good.pdf", [["# Puertos", ES_PORT]], title="Plan portuario")
    full = make_pdf(root / "full.pdf", [["# Puertos", ES_PORT], ["# Parks", EN_PARKS]])
    (docs / "truncated.pdf").write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    (docs / "zero.pdf").write_bytes(b"")
    (docs / "saved_page.pdf").write_bytes(b"<!DOCTYPE html>\n<html><head><title>Report</title></head><body>404</body>")
    (docs / "picture.pdf").write_bytes(_png(40, 40))
    (docs / "office.pdf").write_bytes(_zip_bytes())
    make_pdf(docs / "secret.pdf", [[ES_SUPPLIERS]], password="clave")
    make_pdf(docs / "catalogued_secret.pdf", [[EN_PARKS]], password="s3cret")
    (docs / "catalog.csv").write_text("file,title,password\ncatalogued_secret.pdf,Parks report,s3cret\n")
    make_pdf(docs / "sidecar_secret.pdf", [[ES_PORT + " Segunda versión."]], password="lado")
    (docs / "sidecar_secret.pdf.yaml").write_text("password: lado\n")
    make_image_only_pdf(docs / "scan.pdf")
    make_pdf(docs / "blank_3000.pdf", [[] for _ in range(3000)], footer=False)
    make_pdf(docs / "gaps.pdf", [["# Parques", ES_SUPPLIERS], [], [], ["# Puertos", ES_PORT]], footer=False)
    (docs / "notiz_de.md").write_text(
        "# Industriepolitik\n\nDie regionale Wirtschaftsförderung unterstützt kleine und mittlere Unternehmen bei "
        "der Zusammenarbeit mit Hochschulen und bei der Entwicklung neuer Produkte für den Export.\n"
    )
    kb = KnowledgeBase.open(root / "store")
    report = ingest_paths(kb, [docs])
    return kb, {Path(f.path).name: f for f in report.files}, good


@pytest.mark.parametrize(
    "name,outcome,reason",
    [
        ("truncated.pdf", Outcome.FAILED, "truncated or corrupt PDF"),
        ("zero.pdf", Outcome.SKIPPED, "empty file (0 bytes)"),
        ("saved_page.pdf", Outcome.SKIPPED, "not a PDF (looks like HTML page)"),
        ("picture.pdf", Outcome.SKIPPED, "not a PDF (looks like PNG image)"),
        ("office.pdf", Outcome.SKIPPED, "not a PDF (looks like ZIP archive"),
        ("secret.pdf", Outcome.SKIPPED, "encrypted: password required (give it with `kb ingest --password`"),
        ("scan.pdf", Outcome.SKIPPED, "no text layer: needs OCR (2 of 2 page(s) are images only"),
        ("blank_3000.pdf", Outcome.SKIPPED, "no text: every page is blank (3000 page(s))"),
    ],
)
def test_bad_file_outcome(self_made, name, outcome, reason):
    _, files, _ = self_made
    assert (files[name].outcome, files[name].reason[: len(reason)]) == (outcome, reason)


def test_the_batch_goes_on_after_bad_files(self_made):
    kb, files, good = self_made
    assert files["good.pdf"].outcome is Outcome.INGESTED
    assert {Path(d.source).name for d in kb.documents()} == {
        "good.pdf",
        "catalogued_secret.pdf",
        "sidecar_secret.pdf",
        "gaps.pdf",
        "notiz_de.md",
    }
    assert kb.store.verify() == {"orphan_vectors": [], "missing_vectors": []}


def test_password_from_catalog_and_sidecar(self_made):
    kb, files, _ = self_made
    assert files["catalogued_secret.pdf"].outcome is Outcome.INGESTED
    assert files["sidecar_secret.pdf"].outcome is Outcome.INGESTED
    titles = {Path(d.source).name: d.title for d in kb.documents()}
    assert titles["catalogued_secret.pdf"] == "Parks report"


def test_password_from_the_command_line(self_made, tmp_path):
    secret = self_made[1]["secret.pdf"].path
    res = CliRunner().invoke(app, ["ingest", secret, "-q", "--password", "clave", "--store", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    assert "ingested" in res.output and "secret.pdf" in res.output


def test_pages_without_text_are_counted_and_reported(self_made):
    gaps = self_made[1]["gaps.pdf"]
    assert gaps.outcome is Outcome.INGESTED and gaps.pages == 4 and gaps.empty_pages == 2
    assert "2 of 4 page(s) have no text: 2-3" in gaps.warnings


def test_a_language_that_is_neither_spanish_nor_english_is_kept(self_made):
    kb, files, _ = self_made
    german = files["notiz_de.md"]
    assert german.outcome is Outcome.INGESTED and german.language == "de"
    assert "language: de (neither Spanish nor English)" in german.warnings
    assert {c.language for c in kb.store.manifest.iter_chunks() if c.doc_id == german.doc_id} == {"de"}


def test_too_large_is_refused_before_reading(tmp_path):
    big = make_pdf(tmp_path / "docs" / "big.pdf", [[ES_PORT]] * 3)
    kb = KnowledgeBase.open(tmp_path / "store", max_file_mb=0.001)
    f = ingest_paths(kb, [big]).files[0]
    assert f.outcome is Outcome.SKIPPED and f.reason.startswith("too large (")
    assert "KB_MAX_FILE_MB=0.001" in f.reason


def test_a_pathological_file_times_out_and_the_batch_goes_on(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    make_slow_pdf(docs / "a_pathological.pdf", 400_000)  # ~30 s of pypdf work
    make_pdf(docs / "b_good.pdf", [["# Puertos", ES_PORT]])
    kb = KnowledgeBase.open(tmp_path / "store", file_timeout_s=2)
    files = {Path(f.path).name: f for f in ingest_paths(kb, [docs]).files}
    slow = files["a_pathological.pdf"]
    assert slow.outcome is Outcome.FAILED
    assert slow.reason.startswith("timed out: reading it took longer than 2 s (KB_FILE_TIMEOUT_S)")
    assert slow.seconds < 15  # the worker was killed at the limit, not left to finish
    assert files["b_good.pdf"].outcome is Outcome.INGESTED  # served by a fresh worker


def test_a_markdown_file_has_the_same_time_limit(tmp_path):
    """Markdown and text go through the worker too: a file whose cutting into passages overruns the limit is stopped
    and the batch goes on (3 MB of one-line Markdown takes ~70 s to cut, even linear)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a_huge.md").write_text("# Informe\n\n" + " ".join([ES_PORT, ES_SUPPLIERS] * 8000))
    make_pdf(docs / "b_good.pdf", [["# Puertos", ES_PORT]])
    kb = KnowledgeBase.open(tmp_path / "store", file_timeout_s=6)
    files = {Path(f.path).name: f for f in ingest_paths(kb, [docs]).files}
    huge = files["a_huge.md"]
    assert huge.outcome is Outcome.FAILED, huge
    assert huge.reason.startswith("timed out: cutting it into passages took longer than 6 s (KB_FILE_TIMEOUT_S)")
    assert huge.seconds < 30
    assert files["b_good.pdf"].outcome is Outcome.INGESTED, files["b_good.pdf"]


def make_bomb_pdf(path: Path, expands_to_mb: int = 100) -> Path:
    """A one-page PDF of ~100 KB whose content stream inflates to ``expands_to_mb`` MB (pypdf stops at 75 MB)."""
    z = zlib.compressobj(9)
    blank = b" " * (1 << 20)
    content = z.compress(b"BT /F1 12 Tf 50 700 Td (Hola) Tj ET\n") + b"".join(
        z.compress(blank) for _ in range(expands_to_mb)
    )
    content += z.flush()
    return _one_page_pdf(path, content)


def test_a_decompression_bomb_is_named_as_one(tmp_path):
    docs = tmp_path / "docs"
    make_bomb_pdf(docs / "a_bomb.pdf")
    make_pdf(docs / "b_good.pdf", [["# Puertos", ES_PORT]])
    kb = KnowledgeBase.open(tmp_path / "store")
    files = {Path(f.path).name: f for f in ingest_paths(kb, [docs]).files}
    bomb = files["a_bomb.pdf"]
    assert bomb.outcome is Outcome.FAILED
    assert bomb.reason.startswith("decompression bomb: a compressed stream in it expands past the safe limit"), bomb
    assert files["b_good.pdf"].outcome is Outcome.INGESTED


def test_the_reader_process_runs_under_the_memory_cap(tmp_path):
    from ingest.sandbox import Extractor

    with Extractor(60, memory_mb=1500) as extractor:
        extractor.extract(tmp_path / "a.md", b"# Nota\n\nTexto.")  # starts the worker
        assert extractor._proc is not None
        limits = Path(f"/proc/{extractor._proc.pid}/limits").read_text()
    line = next(l for l in limits.splitlines() if l.startswith("Max address space"))
    assert line.split()[3] == str(1500 * 1024 * 1024), line


def test_past_the_memory_cap_an_allocation_fails_instead_of_the_machine(tmp_path):
    import subprocess
    import sys

    code = (
        "from ingest.sandbox import limit_memory\n"
        "limit_memory(300)\n"
        "try:\n    b = bytearray(400 * 1024 * 1024)\nexcept MemoryError:\n    print('MemoryError')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "MemoryError", out.stderr


def make_cyclic_page_tree_pdf(path: Path) -> Path:
    """A PDF whose page tree refers back to itself (a /Pages node among its own kids): pypdf refuses it ("Detected
    cyclic page references"), pdfium reads the page."""
    text = f"BT /F1 11 Tf 40 700 Td ({ES_PORT[:90]}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
    ]
    return write_pdf_objects(path, objects)


def test_a_file_pypdf_cannot_read_is_read_by_pdfium_and_the_report_says_so(tmp_path):
    from ingest.extract import extract_pdf

    pdf = make_cyclic_page_tree_pdf(tmp_path / "ciclo.pdf")
    extracted = extract_pdf(pdf.read_bytes())
    assert ES_PORT[:60] in extracted.pages[0].text
    assert extracted.warnings[0] == (
        "read with pdfium: pypdf could not read it (PdfReadError: Detected cyclic page references.)"
    )
