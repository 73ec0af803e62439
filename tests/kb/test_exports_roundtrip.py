"""A 10-hit search exported as BibTeX and RIS: one entry per document, each with its URL and language, read back
by bibtexparser and rispy, and by the parsers of real citation tools (pybtex, citeproc-py) when installed."""

from __future__ import annotations

import io

import bibtexparser
import pytest
import rispy

from kb.search.citations import deep_link
from tests.fixtures import write_md

# Four documents of several sections each, so ten hits hold several passages of one document. The English note
# ends with a Spanish reference list: its passages there are Spanish, the document is English.
QUE_ES = {
    "Proveedores": "El programa de desarrollo de proveedores vincula a pequeñas empresas locales con las empresas "
    "tractoras aeroespaciales y paga asesoría técnica y certificaciones de calidad.",
    "Talento": "La universidad aeronáutica forma técnicos superiores en mantenimiento de aeronaves, con planes de "
    "estudio diseñados junto con las empresas del clúster.",
    "Inversión": "La secretaría estatal acompaña a los inversionistas extranjeros desde la elección del terreno "
    "hasta la contratación del personal de la nueva planta.",
}
QUE_EN = {
    "Suppliers": "The supplier development programme links small local machine shops with anchor aerospace "
    "companies and pays for technical assistance and quality certification.",
    "Skills": "Technician training at the aeronautical university answers the demand of aircraft maintenance "
    "firms, with curricula designed together with the cluster's companies.",
    "Referencias": "Secretaría de Desarrollo Sustentable (2023). Programa estatal de proveedores y cadenas de "
    "valor. Gobierno del Estado de Querétaro, Dirección de Industria, Querétaro.",
}
TAB_ES = {
    "Proveedores": "Tabasco propone registrar a las empresas locales que ya atienden a la industria petrolera y "
    "ayudarlas a certificarse para vender a nuevos compradores industriales.",
    "Formación": "Los centros de capacitación del estado ofrecerán cursos cortos de soldadura, electricidad y "
    "operación de plantas para los jóvenes de los municipios del sur.",
    "Inversión": "El estado busca atraer plantas agroindustriales y petroquímicas a los polos de desarrollo del "
    "corredor interoceánico, con incentivos fiscales temporales.",
}
YUC_ES = {
    "Proveedores": "El pacto industrial de Yucatán organiza mesas entre maquiladoras y talleres locales para "
    "sustituir importaciones de empaques, moldes y servicios de mantenimiento.",
    "Técnicos": "Las preparatorias técnicas y el instituto tecnológico de Mérida abren carreras duales en las que "
    "los estudiantes pasan la mitad del tiempo en una fábrica.",
    "Energía": "La península necesita más gas natural y líneas de transmisión para que las nuevas fábricas "
    "tengan electricidad confiable a precios competitivos.",
}
DOCS = [
    (
        "queretaro_es.md",
        {
            "title": '"Querétaro: desarrollo de proveedores y talento"',
            "publisher": '"Equipo"',
            "year": 2026,
            "jurisdiction": "MX-QUE",
            "language": "es",
            "url": "https://www.queretaro.gob.mx/plan",
        },
        QUE_ES,
    ),
    (
        "queretaro_en.md",
        {
            "title": '"Querétaro: supplier development and skills"',
            "publisher": '"Team"',
            "year": 2026,
            "jurisdiction": "MX-QUE",
            "language": "en",
            "url": "https://www.queretaro.gob.mx/en",
        },
        QUE_EN,
    ),
    (
        "tabasco_es.md",
        {
            "title": '"Tabasco: proveedores e inversión"',
            "publisher": '"Equipo"',
            "year": 2024,
            "jurisdiction": "MX-TAB",
            "language": "es",
            "url": "https://tabasco.gob.mx/plan-2044",
        },
        TAB_ES,
    ),
    (
        "yucatan_es.md",
        {
            "title": '"Yucatán: pacto industrial"',
            "publisher": '"Equipo"',
            "year": 2025,
            "jurisdiction": "MX-YUC",
            "language": "es",
            "url": "https://www.yucatan.gob.mx/pacto",
        },
        YUC_ES,
    ),
]


@pytest.fixture(scope="module")
def export_kb(tmp_path_factory):
    from ingest import ingest_paths
    from kb import KnowledgeBase

    root = tmp_path_factory.mktemp("exports_corpus")
    for name, front, sections in DOCS:
        body = f"# {front['title'].strip(chr(34))}\n\n" + "\n\n".join(f"## {h}\n{t}" for h, t in sections.items())
        write_md(root / name, front, body)
    # Short passages (one section each), so four documents give twelve.
    kb = KnowledgeBase.open(tmp_path_factory.mktemp("exports_store"), chunk_words=30)
    assert ingest_paths(kb, [root]).ok
    return kb


@pytest.fixture(scope="module")
def ten_hits(export_kb):
    hits = export_kb.search("desarrollo de proveedores y formación de técnicos", 10)
    assert len(hits) == 10 and len({h.chunk.doc_id for h in hits}) < 10  # several passages of one document
    return hits


def test_bibtex_of_ten_hits_has_one_entry_per_document(export_kb, ten_hits):
    docs = export_kb.documents_for(ten_hits)
    entries = bibtexparser.loads(export_kb.export(ten_hits, "bibtex")).entries
    assert len(entries) == len(docs) == len({h.chunk.doc_id for h in ten_hits})
    for e in entries:
        doc = next(d for d in docs.values() if e["ID"].endswith("_" + d.doc_id[:6]))
        # The document's address, unless it is a site's homepage (".../en"): then none rather than a wrong one.
        assert e.get("url", "") == (doc.url if deep_link(doc.url) else "")
        assert e["language"] == doc.language
        n_passages = sum(h.chunk.doc_id == doc.doc_id for h in ten_hits)
        assert e["annote"].count(" || ") == n_passages - 1
    assert any(e["ID"].startswith("queretaro2026_") for e in entries)  # "Querétaro" transliterated
    english = [e for e in entries if "supplier development and skills" in e["title"]]
    assert english and english[0]["language"] == "en"  # despite its Spanish reference list


def test_ris_of_ten_hits_has_one_record_per_document(export_kb, ten_hits):
    docs = export_kb.documents_for(ten_hits)
    records = rispy.loads(export_kb.export(ten_hits, "ris"))
    assert len(records) == len(docs)
    for r in records:
        doc = next(d for d in docs.values() if r["id"].endswith("_" + d.doc_id[:6]))
        assert r.get("urls", []) == ([doc.url] if deep_link(doc.url) else []) and r["language"] == doc.language
        assert len(r["notes"]) == sum(h.chunk.doc_id == doc.doc_id for h in ten_hits)
    assert sum(len(r["notes"]) for r in records) == 10


def test_csv_and_markdown_of_ten_hits(export_kb, ten_hits):
    import csv

    text = export_kb.export(ten_hits, "csv")
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only after a byte-order mark
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == 10 and all(r["url"] in ("", *(d.url for d in export_kb.documents())) for r in rows)
    assert any(r["url"].startswith("https://") for r in rows) and not any("/" in r["file"] for r in rows)
    md = export_kb.export(ten_hits, "markdown")
    assert "\\(" not in md and "Querétaro: desarrollo de proveedores y talento" in md


def test_pybtex_reads_the_bibtex(export_kb, ten_hits):
    pybtex = pytest.importorskip("pybtex.database")
    data = pybtex.parse_string(export_kb.export(ten_hits, "bibtex"), "bibtex")
    assert len(data.entries) == len({h.chunk.doc_id for h in ten_hits})
    entry = next(e for k, e in data.entries.items() if k.startswith("queretaro"))
    assert len(entry.persons["author"]) == 1  # the publisher stays one corporate author


@pytest.mark.filterwarnings("ignore:Unsupported BibTeX field")  # url, language: not in CSL
def test_citeproc_formats_a_bibliography_from_the_bibtex(export_kb, ten_hits, tmp_path):
    """citeproc-py (the CSL processor behind several reference tools) reads our BibTeX and prints a bibliography."""
    pytest.importorskip("citeproc")
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.bibtex import BibTeX

    path = tmp_path / "refs.bib"
    path.write_text(export_kb.export(ten_hits, "bibtex"), encoding="utf-8")
    source = BibTeX(str(path), encoding="utf-8")
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bib = CitationStylesBibliography(style, source, formatter.plain)
    for key in source:
        bib.register(Citation([CitationItem(key)]))
    rendered = [str(item) for item in bib.bibliography()]
    assert len(rendered) == len({h.chunk.doc_id for h in ten_hits})
    assert any("Querétaro" in r and "2026" in r for r in rendered)
