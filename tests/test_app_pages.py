"""AppTest for every page on a hand-built warehouse: the numbers, traces and filters each page shows."""
from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from etl.warehouse import Warehouse

from .conftest import ROOT
from .test_queries import BAOAN, CHANGSHA, NANSHAN, build_demo_warehouse

PAGES = ["views/overview.py", "views/trends.py", "views/rankings.py", "views/compare.py", "views/report.py",
         "views/quality.py", "views/import_page.py"]


pytestmark = pytest.mark.usefixtures("navigation_mode")  # see tests/conftest.py


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    return build_demo_warehouse(tmp_path_factory.mktemp("app") / "demo.duckdb")


@pytest.fixture
def demo(demo_db, monkeypatch):
    monkeypatch.setenv("WAREHOUSE", str(demo_db))
    return demo_db


def open_page(page: str = "views/overview.py", params: dict | None = None, state: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()
    if page != "views/overview.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def each_page(pages: list[str], params: dict | None = None):
    """One session visiting every page in turn (one script run per page): (page, AppTest) pairs."""
    at = open_page(pages[0], params)
    yield pages[0], at
    for page in pages[1:]:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        yield page, at


def _plain(v):
    """Plotly sends numeric arrays as {'dtype', 'bdata'} (base64); turn them back into lists."""
    if isinstance(v, dict) and "bdata" in v and "dtype" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def figures(at: AppTest) -> list[dict]:
    return [_plain(json.loads(el.proto.spec)) for el in at.get("plotly_chart")]


def report_ids(db) -> dict[str, str]:
    with Warehouse.open(db) as wh:
        df = wh.query("report_list", {})
    return dict(zip(df["file_name"], df["report_id"], strict=True))


# A keyed st.dataframe without selection carries no key in AppTest, so tables are found by their order.
ORDER = {"ov_cov_table": 0, "ov_comp_table": 1, "tr_table": 0, "rk_table": 0, "cmp_table": 0,
         "cmp_area_table": 1, "rd_meta": 0, "rd_check": 1, "rd_outline": 2, "rd_facts": 3, "q_review": 1,
         "q_low": 2, "q_checks": 3, "imp_table": 0}


def table(at: AppTest, key: str):
    return at.dataframe[ORDER[key]].value


# ---- overview -------------------------------------------------------------------------------------------
def test_overview_counts_matrix_and_compliance(demo):
    at = open_page()
    assert [m.value for m in at.metric] == ["7", "3", "4", "3", "10"]
    cov = table(at, "ov_cov_table").set_index("机关")
    assert cov.loc[BAOAN].tolist() == ["按时发布", "缺失", "逾期发布"]
    assert cov.loc[NANSHAN].tolist() == ["按时发布", "按时发布", "已发布（日期未知）"]
    assert cov.loc[CHANGSHA].tolist() == ["缺失", "按时发布", "缺失"]
    heat = figures(at)[0]["data"][0]
    assert heat["type"] == "heatmap" and heat["x"] == ["2020", "2021", "2022"]
    comp = table(at, "ov_comp_table")
    assert comp.values.tolist() == [["主要举措和成效", "100%"], ["存在的不足和原因", "86%"],
                                    ["第一责任人职责履行情况", "71%"], ["下一年度工作安排", "86%"], ["按时发布", "83%"]]
    assert figures(at)[1]["data"][0]["x"] == [100.0, 85.7, 71.4, 85.7, 83.3]
    assert len(at.main.get("download_button")) == 4  # CSV and XLSX for both tables; the briefing is in the sidebar


def test_url_filter_reproduces_the_view_and_survives_page_switch(demo):
    at = open_page(params={"province": "广东省", "year_from": "2021"})
    assert [m.value for m in at.metric] == ["3", "2", "2", "2", "5"]
    assert at.multiselect(key="flt_provinces").value == ["广东省"]
    assert at.selectbox(key="flt_year_from").value == 2021
    # Streamlit clears query params on page switch; the session carries the filters and writes them back.
    at.query_params.clear()
    at.switch_page("views/trends.py").run()
    assert not at.exception
    assert {t["name"] for t in figures(at)[0]["data"]} == {BAOAN, NANSHAN}
    assert at.query_params["province"] == "广东省" and at.query_params["year_from"] == "2021"


def test_sidebar_change_goes_into_the_url(demo):
    at = open_page()
    at.multiselect(key="flt_levels").set_value(["municipal"]).run()
    assert at.query_params["level"] == "municipal"
    assert [m.value for m in at.metric][:2] == ["1", "1"]


def test_hostile_url_values_are_dropped(demo):
    at = open_page(params={"province": ["' OR 1=1 --", ";DROP TABLE reports"], "agency": "<script>x</script>",
                           "year_from": "2020 OR 1=1", "year_to": "99999", "level": "county"})
    assert [m.value for m in at.metric] == ["5", "2", "2", "3", "8"]  # only level=county survived
    assert at.multiselect(key="flt_provinces").value == [] and at.multiselect(key="flt_agencies").value == []
    assert at.selectbox(key="flt_year_from").value is None
    assert at.query_params == {"level": "county"}


def test_english_toggle_from_url(demo):
    at = open_page(params={"lang": "en"})
    assert at.title[0].value == "Overview"
    assert [m.label for m in at.metric] == ["Reports", "Agencies", "Regions", "Years", "Extracted facts"]


def test_every_page_in_english(demo):
    titles = ["Overview", "Trends", "Rankings", "Compare", "Report", "Data quality", "Import"]
    for page, title in zip(PAGES, titles, strict=True):
        at = open_page(page, params={"lang": "en"})
        assert at.title[0].value == title, page
        assert at.query_params["lang"] == "en"


# ---- trends ---------------------------------------------------------------------------------------------
def test_trends_lines_gaps_and_markers(demo):
    at = open_page("views/trends.py")
    assert at.selectbox(key="tr_indicator").value == "mediation_cases"
    traces = {t["name"]: t for t in figures(at)[0]["data"]}
    assert set(traces) == {BAOAN, NANSHAN, CHANGSHA}
    assert traces[BAOAN]["x"] == [2020, 2021, 2022]
    assert traces[BAOAN]["y"][0::2] == [1200.0, 1500.0] and np.isnan(traces[BAOAN]["y"][1])  # a gap, not 0
    assert traces[BAOAN]["marker"]["symbol"] == ["circle", "circle", "circle-open"]  # 2022 is approximate
    assert traces[CHANGSHA]["y"][1] == 5000.0 and np.isnan(traces[CHANGSHA]["y"][::2]).all()
    assert traces[BAOAN]["connectgaps"] is False
    df = table(at, "tr_table")
    assert df[df["机关"] == BAOAN]["数值"].tolist()[:1] == [1200.0]
    assert "缺少数字的年份留空" in " ".join(c.value for c in at.caption)


def test_trends_derived_marker_and_url_indicator(demo):
    at = open_page("views/trends.py", params={"indicator": "mediation_success_rate"})
    assert at.selectbox(key="tr_indicator").value == "mediation_success_rate"
    (trace,) = figures(at)[0]["data"]
    assert trace["name"] == NANSHAN and trace["y"] == [97.0]
    assert at.query_params["indicator"] == "mediation_success_rate"


def test_trends_regions_never_summed(demo):
    at = open_page("views/trends.py")
    at.radio(key="tr_mode").set_value("region").run()
    names = sorted(t["name"] for t in figures(at)[0]["data"])
    assert names == ["广东省深圳市 · " + NANSHAN, "广东省深圳市 · " + BAOAN, "湖南省长沙市 · " + CHANGSHA]
    at.radio(key="tr_show").set_value("median").run()
    lines = [t for t in figures(at)[0]["data"] if t.get("mode") == "lines+markers"]
    sz = next(t for t in lines if t["name"].startswith("广东省深圳市"))
    assert sz["name"] == "广东省深圳市 · 县级 · 司法局(厅)"
    assert sz["x"] == [2020, 2021, 2022] and sz["y"] == [1000.0, 950.0, 1500.0]  # medians, not sums (2000, …)
    stats = table(at, "tr_table")
    assert stats["数量"].tolist()[:3] == [2, 1, 2]
    assert any("中位数" in c.value for c in at.caption)


# ---- rankings -------------------------------------------------------------------------------------------
def test_rankings_ties_peer_group_and_evidence(demo):
    at = open_page("views/rankings.py")
    assert at.selectbox(key="rk_year").value == 2022
    assert "县级 · 司法局(厅)" in at.info[0].value
    df = table(at, "rk_table")
    assert df[["机关", "名次", "数值", "并列", "状态"]].values.tolist() == [
        [NANSHAN, 1.0, 1500.0, True, "并列"], [BAOAN, 1.0, 1500.0, True, "并列"]]
    bars = figures(at)[0]["data"][0]
    assert bars["y"] == ["=1. " + NANSHAN, "=1. " + BAOAN]
    assert [c[0] for c in bars["customdata"]] == ["调解纠纷1500件。", "全年调解矛盾纠纷约1500件。"]
    assert df["link"].str.startswith("report?report=").all()


def test_rankings_by_change_and_missing(demo):
    at = open_page("views/rankings.py")
    at.radio(key="rk_sort").set_value("change").run()
    df = table(at, "rk_table")
    assert df[["机关", "名次", "较上年变化", "状态"]].fillna("NA").values.tolist() == [
        [NANSHAN, 1.0, 550.0, "—"], [BAOAN, "NA", "NA", "缺少数字"]]
    assert "缺少数字 1 个" in " ".join(c.value for c in at.caption)


def test_rankings_across_groups_says_so(demo):
    at = open_page("views/rankings.py")
    at.selectbox(key="rk_year").set_value(2021).run()
    at.selectbox(key="rk_group").set_value("__all__").run()
    assert "跨层级" in at.warning[0].value
    assert table(at, "rk_table")["机关"].tolist() == [CHANGSHA, NANSHAN]


# ---- compare --------------------------------------------------------------------------------------------
def test_compare_indicator_table_and_areas(demo):
    at = open_page("views/compare.py")
    assert at.multiselect(key="cmp_pick").value == [NANSHAN, BAOAN]
    df = table(at, "cmp_table").set_index("指标")
    assert df.loc["调解矛盾纠纷数", NANSHAN] == "1,500件" and df.loc["调解矛盾纠纷数", BAOAN] == "≈1,500件"
    traces = figures(at)[0]["data"]
    assert [t["name"] for t in traces] == [NANSHAN, BAOAN]
    assert traces[0]["x"] == ["矛盾纠纷预防化解", "行政执法"]
    baoan = next(t for t in traces if t["name"] == BAOAN)
    assert baoan["y"] == [round(100 * (29 / 164 + 17 / 153) / 2, 1), round(100 * (15 / 164 + 15 / 153) / 2, 1)]


def test_compare_year_with_derived_value(demo):
    at = open_page("views/compare.py")
    at.multiselect(key="cmp_pick").set_value([NANSHAN, CHANGSHA]).run()
    at.selectbox(key="cmp_year").set_value(2021).run()
    df = table(at, "cmp_table").set_index("指标")
    assert df.loc["调解成功率", NANSHAN] == "97%" and df.loc["调解成功率", CHANGSHA] == "—"
    assert df.loc["调解矛盾纠纷数", CHANGSHA] == "5,000件"


# ---- report reader --------------------------------------------------------------------------------------
def _report_id(at: AppTest, file_name: str) -> str:
    return next(i for i in at.selectbox(key="rd_report").options if file_name in i)


def test_report_reader_shows_hostile_text_literally(demo):
    at = open_page("views/quality.py")
    link = table(at, "q_review")["link"].iat[0]
    rid = re.search(r"report=([0-9a-f]{16})", link).group(1)
    at = open_page("views/report.py", params={"report": rid})
    assert at.selectbox(key="rd_report").value == rid
    body = "".join(h.proto.body for h in at.get("html"))
    assert "&lt;img src=x onerror=alert(1)&gt;" in body and "<img" not in body
    assert "=HYPERLINK(&quot;http://evil.example&quot;,&quot;x&quot;)" in body
    assert "[x](http://evil.example)" in body and "<a " not in body
    assert not any("evil" in m.value for m in at.markdown)
    facts = table(at, "rd_facts")
    assert '<img src=x onerror=alert(1)> =HYPERLINK("http://evil.example","x")' in facts["原文证据"].iat[0]
    meta = table(at, "rd_meta").set_index("字段")
    assert meta.loc["机关", "数值"] == "未知" and meta.loc["省份", "来源"] == "标题"
    assert "需要人工核对" in at.warning[0].value


def test_report_reader_metadata_outline_checklist_and_jump(demo):
    at = open_page("views/report.py", params={"report": report_ids(demo)["changsha2021.txt"]})
    assert at.get("link_button")[0].proto.url == "https://www.changsha.gov.cn/report2021"
    meta = table(at, "rd_meta").set_index("字段")
    assert meta.loc["来源网址", "来源"] == "清单文件" and meta.loc["层级", "数值"] == "市级"
    assert table(at, "rd_check").values.tolist() == [["主要举措和成效", "✓"], ["存在的不足和原因", "✓"],
                                                     ["第一责任人职责履行情况", "✓"], ["下一年度工作安排", "✓"],
                                                     ["按时发布", "✓"]]
    outline = table(at, "rd_outline")
    assert outline["标题"].tolist()[:2] == ["一、主要举措和成效", "　(一)加强矛盾纠纷调解"]
    body = at.get("html")[-1].proto.body
    assert 'id="fact-0"' in body and ">5000</mark>" in body
    at.session_state["rd_focus"] = 0
    at.run()
    htmls = [h.proto.body for h in at.get("html")]
    assert any("#e76f51" in h and ">5000</mark>" in h for h in htmls[:-1])  # the context box of the jump
    assert "#0" in at.caption[-1].value


def test_report_reader_jumps_to_the_fact_selected_in_the_table(demo):
    at = open_page("views/report.py", params={"report": report_ids(demo)["nanshan2021.txt"]})
    assert table(at, "rd_facts")["序号"].tolist() == [0, 1, 2]
    at.session_state["rd_facts"] = {"selection": {"rows": [2], "columns": [], "cells": []}}  # a click on row 3
    at.run()
    assert at.caption[-1].value == "所选数字 #2 在原文中的位置："
    context = at.get("html")[-2].proto.body
    assert 'id="fact-2" style="background:#e76f51' in context and ">95.47</mark>" in context


def test_report_reader_ignores_unknown_id(demo):
    at = open_page("views/report.py", params={"report": "<script>alert(1)</script>"})
    assert at.selectbox(key="rd_report").value == report_ids(demo)["nanshan2022.txt"]  # the newest, first
    assert len(at.selectbox(key="rd_report").options) == 7


# ---- quality --------------------------------------------------------------------------------------------
def test_quality_lists_and_links(demo):
    at = open_page("views/quality.py")
    review, low, checks = table(at, "q_review"), table(at, "q_low"), table(at, "q_checks")
    assert review["待核字段"].tolist() == ["机关, 机关类型, 层级"]
    assert low[["指标", "数值"]].values.tolist() == [["普法宣传活动场次", 12.0]]
    assert checks[["机关", "报告值", "计算值"]].values.tolist() == [[NANSHAN, 97.0, 95.47]]
    assert all(df["link"].str.match(r"^report\?report=[0-9a-f]{16}$").all() for df in (review, low, checks))
    assert figures(at)[0]["data"][0]["y"] == [1, 1, 1]


def test_quality_respects_filters_in_links(demo):
    at = open_page("views/quality.py", params={"province": "广东省"})
    assert [e.value for e in at.info][:2] == ["没有。", "没有。"]
    assert at.dataframe[0].value["数量"].tolist() == [0, 0, 1]
    assert at.dataframe[1].value["link"].iat[0].startswith("report?province=%E5%B9%BF%E4%B8%9C%E7%9C%81&report=")


# ---- the real sample corpus ----------------------------------------------------------------------------
def test_every_page_on_the_sample_corpus(sample_db, monkeypatch):
    monkeypatch.setenv("WAREHOUSE", str(sample_db))
    with Warehouse.open(sample_db) as wh:  # the expected numbers, counted independently of the page queries
        expected = [str(v) for v in wh.con.execute(
            "SELECT count(*), count(DISTINCT agency), count(DISTINCT concat_ws('/', province, city, county)) "
            "FILTER (WHERE province IS NOT NULL), count(DISTINCT year), (SELECT count(*) FROM facts) "
            "FROM reports").fetchone()]
    at = open_page()
    assert [m.value for m in at.metric] == expected and expected[0] == "5"
    for page, at in each_page(PAGES[1:-1]):
        assert at.get("plotly_chart") and at.dataframe, page


# ---- empty states and banners ---------------------------------------------------------------------------
def test_no_warehouse_every_page_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("WAREHOUSE", str(tmp_path / "none.duckdb"))
    for page, at in each_page(PAGES):
        text = " ".join(e.value for e in at.info)
        assert ("还没有数据仓库" in text) if page != "views/import_page.py" else ("第一次导入会创建它" in text), page


def test_empty_warehouse_and_no_match(tmp_path, monkeypatch, demo_db):
    monkeypatch.setenv("WAREHOUSE", str(build_demo_warehouse(tmp_path / "empty.duckdb", empty=True)))
    for page, at in each_page(PAGES[:-1]):
        assert any("没有报告" in e.value for e in at.info), page
    monkeypatch.setenv("WAREHOUSE", str(demo_db))
    # Hunan has reports for 2021 only: a valid filter that matches nothing.
    for page, at in each_page(PAGES[:-1], {"province": "湖南省", "year_from": "2022"}):
        assert any("没有报告" in e.value for e in at.info), page


def test_synthetic_banner_on_every_page(tmp_path, monkeypatch):
    monkeypatch.setenv("WAREHOUSE", str(build_demo_warehouse(tmp_path / "syn.duckdb", synthetic=True)))
    for page, at in each_page(PAGES):
        assert any("合成" in w.value for w in at.warning), page
    at = open_page(params={"year_from": "2020"})  # the synthetic report (2019) is filtered out: no banner
    assert not any("合成" in w.value for w in at.warning)


# ---- import ---------------------------------------------------------------------------------------------
def test_import_page_runs_the_etl(tmp_path, monkeypatch):
    db = tmp_path / "new.duckdb"
    monkeypatch.setenv("WAREHOUSE", str(db))
    sample = sorted((ROOT / "data" / "reports").glob("*.txt"))[0]
    at = open_page("views/import_page.py")
    at.file_uploader(key="imp_files").set_value([
        ("../" + sample.name, sample.read_bytes(), "text/plain"), ("empty\x07.txt", b"", "text/plain")]).run()
    at.button(key="imp_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    result = table(at, "imp_table")
    assert result[["文件名", "状态"]].values.tolist() == [[sample.name, "已导入"], ["empty.txt", "失败"]]
    assert result["原因"].iat[1] != ""
    assert [m.value for m in at.metric] == ["1", "0", "1"]
    assert db.exists()
    at = open_page()  # the new warehouse is visible without a restart
    assert at.metric[0].value == "1"


def test_a_page_run_without_the_router_keeps_its_filters_on_reruns(demo):
    """Legacy pages/ mode runs a page file alone: its sidebar filters must survive a rerun (a button click)."""
    at = AppTest.from_file(str(ROOT / "views" / "overview.py"), default_timeout=30)
    at.query_params["province"] = "广东省"
    at.run()
    assert [m.label for m in at.sidebar.multiselect][:1] == ["省份"]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.multiselect[0].value == ["广东省"]
    assert at.session_state["filters"]["provinces"] == ["广东省"]


def test_import_page_fetches_pasted_addresses_and_refuses_private_ones(tmp_path, monkeypatch):
    """The pasted-address path runs fetch + ingest; the server's own network is off limits to page users."""
    db = tmp_path / "new.duckdb"
    monkeypatch.setenv("WAREHOUSE", str(db))
    at = open_page("views/import_page.py")
    assert at.button(key="imp_fetch").disabled
    at.text_area(key="imp_urls").set_value("# 本周收集\nhttp://127.0.0.1:9/report.html\nftp://x.gov.cn/a\n").run()
    at.button(key="imp_fetch").click().run()
    assert not at.exception, [e.value for e in at.exception]
    result = table(at, "imp_table")
    assert result[["文件名", "状态"]].values.tolist() == [["ftp://x.gov.cn/a", "失败"],
                                                       ["http://127.0.0.1:9/report.html", "失败"]]
    assert [r.split(":")[0] for r in result["原因"]] == ["bad_url", "private_address"]
    assert [m.value for m in at.metric] == ["0", "0", "2"]
    assert not db.exists()  # nothing fetched, nothing ingested, no empty warehouse


def test_a_national_agency_list_waits_for_narrower_filters(demo, monkeypatch):
    """Past the cap, the agency box offers only what is chosen until a province (etc.) narrows the list."""
    monkeypatch.setattr("ui.filters.MAX_AGENCY_OPTIONS", 2)
    at = open_page(params={"agency": NANSHAN})
    box = at.sidebar.multiselect[-1]
    assert (box.label, box.options, box.value) == ("机关", [NANSHAN], [NANSHAN])
    assert any(c.value.startswith("机关较多（3 个）") for c in at.sidebar.caption)
    at = open_page(params={"province": "广东省"})
    box = at.sidebar.multiselect[-1]
    assert (box.options, box.value) == (sorted([BAOAN, NANSHAN]), [])
    assert not any(c.value.startswith("机关较多") for c in at.sidebar.caption)


def test_labelled_translates_codes_whatever_the_string_dtype(demo):
    # Regression: labelled() translated only object columns, and pandas 3 gives strings the str dtype, so
    # 'reported', 'high' and raw indicator codes reached tables and exports in Chinese mode.
    import pandas as pd

    from ui.page import labelled

    df = pd.DataFrame({"indicator": ["mediation_cases"], "method": ["reported"], "confidence": ["high"],
                       "status": ["corrected"], "agency_src": ["header"], "value": [3.0]}).astype(
        {"indicator": "str", "method": "str", "confidence": "str", "status": "str", "agency_src": "str"})
    out = labelled(df)
    assert out.iloc[0].tolist() == ["调解矛盾纠纷数", "报告原文", "高", "已修正", "网页信息栏", 3.0]


def test_the_export_notes_carry_the_view_url_and_the_synthetic_line(demo):
    from ui.page import provenance

    got = provenance({"year_from": 2021, "year_to": None, "provinces": ["广东省"], "cities": [], "levels": [],
                      "agency_types": [], "agencies": []}, "排名")
    assert got["视图网址"] == "?year_from=2021&province=%E5%B9%BF%E4%B8%9C%E7%9C%81"
    assert got["合成数据"] == "无"
