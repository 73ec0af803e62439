"""Front-end fixtures: AppTest runs of the real app on a real store, and a hostile document for escaping tests."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.kbapp.ui.hostile import HOSTILE_TEXT, HOSTILE_TITLE, hostile_kb  # noqa: F401 (re-exported; a fixture)

APP = str(Path(__file__).resolve().parents[3] / "app.py")


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
    return _RecordingStorage.last.get_file(name).content.decode("utf-8-sig")  # a CSV for Excel starts with a BOM


def open_app(
    store: Path,
    monkeypatch,
    *,
    page: str | None = None,
    params: dict | None = None,
    lang: str = "en",
    address: str = "127.0.0.1",
    secrets: dict | None = None,
) -> AppTest:
    """The real app on ``store``, first run done, optionally switched to ``page`` (search, compare, library, about),
    as if served on ``address`` (``kb app`` serves 127.0.0.1; the app is open there when no curator is set up)."""
    from streamlit import config

    config.set_option("server.address", address)
    monkeypatch.setenv("KB_STORE", str(store))
    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", _RecordingStorage)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ui"] = lang
    for k, v in (secrets or {}).items():
        at.secrets[k] = v
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    if page and page != "search":
        at.switch_page(f"kbapp/ui/pages/{page}.py").run()
        assert not at.exception, at.exception
    return at


def all_markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)
