"""Every page control lives in the URL: a link opens the same view, the URL follows each change (AppTest)."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import ROOT
from .test_queries import BAOAN, CHANGSHA, NANSHAN, build_demo_warehouse

pytestmark = pytest.mark.usefixtures("navigation_mode")  # see tests/conftest.py


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    return build_demo_warehouse(tmp_path_factory.mktemp("url") / "demo.duckdb")


@pytest.fixture
def demo(demo_db, monkeypatch):
    monkeypatch.setenv("WAREHOUSE", str(demo_db))
    return demo_db


def open_page(page: str, params: dict) -> AppTest:
    """A cold start on a shared link: the router lands on Overview, then the page opens with the link's query."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_rankings_year_group_and_sort_from_the_link(demo):
    at = open_page("views/rankings.py", {"indicator": "mediation_cases", "year": "2021", "group": "__all__",
                                         "sort": "change"})
    assert at.selectbox(key="rk_year").value == 2021
    assert at.selectbox(key="rk_group").value == "__all__"
    assert at.radio(key="rk_sort").value == "change"
    assert "跨层级" in at.warning[0].value


def test_rankings_changes_go_into_the_url(demo):
    at = open_page("views/rankings.py", {})
    assert (at.query_params["year"], at.query_params["group"], at.query_params["sort"]) == (
        "2022", "county|justice", "value")
    at.radio(key="rk_sort").set_value("change").run()
    at.selectbox(key="rk_year").set_value(2021).run()
    assert at.query_params["sort"] == "change" and at.query_params["year"] == "2021"


def test_a_link_with_values_the_data_lacks_opens_at_the_defaults(demo):
    at = open_page("views/rankings.py", {"year": "1999", "group": "<script>", "sort": "x' OR 1=1"})
    assert at.selectbox(key="rk_year").value == 2022 and at.radio(key="rk_sort").value == "value"
    assert at.selectbox(key="rk_group").value == "county|justice"


def test_trends_mode_show_and_lines_from_the_link(demo):
    at = open_page("views/trends.py", {"indicator": "mediation_cases", "mode": "region", "show": "median"})
    assert at.radio(key="tr_mode").value == "region" and at.radio(key="tr_show").value == "median"
    at = open_page("views/trends.py", {"indicator": "mediation_cases", "line": [BAOAN, CHANGSHA]})
    assert at.multiselect(key="tr_agencies").value == [BAOAN, CHANGSHA]
    at.multiselect(key="tr_agencies").set_value([NANSHAN]).run()
    assert at.query_params["line"] == NANSHAN and at.query_params["mode"] == "agency"


def test_compare_picks_and_year_from_the_link(demo):
    at = open_page("views/compare.py", {"pick": [NANSHAN, CHANGSHA], "year": "2021"})
    assert at.multiselect(key="cmp_pick").value == [NANSHAN, CHANGSHA]
    assert at.selectbox(key="cmp_year").value == 2021
    at.multiselect(key="cmp_pick").set_value([BAOAN, NANSHAN]).run()
    assert at.query_params["pick"] == [BAOAN, NANSHAN]


def test_keywords_terms_from_the_link(sample_db, monkeypatch):
    monkeypatch.setenv("WAREHOUSE", str(sample_db))
    at = open_page("views/keywords.py", {"term": "行政复议", "cooc": "普法", "measure": "per_10k", "top": "20",
                                         "split": "level", "dim": "province"})
    assert at.text_input(key="kw_kwic_term").value == "行政复议"
    assert at.text_input(key="kw_cooc_term").value == "普法"
    assert at.radio(key="kw_measure").value == "per_10k" and at.slider(key="kw_top_n").value == 20
    assert at.radio(key="kw_split").value == "level" and at.selectbox(key="kw_dim").value == "province"
    at.text_input(key="kw_kwic_term").set_value("法治").run()
    assert at.query_params["term"] == "法治"


def test_open_links_go_to_the_number_and_the_report_opens_there(demo):
    # 打开 in Rankings, Trends and Compare opens the report at the number (report=…&fact=…).
    rk = open_page("views/rankings.py", {"indicator": "mediation_cases"})
    link = rk.dataframe[0].value["link"].iat[0]
    assert re.match(r"^report\?report=[0-9a-f]{16}&fact=\d+$", link), link
    tr = open_page("views/trends.py", {"indicator": "mediation_cases"})
    assert tr.dataframe[0].value["link"].str.contains("&fact=").all()
    cmp = open_page("views/compare.py", {})
    assert cmp.dataframe[1].value["link"].str.contains("&fact=").all()
    rid, fact = re.search(r"report=([0-9a-f]{16})&fact=(\d+)", link).groups()
    at = open_page("views/report.py", {"report": rid, "fact": fact})
    assert at.selectbox(key="rd_report").value == rid and at.selectbox(key="rd_focus").value == int(fact)
    assert at.caption[-1].value == f"所选数字 #{fact} 在原文中的位置："
    assert at.query_params["fact"] == fact
