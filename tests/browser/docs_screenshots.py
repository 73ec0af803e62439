"""Remake the screenshots of the README and docs/architecture.md (docs/search.png, docs/compare.png, docs/compare-empty.png, docs/compare-phone.png)
from a real store, in headless Chromium.

    python -m tests.browser.docs_screenshots --store /path/to/store   # a store with corpus/ ingested
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from urllib.parse import quote_plus

from tests.browser.test_e2e import CHROMIUM, CHROMIUM_ARGS, ROOT, shot, streamlit_server, wait_idle

SEARCH = "How will Tabasco integrate local suppliers into value chains?"
COMPARE = "cj=MX-TAB&cj=MX-QUE&cj=MX-NLE&cj=SG&themes=skills&themes=suppliers&themes=investment&themes=sustainability"
# Nuevo León's notes say nothing on gender or regional inclusion: an empty cell, its nearest passage opened.
EMPTY = "cj=MX-TAB&cj=MX-QUE&cj=MX-NLE&cj=SG&themes=inclusion&themes=governance"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory() as tmp,
        streamlit_server(args.store, Path(tmp) / "server.log") as url,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(300_000)
        page.goto(f"{url}/?ui=en&k=4&q={quote_plus(SEARCH)}")
        page.locator(".kb-card").first.wait_for()
        wait_idle(page)
        print(shot(page, "search", args.out))
        page.goto(f"{url}/compare?ui=en&{COMPARE}")
        page.get_by_text("Themes × jurisdictions matrix").wait_for()
        wait_idle(page)
        # The window as a reader sees it a little down the page: the theme rows under the sticky jurisdiction names.
        page.locator(".kb-theme", has_text="Skills and quality jobs").first.scroll_into_view_if_needed()
        page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollBy(0, -110)")
        page.wait_for_timeout(800)
        page.screenshot(path=str(args.out / "compare.png"))
        print(args.out / "compare.png")
        page.goto(f"{url}/compare?ui=en&{EMPTY}")
        page.get_by_text("Themes × jurisdictions matrix").wait_for()
        wait_idle(page)
        empty = page.locator('.kb-cell[data-theme="inclusion"][data-jur="MX-NLE"]').first
        empty.locator("details.kb-weak summary").click()
        page.locator(".kb-theme", has_text="Gender and regional inclusion").first.scroll_into_view_if_needed()
        page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollBy(0, -110)")
        page.wait_for_timeout(800)
        page.screenshot(path=str(args.out / "compare-empty.png"))
        print(args.out / "compare-empty.png")
        phone = browser.new_page(viewport={"width": 400, "height": 860})
        phone.set_default_timeout(300_000)
        phone.goto(f"{url}/compare?ui=es&{COMPARE}")
        phone.get_by_text("Matriz temas × jurisdicciones").wait_for()
        wait_idle(phone)
        phone.locator(".kb-theme", has_text="Habilidades y empleos de calidad").first.scroll_into_view_if_needed()
        phone.wait_for_timeout(800)
        phone.screenshot(path=str(args.out / "compare-phone.png"))
        print(args.out / "compare-phone.png")
        browser.close()


if __name__ == "__main__":
    main()
