"""``kb backup``, ``kb restore`` and ``kb curator-password`` on the session store (the backup's consistency under a
running ingestion is tests/reliability/test_backup.py)."""

from __future__ import annotations

from typer.testing import CliRunner

from kbapp.cli import app

runner = CliRunner()


def test_backup_then_restore_checks_the_copy(kb_small, tmp_path):
    store = str(kb_small.config.store)
    res = runner.invoke(app, ["backup", str(tmp_path / "bk"), "--store", store])
    assert res.exit_code == 0, res.output
    assert "backed up 4 documents" in res.output
    res = runner.invoke(app, ["backup", str(tmp_path / "bk"), "--store", store])
    assert res.exit_code == 2 and "not empty" in res.output  # never over an earlier backup
    res = runner.invoke(app, ["restore", str(tmp_path / "bk"), "--store", str(tmp_path / "copy")])
    assert res.exit_code == 0, res.output
    assert "restored 4 documents" in res.output and "no orphan and no missing vector" in res.output
    res = runner.invoke(app, ["restore", str(tmp_path / "nothing"), "--store", str(tmp_path / "copy2")])
    assert res.exit_code == 2 and "not a complete policy-kb backup" in res.output


def test_curator_password_writes_only_a_hash(tmp_path, monkeypatch):
    target = tmp_path / "curator.hash"
    monkeypatch.setenv("KB_CURATOR_HASH_FILE", str(target))
    res = runner.invoke(app, ["curator-password", "--stdin", "--store", str(tmp_path)], input="a long passphrase\n")
    assert res.exit_code == 0, res.output
    assert "a long passphrase" not in res.output + target.read_text()
    assert target.read_text().startswith("$argon2id$")
    res = runner.invoke(app, ["curator-password", "--stdin", "--store", str(tmp_path)], input="short\n")
    assert res.exit_code == 2 and "at least 10 characters" in res.output
    res = runner.invoke(app, ["curator-password", "--remove", "--store", str(tmp_path)])
    assert res.exit_code == 0 and not target.exists()
