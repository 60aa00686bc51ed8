"""AppTest for the 审核 page: confirm, reject and edit change the effective views, and the charts read them."""
from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from etl.warehouse import Warehouse, writing
from ui.db import refresh

from .conftest import ROOT
from .test_queries import BAOAN, NANSHAN, build_demo_warehouse

REVIEWER = "李审核"


pytestmark = pytest.mark.usefixtures("navigation_mode")  # see tests/conftest.py


@pytest.fixture(scope="module")
def base_db(tmp_path_factory):
    return build_demo_warehouse(tmp_path_factory.mktemp("rvbase") / "demo.duckdb")


@pytest.fixture
def db(base_db, tmp_path, monkeypatch):
    """A fresh copy per test: the page writes corrections into it."""
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(base_db, path)
    monkeypatch.setenv("WAREHOUSE", str(path))
    return path


def rows(db, sql, params=None):
    with Warehouse.open(db) as wh:
        return wh.con.execute(sql, params or []).fetchall()


def report_id(db, agency, year):
    return rows(db, "SELECT report_id FROM reports WHERE agency = ? AND year = ?", [agency, year])[0][0]


def review_page(db, report=None, name=REVIEWER) -> AppTest:
    """The review page opened straight from the router (no Overview run first), on one report if given."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if name:
        at.session_state["rv_reviewer"] = name
    if report:
        at.session_state["rv_report"] = report
    at.switch_page("views/review.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frames(at: AppTest, *columns: str) -> list:
    """The page's tables whose columns start with `columns` (AppTest does not expose dataframe keys)."""
    return [d.value for d in at.dataframe if list(d.value.columns[:len(columns)]) == list(columns)]


def rankings(at: AppTest) -> list[list]:
    at.switch_page("views/rankings.py").run()
    assert not at.exception, [e.value for e in at.exception]
    (df,) = [d.value for d in at.dataframe]
    return df[["机关", "名次", "数值", "状态"]].fillna("NA").values.tolist()


def test_queue_orders_ranked_facts_first_and_needs_a_name(db):
    at = review_page(db, name="")
    assert "请先在侧边栏输入审核人姓名" in at.warning[0].value
    assert at.button(key="rv_q_confirm").disabled
    items = at.selectbox(key="rv_item").options
    assert items[0] == "1. 排名所用 · 深圳市南山区司法局 2020 · 调解矛盾纠纷数 = 800件"
    assert items[-1].startswith(f"{len(items)}. 元数据未知 · 未知 2021")


def test_reviewer_name_survives_a_visit_to_another_page(db):
    at = review_page(db, name="")
    at.sidebar.text_input(key="rv_reviewer").set_value("赵审").run()
    at.switch_page("views/overview.py").run()
    at.switch_page("views/review.py").run()
    assert at.sidebar.text_input(key="rv_reviewer").value == "赵审"
    assert not at.button(key="rv_q_confirm").disabled


def test_edit_changes_views_and_rankings(db):
    rid = report_id(db, BAOAN, 2022)
    at = review_page(db, rid)
    assert at.selectbox(key="rv_item").options == ["1. 排名所用 · 深圳市宝安区司法局 2022 · 调解矛盾纠纷数 = 1500件"]
    # The evidence is shown escaped, with the number marked.
    assert any("<mark" in h.proto.body and "1500</mark>" in h.proto.body for h in at.get("html"))
    (value,) = [w for w in at.number_input if w.key.startswith(f"rv_q_{rid}_")]
    value.set_value(1600.0)
    at.text_input(key=value.key.replace("_value", "_reason")).set_value("原文为1600件")  # one run for all three
    at.button(key="rv_q_edit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success[0].value == "已保存"
    assert rows(db, "SELECT value, status, extracted_value, reviewer FROM v_facts WHERE report_id = ?", [rid]) == \
        [(1600.0, "corrected", 1500.0, REVIEWER)]
    assert rows(db, "SELECT action, new_value, new_unit, new_indicator, reason, old_text FROM corrections") == \
        [("edit", 1600.0, "件", "mediation_cases", "原文为1600件", "1500 件")]
    assert [m.value for m in at.success] == ["已保存", "没有待审项目。"]  # the queue of that report is done
    assert rankings(at) == [[BAOAN, 1.0, 1600.0, "—"], [NANSHAN, 2.0, 1500.0, "—"]]
    # The ranking shows who changed what: the review status, the extracted value and the reviewer.
    (df,) = [d.value for d in at.dataframe]
    assert df[["机关", "审核状态", "抽取数值", "审核人"]].fillna("NA").values.tolist() == [
        [BAOAN, "已修正", 1500.0, REVIEWER], [NANSHAN, "待审", 1500.0, "NA"]]
    captions = " ".join(c.value for c in at.caption)
    assert "本表数值中 1 个经人工审核（已确认 0 个，已修正 1 个，人工补录 0 个）" in captions


def test_reject_removes_the_fact_from_charts(db):
    rid = report_id(db, NANSHAN, 2022)
    at = review_page(db, rid)
    at.button(key="rv_q_reject").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert rows(db, "SELECT count(*) FROM v_facts WHERE report_id = ?", [rid]) == [(0,)]
    assert rows(db, "SELECT status FROM v_facts_extracted WHERE report_id = ?", [rid]) == [("rejected",)]
    assert rankings(at) == [[BAOAN, 1.0, 1500.0, "—"], [NANSHAN, "NA", "NA", "缺少数字"]]


def test_confirm_then_withdraw_in_the_report_tab(db):
    rid = report_id(db, BAOAN, 2020)
    at = review_page(db, rid)
    facts = at.selectbox(key="rv_fact").options
    assert facts == ["1. 调解矛盾纠纷数 = 1200件 · 待审", "2. 参训人次 = 300人次 · 待审"]
    at.selectbox(key="rv_fact").set_value(1).run()
    at.button(key="rv_r_confirm").click().run()
    assert rows(db, "SELECT indicator, status FROM v_facts WHERE report_id = ? ORDER BY seq", [rid]) == \
        [("mediation_cases", "extracted"), ("trained_persons", "confirmed")]
    assert at.selectbox(key="rv_fact").options[1] == "2. 参训人次 = 300人次 · 已确认"
    fact_hist, report_hist = frames(at, "时间", "审核人", "操作")
    assert fact_hist[["审核人", "操作", "原值"]].values.tolist() == [[REVIEWER, "确认", "300 人次"]]
    assert report_hist.equals(fact_hist)
    at.button(key="rv_r_withdraw").click().run()
    assert rows(db, "SELECT status FROM v_facts WHERE report_id = ? ORDER BY seq", [rid]) == \
        [("extracted",), ("extracted",)]
    assert frames(at, "时间", "审核人", "操作")[-1]["操作"].tolist() == ["确认", "撤回"]


def test_metadata_override_fills_unknown_fields(db):
    rid = rows(db, "SELECT report_id FROM reports WHERE agency IS NULL")[0][0]
    at = review_page(db, rid)
    assert at.selectbox(key="rv_item").options == ["1. 低置信度 · 未知 2021 · 普法宣传活动场次 = 12场次",
                                                   "2. 元数据未知 · 未知 2021"]
    # Hostile report text is shown escaped: never markup, never a live link.
    shown = [h.proto.body for h in at.get("html") if "<mark" in h.proto.body]
    assert len(shown) == 2  # the queue item and the report tab's selected number
    assert all("<img" not in e and "&lt;img src=x onerror=alert(1)&gt;" in e for e in shown)
    at.selectbox(key="rv_item").select_index(1).run()
    assert at.info[0].value == "以下字段未能识别:机关, 机关类型, 层级"
    for fld, value in (("agency", "长沙县司法局"), ("agency_type", "justice"), ("level", "county")):
        at.selectbox(key="rv_qm_field").set_value(fld).run()
        (at.text_input(key="rv_qm_new") if fld == "agency" else at.selectbox(key=f"rv_qm_new_{fld}")).set_value(value)
        at.button(key="rv_qm_override").click().run()
        assert not at.exception, [e.value for e in at.exception]
    assert rows(db, "SELECT agency, agency_type, level, agency_src, needs_review, review_reasons, status, "
                    "overridden_fields FROM v_reports WHERE report_id = ?", [rid]) == \
        [("长沙县司法局", "justice", "county", "review", False, "", "corrected", "agency,agency_type,level")]
    assert "rv_qm_field" not in [w.key for w in at.selectbox]  # metadata is complete: it left the queue
    # In the report tab: a bad value is refused with a message, not written.
    at.selectbox(key="rv_rm_field").set_value("year")
    at.text_input(key="rv_rm_new").set_value("20x1")
    at.button(key="rv_rm_override").click().run()
    assert at.error[0].value == "年份应为 1990–2100 / the year must be 1990-2100"
    assert rows(db, "SELECT count(*) FROM corrections") == [(3,)]


def test_progress_counts_reviewed_facts(db):
    rid = report_id(db, NANSHAN, 2022)
    at = review_page(db, rid)
    at.button(key="rv_q_confirm").click().run()
    (df,) = frames(at, "指标", "已审核", "总数")
    (regions,) = frames(at, "地区", "已审核", "总数")
    # Least reviewed first; every fact counts once, under its effective indicator.
    assert df.values.tolist() == [["调解成功率", 0, 2, 0.0], ["普法宣传活动场次", 0, 1, 0.0], ["参训人次", 0, 1, 0.0],
                                  ["调解矛盾纠纷数", 1, 6, 0.167]]
    assert regions.values.tolist() == [["湖南省 · ?", 0, 1, 0.0], ["湖南省 · 长沙市", 0, 1, 0.0],
                                       ["广东省 · 深圳市", 1, 8, 0.125]]


def test_add_a_missing_number_from_a_sentence(db):
    rid = report_id(db, BAOAN, 2020)
    at = review_page(db, rid)
    sentence = at.selectbox(key="rv_add_sentence")
    labels = sentence.options  # AppTest lists the options as shown; the value is the sentence's index
    assert labels[0] == "深圳市宝安区司法局2020年法治政府建设年度报告"
    sentence.set_value(labels.index("组织培训参训300人次。"))
    at.text_input(key="rv_add_number").set_value("300")
    at.selectbox(key="rv_add_indicator").set_value("publicity_events")
    at.button(key="rv_add").click().run()
    assert not at.exception, [e.value for e in at.exception]
    text = rows(db, "SELECT raw_text FROM reports WHERE report_id = ?", [rid])[0][0]
    start = text.index("参训300") + 2
    assert rows(db, "SELECT indicator, value, unit, status, char_start, char_end, evidence, seq FROM v_facts "
                    "WHERE report_id = ? AND status = 'added'", [rid]) == \
        [("publicity_events", 300.0, "场次", "added", start, start + 3, "组织培训参训300人次。", 1000001)]
    # A number that is not in the chosen sentence is refused, and nothing is written.
    at.text_input(key="rv_add_number").set_value("301")
    at.button(key="rv_add").click().run()
    assert at.error[0].value == "句中找不到“301” / '301' is not in the sentence"
    assert rows(db, "SELECT count(*) FROM corrections") == [(1,)]


def test_drifted_correction_is_shown_and_can_be_withdrawn(db):
    rid = report_id(db, BAOAN, 2020)
    at = review_page(db, rid)
    at.button(key="rv_q_confirm").click().run()
    with writing(db) as wh:  # a newer extractor no longer finds that number (the app still has the file open)
        wh.con.execute("DELETE FROM facts WHERE report_id = ? AND indicator = 'mediation_cases'", [rid])
    # As the Import page does after a swap: duckdb.connect(path) reuses the instance of an open connection to the
    # same path, so without dropping the old one a new connection would still read the replaced file.
    refresh()
    at = review_page(db, rid)
    assert at.warning[0].value == "有 1 条审核记录需要重新核对(重新解析后原文或数字已变化)。"
    assert at.selectbox(key="rv_attn_item").options == [f"1. 找不到对应数字 · {rid} · mediation_cases"]
    at.button(key="rv_attn_withdraw").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [w.value for w in at.warning] == []
    assert rows(db, "SELECT action, reviewer, reason FROM corrections ORDER BY created_at") == [
        ("confirm", REVIEWER, ""), ("withdraw", REVIEWER, "重新解析后已不适用")]


def test_after_a_save_the_box_names_the_item_the_panel_shows(db):
    # Regression: the queue was chosen by position, so after 保存 the box still named the reviewed fact while the
    # panel below showed the next one, and a reviewer could confirm the wrong number.
    at = review_page(db)
    box = at.selectbox(key="rv_item")
    labels = list(box.options)
    box.select_index(1).run()
    reviewed = labels[1]
    at.button(key="rv_q_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    box = at.selectbox(key="rv_item")
    assert reviewed.split(". ", 1)[1] not in [o.split(". ", 1)[1] for o in box.options]
    assert box.index == 0  # the choice starts again at the top, and the panel shows that same item
    first = box.options[0].split(" = ")[-1]
    assert any(first.rstrip("件场次人项%个") in h.proto.body for h in at.get("html") if "<mark" in h.proto.body)
