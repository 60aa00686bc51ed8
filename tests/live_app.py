"""A real `streamlit run app.py` server on a free port, and Debian's chromium, for the browser tests."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"  # CI installs it with apt; a missing browser is a failure, never a skip
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def chromium():
    """Debian's chromium, headless, for one test module: `yield from chromium()` in a module-scoped fixture."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def settle(page, after_ms: int = 300) -> None:
    """Wait until Streamlit has finished the run the last action started."""
    page.wait_for_timeout(300)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=20_000)
    page.wait_for_timeout(after_ms)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(base: str) -> bool:
    try:
        return urllib.request.urlopen(base + "/_stcore/health", timeout=2).read() == b"ok"
    except OSError:
        return False


def start_server(db: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """Serve the warehouse `db`; returns the process and its base URL once it answers its health check."""
    port = free_port()
    env = {**os.environ, "WAREHOUSE": str(db)}
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                                 "--server.port", str(port), "--server.address", "127.0.0.1",
                                 "--server.headless", "true", "--server.fileWatcherType", "none",
                                 "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while not healthy(base):
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail("streamlit did not start:\n" + log.read_text(errors="replace")[-3000:])
        time.sleep(0.2)
    return proc, base


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def demo_server(tmp_path_factory, name: str):
    """A live server over the demo warehouse, for a module-scoped fixture: yields its base URL, then stops it."""
    from tests.test_queries import build_demo_warehouse

    db = build_demo_warehouse(tmp_path_factory.mktemp(name) / "demo.duckdb")
    proc, base = start_server(db, tmp_path_factory.mktemp("log") / "streamlit.log")
    try:
        yield base
    finally:
        stop_server(proc)
