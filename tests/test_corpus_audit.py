"""#23 catalog audit: every catalog row names the document its note summarises, or says why a field is empty, and
no row's source is a document about something else (checked against the evidence in corpus/_audit/sources.yaml)."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
AUDIT = CORPUS / "_audit" / "sources.yaml"

# What a source may be; "press release", "news report" and "announcement" report one event, so they are the kinds
# most likely to be about something other than the note (the GM Silao release behind a note on export promotion).
KINDS = {
    "agreement",
    "announcement",
    "article",
    "book",
    "budget statement",
    "decree and institutional site",
    "encyclopaedia entry",
    "evaluation",
    "framework",
    "institutional site",
    "journal article",
    "law or decree",
    "legal notice",
    "news report",
    "plan",
    "policy letter",
    "press release",
    "programme",
    "report",
    "statistical table",
    "study",
    "synthesis",
    "web page",
    "working paper",
}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@pytest.fixture(scope="module")
def catalog() -> dict[str, dict[str, str]]:
    with (CORPUS / "catalog.csv").open(encoding="utf-8") as fh:
        return {r["file"]: r for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def audit() -> dict[str, dict]:
    return yaml.safe_load(AUDIT.read_text(encoding="utf-8"))["rows"]


def test_every_source_field_is_filled_or_carries_a_reason(catalog):
    for file, row in catalog.items():
        assert row["source_title"].strip() and row["source_publisher"].strip(), f"{file}: no source named"
        empty = [k for k in ("source_year", "source_url") if not row[k].strip()]
        if empty:
            assert len(row["source_note"].split()) >= 5, (
                f"{file}: {', '.join(empty)} empty and no reason in source_note"
            )


def test_the_audit_covers_every_row_with_current_evidence(catalog, audit):
    assert set(audit) == set(catalog), "rows without an audit entry, or entries for rows that are gone"
    for file, entry in audit.items():
        assert entry["source_title"] == catalog[file]["source_title"], f"{file}: the catalog names another source now"
        assert entry["kind"] in KINDS, (file, entry["kind"])
        assert entry["about"] and entry["finding"].strip() and str(entry["checked"]), file


def test_no_source_is_about_something_else(catalog, audit):
    """Each source's subject, as recorded, is what the note is about: a term of it is in the note's title or topics."""
    for file, entry in audit.items():
        row = catalog[file]
        subject = _fold(row["title"] + " | " + row["topics"])
        missing = [t for t in entry["about"] if _fold(t) not in subject]
        assert not missing, f"{file}: its source ({entry['kind']}) is about {missing}, which the note is not about"


def test_no_row_names_a_source_it_dropped(catalog, audit):
    for file, entry in audit.items():
        for old in entry.get("rejected", []):
            row = catalog[file]
            if old.get("url"):
                assert old["url"] not in {row["source_url"], row["url"]}, (file, old["why"])
            if old.get("title"):
                assert old["title"] != row["source_title"], (file, old["why"])
