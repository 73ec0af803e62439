"""The Streamlit page, run for real by AppTest against the session store."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app(kb_small, monkeypatch):
    monkeypatch.setenv("KB_STORE", str(kb_small.config.store))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_search_shows_cited_passages(app):
    app.text_input(key="query").input("supplier development").run()
    assert not app.exception
    texts = " ".join(t.value for t in app.text)
    assert "proveedores" in texts
    captions = " ".join(c.value for c in app.caption)
    assert "Plan industrial de prueba" in captions and "p. 1" in captions


def test_language_filter_in_sidebar(app):
    app.multiselect(key="languages").set_value(["en"]).run()
    app.text_input(key="query").input("desarrollo de proveedores").run()
    assert app.text and all("proveedores" not in t.value for t in app.text)
