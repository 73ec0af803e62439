import pytest

from ingest.errors import IngestError
from ingest.extract import extract, sniff
from tests.fixtures import make_pdf


def test_pdf_pages_are_numbered(tmp_path):
    pdf = make_pdf(
        tmp_path / "a.pdf",
        [["Primera página."], ["Segunda página."]],
        title="Un título",
        author="Secretaría de Economía",
    )
    ex = extract(pdf, pdf.read_bytes())
    assert ex.kind == "pdf" and ex.page_count == 2
    assert [p.number for p in ex.pages] == [1, 2]
    assert "Segunda" in ex.pages[1].text
    assert ex.meta.title == "Un título" and ex.meta.publisher == "Secretaría de Economía"


def test_markdown_front_matter(tmp_path):
    md = tmp_path / "n.md"
    md.write_text(
        "---\ntitle: Nota\nyear: 2024\njurisdiction: mx-tab\ntopics: [skills, clusters]\n---\n# Nota\nTexto.\n"
    )
    ex = extract(md, md.read_bytes())
    assert ex.meta.title == "Nota" and ex.meta.year == 2024 and ex.meta.jurisdiction == "MX-TAB"
    assert ex.meta.topics == ["skills", "clusters"]
    assert "title:" not in ex.pages[0].text


@pytest.mark.parametrize(
    "data,expected",
    [
        (b"<!DOCTYPE html><html><body>x</body></html>", "not a PDF (looks like HTML page)"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "not a PDF (looks like PNG image)"),
        (b"PK\x03\x04" + b"\x00" * 20, "not a PDF (looks like ZIP archive (or an Office document))"),
        (b"", "empty file (0 bytes)"),
    ],
)
def test_not_a_pdf_is_named(tmp_path, data, expected):
    f = tmp_path / "report.pdf"
    f.write_bytes(data)
    with pytest.raises(IngestError) as err:
        extract(f, data)
    assert err.value.reason == expected


def test_truncated_pdf_fails_clearly(tmp_path):
    pdf = make_pdf(tmp_path / "a.pdf", [["Texto de la página."]])
    data = pdf.read_bytes()[:300]
    with pytest.raises(IngestError) as err:
        extract(pdf, data)
    assert "corrupt" in err.value.reason or "no text" in err.value.reason


def test_encrypted_pdf_needs_its_password(tmp_path):
    pdf = make_pdf(tmp_path / "secret.pdf", [["Informe confidencial sobre inversión."]], password="clave")
    with pytest.raises(IngestError, match="password required"):
        extract(pdf, pdf.read_bytes())
    ex = extract(pdf, pdf.read_bytes(), password="clave")
    assert "confidencial" in ex.pages[0].text


def test_sniff_recognises_pdf_under_any_name():
    assert sniff(b"%PDF-1.7\n...") == "pdf"


def test_a_pdf_missing_only_its_end_is_recovered(tmp_path):
    """An interrupted download keeps every object but loses the cross-reference table and the end marker: pypdf
    alone refuses it ("startxref not found"); it is read again, with a warning that says so."""
    pdf = make_pdf(tmp_path / "a.pdf", [["Primera página del plan."], ["Segunda página del plan."]])
    data = pdf.read_bytes()
    cut = data[: data.rindex(b"xref")]  # the objects, without the table, the trailer and %%EOF
    ex = extract(pdf, cut)
    assert ex.page_count == 2 and "Segunda" in ex.pages[1].text
    assert any(w.startswith("recovered truncated PDF") for w in ex.warnings), ex.warnings


def _raw_pdf(page: bytes, *objects: bytes) -> bytes:
    """A one-page PDF from raw objects: the page (object 3), then ``objects`` from number 4 on."""
    out = bytearray(b"%PDF-1.5\n")
    offsets = []
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page, *objects]
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


def _stream(d: bytes, data: bytes) -> bytes:
    return d[:-2] + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


# A JBIG2 stream pypdf has no decoder for (and whose bytes are not a real JBIG2 image either).
_JBIG2 = b"\x97JB2\r\n\x1a\n" + bytes(range(256)) * 4
_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "


@pytest.mark.parametrize(
    "data",
    [
        # a scan wrapped in a form XObject
        _raw_pdf(
            _PAGE + b"/Resources << /XObject << /Fm1 5 0 R >> >> >>",
            _stream(b"<< >>", b"q 612 0 0 792 0 0 cm /Fm1 Do Q"),
            _stream(
                b"<< /Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /Im1 6 0 R >> >> >>",
                b"/Im1 Do",
            ),
            _stream(
                b"<< /Type /XObject /Subtype /Image /Width 64 /Height 64 /BitsPerComponent 1 "
                b"/ColorSpace /DeviceGray /Filter /JBIG2Decode >>",
                _JBIG2,
            ),
        ),
        # an inline image
        _raw_pdf(
            _PAGE + b">>",
            _stream(
                b"<< >>", b"q 612 0 0 792 0 0 cm BI /W 64 /H 64 /BPC 1 /CS /G /F /JBIG2Decode ID " + _JBIG2 + b" EI Q"
            ),
        ),
    ],
    ids=["form", "inline"],
)
def test_a_page_that_is_an_undecodable_image_is_a_scan_not_a_blank_page(tmp_path, data):
    ex = extract(tmp_path / "scan.pdf", data)
    assert ex.scanned == [1] and ex.empty_pages == 1


@pytest.mark.parametrize(
    "author,publisher",
    [
        ("Cámara de Diputados del H. Congreso de la Unión", "Cámara de Diputados del H. Congreso de la Unión"),
        ("World Resources Institute", "World Resources Institute"),
        ("CEPAL", "CEPAL"),
        ("Juan Carlos Montiel", ""),  # the Colombian plan's Author field: whoever saved the file
        ("Authors: Fabián Álvarez / Roberto Rodríguez - Updated by: Fabián Álvarez", ""),
        ("Autores: Fabián Álvarez / Roberto Rodríguez", ""),
        ("jperez@economia.gob.mx", ""),
        ("cheng", ""),
    ],
)
def test_the_author_field_is_the_publisher_only_when_it_names_an_organisation(tmp_path, author, publisher):
    pdf = make_pdf(tmp_path / "a.pdf", [["Texto de la página."]], author=author)
    assert extract(pdf, pdf.read_bytes()).meta.publisher == publisher


@pytest.mark.parametrize(
    "title,kept",
    [
        ("AnÃ¡lisis de las Cuentas PÃºblicas", "Análisis de las Cuentas Públicas"),  # repaired
        ("LogÃstica portuaria", ""),  # damaged beyond a certain repair: dropped
        ("Binder1.pdf", ""),
        ("Microsoft Word - plan.docx", ""),
        ("Ley de Aguas Nacionales", "Ley de Aguas Nacionales"),
    ],
)
def test_a_title_from_pdf_metadata_is_repaired_or_dropped(tmp_path, title, kept):
    pdf = make_pdf(tmp_path / "a.pdf", [["Texto de la página."]], title=title)
    assert extract(pdf, pdf.read_bytes()).meta.title == kept


# --- vertical text (issue 14, item 7) -------------------------------------------------------------------------------
_MARGIN = "Documento de trabajo del plan regional 2024"
_BODY = [b"El plan regional apoya a los proveedores locales y a las cadenas de valor.", b"Segunda linea del texto."]
# Text matrix of each orientation, and where each word starts as the pen moves along the line (12-point Helvetica,
# 7.5 points a letter leaves room for every glyph and a space).
_TURNED = {
    90: lambda pos: b"0 1 -1 0 40 %d Tm" % (200 + pos),
    180: lambda pos: b"-1 0 0 -1 %d 60 Tm" % (560 - pos),
    270: lambda pos: b"0 -1 1 0 40 %d Tm" % (700 - pos),
}


def _page_with_margin_label(angle: int, *, body: bool = True) -> bytes:
    """A page of upright text with a margin label turned ``angle`` degrees, each word drawn on its own (as word
    processors and PDF converters do), or that label alone (a landscape page turned)."""
    ops = [b"BT /F1 12 Tf 72 %d Td (%s) Tj ET" % (720 - 20 * i, line) for i, line in enumerate(_BODY)] if body else []
    pos = 0
    for word in _MARGIN.split():
        ops.append(b"BT /F1 12 Tf " + _TURNED[angle](pos) + b" (" + word.encode() + b") Tj ET")
        pos += int(7.5 * (len(word) + 1))
    return _raw_pdf(
        _PAGE + b"/Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(b"<< >>", b"\n".join(ops)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    )


@pytest.mark.parametrize("angle", [90, 180, 270])
@pytest.mark.parametrize("body", [True, False], ids=["margin label", "turned page"])
def test_words_of_vertical_text_stay_apart(tmp_path, angle, body):
    """pypdf glued the words of text turned 180° or 270° ("Documentodetrabajodelplan…"), so every word of it but one
    was lost to search."""
    from ingest.chunk import ChunkSettings
    from ingest.structure import structure

    path = tmp_path / "vertical.pdf"
    ex = extract(path, _page_with_margin_label(angle, body=body))
    assert _MARGIN in ex.pages[0].text, ex.pages[0].text
    if body:
        assert _BODY[0].decode() in ex.pages[0].text
    prepared = structure(path, ex, "v", ChunkSettings())
    words = " ".join(f"{c.section} {c.text}" for c in prepared.chunks).split()
    assert all(w in words for w in _MARGIN.split()), words
