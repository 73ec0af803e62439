"""The starter corpus: catalog and files agree, generated PDFs are current, the labelled queries are well-formed."""

import csv
import json
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
sys.path.insert(0, str(ROOT / "scripts"))
import build_corpus  # noqa: E402

JURISDICTIONS = {"MX", "MX-TAB", "MX-QUE", "MX-NLE", "MX-GUA", "MX-MEX", "MX-SLP", "MX-SIN", "MX-YUC",
                 "SG", "CL", "CO", "DO", "NL", "INT"}


@pytest.fixture(scope="module")
def catalog() -> list[dict]:
    with (CORPUS / "catalog.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def queries() -> list[dict]:
    return [json.loads(l) for f in sorted((CORPUS / "_eval").glob("queries_*.jsonl"))
            for l in f.read_text(encoding="utf-8").splitlines() if l.strip()]


def test_catalog_and_files_agree(catalog):
    listed = {r["file"] for r in catalog}
    on_disk = {p.relative_to(CORPUS).as_posix() for p in list(CORPUS.glob("md/*.md")) + list(CORPUS.glob("pdf/*.pdf"))}
    assert listed == on_disk
    for row in catalog:
        assert row["jurisdiction"] in JURISDICTIONS, row
        assert row["language"] in {"es", "en"} and row["title"] and row["year"].isdigit()
        if row["file"].startswith("md/"):
            front = yaml.safe_load((CORPUS / row["file"]).read_text(encoding="utf-8").split("---")[1])
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
