"""AppTest of the 评估 page on the hand-built warehouse: totals ranked within peers, items, evidence, languages."""
from __future__ import annotations

import io

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from .conftest import open_routed
from .test_queries import BAOAN, NANSHAN, build_demo_warehouse

pytestmark = pytest.mark.usefixtures("navigation_mode")  # see tests/conftest.py
PAGE = "views/assessment.py"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    return build_demo_warehouse(tmp_path_factory.mktemp("assess") / "demo.duckdb")


@pytest.fixture
def demo(demo_db, monkeypatch):
    monkeypatch.setenv("WAREHOUSE", str(demo_db))
    return demo_db


def open_page(params: dict | None = None) -> AppTest:
    return open_routed(PAGE, params)


def test_compliance_totals_ranked_within_peers_with_missing_shown(demo):
    at = open_page()
    assert at.title[0].value == "评估"
    assert at.selectbox(key="as_scheme").value == "compliance_2019"
    assert at.selectbox(key="as_year").value == 2022  # the newest year under the filters
    assert at.selectbox(key="as_group").value == "county|justice"
    totals = at.dataframe[0].value
    assert list(totals.columns) == ["同组排名", "机关", "总分", "已评分项满分", "缺失项", "同组", "同组机关数", "link"]
    # 南山 2022 has no publication date: on-time is missing (80 of the 80 scored), not late; 宝安 was late (80/100)
    assert totals.drop(columns="link").values.tolist() == [
        ["1", NANSHAN, "80", "80", 1, "县级 · 司法局(厅)", 2], ["1", BAOAN, "80", "100", 0, "县级 · 司法局(厅)", 2]]
    assert at.info[0].value == "县级 · 司法局(厅) · 2022 年：2 份报告，在本组内排名。"
    items = at.dataframe[1].value
    assert items["状态"].tolist() == ["已评分"] * 4 + ["缺失（不计分）"]
    assert items["得分"].tolist() == ["20 / 20"] * 4 + ["⚠ — / 20"]
    assert items["取值"].tolist() == ["有"] * 4 + ["—"]
    assert [e.label for e in at.expander][-1] == "4 月 1 日前公开 · — / 20 · 缺失（不计分）"
    on_time = at.dataframe[-1].value
    assert on_time["原文"].tolist() == ["未找到发布日期"] and on_time["审核状态"].tolist() == ["待审"]
    first = at.dataframe[2].value
    assert first["原文"].tolist() == ["一、主要举措和成效"] and first["link"].iat[0].startswith("report?report=")


def test_choosing_the_other_agency_shows_its_items_and_evidence(demo):
    at = open_page()
    assert at.selectbox(key="as_report").options[1].startswith(BAOAN)
    baoan = at.dataframe[0].value["link"].iat[1].split("report=")[1]
    at.selectbox(key="as_report").set_value(baoan).run()
    items = at.dataframe[1].value
    assert items["得分"].tolist()[-1] == "0 / 20" and items["取值"].tolist()[-1] == "无"
    assert at.dataframe[-1].value["原文"].iat[0] == "发布日期 2023-05-10（来源：标题）"


def test_indicator_scheme_in_english_across_all_groups(demo):
    at = open_page({"lang": "en", "scheme": "core_indicators", "year": "2021", "group": "__all__"})
    assert at.title[0].value == "Assessment"
    assert at.warning[0].value.startswith("All groups shown: each agency is ranked within its own group only")
    totals = at.dataframe[0].value.drop(columns="link")
    assert list(totals.columns) == ["Rank", "Agency", "Total", "Max of scored items", "Missing", "Peer group", "Peers"]
    # 南山 2021: mediation 950 alone in its group (10) + success rate 97 on 80–100 (8.5) + 2 of 8 areas (3.75)
    assert totals.values.tolist() == [
        ["1", NANSHAN, "22.25", "40", 6, "County · Justice bureau", 1],
        ["1", "长沙市人民政府", "13.75", "30", 7, "Municipal · People's government", 1],
        ["1", "unknown", "1.88", "20", 8, "unknown · unknown", 1]]
    items = at.dataframe[1].value
    assert items.columns.tolist() == ["Item", "Value", "Rule", "Score", "Status", "Review status"]
    assert items.iloc[1].tolist() == ["Mediation success rate", "97", "linear: 80 scores 0, 100 full", "8.5 / 10",
                                      "scored", "Unreviewed"]
    assert items.iloc[3]["Status"] == "missing (not scored)"
    rate = at.dataframe[3].value  # the success rate item's evidence: the best fact, not the derived one
    assert rate["Text"].tolist() == ["调解成功率97%。"] and rate["Value"].tolist() == ["97 %"]


def test_the_page_follows_the_sidebar_filters(demo):
    at = open_page({"province": "湖南省", "year_from": "2021", "year_to": "2021"})
    assert at.selectbox(key="as_year").options == ["2021"]
    assert at.selectbox(key="as_group").value == "municipal|government"
    assert at.dataframe[0].value["机关"].tolist() == ["长沙市人民政府"]


def test_the_page_export_is_the_scorecard_workbook(demo):
    from ui import scorecard as sc

    data = sc.card("compliance_2019", {"year_from": None, "year_to": None, "provinces": [], "cities": [],
                                       "levels": [], "agency_types": [], "agencies": []}, 2022)
    wb = openpyxl.load_workbook(io.BytesIO(sc.xlsx("compliance_2019", {}, 2022, data, "county|justice")()))
    assert wb.sheetnames == ["totals", "items", "说明"]
    assert [r[2] for r in wb["totals"].iter_rows(values_only=True)] == ["机关", NANSHAN, BAOAN]
    notes = {r[0]: r[1] for r in wb["说明"].iter_rows(values_only=True) if r[0]}
    assert notes["年度 / Year"] == "2022" and notes["报告数 / Reports"] == "2"
    assert notes["视图网址 / View URL"] == "assessment?scheme=compliance_2019&year=2022"
