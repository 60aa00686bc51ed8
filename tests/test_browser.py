"""One real-browser run: `streamlit run app.py` on a free port, Debian chromium driven by Playwright."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from .conftest import ROOT
from .live_app import ARGS, CHROMIUM, demo_server
from .test_queries import BAOAN, CHANGSHA, NANSHAN

ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from demo_server(tmp_path_factory, "browser")


def test_overview_and_trends_in_chromium(server):
    # CI installs chromium with apt; a missing browser is a failure, never a skip.
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk"
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server + "/", wait_until="domcontentloaded")
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
            page.get_by_text("覆盖矩阵：机关 × 年度").wait_for(timeout=10_000)
            metrics = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
            assert metrics == ["7", "3", "4", "3", "10"]
            page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)

            page.goto(f"{server}/trends?province={quote('广东省')}&indicator=mediation_cases",
                      wait_until="domcontentloaded")
            page.wait_for_selector(".js-plotly-plot .main-svg .scatterlayer", timeout=20_000)
            page.wait_for_function("document.querySelectorAll('.js-plotly-plot .legendtext').length >= 2",
                                   timeout=10_000)
            legend = page.eval_on_selector_all(".js-plotly-plot .legendtext", "els => els.map(e => e.textContent)")
            assert sorted(legend) == sorted([NANSHAN, BAOAN]) and CHANGSHA not in legend
            assert "province=" in page.url  # the filter stays in the URL, so the view can be shared
            page.screenshot(path=str(ARTIFACTS / "trends.png"), full_page=True)

            # Streamlit clears query params on a page switch (streamlit#7982); the app puts the filters back.
            page.get_by_role("link", name="排名").click()
            page.wait_for_url("**/rankings?*province=*", timeout=15_000)
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
        finally:
            browser.close()
