"""End to end in a real headless Chromium: the app served by `streamlit run app.py` on a loopback port, searched in
English, a cited Spanish passage opened at its page, Compare, a BibTeX download, a screenshot of every page."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from tests.kbapp.ui.hostile import hostile_kb  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (`make browser` installs it)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(store: Path, log: Path) -> Iterator[str]:
    """`streamlit run app.py` on ``store`` at a free loopback port; the log goes into a failure message."""
    port = free_port()
    env = {**os.environ, "KB_STORE": str(store), "PYTHONUNBUFFERED": "1"}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as res:
                    if res.status == 200:
                        break
            except OSError:
                if time.time() > deadline:
                    pytest.fail(f"streamlit did not answer on {url}:\n{log.read_text()}")
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def server(kb_small, tmp_path_factory):
    with streamlit_server(kb_small.config.store, tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # Playwright gives the browser a fresh temporary profile of its own (it refuses --user-data-dir here).
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="en-US")
    p = ctx.new_page()
    p.set_default_timeout(120_000)
    dialogs: list[str] = []
    p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    p.dialogs = dialogs
    yield p
    ctx.close()


def shot(page, name: str, folder: Path = ARTIFACTS) -> Path:
    """The whole page: Streamlit scrolls inside its main block, so the viewport is grown to fit it first."""
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate("document.querySelector('[data-testid=\"stMainBlockContainer\"]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height) + 120, 6000))})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
    return path


def wait_idle(page) -> None:
    """Until Streamlit has finished the current run (its status widget shows while a script runs)."""
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=240_000)


def test_search_compare_export_in_a_real_browser(server, page, kb_small):
    from playwright.sync_api import expect

    page.goto(f"{server}/?ui=en")  # Search is the default page, served at the root
    box = page.get_by_label("Question or keywords (Spanish or English)")
    box.fill("supplier development")
    box.press("Enter")
    first = page.locator(".kb-card").first
    first.wait_for()
    wait_idle(page)
    # A Spanish passage, cited, answering an English query, with the query's terms highlighted.
    assert "Plan industrial de prueba" in first.inner_text()
    assert "proveedores" in first.inner_text().lower()
    assert first.locator(".kb-badge").inner_text().strip().lower() == "es"
    assert first.locator("mark").count() >= 1
    assert "q=supplier+development" in page.url or "q=supplier%20development" in page.url
    assert "k=" not in page.url and "years=" not in page.url  # defaults stay out of a shared link
    # Its link opens the PDF at the cited page, served by the app itself.
    href = first.locator("a.kb-open").get_attribute("href")
    assert re.fullmatch(r"/files/[0-9a-f]{24}\.pdf#page=1", href), href
    res = page.request.get(server + href.split("#")[0])
    assert res.status == 200 and res.headers["content-type"] == "application/pdf" and res.body()[:4] == b"%PDF"
    for bad in ("..%2F..%2F..%2Fetc%2Fpasswd", "0123456789abcdef01234567.pdf", "x.pdf"):
        res = page.request.get(f"{server}/files/{bad}")
        assert res.status in (400, 404) and b"root:" not in res.body(), bad
    shot(page, "search")

    # BibTeX export of the result list.
    with page.expect_download() as dl:
        page.get_by_role("button", name="BibTeX").click()
    bib = Path(dl.value.path()).read_text(encoding="utf-8")
    assert dl.value.suggested_filename == "policy-kb-search.bib"
    titles = {re.sub(r"^\[\d+\]\s*", "", t) for t in page.locator(".kb-card-title").all_inner_texts()}
    assert bib.count("@misc{") == len(titles) and "Plan industrial de prueba" in bib  # one entry per document

    # Compare: the two jurisdictions of the small store are preselected; the matrix shows both.
    page.get_by_role("link", name="Compare").click()
    page.get_by_text("Themes × jurisdictions matrix").wait_for(timeout=240_000)  # 16 searches on a busy machine
    wait_idle(page)
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Clusters and eco-industrial parks" in body and "Mexico" in body and "International" in body
    assert "Nothing on this theme in the collection for this jurisdiction." in body
    shot(page, "compare")

    page.get_by_role("link", name="Library").click()
    page.get_by_text("Upload documents").wait_for()
    wait_idle(page)
    shot(page, "library")

    page.get_by_role("link", name="About").click()
    page.get_by_text("How to cite this tool").wait_for()
    wait_idle(page)
    shot(page, "about")

    # The interface switches to Spanish; the content stays as it is.
    page.goto(f"{server}/?ui=es&q=parques+ecoindustriales")
    page.locator(".kb-card").first.wait_for()
    wait_idle(page)
    # The box is filled from the link (the widget may draw its value a moment after the cards).
    expect(page.get_by_label("Pregunta o palabras clave (español o inglés)")).to_have_value(
        "parques ecoindustriales", timeout=60_000
    )
    shot(page, "search-es")
    assert not page.dialogs, page.dialogs


def test_nonsense_query_says_nothing_relevant(server, page):
    """A query the collection cannot answer is told so plainly; the nearest passages follow under their own
    heading, without an answer quoted from them (issue 10)."""
    page.goto(f"{server}/?ui=en&q=xqzv+blorft")
    page.locator(".kb-card").first.wait_for()
    wait_idle(page)
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "The collection has nothing that answers this question." in body
    assert "The nearest passages (they do not answer it)" in body
    assert "most relevant first" not in body and page.locator(".kb-answer").count() == 0
    shot(page, "search-nothing-relevant")


def test_hostile_document_cannot_run_script(hostile_kb, browser, tmp_path):
    """A document whose title and text carry <script>, onerror, Markdown and javascript: links is shown as text."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with streamlit_server(hostile_kb.config.store, tmp_path / "server.log") as url:
        page.goto(f"{url}/?ui=en&q=proveedores+locales")
        card = page.locator(".kb-card").first
        card.wait_for()
        wait_idle(page)
        page.wait_for_timeout(1000)  # time for an injected handler to fire, if there were one
        cards = page.locator(".kb-card")
        text = " ".join(" ".join(cards.nth(i).inner_text().split()) for i in range(cards.count()))
        # What the store holds is what the reader sees, character for character, as text.
        for hit in hostile_kb.search("proveedores locales", 10):
            assert " ".join(hit.chunk.text.split()) in text, (hit.chunk.text, text)
        # Tags and links that survive ingestion are there to read, not to run.
        assert "<a href=\"javascript:alert('a')\">enlace</a>" in text and "<b>negrita</b>" in text
        assert "<script>alert('xss')</script>" in text and "onerror=\"alert('img')\"" in text
        assert '<script>alert("title")</script> [evil](javascript:alert(1))' in text  # the title, as text
        assert page.locator(".kb-card script, .kb-card img, .kb-card b, .kb-card i").count() == 0
        assert page.locator("a[href^='javascript']").count() == 0
        shot(page, "hostile")
    ctx.close()
    assert not dialogs, dialogs
