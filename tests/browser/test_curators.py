"""Curators and readers in a real headless Chromium: a reader's Library has no upload or delete; a wrong password
gets a clear message after a delay; the curator signs in with the password and can upload and delete."""

from __future__ import annotations

import time

import pytest

from kb import Config
from kbapp import curators
from tests.browser.test_e2e import ARTIFACTS, browser, page, pytestmark, shot, streamlit_server, wait_idle  # noqa: F401 (fixtures; browser, slow, needs chromium)

PASSWORD = "correct horse battery"


@pytest.fixture
def guarded_server(kb_small, tmp_path, monkeypatch):
    """The app served on loopback with a curator password set (its hash outside the shared store)."""
    monkeypatch.setenv("KB_CURATOR_HASH_FILE", str(tmp_path / "curator.hash"))
    monkeypatch.setenv("KB_LOGIN_DELAY_S", "1.0")
    curators.set_password(Config.from_env(), PASSWORD)
    with streamlit_server(kb_small.config.store, tmp_path / "server.log") as url:
        yield url


def test_reader_cannot_change_the_library_until_the_curator_signs_in(guarded_server, page):
    page.goto(f"{guarded_server}/library?ui=en")
    page.get_by_text("Read-only: uploading and deleting documents needs a curator").wait_for()
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    assert "Upload documents" not in main.inner_text() and "Delete a document" not in main.inner_text()
    shot(page, "library-reader", ARTIFACTS)

    box = page.get_by_label("Curator password")
    box.fill("not the password")
    start = time.monotonic()
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Wrong password").wait_for()
    assert time.monotonic() - start >= 1.0  # the answer waited
    assert "not the password" not in main.inner_text() and "not" not in page.url
    assert page.locator('[data-testid="stFileUploader"]').count() == 0

    box.fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Upload documents").wait_for()
    page.locator('[data-testid="stFileUploader"]').wait_for()  # drawn a moment after the heading
    page.get_by_text("Delete a document").wait_for()
    wait_idle(page)
    assert "Signed in as a curator" in main.inner_text() and PASSWORD not in page.content()
    assert "horse" not in page.url
    shot(page, "library-curator", ARTIFACTS)
