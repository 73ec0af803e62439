"""The views for comparing strategies, in a real headless Chromium on the starter corpus (one server for the whole
session, tests/browser/conftest.py): the Strategies table, its side-by-side view, timeline and exports; the coverage
map against Compare; Compare with six jurisdictions at desktop and phone widths; citations that say the same thing on
the card and in every export; and a Spanish interface with no English left."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import bibtexparser
import pytest
import rispy

from kb.compare.profiles import load_folder
from kb.config import PROJECT_ROOT
from kbapp.ui import jurisdictions
from kbapp.ui.i18n import LABELS
from kbapp.ui.shell import STREAMLIT_TEXTS_ES
from tests.browser.test_e2e import CHROMIUM, CHROMIUM_ARGS, pytestmark, shot, wait_idle  # noqa: F401

PROFILES, _ = load_folder(PROJECT_ROOT / "corpus" / "profiles")
FOUR = "MX-TAB,MX-QUE,MX-NLE,MX-JAL"
SIX = "&".join(f"cj={c}" for c in ("MX-TAB", "MX-QUE", "MX-NLE", "MX-JAL", "SG", "CL"))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(browser, url: str, *, width: int = 1400, height: int = 1000, locale: str = "en-US"):
    ctx = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True, locale=locale)
    page = ctx.new_page()
    page.set_default_timeout(240_000)
    page.goto(url)
    page.locator('[data-testid="stMainBlockContainer"] h1').first.wait_for()
    wait_idle(page)
    return page


def download(page, name: str) -> bytes:
    with page.expect_download() as dl:
        page.get_by_role("button", name=name).click()
    return Path(dl.value.path()).read_bytes()


def test_strategies_table_filters_side_by_side_timeline_and_exports(starter_server, browser):
    n = len(PROFILES)
    page = open_page(browser, f"{starter_server}/strategies?ui=en")
    page.get_by_text(f"{n} of {n} jurisdictions").wait_for()  # every profile in the collection, listed
    page.locator('[data-testid="stDataFrame"]').wait_for()  # one table
    # Exports of the whole table read back: CSV for Excel (a byte-order mark) and XLSX, one row per profile.
    data = download(page, "CSV (Excel)")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == n + 1 and {r[1] for r in rows[1:]} == {p.jurisdiction for p in PROFILES}
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(download(page, "XLSX")))
    sheet = book.active
    assert sheet.max_row == n + 1 and [c.value for c in sheet[1]] == rows[0]
    tab = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "MX-TAB")
    assert "2024-2044" in tab[6].value and tab[3].hyperlink.target.startswith("https://")  # period; plan's source
    shot(page, "strategies-en")
    page.context.close()

    # Filtered (national level), searched and sorted (newest plan first): the export follows what is shown.
    national = [p for p in PROFILES if p.level == "national"]
    page = open_page(browser, f"{starter_server}/strategies?ui=en&slevel=national&sort=start&desc=1")
    page.get_by_text(f"{len(national)} of {n} jurisdictions").wait_for()
    rows = list(csv.reader(io.StringIO(download(page, "CSV (Excel)").decode("utf-8-sig"))))[1:]
    assert {r[1] for r in rows} == {p.jurisdiction for p in national}
    starts = [int(m.group(1)) for r in rows if (m := re.match(r"\D*(\d{4})", r[6]))]
    assert starts and starts == sorted(starts, reverse=True)[: len(starts)]
    page.context.close()
    page = open_page(browser, f"{starter_server}/strategies?ui=en&sfind=aerospace")
    shown = int(re.search(r"(\d+) of", page.get_by_text(f"of {n} jurisdictions").inner_text()).group(1))
    assert 1 <= shown < n
    page.context.close()

    # Four states side by side, each value with its source and date; the timeline has Tabasco's 2024-2044 bar.
    page = open_page(browser, f"{starter_server}/strategies?ui=en&side={FOUR}")
    table = page.locator(".kb-sbs")
    table.wait_for()
    assert table.locator("thead th").count() == 5  # the field column and four states
    tab_period = table.locator('td[data-jur="MX-TAB"][data-field="period"]')
    assert "2024-2044" in tab_period.inner_text() and "as of 2024-10-15" in tab_period.inner_text()
    assert tab_period.locator("a").first.get_attribute("href").startswith("https://")
    # Ticking a row of the table puts it in the side-by-side choice (the grid is a canvas: click its checkbox).
    grid = page.locator('[data-testid="stDataFrame"]')
    grid.wait_for()
    page.wait_for_timeout(1500)
    box = grid.bounding_box()
    first = min((jurisdictions.label(p.jurisdiction, "en") for p in PROFILES), key=str.casefold)
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's checkbox
    wait_idle(page)
    page.wait_for_timeout(800)
    chosen = page.locator('[data-testid="stMultiSelect"]').last.inner_text()
    assert first in chosen and "Tabasco" not in chosen, chosen
    page.goto(f"{starter_server}/strategies?ui=en&side={FOUR}")
    page.locator(".kb-sbs").wait_for()
    wait_idle(page)
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()  # the timeline
    page.get_by_text("The periods as text").click()
    tabasco = page.locator('.kb-periods li[data-jur="MX-TAB"]').first
    assert "2024–2044" in tabasco.inner_text() and "current plan" in tabasco.inner_text()
    shot(page, "strategies-side-by-side-en")
    page.context.close()


def _evidence(page) -> str:
    return " ".join(page.locator(".kb-cell").first.locator(".kb-say").all_inner_texts())


def test_coverage_map_shows_the_same_evidence_as_compare(starter_server, browser):
    page = open_page(browser, f"{starter_server}/coverage?ui=en")
    page.locator('[data-testid="stVegaLiteChart"]').wait_for()
    shot(page, "coverage-en")
    compare = open_page(browser, f"{starter_server}/compare?ui=en&cj=MX-TAB&cj=MX-QUE")
    compare.get_by_text("Themes × jurisdictions matrix").wait_for()
    checked = 0
    for jur in ("MX-TAB", "MX-QUE"):
        for theme in ("skills", "suppliers", "inclusion", "governance"):
            page.goto(f"{starter_server}/coverage?ui=en&cjur={jur}&ctheme={theme}")
            head = page.locator(".kb-cov-evidence")
            head.wait_for()
            wait_idle(page)
            cell = compare.locator(f'.kb-cell[data-theme="{theme}"][data-jur="{jur}"]').first
            said = " ".join(cell.locator(".kb-say").all_inner_texts())
            assert _evidence(page) == said, (jur, theme)
            empty = cell.locator(".kb-nothing").count() > 0
            assert (head.get_attribute("data-strength") == "passage") == (not empty), (jur, theme)
            checked += 1
    assert checked == 8


def test_compare_six_jurisdictions_desktop_and_phone(starter_server, browser):
    for width, name in ((1400, "compare-six-en"), (390, "compare-six-phone-en")):
        page = open_page(browser, f"{starter_server}/compare?ui=en&{SIX}", width=width, height=900)
        page.get_by_text("Themes × jurisdictions matrix").wait_for()
        wide = page.locator(".kb-wide").first
        wide.wait_for()
        heads = wide.locator("thead th").all_inner_texts()
        assert len(heads) == 7 and "Singapore" in heads and "Chile" in heads
        assert wide.locator("tbody tr").count() == 8  # every preset theme
        # The table scrolls sideways inside its box, the theme column fixed; the page itself never does.
        assert wide.evaluate("e => e.scrollWidth > e.clientWidth")
        first = wide.locator('th[scope="row"]').first
        assert first.evaluate("e => getComputedStyle(e).position") == "sticky"
        wide.evaluate("e => e.scrollLeft = e.scrollWidth")
        page.wait_for_timeout(300)
        assert first.bounding_box()["x"] >= wide.bounding_box()["x"] - 1  # still in view after scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        assert page.locator(".kb-sbs").first.locator("thead th").count() == 7  # the profile band, same six
        wide.evaluate("e => e.scrollLeft = 0")
        shot(page, name)
        page.context.close()


def test_citations_agree_on_the_card_and_in_every_export(starter_server, browser, kb_starter):
    page = open_page(browser, f"{starter_server}/?ui=en&k=10&q=supplier+development+programmes")
    page.locator(".kb-card").first.wait_for()
    wait_idle(page)
    cards = page.locator(".kb-card")
    assert cards.count() == 10
    bib = bibtexparser.loads(download(page, "BibTeX").decode("utf-8")).entries
    ris = rispy.loads(download(page, "RIS (Zotero)").decode("utf-8"))
    raw = download(page, "CSV")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    by_key = {e["ID"].rsplit("_", 1)[1]: e for e in bib}
    ris_by_key = {r["id"].rsplit("_", 1)[1]: r for r in ris}
    docs = {d.doc_id: d for d in kb_starter.documents()}
    for i in range(10):
        card = cards.nth(i)
        row = rows[i]
        sentence = card.locator(".kb-source").inner_text()
        link = card.locator("a.kb-primary")
        href = link.get_attribute("href") if link.count() else ""
        title = card.locator(".kb-card-title").inner_text().split("] ", 1)[1]
        doc = next(d for d in docs.values() if d.title == title)
        e, r = by_key[doc.doc_id[:6]], ris_by_key[doc.doc_id[:6]]
        # The same years: the note's own in the sentence and in year / PY, the summarised document's after it.
        assert sentence.startswith(f"{doc.publisher} ({doc.year})"), sentence
        assert e["year"] == r["year"] == row["year"] == str(doc.year)
        if doc.source_year:
            assert f"({doc.source_year})" in sentence and row["source_year"] == str(doc.source_year)
        # The same sentence in every export, and the same link (or none: never a homepage in its place).
        if doc.source_title:
            assert sentence in e["note"] and sentence in r["notes"] and row["attribution"] == sentence
        if href.startswith("http") and href.count("/") > 3:
            assert e["url"] == href and r["urls"][0] == href and row["url"] == href
        assert r["authors"] == [f"{doc.publisher},"]  # a corporate author: nothing to split into names

    # A strategy profile's export carries its sources' links.
    page.goto(f"{starter_server}/?ui=en&k=3&type=profile&q=Tabasco+industrial+strategy+pillars")
    page.locator(".kb-card").first.wait_for()
    wait_idle(page)
    profile = next(p for p in PROFILES if p.jurisdiction == "MX-TAB")
    entries = rispy.loads(download(page, "RIS (Zotero)").decode("utf-8"))
    tab = next(r for r in entries if "Tabasco" in r["title"])
    assert {s.url for s in profile.sources()} <= set(tab["urls"])
    e = next(e for e in bibtexparser.loads(download(page, "BibTeX").decode("utf-8")).entries if "Tabasco" in e["title"])
    assert e["url"] in {s.url for s in profile.sources()}
    page.context.close()


# English interface texts that must not appear on a Spanish page: every label whose two languages differ, and
# Streamlit's own texts. Only whole phrases of two words or more, so a document's name cannot set one off.
ENGLISH = sorted(
    {en for es, en in LABELS.values() if es != en and " " in en and "{" not in en}
    | set(STREAMLIT_TEXTS_ES)
    | {"Summarising", "n.d.", "copy on", "reprinting", "per file", "Research note", "strategy profile"}
)
# Content: passages, titles, citations, profile values and sources, chart labels (jurisdiction names).
CONTENT = (
    ".kb-passage, .kb-card-title, .kb-source, .kb-meta, .kb-list, .kb-sbs td, .kb-periods, .kb-answer, "
    '[data-testid="stCode"], [data-testid="stVegaLiteChart"], [data-testid="stDataFrame"], .kb-weak, '
    '[data-testid="stExpander"] .kb-passage'
)


def interface_text(page) -> str:
    """The page's visible text without its content (CONTENT removed from a copy of the DOM)."""
    return page.evaluate(
        """(sel) => { const c = document.body.cloneNode(true);
                      c.querySelectorAll(sel).forEach(e => e.remove());
                      c.querySelectorAll('style, script').forEach(e => e.remove());
                      return c.textContent; }""",
        CONTENT,
    )


def test_spanish_interface_has_no_english_left(starter_server, browser):
    pages = {  # name → (address, what shows when the page is drawn)
        "search": ("/?ui=es&k=5&q=desarrollo+de+proveedores", ".kb-card"),
        "search-none": ("/?ui=es&q=clusters&level=international&type=profile", '[data-testid="stAlert"]'),
        "compare": (f"/compare?ui=es&{SIX}", ".kb-wide"),
        "strategies": (f"/strategies?ui=es&side={FOUR}", '[data-testid="stVegaLiteChart"]'),
        "coverage": ("/coverage?ui=es&cjur=MX-TAB&ctheme=skills", ".kb-cov-evidence"),
        "library": ("/library?ui=es", '[data-testid="stFileUploaderDropzone"]'),
        "about": ("/about?ui=es", '[data-testid="stCode"]'),
    }
    found = {}
    for name, (path, drawn) in pages.items():
        page = open_page(browser, starter_server + path, locale="en-US")
        page.locator(drawn).first.wait_for()
        # Streamlit's own texts are rewritten once the shell's script has run (its HTML element loads lazily: up
        # to a second or two on a loaded machine, the one window in which they still read in English).
        page.wait_for_function("() => !!window.__kbObserver")
        page.wait_for_timeout(1500)
        if name == "search":  # a list's "Select all" shows only when it opens
            page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
            page.get_by_role("option").first.wait_for()
            assert page.get_by_text("Seleccionar todo").count() >= 1
        text = interface_text(page)
        found[name] = [e for e in ENGLISH if e in text]
        if name == "search-none":
            assert "quitar uno de estos basta" in text
        if name == "library":
            assert "Elegir archivos" in text and "por archivo" in text
        shot(page, f"{name}-es")
        page.context.close()
    assert not any(found.values()), found
