"""Citations and exports: text, BibTeX and RIS that real parsers read back, CSV safe in spreadsheets, inert Markdown."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace

import bibtexparser
import pytest
import rispy

from kb.records import Chunk, Document, Hit
from kb.search.citations import EXPORTERS, citation_for, cite_text, md_escape, to_bibtex, to_csv, to_markdown, to_ris


def hit(rank=1, **over) -> Hit:
    fields = dict(
        title="Plan {Tabasco} 2044_final",
        publisher="Gobierno de Tabasco and Pemex",
        year=2024,
        jurisdiction="MX-TAB",
        level="state",
        doc_type="plan",
        source="/data/plan.pdf",
        url="https://ex.org/a_b%20c?x=1&y=2",
        doc_id="abcdef123456",
    )
    fields.update({k: v for k, v in over.items() if k in Document.__dataclass_fields__})
    passage = dict(
        chunk_id="abcdef123456:00001",
        doc_id=fields["doc_id"],
        ordinal=1,
        text="Texto con $5 y 50% & {llaves}\nTY  - JOUR\nsegunda línea",
        page_start=3,
        page_end=4,
        section="Pilar 2: Talento",
        language="es",
    )
    passage.update({k: v for k, v in over.items() if k in Chunk.__dataclass_fields__ and k != "doc_id"})
    chunk = Chunk(**passage, doc=Document(**fields))
    return Hit(chunk=chunk, score=0.5, rank=rank, legs=["dense:es", "lexical"], citation=citation_for(chunk))


def test_cite_text():
    assert cite_text(hit().citation) == (
        "Gobierno de Tabasco and Pemex (2024). Plan {Tabasco} 2044_final. § Pilar 2: Talento, pp. 3–4."
    )
    assert cite_text(hit(publisher="", year=None, section="", page_end=3).citation).endswith("p. 3.")


DOCS = {
    "abcdef123456": Document(
        doc_id="abcdef123456",
        title="Plan {Tabasco} 2044_final",
        publisher="Gobierno de Tabasco and Pemex",
        year=2024,
        language="en",
        url="https://ex.org/a_b%20c?x=1&y=2",
        jurisdiction="MX-TAB",
        doc_type="plan",
    )
}


def test_bibtex_one_entry_per_document_with_its_passages():
    text = to_bibtex([hit(1), hit(2, chunk_id="abcdef123456:00002", page_start=7, page_end=7, text="Otra cosa.")], DOCS)
    entries = bibtexparser.loads(text).entries
    assert len(entries) == 1  # two passages of one document: one entry, both passages inside
    e = entries[0]
    assert e["ENTRYTYPE"] == "misc" and e["ID"] == "plan2024_abcdef"
    assert e["author"] == "{Gobierno de Tabasco and Pemex}"  # one corporate author, never split at "and"
    assert e["title"] == "{Plan (Tabasco) 2044\\_final}"  # braces cannot close the field early
    assert e["pages"] == "3--4, 7" and e["year"] == "2024"
    assert e["language"] == "en" and e["langid"] == "english"  # the document's language, not the passage's "es"
    assert e["url"] == "https://ex.org/a_b%20c?x=1&y=2"  # URLs stay verbatim
    assert "\\$5" in e["annote"] and "50\\%" in e["annote"] and "\n" not in e["annote"]
    assert "Otra cosa." in e["annote"] and "p. 7" in e["note"] and "Pilar 2" in e["note"]


def test_keys_are_transliterated():
    h = hit(title="Querétaro: clúster aeroespacial", year=2026)
    assert bibtexparser.loads(to_bibtex([h])).entries[0]["ID"] == "queretaro2026_abcdef"
    assert to_ris([h]).splitlines()[1] == "ID  - queretaro2026_abcdef"


def test_primary_source_is_the_url_when_the_catalog_gives_one():
    docs = {
        "abcdef123456": replace(
            DOCS["abcdef123456"],
            source_url="https://gob.mx/plan.pdf",
            source_title="Plan Estatal",
            source_publisher="Gobierno de Tabasco",
            source_year=2024,
        )
    }
    e = bibtexparser.loads(to_bibtex([hit()], docs)).entries[0]
    assert e["url"] == "https://gob.mx/plan.pdf" and "Summarises: Plan Estatal (Gobierno de Tabasco, 2024)" in e["note"]
    r = rispy.loads(to_ris([hit()], docs))[0]
    assert r["urls"] == ["https://gob.mx/plan.pdf"] and r["notes"][0].startswith("Summarises: Plan Estatal")


def test_ris_reads_back_as_zotero_would():
    text = to_ris([hit(1), hit(2, chunk_id="abcdef123456:00002"), hit(3, doc_id="ffff00001111", title="Otro")], DOCS)
    lines = text.splitlines()
    assert lines[0] == "TY  - RPRT" and "ER  - " in lines
    # Every non-blank line is one tag: a newline in the passage cannot forge "TY  - JOUR".
    assert all(l == "" or (len(l) >= 5 and l[2:6] == "  - ") for l in lines)
    assert sum(l.startswith("TY  -") for l in lines) == 2
    records = rispy.loads(text)
    assert len(records) == 2
    r = records[0]
    assert r["type_of_reference"] == "RPRT" and r["title"] == "Plan {Tabasco} 2044_final"
    assert r["authors"] == ["Gobierno de Tabasco and Pemex"] and r["year"] == "2024" and r["language"] == "en"
    assert r["urls"] == ["https://ex.org/a_b%20c?x=1&y=2"]
    assert len(r["notes"]) == 2 and "segunda línea" in r["notes"][0] and "Pilar 2" in r["notes"][0]
    single = records[1]  # one cited passage: its pages are the record's
    assert single["start_page"] == "3" and single["end_page"] == "4" and single["language"] == "es"


def test_csv_is_safe_in_spreadsheets_and_has_no_server_path():
    rows = list(csv.DictReader(io.StringIO(to_csv([hit(title='=HYPERLINK("http://evil")')]))))
    assert rows[0]["title"].startswith("'=") and rows[0]["pages"] == "pp. 3–4" and rows[0]["legs"] == "dense:es+lexical"
    assert rows[0]["url"] == "https://ex.org/a_b%20c?x=1&y=2" and rows[0]["file"] == "plan.pdf"
    assert "/data/" not in to_csv([hit()], DOCS) and "source" not in rows[0]


def test_markdown_is_inert():
    md = to_markdown([hit(title="[click](javascript:alert(1)) <script>x</script>")], heading="Q <b>")
    # Escaped (a backslash before each), so no renderer makes a link or a tag of them.
    assert not re.search(r"(?<!\\)\]\(", md) and not re.search(r"(?<!\\)<(script|b|/script)", md)
    assert md_escape("a_b*c") == "a_b\\*c" and md_escape("_x_") == "\\_x\\_"


def test_markdown_reads_as_plain_text():
    md = to_markdown([hit(title="Tabasco (MX) plan", text="Metas (2026) y 50% de avance.")], DOCS)
    assert "\\(" not in md and "\\)" not in md
    assert "(2024). Plan" in md and "Metas (2026) y 50% de avance." in md and "<https://ex.org/" in md


@pytest.mark.parametrize("fmt", list(EXPORTERS))
def test_empty_lists_export_cleanly(fmt):
    assert EXPORTERS[fmt]([]) in ("", "\n") or EXPORTERS[fmt]([]).startswith("rank,")
