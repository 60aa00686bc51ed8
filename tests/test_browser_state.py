"""State that holds, in a real browser: set a page's controls, reopen the URL it shows, get the same view back."""
from __future__ import annotations

import pytest

from .live_app import chromium, demo_server, settle, start_server, stop_server
from .test_queries import CHANGSHA


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from demo_server(tmp_path_factory, "state")


@pytest.fixture(scope="module")
def sample_server(sample_db, tmp_path_factory):
    proc, base = start_server(sample_db, tmp_path_factory.mktemp("log") / "streamlit.log")
    try:
        yield base
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


def _settle(page) -> None:
    settle(page, 500)


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(url, wait_until="domcontentloaded")
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=20_000)
    _settle(page)
    page.wait_for_function("document.querySelectorAll('[data-testid=\"stSkeleton\"]').length == 0", timeout=20_000)
    page.wait_for_timeout(500)
    assert page.locator('[data-testid="stException"]').count() == 0
    return page


def _checked(page) -> list[str]:
    """The labels of the checked radio buttons in the page body."""
    chosen = page.locator('[data-testid="stMain"] [data-testid="stRadioOption"][data-selected="true"]')
    chosen.first.wait_for(timeout=20_000)
    return chosen.all_inner_texts()


def _radio(page, label: str) -> None:
    """Choose a radio option by its label, and wait until the page has taken it."""
    option = page.locator('[data-testid="stMain"] [data-testid="stRadioOption"]').filter(
        has=page.get_by_text(label, exact=True))
    option.first.click()
    page.locator('[data-testid="stMain"] [data-testid="stRadioOption"][data-selected="true"]').filter(
        has=page.get_by_text(label, exact=True)).first.wait_for(timeout=20_000)
    _settle(page)


def _select(page, label: str, option: str) -> None:
    page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(has_text=label).first.click()
    page.get_by_role("option", name=option, exact=True).click()
    _settle(page)


def _selected(page, label: str) -> str:
    box = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(has_text=label).first
    return box.locator("input").input_value()  # a combobox: the choice is the input's value


def _reopened(browser, page):
    """The URL the page shows, opened in a fresh tab (a new session, as when a colleague opens the link)."""
    url = page.url
    page.close()
    return _open(browser, url)


def test_rankings_year_and_sort_survive_a_reload(server, browser):
    page = _open(browser, f"{server}/rankings?indicator=mediation_cases")
    _radio(page, "较上年变化")
    _select(page, "年度", "2021")
    assert "sort=change" in page.url and "year=2021" in page.url
    page = _reopened(browser, page)
    try:
        assert "较上年变化" in _checked(page)
        assert _selected(page, "年度") == "2021"
    finally:
        page.close()


def test_trends_mode_and_median_view_survive_a_reload(server, browser):
    page = _open(browser, f"{server}/trends?indicator=mediation_cases")
    _radio(page, "地区")
    _radio(page, "同级同类机关的中位数和四分位")
    assert "mode=region" in page.url and "show=median" in page.url
    page = _reopened(browser, page)
    try:
        assert set(_checked(page)) == {"地区", "同级同类机关的中位数和四分位"}
        page.wait_for_selector(".js-plotly-plot .legendtext", timeout=20_000)
        legend = page.eval_on_selector_all(".js-plotly-plot .legendtext", "els => els.map(e => e.textContent)")
        assert any("县级" in x for x in legend)  # median lines are named by region · level · type
    finally:
        page.close()


def test_compare_picks_survive_a_reload(server, browser):
    page = _open(browser, f"{server}/compare")
    box = page.locator('[data-testid="stMain"] [data-testid="stMultiSelect"]').filter(has_text="机关（2–5 个）")
    box.locator("input").click()
    page.keyboard.type(CHANGSHA)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    _settle(page)
    assert page.url.count("pick=") == 3
    before = box.locator('[data-tag]').all_inner_texts()
    page = _reopened(browser, page)
    try:
        box = page.locator('[data-testid="stMain"] [data-testid="stMultiSelect"]').filter(has_text="机关（2–5 个）")
        assert box.locator('[data-tag]').all_inner_texts() == before and len(before) == 3
    finally:
        page.close()


def test_the_kwic_term_survives_a_reload(sample_server, browser):
    page = _open(browser, f"{sample_server}/keywords")
    page.get_by_role("tab", name="关键词语境").click()
    box = page.locator('[data-testid="stMain"] [data-testid="stTextInput"]').filter(has_text="关键词").first
    box.locator("input").fill("行政复议")
    box.locator("input").press("Enter")
    _settle(page)
    assert "term=" in page.url
    page = _reopened(browser, page)
    try:
        page.get_by_role("tab", name="关键词语境").click()
        box = page.locator('[data-testid="stMain"] [data-testid="stTextInput"]').filter(has_text="关键词").first
        assert box.locator("input").input_value() == "行政复议"
    finally:
        page.close()
