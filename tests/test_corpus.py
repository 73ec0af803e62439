"""The starter corpus: catalog and files agree, generated PDFs are current, the labelled queries are well-formed."""

import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
sys.path.insert(0, str(ROOT / "scripts"))
import build_corpus  # noqa: E402

JURISDICTIONS = {
    "MX",
    "MX-TAB",
    "MX-QUE",
    "MX-NLE",
    "MX-GUA",
    "MX-MEX",
    "MX-SLP",
    "MX-SIN",
    "MX-YUC",
    "SG",
    "CL",
    "CO",
    "DO",
    "NL",
    "INT",
}
# States profiled in the second round of issue #23 (notes in corpus/_sources/, one per language).
JURISDICTIONS |= {"MX-MIC", "MX-MOR", "MX-NAY", "MX-ROO", "MX-SON", "MX-TAM", "MX-TLA", "MX-ZAC"}
# States given notes in the third round of issue #23 (corpus/_sources/, one per language).
JURISDICTIONS |= {"MX-CAM", "MX-CHH", "MX-CHP", "MX-COA", "MX-JAL", "MX-OAX", "MX-PUE", "MX-VER"}


@pytest.fixture(scope="module")
def catalog() -> list[dict]:
    with (CORPUS / "catalog.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def queries() -> list[dict]:
    return [
        json.loads(l)
        for f in sorted((CORPUS / "_eval").glob("queries_*.jsonl"))
        for l in f.read_text(encoding="utf-8").splitlines()
        if l.strip()
    ]


def test_catalog_and_files_agree(catalog):
    listed = {r["file"] for r in catalog}
    on_disk = {p.relative_to(CORPUS).as_posix() for p in list(CORPUS.glob("md/*.md")) + list(CORPUS.glob("pdf/*.pdf"))}
    assert listed == on_disk
    for row in catalog:
        assert row["jurisdiction"] in JURISDICTIONS, row
        assert row["language"] in {"es", "en"} and row["title"] and row["year"].isdigit()
        if row["file"].startswith("md/"):
            front = build_corpus.read_note(CORPUS / row["file"]).meta
            assert front["title"] == row["title"] and front["jurisdiction"] == row["jurisdiction"]


def test_collection_shape(catalog):
    assert len(catalog) >= 45
    langs = Counter(r["language"] for r in catalog)
    assert abs(langs["es"] - langs["en"]) <= len(catalog) // 5
    assert sum(r["file"].endswith(".pdf") for r in catalog) * 3 >= len(catalog)
    slugs = Counter(Path(r["file"]).stem.split("_", 1)[1] for r in catalog)
    assert sum(n == 2 for n in slugs.values()) >= 6, "at least 6 notes exist in both languages"


def test_generated_pdfs_and_catalog_are_current():
    assert build_corpus.main(["--check"]) == 0


def test_queries_are_labelled(queries, catalog):
    lang_of = {r["file"]: r["language"] for r in catalog}
    assert len(queries) >= 90
    assert len({q["id"] for q in queries}) == len(queries)
    by_lang = Counter(q["lang"] for q in queries)
    assert by_lang["es"] >= 40 and by_lang["en"] >= 40
    cross = 0
    for q in queries:
        docs = [build_corpus.source_to_document(k) for k in q["relevant"]]
        assert all(d in lang_of for d in docs), q["id"]
        assert set(q["relevant"].values()) <= {1, 2} and 2 in q["relevant"].values()
        cross += all(lang_of[d] != q["lang"] for d in docs)
    assert cross >= 35


# --- #11: every note names the primary document it summarises; homepages only with a reason ---------------

_URL = re.compile(r"https?://[^\s)>\]]+")


def _references(path: Path) -> list[str]:
    """The URLs in a note's References / Referencias section."""
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^## (?:References|Referencias)\s*$(.*)", text, re.M | re.S)
    return _URL.findall(match.group(1)) if match else []


def _is_homepage(url: str) -> bool:
    """A site's front page or a one-word section of it (https://www.gob.mx/se), not a document."""
    parts = urlsplit(url.rstrip(".,;"))
    segments = [s for s in parts.path.split("/") if s]
    if parts.query or len(segments) > 1:
        return False
    return not segments or ("-" not in segments[0] and "." not in segments[0] and len(segments[0]) <= 20)


def test_catalog_names_the_primary_source_of_every_note(catalog):
    for row in catalog:
        assert row["source_title"] and row["source_publisher"], row["file"]
        for field in ("source_url", "source_year"):
            assert row[field] or row["source_note"], f"{row['file']}: empty {field} and no source_note saying why"
        if row["source_url"]:
            assert urlsplit(row["source_url"]).path.strip("/"), f"{row['file']}: source_url is a bare domain"
        if row["source_year"]:
            assert row["source_year"].isdigit() and 1800 < int(row["source_year"]) <= int(row["year"])


# A homepage may stay in References only when its own line says why, in the note's language:
# "[homepage: <reason>]" in English notes, "[portal: <motivo>]" in Spanish ones (e.g. "[homepage: cited for
# CORFO as an institution or programme, not for a document]"). A blanket sentence in the catalog is not enough.
_REASON = re.compile(r"\[(homepage|portal): ([^\]]+)\]")


def _reference_lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^## (?:References|Referencias)\s*$(.*)", text, re.M | re.S)
    return [line for line in match.group(1).splitlines() if line.startswith("- ")] if match else []


def test_every_homepage_reference_says_why(catalog):
    for row in catalog:
        file = row["file"]
        note = CORPUS / (file if file.startswith("md/") else "_sources/" + Path(file).stem + ".md")
        marker = "homepage" if row["language"] == "en" else "portal"
        for line in _reference_lines(note):
            if any(_is_homepage(u) for u in _URL.findall(line)):
                reason = _REASON.search(line)
                assert reason and reason.group(1) == marker, (file, line)
                assert len(reason.group(2).split()) >= 5, (file, line)


def test_catalog_notes_do_not_excuse_homepages_wholesale(catalog):
    for row in catalog:
        note = row["source_note"].lower()
        assert "homepage references" not in note and "portales institucionales" not in note, row["file"]
        assert "not verified" not in note, (row["file"], "say what was found, or 'no public copy found'")
