"""The ``kb`` command line on the session store."""

import json

import pytest
import typer
from typer.testing import CliRunner

from kbapp.cli import app

runner = CliRunner()


def test_search_json_fields(kb_small):
    res = runner.invoke(app, ["search", "supplier development", "--json", "--store", str(kb_small.config.store)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    hit = out["hits"][0]
    for key in ("rank", "score", "doc_id", "source", "title", "page_start", "page_end", "language", "section", "text"):
        assert key in hit
    assert hit["rank"] == 1 and hit["language"] == "es"


def test_search_and_ask_json_say_when_nothing_is_relevant(kb_small):
    store = str(kb_small.config.store)
    found = json.loads(runner.invoke(app, ["search", "supplier development", "--json", "--store", store]).output)
    assert found["nothing_relevant"] is False and found["relevance"] >= found["floor"]
    nothing = json.loads(runner.invoke(app, ["search", "xqzv blorft", "--json", "--store", store]).output)
    assert nothing["nothing_relevant"] is True and nothing["hits"]  # the nearest passages, marked as such
    asked = json.loads(runner.invoke(app, ["ask", "xqzv blorft", "--json", "--store", store]).output)
    assert asked["nothing_relevant"] is True and not asked.get("sentences")  # no answer quoted from them
    text = runner.invoke(app, ["search", "xqzv blorft", "--store", store]).output
    assert "Nothing in the collection answers this question" in text


def test_batch_queries(kb_small, tmp_path):
    qfile = tmp_path / "q.jsonl"
    qfile.write_text('{"id": "a", "text": "eco-industrial parks"}\n{"id": "b", "text": "agencias de inversión"}\n')
    res = runner.invoke(
        app, ["search", "--queries", str(qfile), "--json", "--k", "2", "--store", str(kb_small.config.store)]
    )
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


def test_batch_search_reports_bad_lines_and_goes_on(kb_small, tmp_path):
    qfile = tmp_path / "q.jsonl"
    qfile.write_text(
        '{"id": "a", "text": "eco-industrial parks"}\n'
        '{"id": "b", "query": "no text field"}\n'
        "not json at all\n"
        '["a", "list"]\n'
        '{"id": "e", "text": "   "}\n'
        '{"id": "f", "text": "agencias de inversión"}\n'
    )
    res = runner.invoke(
        app, ["search", "--queries", str(qfile), "--json", "--k", "2", "--store", str(kb_small.config.store)]
    )
    assert res.exit_code == 1 and "Traceback" not in res.output
    lines = [json.loads(l) for l in res.stdout.strip().splitlines()]
    assert [l.get("id") for l in lines] == ["a", "b", None, None, "e", "f"]
    assert len(lines[0]["hits"]) == 2 and len(lines[5]["hits"]) == 2
    assert [l.get("line") for l in lines[1:5]] == [2, 3, 4, 5]
    assert lines[1]["error"].startswith('no "text" field') and lines[3]["error"].startswith('no "text" field')
    assert lines[2]["error"].startswith("not JSON")
    assert lines[4]["error"].startswith("empty query")
    assert f"{qfile}:3: not JSON" in res.stderr


def test_batch_search_with_a_missing_file(kb_small, tmp_path):
    res = runner.invoke(
        app, ["search", "--queries", str(tmp_path / "nope.jsonl"), "--store", str(kb_small.config.store)]
    )
    assert res.exit_code == 2
    assert "cannot read" in res.stderr and "No such file" in res.stderr


def test_a_whitespace_only_query_is_refused(kb_small):
    res = runner.invoke(app, ["search", "   ", "--store", str(kb_small.config.store)])
    assert res.exit_code == 2 and "empty query" in res.stderr
    assert "[1]" not in res.stdout


def test_a_too_long_query_is_refused_with_the_limit(kb_small):
    res = runner.invoke(app, ["search", "parques " * 400, "--store", str(kb_small.config.store)])
    assert res.exit_code == 2
    assert "query too long: 3,199 characters, the limit is 2,000 (KB_MAX_QUERY_CHARS)" in res.stderr


@pytest.mark.parametrize("k", ["0", "-1"])
def test_k_below_one_is_refused(kb_small, k):
    res = runner.invoke(app, ["search", "parques", "--k", k, "--store", str(kb_small.config.store)])
    assert res.exit_code == 2 and "--k" in res.output and "[1]" not in res.output


def test_language_codes_are_normalised_or_refused_by_name(kb_small):
    store = str(kb_small.config.store)
    upper = runner.invoke(app, ["search", "parques industriales", "--lang", "ES", "--json", "--store", store])
    assert upper.exit_code == 0 and {h["language"] for h in json.loads(upper.stdout)["hits"]} == {"es"}
    unknown = runner.invoke(app, ["search", "parques industriales", "--lang", "xx", "--store", store])
    assert unknown.exit_code == 2
    assert "no passages in language 'xx'; languages in this store: en, es" in unknown.stderr


def test_defaults_come_from_the_configuration(kb_small):
    store = ["--store", str(kb_small.config.store), "--json"]
    res = runner.invoke(app, ["search", "supplier development", *store], env={"KB_K": "3"})
    assert res.exit_code == 0, res.output
    assert len(json.loads(res.output)["hits"]) == 3
    res = runner.invoke(app, ["ask", "supplier development", *store], env={"KB_ANSWER_PASSAGES": "2"})
    assert res.exit_code == 0, res.output
    assert len(json.loads(res.output)["hits"]) == 2


def test_search_kind_option(kb_small):
    store = str(kb_small.config.store)
    res = runner.invoke(
        app,
        ["search", "Harding Javorcik red carpet Economic Journal", "--json", "--kind", "references", "--store", store],
    )
    assert res.exit_code == 0, res.output
    hits = json.loads(res.output)["hits"]
    assert hits and {h["kind"] for h in hits} == {"references"} and "Javorcik" in hits[0]["text"]
    res = runner.invoke(app, ["search", "Harding Javorcik red carpet", "--json", "--store", store])
    assert {h["kind"] for h in json.loads(res.output)["hits"]} <= {"content"}
    res = runner.invoke(app, ["search", "parks", "--kind", "bibliography", "--store", store])
    assert res.exit_code == 2 and "unknown passage kind bibliography" in res.output


# --- no silent empty results (issue 21) and the filter options defined once (issue 22) ----------------------------
@pytest.mark.parametrize("command", [["search", "litio"], ["ask", "litio"], ["export", "litio"], ["stats"]])
def test_a_store_that_does_not_exist_is_an_error_that_names_it(tmp_path, command):
    missing = tmp_path / "no_store_here"
    res = runner.invoke(app, [*command, "--store", str(missing)])
    assert res.exit_code == 2 and f"no knowledge base at {missing}" in res.stderr and "does not exist" in res.stderr
    assert not missing.exists()  # and no empty store was made there
    (tmp_path / "empty").mkdir()  # a folder that is not a store
    res = runner.invoke(app, [*command, "--store", str(tmp_path / "empty")])
    assert res.exit_code == 2 and "holds no knowledge base" in res.stderr
    assert not list((tmp_path / "empty").iterdir())


def test_eval_of_a_store_that_does_not_exist_is_an_error(tmp_path):
    res = runner.invoke(app, ["eval", "--store", str(tmp_path / "nope")])
    assert res.exit_code == 2 and "no knowledge base at" in res.stderr and not (tmp_path / "nope").exists()


FILTERS = ["--lang", "--jurisdiction", "--level", "--type", "--from", "--to", "--kind"]


@pytest.mark.parametrize("command", ["search", "ask", "export", "eval"])
def test_every_searching_command_takes_every_filter_option(command):
    params = typer.main.get_command(app).commands[command].params  # type: ignore[attr-defined]
    options = {o for p in params for o in p.opts}
    assert set(FILTERS) <= options


def test_unknown_filter_values_are_named_with_the_valid_ones(kb_small):
    store = ["--store", str(kb_small.config.store)]
    for command in (["search", "parques"], ["ask", "parques"], ["export", "parques"]):
        res = runner.invoke(app, [*command, "--jurisdiction", "ZZ", *store])
        assert (
            res.exit_code == 2
            and "no document has jurisdiction 'ZZ'; jurisdiction values in this store: INT, MX" in res.stderr
        )
        res = runner.invoke(app, [*command, "--level", "municipal", *store])
        assert res.exit_code == 2 and "no document has level 'municipal'; level values in this store:" in res.stderr
        res = runner.invoke(app, [*command, "--type", "memo", *store])
        assert res.exit_code == 2 and "no document has type 'memo'; type values in this store:" in res.stderr
        res = runner.invoke(app, [*command, "--from", "2025", "--to", "2010", *store])
        assert res.exit_code == 2 and "empty year range" in res.stderr
    # ask takes every filter now, not only --lang and --jurisdiction.
    res = runner.invoke(app, ["ask", "aftercare", "--type", "note", "--level", "international", "--json", *store])
    assert res.exit_code == 0, res.output
    assert {h["doc_type"] for h in json.loads(res.stdout)["hits"]} == {"note"}


def test_a_query_of_invisible_characters_is_refused(kb_small):
    res = runner.invoke(app, ["search", "\x00", "--store", str(kb_small.config.store)])
    assert res.exit_code == 2 and "empty query" in res.stderr and "[1]" not in res.stdout
