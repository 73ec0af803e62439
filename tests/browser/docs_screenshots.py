"""Remake the README's screenshots (docs/search.png, docs/compare.png) from a real store, in headless Chromium.

    python -m tests.browser.docs_screenshots --store /path/to/store   # a store with corpus/ ingested
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from urllib.parse import quote_plus

from tests.browser.test_e2e import CHROMIUM, CHROMIUM_ARGS, ROOT, shot, streamlit_server, wait_idle

SEARCH = "How will Tabasco integrate local suppliers into value chains?"
COMPARE = "cj=MX-TAB&cj=MX-QUE&cj=MX-NLE&cj=SG&themes=skills&themes=suppliers&themes=clusters&themes=sustainability"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, streamlit_server(args.store, Path(tmp) / "server.log") as url, \
            sync_playwright() as pw:
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
        print(shot(page, "compare", args.out))
        browser.close()


if __name__ == "__main__":
    main()
