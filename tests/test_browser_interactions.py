"""What users do in a real browser: clear the filters on every page, change province and mode on Trends."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from .conftest import ROOT
from .live_app import chromium, demo_server, settle
from .test_queries import BAOAN, CHANGSHA, NANSHAN

ARTIFACTS = ROOT / "tests" / "artifacts"
PAGES = ["overview", "trends", "rankings", "compare", "keywords", "report", "quality", "import", "review"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from demo_server(tmp_path_factory, "interact")


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


_settle = settle


def _no_traceback(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]').first.inner_text()


def _open_filtered(page, url: str) -> None:
    """Open a page whose URL sets filters, and wait until it has drawn them without a traceback."""
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("button", name="清除筛选").wait_for(timeout=20_000)
    _settle(page)
    _no_traceback(page)


def _sidebar_pick(page, label: str, value: str) -> None:
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=label)
    box.locator("input").click()
    page.keyboard.type(value)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    _settle(page)


@pytest.mark.parametrize("path", PAGES)
def test_clear_filters_on_every_page(server, browser, path):
    # Regression: 清除筛选 wrote widget state after the widgets were drawn (StreamlitWidgetAlreadyInstantiatedError).
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    try:
        _open_filtered(page, f"{server}/{path}?province={quote('广东省')}&year_from=2021")
        page.get_by_role("button", name="清除筛选").click()
        # The rerun may start after _settle's first look on a loaded machine: wait for its outcome itself.
        page.get_by_role("button", name="清除筛选").wait_for(state="detached", timeout=20_000)
        _settle(page)
        _no_traceback(page)
        assert page.get_by_role("button", name="清除筛选").count() == 0  # nothing left to clear
        assert "province=" not in page.url and "year_from=" not in page.url
        chosen = page.locator('[data-testid="stSidebar"] [data-tag]').count()
        assert chosen == 0
    finally:
        page.close()


def _legend(page) -> list[str]:
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
    return sorted(page.eval_on_selector_all(".js-plotly-plot .legendtext", "els => els.map(e => e.textContent)"))


def _points(page) -> int:
    """Points drawn on the chart, once it has drawn any (a loaded machine draws late)."""
    try:
        page.wait_for_selector(".js-plotly-plot .scatterlayer .point", timeout=20_000)
    except Exception:  # noqa: BLE001  (no point at all: the count below says 0)
        pass
    return page.eval_on_selector_all(".js-plotly-plot .scatterlayer .point", "els => els.length")


def test_changing_the_province_on_trends_redraws_with_data(server, browser):
    # Regression: after a province change the agency picker kept agencies the new options lacked, showed the
    # English placeholder and the chart drew empty axes.
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    try:
        page.goto(f"{server}/trends?indicator=mediation_cases", wait_until="domcontentloaded")
        _settle(page)
        assert sorted(_legend(page)) == sorted([NANSHAN, BAOAN, CHANGSHA])
        _sidebar_pick(page, "省份", "广东省")
        _no_traceback(page)
        # The redraw may land after the settle: wait for the legend to change before reading it.
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .legendtext').length == 2", timeout=20_000)
        assert _legend(page) == sorted([NANSHAN, BAOAN]) and _points(page) > 0
        assert page.get_by_text("Choose options").count() == 0
        page.screenshot(path=str(ARTIFACTS / "trends_province.png"), full_page=True)
        # Region mode, then a year range: the chart keeps data.
        page.get_by_text("地区", exact=True).first.click()
        _settle(page)
        _no_traceback(page)
        assert _points(page) > 0
        page.goto(f"{server}/trends?indicator=mediation_cases&year_from=2021", wait_until="domcontentloaded")
        _settle(page)
        _no_traceback(page)
        assert _points(page) > 0 and len(_legend(page)) >= 2
    finally:
        page.close()


@pytest.mark.parametrize("path", PAGES)
def test_a_deep_link_opens_its_page_with_the_real_navigation(server, browser, path):
    # Regression: a pages/ folder and Overview as the default page made /import and /overview open with an
    # English "Page not found" box and the file names as navigation.
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    try:
        _open_filtered(page, f"{server}/{path}?province={quote('广东省')}")
        assert page.get_by_text("Page not found").count() == 0
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert all(label in nav for label in ("总览", "趋势", "排名", "对比", "审核")) and "import_page" not in nav
        assert f"/{path}" in page.url and "province=" in page.url  # the link is kept, filters included
    finally:
        page.close()
