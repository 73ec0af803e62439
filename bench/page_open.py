"""Opening each page of the app after the first search, in a real headless Chromium: target under 3 s each.

    .venv/bin/python -m bench.page_open                       # the starter corpus, ingested into a temporary store
    .venv/bin/python -m bench.page_open --store /tmp/starter  # a store with corpus/ in it (copied first: read-only)

What is measured: the app is started (`streamlit run app.py`) and one search is run in the browser (the model loads,
the store opens: not counted, that is bench/startup.py). Then each page is opened by its address in a fresh browser
tab, in English and in Spanish, ``--repeat`` times, and timed from the navigation to the end of the page's first
script run (its title drawn and Streamlit's running indicator gone). Each open is a new session, as when a reader
follows a link. The coverage map is computed in the background once per collection version after the first page
is served; its first computation is reported on its own line (the ``coverage (cold)`` row) when it was not ready.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import PROJECT_ROOT, machine, machine_line, md_table, save, wait_for_quiet

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
FIRST_QUERY = "desarrollo de proveedores para pymes"
PAGES = {  # name → path (after /), query string
    "search": ("", "q=supplier+development&k=10"),
    "compare": ("compare", ""),
    "compare (6 jurisdictions)": (
        "compare",
        "&".join(f"cj={c}" for c in ("MX-TAB", "MX-QUE", "MX-NLE", "MX-JAL", "SG", "CL")),
    ),
    "strategies": ("strategies", "side=MX-TAB,MX-QUE,MX-NLE,MX-JAL"),
    "coverage": ("coverage", "cjur=MX-TAB&ctheme=skills"),
    "library": ("library", ""),
    "about": ("about", ""),
}
TARGET_S = 3.0


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _store(arg: Path | None, tmp: Path) -> Path:
    store = tmp / "store"
    if arg:
        shutil.copytree(arg, store)
        return store
    from ingest import ingest_paths
    from kb import KnowledgeBase

    kb = KnowledgeBase.open(store)
    ingest_paths(kb, [PROJECT_ROOT / "corpus"])  # its vectors ship in corpus/_vectors: seconds, not minutes
    return store


def _open(page, url: str) -> float:
    t0 = time.perf_counter()
    page.goto(url)
    page.locator('[data-testid="stMainBlockContainer"] h1').first.wait_for()
    page.wait_for_timeout(200)  # a script run that has just begun shows its indicator within this
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=300_000)
    return time.perf_counter() - t0 - 0.2


def run(store: Path | None = None, repeat: int = 3, max_load: float = 3.0) -> dict:
    from playwright.sync_api import sync_playwright

    load = wait_for_quiet(max_load, 600)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        path = _store(store, tmp)
        port = _port()
        env = {**os.environ, "KB_STORE": str(path), "PYTHONUNBUFFERED": "1"}
        cmd = [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py"), "--server.address",
               "127.0.0.1", "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats",
               "false", "--server.fileWatcherType", "none"]  # fmt: skip
        log = (tmp / "server.log").open("w")
        proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(180):
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                        break
                except OSError:
                    time.sleep(0.5)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(300_000)
                t0 = time.perf_counter()
                page.goto(f"{url}/?ui=en&q={FIRST_QUERY.replace(' ', '+')}")
                page.locator(".kb-card").first.wait_for()
                first = time.perf_counter() - t0
                page.close()
                times: dict[str, list[float]] = {}
                cold: float | None = None
                for n in range(repeat):
                    for name, (where, query) in PAGES.items():
                        for lang in ("en", "es"):
                            tab = browser.new_page(viewport={"width": 1400, "height": 1000})
                            tab.set_default_timeout(300_000)
                            seconds = _open(tab, f"{url}/{where}?ui={lang}" + (f"&{query}" if query else ""))
                            tab.close()
                            if name == "coverage" and n == 0 and cold is None:
                                cold = seconds  # the first open may wait for the background computation
                                continue
                            times.setdefault(f"{name} ({lang})", []).append(seconds)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            log.close()
    rows = [(name, statistics.median(v), max(v), "yes" if max(v) < TARGET_S else "NO") for name, v in times.items()]
    return {"machine": machine(), "load_at_start": load, "first_search_s": first, "coverage_first_open_s": cold,
            "repeat": repeat, "rows": rows}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-load", type=float, default=3.0)
    args = parser.parse_args()
    result = run(args.store, args.repeat, args.max_load)
    text = "\n".join(
        [
            "# Opening each page after the first search (starter corpus, headless Chromium)",
            "",
            machine_line(result["machine"]),
            "",
            f"First search (model load and store open included): {result['first_search_s']:.1f} s. "
            + (
                f"Coverage, first open (waits for its background computation if unfinished): "
                f"{result['coverage_first_open_s']:.1f} s."
                if result["coverage_first_open_s"] is not None
                else ""
            ),
            "",
            md_table(
                ["page (interface)", "median s", f"max s (of {result['repeat']})", f"under {TARGET_S:.0f} s"],
                result["rows"],
            ),
        ]
    )
    print(text)
    print(save("page_open", result, text))


if __name__ == "__main__":
    main()
