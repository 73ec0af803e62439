"""One Streamlit server on the starter corpus for the whole browser session (starting one takes ~10 s and the
first page another ~10 s: the model loads), shared by every module that reads the starter collection."""

from __future__ import annotations

import pytest

from tests.browser.test_e2e import streamlit_server


@pytest.fixture(scope="session")
def starter_server(kb_starter, tmp_path_factory):
    with streamlit_server(kb_starter.config.store, tmp_path_factory.mktemp("starter") / "server.log") as url:
        yield url
