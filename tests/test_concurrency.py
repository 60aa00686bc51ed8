"""Concurrent use (issue 7, part 3): the app keeps serving pages while a CLI ingest of 1,000 synthetic reports
writes into the same warehouse path, and shows the new reports afterwards without a restart.

The app runs as a real `streamlit run app.py` server; pages are loaded in Debian's chromium (Playwright) and, in
between, with AppTest in this process. Both must render the Overview without an exception and show either the
old or the new report count, never an error or a half-written state.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.live_app import ARGS, CHROMIUM, healthy, start_server, stop_server

N_SYNTH = 1000
OLD, NEW = "5", f"{5 + N_SYNTH:,}"
TIME_BUDGET = 90.0  # seconds for the whole test
PAUSE = 1.0


def _browser_load(page, base: str) -> str:
    """Load the Overview in a fresh session; wait for its last chart; return the report count shown."""
    page.goto(base + "/", wait_until="domcontentloaded")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2", timeout=30_000)
    errors = page.locator('[data-testid="stException"]').all_inner_texts()
    assert errors == [], errors
    return page.locator('[data-testid="stMetricValue"]').first.inner_text()


def _apptest_load() -> str:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at.metric[0].value


@pytest.fixture
def warehouse(sample_db, tmp_path, monkeypatch):
    from etl.synth import generate
    from ui.db import refresh

    db = tmp_path / "w.duckdb"
    shutil.copyfile(sample_db, db)  # the five sample reports, ingested once per session (conftest)
    synth = tmp_path / "synth"
    counts = generate(N_SYNTH, synth, seed=1, formats=("txt",), workers=2)
    assert sum(counts.values()) == N_SYNTH
    monkeypatch.setenv("WAREHOUSE", str(db))
    refresh()
    yield db, synth
    refresh()


def test_pages_keep_loading_during_a_1000_report_ingest(warehouse, tmp_path):
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk"
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    db, synth = warehouse
    server, base = start_server(db, tmp_path / "streamlit.log")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                assert _browser_load(page, base) == OLD and _apptest_load() == OLD

                out = tmp_path / "ingest.out"
                with open(out, "wb") as fh:
                    ingest = subprocess.Popen([sys.executable, "-m", "etl", "ingest", str(synth), "--db", str(db),
                                               "--quiet", "--workers", "2"], cwd=ROOT, stdout=fh,
                                              stderr=subprocess.STDOUT)
                seen_browser: list[str] = []
                seen_apptest: list[str] = []
                try:
                    while ingest.poll() is None:
                        assert time.monotonic() - started < TIME_BUDGET, "ingest too slow for the test budget"
                        assert healthy(base)
                        seen_browser.append(_browser_load(page, base))
                        seen_apptest.append(_apptest_load())
                        time.sleep(PAUSE)  # leave the CPU to the ingest between rounds of page loads
                finally:
                    if ingest.poll() is None:
                        ingest.kill()
                    ingest.wait()
                log = out.read_text(encoding="utf-8", errors="replace")
                assert ingest.returncode == 0, log
                assert log.splitlines()[0] == f"ingested: {N_SYNTH}  unchanged: 0  failed: 0", log

                # Every page load during the ingest rendered, with the old count or (after the swap) the new.
                assert len(seen_browser) >= 2 and len(seen_apptest) >= 2, (seen_browser, seen_apptest)
                for seen in (seen_browser, seen_apptest):
                    assert set(seen) <= {OLD, NEW}, seen
                    assert seen == sorted(seen, key=[OLD, NEW].index), seen  # never back to the old file

                # Afterwards the same server shows the new reports: no restart, no cache clearing.
                assert healthy(base) and server.poll() is None
                assert _browser_load(page, base) == NEW
                assert _apptest_load() == NEW
            finally:
                browser.close()
    finally:
        stop_server(server)
    assert sorted(p.name for p in db.parent.glob("w.duckdb*")) == ["w.duckdb", "w.duckdb.lock"]  # no temp left
    assert time.monotonic() - started < TIME_BUDGET
