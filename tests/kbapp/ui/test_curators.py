"""Curators and readers on the Library page (kbapp/ui/auth.py, kbapp/curators.py): a reader's page holds no upload
or delete widget; a curator signs in with the password and gets them; a wrong password gets a clear message after
a delay that grows with each failure."""

from __future__ import annotations

import time

import pytest

from kb import Config
from kbapp import curators
from tests.kbapp.ui.conftest import open_app

PASSWORD = "correct horse battery"


def can_change(at) -> bool:
    keys = {w.key for w in at.get("file_uploader")} | {w.key for w in at.selectbox}
    return "upload_files" in keys and "lib_delete" in keys


def texts(at) -> str:
    return " ".join(e.value for e in [*at.info, *at.error, *at.warning, *at.caption])


@pytest.fixture
def curator(tmp_path, monkeypatch):
    """A curator password set for the app (its hash outside the session's shared store)."""
    monkeypatch.setenv("KB_CURATOR_HASH_FILE", str(tmp_path / "curator.hash"))
    monkeypatch.setenv("KB_LOGIN_DELAY_S", "0.4")
    config = Config.from_env()
    curators.set_password(config, PASSWORD)
    curators.THROTTLE.succeeded("local")  # no failures left over from another test
    return config


def test_open_on_loopback_without_a_curator(kb_small, monkeypatch):
    at = open_app(kb_small.config.store, monkeypatch, page="library")
    assert can_change(at)  # as before: one person on a laptop notices nothing
    assert "curator_password" not in {w.key for w in at.text_input}


def test_read_only_beyond_loopback_without_a_curator(kb_small, monkeypatch):
    at = open_app(kb_small.config.store, monkeypatch, page="library", address="0.0.0.0")
    assert not can_change(at)
    assert "kb curator-password" in texts(at)
    assert len(at.dataframe) == 1  # readers still see the library


def test_reader_then_curator(kb_small, curator, monkeypatch):
    at = open_app(kb_small.config.store, monkeypatch, page="library")  # even on loopback, once a curator is set
    assert not can_change(at)
    assert "Read-only" in texts(at)

    for n, wait in ((1, 0.4), (2, 0.8)):
        at.text_input(key="curator_password").input("wrong guess " + str(n))
        start = time.monotonic()
        at.button(key="curator_in").click().run()
        took = time.monotonic() - start
        assert took >= wait, f"failure {n} answered after {took:.2f} s"
        assert any("Wrong password" in e.value and f"{n} failed" in e.value for e in at.error), (n, took, texts(at))
        assert "wrong guess" not in texts(at)  # the typed secret is never echoed
        assert not can_change(at)
    assert not any("wrong" in str(v) for v in at.query_params.values())

    at.text_input(key="curator_password").input(PASSWORD)
    at.button(key="curator_in").click().run()
    assert not at.exception, at.exception
    assert can_change(at), texts(at)
    assert curators.THROTTLE.failures("local") == 0  # a success clears the delay
    assert PASSWORD not in texts(at) and not any(PASSWORD in str(v) for v in at.query_params.values())

    at.button(key="curator_out").click().run()
    assert not can_change(at)


def test_password_kept_only_as_a_hash(curator):
    stored = curator.curator_hash_path.read_text()
    assert PASSWORD not in stored and stored.startswith("$argon2id$")
    assert curator.curator_hash_path.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert curators.check_password(curator, PASSWORD) and not curators.check_password(curator, PASSWORD + "!")
    with pytest.raises(curators.CuratorError, match="at least"):
        curators.set_password(curator, "short")


OIDC = {  # the shape of .streamlit/secrets.toml's [auth] section (docs/team.md); no provider is reached
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a long random string",
    "client_id": "policy-kb",
    "client_secret": "not used offline",
    "server_metadata_url": "https://login.example.org/.well-known/openid-configuration",
}


def test_oidc_configured_readers_get_a_sign_in_button(kb_small, monkeypatch, tmp_path):
    monkeypatch.setenv("KB_CURATOR_HASH_FILE", str(tmp_path / "none.hash"))  # no password: OIDC alone
    monkeypatch.setenv("KB_CURATOR_EMAILS", "curator@example.org")
    at = open_app(kb_small.config.store, monkeypatch, page="library", secrets={"auth": OIDC})
    assert not can_change(at)  # even on loopback: an identity provider is configured
    assert "oidc_in" in {b.key for b in at.button}
    assert "curator_password" not in {w.key for w in at.text_input}
    assert OIDC["client_secret"] not in texts(at) and OIDC["cookie_secret"] not in texts(at)
