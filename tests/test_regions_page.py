"""The 地区 page: a province tile grid (equal squares, no boundaries) coloured by a measure; a click filters."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from etl.province_tiles import load_tiles
from etl.regions import _load_default

from .conftest import open_routed
from .live_app import ARGS, CHROMIUM, demo_server
from .test_app_pages import _plain
from .test_queries import build_demo_warehouse

pytestmark = pytest.mark.usefixtures("navigation_mode")  # see tests/conftest.py
PAGE = "views/regions.py"


def test_one_square_per_province_level_unit_each_on_its_own_place():
    tiles = load_tiles()
    provinces = {p.name for p in _load_default().places if p.level == "provincial"}
    assert {r["province"] for r in tiles} == provinces and len(tiles) == 34
    assert len({(r["col"], r["row"]) for r in tiles}) == 34
    where = {r["short_zh"]: (r["col"], r["row"]) for r in tiles}
    assert where["新疆"][0] < where["四川"][0] < where["上海"][0]  # west to east
    assert where["黑龙江"][1] < where["河南"][1] < where["海南"][1]  # north to south


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    return build_demo_warehouse(tmp_path_factory.mktemp("regions") / "demo.duckdb")


@pytest.fixture
def demo(demo_db, monkeypatch):
    monkeypatch.setenv("WAREHOUSE", str(demo_db))
    return demo_db


def open_page(params: dict | None = None) -> AppTest:
    return open_routed(PAGE, params)


def figure(at: AppTest) -> dict:
    return _plain(json.loads(at.get("plotly_chart")[0].proto.spec))


def tiles_of(at: AppTest) -> dict[str, tuple]:
    """province → (x, y, value or None) from the chart's traces."""
    fig = figure(at)
    out = {}
    for tr in fig["data"]:
        colours = tr["marker"]["color"]
        for i, p in enumerate(tr["customdata"]):
            out[p] = (tr["x"][i], tr["y"][i], colours[i] if isinstance(colours, list) else None)
    return out


def test_tiles_coloured_by_report_count_and_by_an_indicator_median(demo):
    at = open_page({"year_from": "2021", "year_to": "2021"})
    assert at.title[0].value == "地区"
    tiles = tiles_of(at)
    assert len(tiles) == 34
    assert tiles["湖南省"] == (5, -5, 2) and tiles["广东省"] == (5, -6, 1) and tiles["北京市"][2] is None
    assert at.dataframe[0].value.values.tolist() == [["湖南省", 2.0, 2, 2], ["广东省", 1.0, 1, 1]]
    at.selectbox(key="rg_metric").set_value("ind:mediation_cases").run()
    tiles = tiles_of(at)
    assert tiles["湖南省"][2] == 5000 and tiles["广东省"][2] == 950  # one stated value each in 2021
    assert at.dataframe[0].value.columns.tolist() == ["省份", "数值（件）", "报告数", "有值的报告"]


def test_a_province_filter_dims_the_others_but_keeps_every_tile(demo):
    at = open_page({"province": "广东省", "lang": "en"})
    fig = figure(at)
    assert sum(len(tr["customdata"]) for tr in fig["data"]) == 34
    shown = {p: o for tr in fig["data"] for p, o in zip(tr["customdata"], tr["marker"]["opacity"], strict=True)}
    assert shown["广东省"] == 1 and shown["湖南省"] == 0.35
    assert "Guangdong<br>2" in [x for tr in fig["data"] for x in tr["text"]]  # 2022: 宝安 and 南山
    hover = [x for tr in fig["data"] for x in tr["hovertext"]]
    assert "Guangdong<br>2 reports<br>2 reports, 2 with a value" in hover and "Inner Mongolia<br>—<br>0 reports, 0 " \
        "with a value" in hover


def test_scores_on_the_grid_say_they_are_not_like_for_like(demo):
    at = open_page({"metric": "score:compliance_2019"})
    assert at.warning[0].value.startswith("各省平均总分混合了不同层级、类型的机关")
    assert tiles_of(at)["广东省"][2] == 80  # 2022: both 80


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from demo_server(tmp_path_factory, "tiles")


def test_clicking_a_tile_filters_to_that_province(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1300})
            page.goto(server + "/regions?year_from=2021&year_to=2021")
            page.wait_for_selector("g.textpoint text", timeout=30_000)
            box = page.locator("g.textpoint text", has_text="湖南").first.bounding_box()
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_url("**province=*", timeout=20_000)
            assert "province=%E6%B9%96%E5%8D%97%E7%9C%81" in page.url  # 湖南省
            page.wait_for_selector("[data-testid=stSidebar] >> text=湖南省", timeout=20_000)
        finally:
            browser.close()
