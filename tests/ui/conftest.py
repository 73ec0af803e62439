"""Front-end fixtures: AppTest runs of the real app on a real store, and a hostile document for escaping tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.fixtures import write_md

APP = str(Path(__file__).resolve().parents[2] / "app.py")

# Everything a document could carry to attack a page that renders it: script, event handlers, Markdown links and
# images, javascript: URLs, LaTeX and Streamlit's own Markdown directives.
HOSTILE_TITLE = 'Plan <script>alert("title")</script> [evil](javascript:alert(1))'
HOSTILE_TEXT = (
    "El programa de desarrollo de proveedores <script>alert('xss')</script> apoya a las empresas locales "
    "<img src=x onerror=\"alert('img')\"> con certificaciones. [Haga clic aquí](javascript:alert('md')) y "
    "![imagen](https://example.invalid/x.png) :red[rojo] $x^2$ cuesta **mucho**.\n\n<b>negrita</b> "
    "<a href=\"javascript:alert('a')\">enlace</a> sobre proveedores locales y cadenas de suministro regionales."
)


class _RecordingStorage:
    """Streamlit's real in-memory media storage, remembered so a test can read what a download button offers."""

    last = None

    def __new__(cls, *args, **kwargs):
        from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

        storage = MemoryMediaFileStorage(*args, **kwargs)
        cls.last = storage
        return storage


def download(at: AppTest, key: str) -> str:
    """The text a download button would save (from the last run's media storage)."""
    button = at.download_button(key=key)
    name = button.proto.url.rsplit("/", 1)[-1]
    return _RecordingStorage.last.get_file(name).content.decode("utf-8")


def open_app(store: Path, monkeypatch, *, page: str | None = None, params: dict | None = None,
             lang: str = "en") -> AppTest:
    """The real app on ``store``, first run done, optionally switched to ``page`` (search, compare, library, about)."""
    monkeypatch.setenv("KB_STORE", str(store))
    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", _RecordingStorage)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ui"] = lang
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    if page and page != "search":
        at.switch_page(f"kb/ui/pages/{page}.py").run()
        assert not at.exception, at.exception
    return at


@pytest.fixture(scope="session")
def hostile_kb(tmp_path_factory):
    """A store of its own (tests here upload and delete) holding one hostile Markdown document."""
    from ingest import ingest_paths
    from kb import KnowledgeBase

    folder = tmp_path_factory.mktemp("hostile")
    write_md(folder / "hostile.md", {"title": f"'{HOSTILE_TITLE}'", "publisher": '"<i>Evil</i> & Co"',
                                     "year": 2024, "jurisdiction": "MX-TAB", "level": "state", "doc_type": "plan",
                                     "language": "es"}, HOSTILE_TEXT)
    kb = KnowledgeBase.open(tmp_path_factory.mktemp("hostile-store"))
    report = ingest_paths(kb, [folder])
    assert report.ok, report
    return kb


def all_markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)
