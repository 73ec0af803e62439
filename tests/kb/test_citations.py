"""Citations and exports: text, BibTeX and RIS that real parsers read back, CSV safe in spreadsheets, inert Markdown."""

from __future__ import annotations

import csv
import io

import bibtexparser
import pytest
import rispy

from kb.citations import EXPORTERS, cite_text, citation_for, md_escape, to_bibtex, to_csv, to_markdown, to_ris
from kb.records import Chunk, Hit


def hit(rank=1, **over) -> Hit:
    fields = dict(chunk_id="abcdef123456:00001", doc_id="abcdef123456", ordinal=1,
                  text="Texto con $5 y 50% & {llaves}\nTY  - JOUR\nsegunda línea", page_start=3, page_end=4,
                  section="Pilar 2: Talento", language="es", title="Plan {Tabasco} 2044_final",
                  publisher="Gobierno de Tabasco and Pemex", year=2024, jurisdiction="MX-TAB", level="state",
                  doc_type="plan", source="/data/plan.pdf", url="https://ex.org/a_b%20c?x=1&y=2")
    fields.update(over)
    chunk = Chunk(**fields)
    return Hit(chunk=chunk, score=0.5, rank=rank, legs=["dense:es", "lexical"], citation=citation_for(chunk))


def test_cite_text():
    assert cite_text(hit().citation) == ("Gobierno de Tabasco and Pemex (2024). Plan {Tabasco} 2044_final. "
                                         "§ Pilar 2: Talento, pp. 3–4.")
    assert cite_text(hit(publisher="", year=None, section="", page_end=3).citation).endswith("p. 3.")


def test_bibtex_parses_back_with_fields_intact():
    text = to_bibtex([hit(1), hit(2, chunk_id="abcdef123456:00002")])
    entries = bibtexparser.loads(text).entries
    assert len(entries) == 2 and len({e["ID"] for e in entries}) == 2
    e = entries[0]
    assert e["ENTRYTYPE"] == "misc"
    assert e["author"] == "{Gobierno de Tabasco and Pemex}"  # one corporate author, never split at "and"
    assert e["title"] == "{Plan (Tabasco) 2044\\_final}"  # braces cannot close the field early
    assert e["pages"] == "3--4" and e["year"] == "2024" and e["language"] == "es"
    assert e["url"] == "https://ex.org/a_b%20c?x=1&y=2"  # URLs stay verbatim
    assert "\\$5" in e["annote"] and "50\\%" in e["annote"] and "\n" not in e["annote"]


def test_ris_reads_back_as_zotero_would():
    text = to_ris([hit(1), hit(2)])
    lines = text.splitlines()
    assert lines[0] == "TY  - RPRT" and "ER  - " in lines
    # Every non-blank line is one tag: a newline in the passage cannot forge "TY  - JOUR".
    assert all(l == "" or (len(l) >= 5 and l[2:6] == "  - ") for l in lines)
    assert sum(l.startswith("TY  -") for l in lines) == 2
    records = rispy.loads(text)
    assert len(records) == 2
    r = records[0]
    assert r["type_of_reference"] == "RPRT" and r["title"] == "Plan {Tabasco} 2044_final"
    assert r["authors"] == ["Gobierno de Tabasco and Pemex"] and r["year"] == "2024"
    assert r["start_page"] == "3" and r["end_page"] == "4" and r["urls"] == ["https://ex.org/a_b%20c?x=1&y=2"]
    assert "segunda línea" in r["notes"][0] and "Pilar 2" in r["notes"][0]


def test_csv_is_safe_in_spreadsheets():
    rows = list(csv.DictReader(io.StringIO(to_csv([hit(title="=HYPERLINK(\"http://evil\")")]))))
    assert rows[0]["title"].startswith("'=") and rows[0]["pages"] == "pp. 3–4" and rows[0]["legs"] == "dense:es+lexical"


def test_markdown_is_inert():
    md = to_markdown([hit(title="[click](javascript:alert(1)) <script>x</script>")], heading="Q <b>")
    assert "](" not in md and "<script>" not in md and "<b>" not in md
    assert md_escape("a_b*c") == "a\\_b\\*c"


@pytest.mark.parametrize("fmt", list(EXPORTERS))
def test_empty_lists_export_cleanly(fmt):
    assert EXPORTERS[fmt]([]) in ("", "\n") or EXPORTERS[fmt]([]).startswith("rank,")
