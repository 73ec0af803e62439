"""``kb export``: the same exports as the app's buttons, to stdout or a file."""

from __future__ import annotations

import bibtexparser
import rispy
from typer.testing import CliRunner

from kbapp.cli import app

runner = CliRunner()


def test_export_bibtex_to_stdout(kb_small):
    res = runner.invoke(
        app, ["export", "supplier development", "--format", "bibtex", "-k", "3", "--store", str(kb_small.config.store)]
    )
    assert res.exit_code == 0, res.output
    entries = bibtexparser.loads(res.stdout).entries
    # One entry per document of the 3 hits (a document's passages are one entry with their pages).
    docs = {h.chunk.doc_id for h in kb_small.search("supplier development", 3)}
    assert len(entries) == len(docs) and entries[0]["title"] == "{Plan industrial de prueba}"


def test_export_ris_with_filters_to_a_file(kb_small, tmp_path):
    out = tmp_path / "refs.ris"
    res = runner.invoke(
        app,
        [
            "export",
            "parques ecoindustriales",
            "-f",
            "ris",
            "-o",
            str(out),
            "--jurisdiction",
            "MX",
            "--store",
            str(kb_small.config.store),
        ],
    )
    assert res.exit_code == 0, res.output
    records = rispy.loads(out.read_text(encoding="utf-8"))
    assert records and {r["title"] for r in records} == {"Parques ecoindustriales en la práctica"}


def test_unknown_format_is_refused(kb_small):
    res = runner.invoke(app, ["export", "x", "--format", "docx", "--store", str(kb_small.config.store)])
    assert res.exit_code == 2 and "unknown format 'docx'" in res.output
