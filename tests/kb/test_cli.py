"""The ``kb`` command line on the session store."""

import json

from typer.testing import CliRunner

from kb.cli import app

runner = CliRunner()


def test_search_json_fields(kb_small):
    res = runner.invoke(app, ["search", "supplier development", "--json", "--store", str(kb_small.config.store)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    hit = out["hits"][0]
    for key in ("rank", "score", "doc_id", "source", "title", "page_start", "page_end", "language", "section", "text"):
        assert key in hit
    assert hit["rank"] == 1 and hit["language"] == "es"


def test_batch_queries(kb_small, tmp_path):
    qfile = tmp_path / "q.jsonl"
    qfile.write_text('{"id": "a", "text": "eco-industrial parks"}\n{"id": "b", "text": "agencias de inversión"}\n')
    res = runner.invoke(app, ["search", "--queries", str(qfile), "--json", "--k", "2", "--store",
                              str(kb_small.config.store)])
    assert res.exit_code == 0, res.output
    lines = [json.loads(l) for l in res.output.strip().splitlines()]
    assert [l["id"] for l in lines] == ["a", "b"] and all(len(l["hits"]) == 2 for l in lines)


def test_ingest_exit_code_and_report(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<<")
    res = runner.invoke(app, ["ingest", str(tmp_path / "docs"), "-q", "--store", str(tmp_path / "s")])
    assert res.exit_code == 1
    assert "failed" in res.output and "broken.pdf" in res.output and "corrupt" in res.output
    saved = json.loads((tmp_path / "s" / "last_ingest.json").read_text())  # what the Library page shows
    assert saved["origin"] == "cli" and saved["files"][0]["outcome"] == "failed"


def test_stats(kb_small):
    res = runner.invoke(app, ["stats", "--json", "--store", str(kb_small.config.store)])
    info = json.loads(res.output)
    assert info["documents"] == 4 and info["languages"].keys() == {"es", "en"}
