"""Start-up: the time from launching `kb app` on an existing store to the first answered search.

    .venv/bin/python -m bench.startup                  # the 10k bench store (or 1k), built if needed
    .venv/bin/python -m bench.startup --store store/

What is measured, from the moment `kb app --store S --port P` is spawned (a headless Chromium is started before
the clock, so its own start-up is not counted):
  1. server up      Streamlit's health endpoint (/_stcore/health) answers "ok";
  2. page ready     the browser has loaded the page and the search box is drawn: the first script run, which loads
                    the model and opens the store (their ``st.cache_resource``);
  3. first answer   a query typed into the box (Enter) shows its first result card (`.kb-card`);
  4. peak memory    after the first answer and ``--queries`` more searches, the peak RSS (VmHWM) of every process
                    of the app (`kb app` and the Streamlit server it runs), read from /proc;
Without Chromium/Playwright only step 1 is measured, plus
a fresh Python process doing what the first script run does (open the knowledge base, one search).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import PROJECT_ROOT, machine, machine_line, md_table, save, wait_for_quiet

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
QUERIES = (
    "desarrollo de proveedores para pymes",
    "tax incentives for investors in special economic zones",
    "formación técnica dual y certificación de competencias",
    "water concessions and their renewal",
    "clústeres automotrices y proveedores locales",
    "how is the industrial policy governed and evaluated",
)


def tree_peak_rss_mb(root_pid: int) -> dict[str, float]:
    """Peak RSS (VmHWM) of a process and its descendants, by command name, in MB (Linux /proc only)."""
    out: dict[str, float] = {}
    todo = [root_pid]
    while todo:
        pid = todo.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            name = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        hwm = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
        label = " ".join(Path(a.decode()).name for a in name[:3] if a)[:60]
        out[f"{pid} {label}"] = hwm / 1024
        todo += [int(c) for c in children]
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium() -> str | None:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        import playwright  # noqa: F401
    except ImportError:
        return None
    return exe


def wait_health(url: str, proc: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"`kb app` exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as res:
                if res.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"`kb app` did not answer on {url} within {timeout:.0f} s")


def launch_app(store: Path, port: int, log) -> subprocess.Popen:
    kb = Path(sys.executable).with_name("kb")
    cmd = (
        [str(kb), "app", "--port", str(port), "--store", str(store)]
        if kb.exists()
        else [sys.executable, "-m", "kbapp.cli", "app", "--port", str(port), "--store", str(store)]
    )
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # Its own session: stopping it stops Streamlit too (kb app runs Streamlit as a child).
    return subprocess.Popen(
        cmd, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def in_process(store: Path) -> dict[str, float]:
    """What the first script run does, in a fresh Python: import, open the knowledge base, answer one query."""
    code = (
        "import time; t=time.perf_counter(); from kb import KnowledgeBase; i=time.perf_counter()-t; "
        "kb=KnowledgeBase.open(%r); o=time.perf_counter()-t; "
        "(kb.answer if hasattr(kb, 'answer') else kb.search)(%r); s=time.perf_counter()-t; "
        "print(i, o, s)"
    ) % (str(store), QUERIES[0])
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True)
    total = time.perf_counter() - t
    imp, opened, searched = map(float, out.stdout.split()[-3:])
    return {"process_s": total, "import_s": imp, "open_s": opened - imp, "first_search_s": searched - opened}


def measure(store: Path, *, browser: bool = True, queries: int = 5) -> dict[str, Any]:
    exe = chromium() if browser else None
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    out: dict[str, Any] = {"store": str(store), "browser": bool(exe)}
    with tempfile.TemporaryDirectory(prefix="kb-bench-app-") as tmp:
        log = open(Path(tmp) / "app.log", "w")
        pw = b = None
        try:
            if exe:
                from playwright.sync_api import sync_playwright

                pw = sync_playwright().start()
                b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
                page = b.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US").new_page()
                page.set_default_timeout(180_000)
            t0 = time.perf_counter()
            proc = launch_app(store, port, log)
            try:
                wait_health(url, proc)
                out["server_up_s"] = time.perf_counter() - t0
                if exe:
                    page.goto(f"{url}/?ui=en")
                    box = page.locator(".st-key-query input")
                    box.wait_for()
                    out["page_ready_s"] = time.perf_counter() - t0
                    t = time.perf_counter()
                    box.fill(QUERIES[0])
                    box.press("Enter")
                    # No card is on the page before the first search, so the first card is this query's.
                    page.locator(".kb-card").first.wait_for()
                    out["first_answer_s"] = time.perf_counter() - t0
                    out["first_query_s"] = time.perf_counter() - t
                    # More searches, so the peak includes the answer path on several queries; each is waited for
                    # until Streamlit's status widget (shown while a script runs) is gone.
                    for q in QUERIES[1 : 1 + queries]:
                        box.fill(q)
                        box.press("Enter")
                        page.wait_for_timeout(300)
                        page.locator("[data-testid='stStatusWidget']").wait_for(state="detached", timeout=180_000)
                    out["searches"] = 1 + min(queries, len(QUERIES) - 1)
                out["app_peak_rss_mb"] = tree_peak_rss_mb(proc.pid)
            finally:
                stop(proc)
                log.close()
        finally:
            if b is not None:
                b.close()
            if pw is not None:
                pw.stop()
        if not exe:
            out["log_tail"] = (Path(tmp) / "app.log").read_text()[-500:]
    out["fresh_process"] = in_process(store)
    return out


def default_store(say=print) -> Path:
    from bench.search_latency import ensure_store, store_path

    for n in (10_000, 1_000):
        if (store_path(n) / "bench-build.json").exists():
            return store_path(n)
    return ensure_store(1_000, say=say)[0]


def report(m: dict[str, Any], info: dict[str, Any]) -> str:
    lines = [f"### Start-up ({machine_line(info)})", "", f"Store: `{Path(m['store']).name}`.", ""]
    rss = m.get("app_peak_rss_mb") or {}
    if rss:
        biggest = max(rss.values())
        lines.append(
            f"Peak RSS of the app's processes after {m.get('searches', 1)} searches: largest {biggest:,.0f} MB "
            f"(goal ≤ 2,048 MB), all together {sum(rss.values()):,.0f} MB ("
            + "; ".join(f"{k}: {v:,.0f} MB" for k, v in rss.items())
            + ")."
        )
        lines.append("")
    if m["browser"]:
        lines.append(
            md_table(
                [
                    "`kb app` → server up s",
                    "→ page ready (model + store loaded) s",
                    "→ first answered search s",
                    "of which the first query s",
                ],
                [[m["server_up_s"], m["page_ready_s"], m["first_answer_s"], m["first_query_s"]]],
            )
        )
    else:
        lines.append(
            md_table(["`kb app` → server up s"], [[m["server_up_s"]]]) + "\n\n(no Chromium/Playwright: "
            "the browser steps were skipped)"
        )
    f = m["fresh_process"]
    lines += [
        "",
        "The same work in a fresh Python process (no Streamlit):",
        "",
        md_table(
            ["import kb s", "open the knowledge base s", "first search (+ answer) s", "process total s"],
            [[f["import_s"], f["open_s"], f["first_search_s"], f["process_s"]]],
        ),
    ]
    return "\n".join(lines)


def run(
    store: Path | None = None,
    *,
    browser: bool = True,
    max_load: float = 1.5,
    max_wait_s: float = 0.0,
    queries: int = 5,
    say=print,
) -> tuple[str, dict[str, Any]]:
    store = (store or default_store(say)).resolve()
    wait_for_quiet(max_load, max_wait_s, say)
    say(f"starting `kb app` on {store} …")
    m = measure(store, browser=browser, queries=queries)
    info = machine()
    return report(m, info), {"machine": info, "startup": m}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", type=Path)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--max-load", type=float, default=1.5)
    ap.add_argument("--max-wait", type=float, default=0.0)
    ap.add_argument("--queries", type=int, default=5, help="searches after the first, before peak RSS is read")
    ap.add_argument("--name", default="startup", help="results file name (bench/results/NAME.md)")
    args = ap.parse_args()
    text, data = run(
        args.store, browser=not args.no_browser, max_load=args.max_load, max_wait_s=args.max_wait, queries=args.queries
    )
    print(text)
    save(args.name, data, text)


if __name__ == "__main__":
    main()
