"""What a first-time user meets, in a real headless Chromium on the starter corpus: Compare (sticky jurisdiction
headers, the sentences of a cell, the phone width), exports that a citation manager reads back, the year filter from
a link, and a delete that every visitor's page follows."""

from __future__ import annotations

import shutil
from pathlib import Path

import bibtexparser
import pytest
import rispy

from tests.browser.test_e2e import CHROMIUM, CHROMIUM_ARGS, pytestmark, shot, streamlit_server, wait_idle  # noqa: F401

COMPARE = "cj=MX-TAB&cj=MX-QUE&cj=MX-NLE&cj=SG"  # every preset theme (the page's default)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def new_page(browser, width: int = 1400, height: int = 1000):
    ctx = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True, locale="en-US")
    page = ctx.new_page()
    page.set_default_timeout(240_000)
    return page


def cell(page, theme: str, jurisdiction: str):
    """The matrix cell of ``theme`` × ``jurisdiction`` (the first tab's; the second has its twin)."""
    return page.locator(f'.kb-cell[data-theme="{theme}"][data-jur="{jurisdiction}"]').first


def test_compare_cells_headers_and_phone_width(starter_server, browser):
    page = new_page(browser)
    page.goto(f"{starter_server}/compare?ui=en&{COMPARE}")
    page.get_by_text("Themes × jurisdictions matrix").wait_for()
    wait_idle(page)
    # The strategy profiles come first, then the themes.
    bands = page.locator(".kb-theme")
    assert "kb-profile-head" in bands.first.get_attribute("class")  # the first band of the matrix
    assert bands.first.inner_text() == "Strategy profile"
    # Skills × Querétaro quotes the UNAQ training passage, Investment × Singapore the EDB note, sentences marked.
    skills_que = cell(page, "skills", "MX-QUE")
    assert "UNAQ" in skills_que.inner_text() or "técnico" in skills_que.inner_text().lower()
    assert skills_que.locator(".kb-say").count() >= 1 and skills_que.locator("details").count() == 1
    assert skills_que.locator(".kb-say mark").count() >= 1  # the theme's words marked in them
    invest_sg = cell(page, "investment", "SG")
    assert "Economic Development Board" in invest_sg.inner_text() or "EDB" in invest_sg.inner_text()
    # Nuevo León's notes say nothing on gender or regional inclusion: the cell says so, its nearest passage closed.
    empty = cell(page, "inclusion", "MX-NLE")
    assert "Nothing on this theme in the collection" in empty.inner_text()
    weak = empty.locator("details.kb-weak")
    assert weak.count() == 1 and weak.get_attribute("open") is None and empty.locator(".kb-say").count() == 0
    # The whole passage is one click away.
    skills_que.locator("summary").click()
    assert "UNAQ" in skills_que.locator("details .kb-passage").inner_text()
    # Jurisdiction headers stay in view far down the page.
    head = page.locator('[data-testid="stLayoutWrapper"]:has(> .st-key-cmp_head_matrix)')
    assert head.evaluate("e => getComputedStyle(e).position") == "sticky"
    page.locator(".kb-theme", has_text="Governance and coordination").last.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    top = head.bounding_box()["y"]
    assert 0 <= top < 150, top  # still at the top of the window, under Streamlit's bar
    assert "Querétaro" in head.inner_text() and "Singapore" in head.inner_text()
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "compare-ux")

    # At 400 px the columns stack: every cell names its jurisdiction, the header row gives way.
    phone = new_page(browser, width=400, height=900)
    phone.goto(f"{starter_server}/compare?ui=en&{COMPARE}&themes=skills&themes=investment")
    phone.get_by_text("Themes × jurisdictions matrix").wait_for()
    wait_idle(phone)
    labels = phone.locator('[role="tabpanel"]').first.locator(".kb-cell-jur")  # the matrix tab's cells
    assert labels.count() >= 8
    assert all(labels.nth(i).is_visible() for i in range(labels.count()))
    assert not phone.locator(".st-key-cmp_head_matrix").is_visible()  # its wrapper is display: none
    shot(phone, "compare-400px")


def test_exports_of_a_ten_hit_search_read_back(starter_server, browser, kb_starter):
    page = new_page(browser)
    page.goto(f"{starter_server}/?ui=en&k=10&q=supplier+development+programmes")
    page.locator(".kb-card").first.wait_for()
    wait_idle(page)
    assert page.locator(".kb-card").count() == 10
    with page.expect_download() as dl:
        page.get_by_role("button", name="BibTeX").click()
    entries = bibtexparser.loads(Path(dl.value.path()).read_text(encoding="utf-8")).entries
    with page.expect_download() as dl:
        page.get_by_role("button", name="RIS (Zotero)").click()
    records = rispy.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    docs = {d.doc_id[:6]: d for d in kb_starter.documents()}
    assert 1 <= len(entries) == len(records) < 10  # one entry per document, not per passage
    for e in entries:
        doc = docs[e["ID"].rsplit("_", 1)[1]]
        # A link only where the summarised document has one (tests/browser/test_strategies.py checks which).
        assert e.get("url", "https://").startswith("https://") and e["language"] == doc.language
    for r in records:
        assert all(u.startswith("http") for u in r.get("urls", []))
        assert r["language"] == docs[r["id"].rsplit("_", 1)[1]].language


def test_year_range_from_a_link_is_applied(starter_server, browser):
    page = new_page(browser)
    page.goto(f"{starter_server}/?ui=en&q=supplier+development&years=2020-2024")
    wait_idle(page)
    page.wait_for_timeout(1500)
    slider = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').first
    assert "2020" in slider.inner_text() and "2024" in slider.inner_text()
    assert "years=2020-2024" in page.url  # kept in the link, never silently dropped
    years = [
        int(y)
        for y in page.locator(".kb-meta").all_inner_texts()
        for y in __import__("re").findall(r"\b(19\d\d|20\d\d)\b", y)[:1]
    ]
    assert (
        all(2020 <= y <= 2024 for y in years)
        or "No passages found" in page.locator('[data-testid="stMain"]').inner_text()
    )


def open_list(page):
    """Open the Library's delete list as a person does. Streamlit 1.67's list opens on pointer-down and, on a loaded
    machine, an instantaneous synthetic click (down and up in the same millisecond) closes it again: 0 of 12 such
    clicks left it open here, against 12 of 12 with a 120 ms press."""
    box = page.locator('[data-testid="stSelectbox"]').last
    box.locator("input").click(delay=120)
    page.get_by_role("listbox").wait_for()
    return box


def test_a_delete_is_seen_by_every_visitor(kb_small, browser, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(kb_small.config.store, store)
    with streamlit_server(store, tmp_path / "server.log") as url:
        deleter, other = new_page(browser), new_page(browser)
        for p in (deleter, other):
            p.goto(f"{url}/library?ui=en")
            p.get_by_text("Delete a document").wait_for()
            wait_idle(p)
        for p in (deleter, other):
            p.get_by_text("4 of 4 documents").wait_for()
        # Both visitors pick the same document; one deletes it.
        for p in (other, deleter):
            open_list(p)
            p.get_by_role("option").filter(has_text="Parques ecoindustriales").click()
            p.get_by_role("button", name="Delete…").wait_for()
        deleter.get_by_role("button", name="Delete…").click()
        deleter.get_by_role("button", name="Yes, delete").click()
        deleter.get_by_text("Deleted “Parques ecoindustriales en la práctica”").wait_for()
        # The other visitor's page follows without a click (it polls the collection's generation).
        other.get_by_text("3 of 3 documents").wait_for(timeout=30_000)
        assert deleter.get_by_text("3 of 3 documents").is_visible()
        for p in (deleter, other):
            wait_idle(p)
            # Neither list still shows the deleted document as chosen, nor offers to delete it again.
            p.wait_for_function(
                "() => [...document.querySelectorAll('[data-testid=stSelectbox] input')].pop().value === ''",
                timeout=10_000,
            )
            assert p.get_by_role("button", name="Delete…").count() == 0
            open_list(p)  # and the list holds the three documents left
            p.get_by_role("option").first.wait_for()
            options = p.get_by_role("option").all_inner_texts()
            assert len(options) == 3 and not any("Parques ecoindustriales" in o for o in options), options
            p.keyboard.press("Escape")
        shot(other, "library-other-visitor")
        # And a reload shows the same.
        deleter.reload()
        deleter.get_by_text("Delete a document").wait_for()
        deleter.get_by_text("3 of 3 documents").wait_for()
