"""A fresh clone's first run: `make run` from `git clone` to the first answered search in the browser.

    .venv/bin/python -m bench.first_run                  # clones this checkout's HEAD into a temporary folder
    .venv/bin/python -m bench.first_run --keep /tmp/fc   # keep the clone (its .venv is 2-3 GB)

What a new user does: clone, `make run`, open the page, ask a question. The clock starts when `make run` is
spawned in the fresh clone (no .venv, no store); the phases are read from its output and from the app:
  1. install        `make run` has created the virtual environment and installed the project (pip; the
                    package registries are the only network this machine has, so this depends on them);
  2. corpus in      `kb ingest corpus/` has finished (the starter corpus ships its vectors, so nothing should be
                    embedded: the summary line it prints is kept);
  3. server up      Streamlit's health endpoint answers;
  4. first answer   a question typed into the search box shows its first result card.
Debian packages (Tesseract, Chromium) are already on this machine, so their installation is not in the time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.common import PROJECT_ROOT, machine, machine_line, md_table, save
from bench.startup import CHROMIUM_ARGS, QUERIES, chromium, free_port, stop, wait_health


def clone(dest: Path) -> str:
    subprocess.run(["git", "clone", "--quiet", str(PROJECT_ROOT), str(dest)], check=True)
    return subprocess.run(
        ["git", "-C", str(dest), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()


def watch(proc: subprocess.Popen, t0: float, marks: dict[str, float], lines: list[str]) -> None:
    """Read `make run`'s output and note when each phase ends."""
    assert proc.stdout is not None
    for raw in proc.stdout:
        line = raw.rstrip()
        lines.append(line)
        now = time.perf_counter() - t0
        if "kb ingest corpus/" in line and "install_s" not in marks:
            marks["install_s"] = now
        if " files: " in line and "passages embedded" in line:
            marks["corpus_s"] = now
            marks["ingest_summary"] = line.strip()


def measure(workdir: Path) -> dict[str, Any]:
    exe = chromium()
    if not exe:
        raise SystemExit("needs Chromium and Playwright (make browser; the test extras)")
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {"commit": clone(workdir)}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KB_", "VIRTUAL_ENV", "PYTHONPATH"))}
    env["PYTHONUNBUFFERED"] = "1"
    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US").new_page()
    page.set_default_timeout(600_000)
    marks: dict[str, float] = {}
    lines: list[str] = []
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    reader = threading.Thread(target=watch, args=(proc, t0, marks, lines), daemon=True)
    reader.start()
    try:
        wait_health(url, proc, timeout=3600)
        out["server_up_s"] = time.perf_counter() - t0
        page.goto(f"{url}/?ui=en")
        box = page.locator(".st-key-query input")
        box.wait_for()
        out["page_ready_s"] = time.perf_counter() - t0
        box.fill(QUERIES[0])
        box.press("Enter")
        page.locator(".kb-card").first.wait_for()
        out["first_answer_s"] = time.perf_counter() - t0
    finally:
        stop(proc)
        browser.close()
        pw.stop()
    out.update(marks)
    out["output_tail"] = lines[-15:]
    return out


def report(m: dict[str, Any], info: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"### Fresh clone: `make run` to the first answer ({machine_line(info)})",
            "",
            f"Commit `{m['commit']}`, cloned into an empty folder (no .venv, no store).",
            "",
            md_table(
                [
                    "install (venv + pip) s",
                    "→ starter corpus ingested s",
                    "→ server up s",
                    "→ page ready s",
                    "→ first answered search s",
                ],
                [
                    [
                        m.get("install_s", float("nan")),
                        m.get("corpus_s", float("nan")),
                        m["server_up_s"],
                        m["page_ready_s"],
                        m["first_answer_s"],
                    ]
                ],
            ),
            "",
            f"Ingestion: `{m.get('ingest_summary', '?')}`",
        ]
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--keep", type=Path, help="clone here and keep it (must not exist)")
    args = ap.parse_args()
    info = machine()
    if args.keep:
        m = measure(args.keep)
    else:
        tmp = Path(tempfile.mkdtemp(prefix="kb-first-run-"))
        try:
            m = measure(tmp / "policy-kb")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    text = report(m, info)
    print(text)
    save("first_run", {"machine": info, "first_run": m}, text)


if __name__ == "__main__":
    main()
