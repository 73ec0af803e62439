"""Self-made test documents: small PDFs (reportlab) and Markdown files in Spanish and English."""

from __future__ import annotations

import textwrap
from pathlib import Path

SHARED_PDFS = Path(__file__).resolve().parents[2] / "shared" / "pdfs"


def make_pdf(
    path: Path,
    pages: list[list[str]],
    *,
    title: str = "",
    author: str = "",
    header: str = "",
    footer: bool = True,
    password: str = "",
) -> Path:
    """A real PDF: one list of paragraphs (or "# Heading" lines) per page; optional running header and page footer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path.parent.mkdir(parents=True, exist_ok=True)
    kwargs = {"invariant": 1}
    if password:
        from reportlab.lib import pdfencrypt

        kwargs["encrypt"] = pdfencrypt.StandardEncryption(password, canPrint=1)
    c = canvas.Canvas(str(path), pagesize=A4, **kwargs)
    c.setTitle(title)
    c.setAuthor(author)
    width, height = A4
    for number, paragraphs in enumerate(pages, start=1):
        y = height - 50
        if header:
            c.setFont("Helvetica", 8)
            c.drawString(50, y, header)
            y -= 30
        for para in paragraphs:
            if para.startswith("# "):
                c.setFont("Helvetica-Bold", 13)
                y -= 8
                c.drawString(50, y, para[2:])
                y -= 22
                continue
            c.setFont("Helvetica", 10)
            for line in textwrap.wrap(para, 95):
                c.drawString(50, y, line)
                y -= 14
            y -= 8
        if footer:
            c.setFont("Helvetica", 8)
            c.drawString(width / 2 - 20, 30, f"Página {number} de {len(pages)}")
        c.showPage()
    c.save()
    return path


def write_md(path: Path, front: dict, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["---"] + [f"{k}: {v}" for k, v in front.items()] + ["---", "", textwrap.dedent(body).strip(), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


ES_SUPPLIERS = (
    "El programa estatal de desarrollo de proveedores vincula a pequeñas y medianas empresas locales con empresas "
    "tractoras de los sectores aeroespacial y automotriz. Las empresas participantes reciben asesoría técnica, "
    "apoyo para obtener certificaciones de calidad y acompañamiento para integrarse a las cadenas de suministro."
)
ES_PORT = (
    "La estrategia portuaria busca ampliar la capacidad logística del puerto para atender a la agroindustria. "
    "Se prevé modernizar los muelles, mejorar los accesos carreteros y coordinar a las aduanas con los productores "
    "de cacao, plátano y otros cultivos de exportación."
)
EN_SKILLS = (
    "Singapore's Economic Development Board works with the national skills agency so that workers are trained in "
    "the capabilities that new investors need. Training grants are tied to investment projects and firms co-design "
    "courses with polytechnics, which shortens the time between an investment decision and a productive plant."
)
EN_PARKS = (
    "Eco-industrial parks share water, energy and materials among tenant firms. A park management entity monitors "
    "environmental performance, organises by-product exchanges and offers common services such as waste treatment."
)


def build_small_corpus(root: Path) -> dict[str, Path]:
    """Four documents: a 3-page Spanish PDF with a running header, an English PDF, and one Markdown file each."""
    files = {
        "es_pdf": make_pdf(
            root / "plan_industrial_es.pdf",
            [
                ["# Desarrollo de proveedores", ES_SUPPLIERS, ES_SUPPLIERS.replace("estatal", "regional")],
                ["# Infraestructura portuaria", ES_PORT],
                [
                    "# Gobernanza",
                    "Un consejo consultivo industrial reúne a empresas, universidades y gobierno para "
                    "dar seguimiento trimestral a los proyectos estratégicos y proponer ajustes a la política industrial.",
                ],
            ],
            title="Plan industrial de prueba",
            author="Gobierno de Prueba",
            header="PLAN INDUSTRIAL DE PRUEBA 2024-2044 · GOBIERNO DEL ESTADO",
        ),
        "en_pdf": make_pdf(
            root / "singapore_skills_en.pdf",
            [
                ["# Investment and skills", EN_SKILLS],
                ["# Eco-industrial parks", EN_PARKS],
            ],
            title="Skills for investment",
            author="Test Institute",
        ),
        "es_md": write_md(
            root / "notas" / "eco_parques_es.md",
            {
                "title": '"Parques ecoindustriales en la práctica"',
                "publisher": '"Equipo de prueba"',
                "year": 2023,
                "jurisdiction": "MX",
                "level": "national",
                "doc_type": "note",
                "language": "es",
            },
            """
            # Parques ecoindustriales en la práctica

            ## Simbiosis industrial
            Los parques ecoindustriales permiten que las empresas compartan agua, energía y subproductos. Una entidad
            administradora mide el desempeño ambiental y organiza el intercambio de residuos entre empresas vecinas.

            ## Referencias
            - UNIDO, World Bank Group and GIZ (2021). An International Framework for Eco-Industrial Parks, Version 2.0. https://www.unido.org
            - Lowe, E. A. (2001). Eco-industrial Park Handbook for Asian Developing Countries. Asian Development Bank. https://www.adb.org
            - Chertow, M. R. (2000). Industrial symbiosis: literature and taxonomy. Annual Review of Energy and the Environment, 25, 313-337.
            """,
        ),
        "en_md": write_md(
            root / "notes" / "ipa_en.md",
            {
                "title": '"Investment promotion agencies"',
                "publisher": '"Test team"',
                "year": 2025,
                "jurisdiction": "INT",
                "level": "international",
                "doc_type": "note",
                "language": "en",
            },
            """
            # Investment promotion agencies

            ## Aftercare
            Investment promotion agencies offer aftercare to established investors: they solve permit problems,
            connect firms with local suppliers and encourage reinvestment and expansion of existing plants.

            ## References
            - World Bank Group (2020). Investment Promotion Agencies: an overview. https://www.worldbank.org
            - Harding, T. and Javorcik, B. S. (2011). Roll out the red carpet and they will come. The Economic Journal, 121(557), 1445-1476.
            - OECD (2018). Mapping of Investment Promotion Agencies in OECD Countries. OECD Publishing, Paris.
            """,
        ),
    }
    return files


def make_scanned_pdf(path: Path, pages: list[list[str]], *, dpi: int = 200, turned: int = 0) -> Path:
    """An image-only PDF, as a scanner makes it: each page of a text PDF rendered to a greyscale picture (pypdfium2)
    and placed full-page in a new PDF that has no text layer at all; ``turned``: 180 for a page scanned upside
    down."""
    import pypdfium2 as pdfium
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    text_pdf = make_pdf(path.with_suffix(".text.pdf"), pages, footer=False)
    doc = pdfium.PdfDocument(text_pdf.read_bytes())
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    for page in doc:
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().rotate(turned)
        c.drawImage(ImageReader(image), 0, 0, width=width, height=height)
        c.showPage()
    doc.close()
    c.save()
    text_pdf.unlink()
    return path


def make_no_unicode_map_pdf(path: Path, lines: list[str], *, heading: str = "") -> Path:
    """A one-page PDF whose text is set in an embedded TrueType font (reportlab's Vera) addressed by glyph number
    (Type0, Identity-H) with no ToUnicode map: it renders right, and a text extractor reads glyph numbers, the
    letters shifted by 29 ("(O\\x03SURJUDPD" for "El programa"), the commonest garbage of real PDFs. ``heading``,
    if given, is drawn above it in Helvetica, which reads right."""
    import os
    import zlib

    import reportlab
    from reportlab.pdfbase.ttfonts import TTFontFile

    vera = Path(os.path.dirname(reportlab.__file__)) / "fonts" / "Vera.ttf"
    glyphs = TTFontFile(str(vera)).charToGlyph
    ops = ["BT /F2 16 Tf 50 790 Td (%s) Tj ET" % heading if heading else "", "BT /F1 14 Tf 18 TL 50 760 Td"]
    ops += ["<%s> Tj T*" % "".join("%04X" % glyphs.get(ord(ch), 0) for ch in line) for line in lines]
    content = zlib.compress("\n".join(ops + ["ET"]).encode("latin-1"))
    font = zlib.compress(vera.read_bytes())
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 9 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Vera /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Vera /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 600 /CIDToGIDMap /Identity >>",
        b"<< /Type /FontDescriptor /FontName /Vera /Flags 32 /FontBBox [-183 -236 1287 928] /ItalicAngle 0 "
        b"/Ascent 928 /Descent -236 /CapHeight 700 /StemV 80 /FontFile2 8 0 R >>",
        b"<< /Length %d /Length1 %d /Filter /FlateDecode >>\nstream\n" % (len(font), vera.stat().st_size)
        + font
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    return write_pdf_objects(path, objects)


def write_pdf_objects(path: Path, objects: list[bytes]) -> Path:
    """A PDF from its numbered objects (1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))
    return path
