"""Review status on every number: after a correction and a confirmation in Review, Trends, Rankings and Compare
say which values a reviewer touched, in their tables, chart hovers and exports (AppTest, the user's path)."""
from __future__ import annotations

import json
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from etl.warehouse import Warehouse

from .conftest import ROOT
from .test_queries import BAOAN, NANSHAN, build_demo_warehouse

pytestmark = pytest.mark.usefixtures("navigation_mode")  # see tests/conftest.py
REVIEWER = "李审核"


def _rid(db, agency: str, year: int) -> str:
    with Warehouse.open(db) as wh:
        return wh.con.execute("SELECT report_id FROM reports WHERE agency = ? AND year = ?", [agency, year]
                              ).fetchone()[0]


def _on(page: str, state: dict | None = None, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["rv_reviewer"] = REVIEWER
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def build_reviewed(folder) -> object:
    """The demo warehouse after a reviewer corrected 宝安 2022 (1500 → 1600) and confirmed 南山 2022, both on
    the Review page."""
    base = build_demo_warehouse(folder / "base.duckdb")
    db = base.parent / "reviewed.duckdb"
    shutil.copyfile(base, db)
    mp = pytest.MonkeyPatch()
    mp.setenv("WAREHOUSE", str(db))
    try:
        rid = _rid(db, BAOAN, 2022)
        at = _on("views/review.py", {"rv_report": rid})
        (value,) = [w for w in at.number_input if w.key.startswith(f"rv_q_{rid}_")]
        value.set_value(1600.0)
        at.button(key="rv_q_edit").click().run()
        assert at.success[0].value == "已保存"
        at = _on("views/review.py", {"rv_report": _rid(db, NANSHAN, 2022)})
        at.button(key="rv_q_confirm").click().run()
        assert at.success[0].value == "已保存"
    finally:
        mp.undo()
    return db


@pytest.fixture(scope="module")
def reviewed_db(tmp_path_factory):
    return build_reviewed(tmp_path_factory.mktemp("rs"))


@pytest.fixture
def reviewed(reviewed_db, monkeypatch):
    monkeypatch.setenv("WAREHOUSE", str(reviewed_db))
    return reviewed_db


def _hovers(at: AppTest) -> list[str]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return [" ".join(map(str, c)) for tr in spec["data"] for c in (tr.get("customdata") or [])]


def test_trends_table_and_hover_say_corrected_with_the_original_value(reviewed):
    at = _on("views/trends.py", params={"indicator": "mediation_cases"})
    df = at.dataframe[0].value
    row = df[(df["机关"] == BAOAN) & (df["年度"] == 2022)].iloc[0]
    assert (row["数值"], row["审核状态"], row["抽取数值"], row["审核人"]) == (1600.0, "已修正", 1500.0, REVIEWER)
    assert df[(df["机关"] == NANSHAN) & (df["年度"] == 2022)]["审核状态"].iat[0] == "已确认"
    assert df[(df["机关"] == NANSHAN) & (df["年度"] == 2020)]["审核状态"].iat[0] == "待审"
    hovers = _hovers(at)
    assert any(f"已修正：原为 1500（审核人 {REVIEWER}）" in h for h in hovers)
    assert any(f"已确认（审核人 {REVIEWER}）" in h for h in hovers) and any("待审" in h for h in hovers)


def test_rankings_hover_says_who_changed_the_value(reviewed):
    at = _on("views/rankings.py", params={"indicator": "mediation_cases"})
    hovers = _hovers(at)
    assert any(f"已修正：原为 1500（审核人 {REVIEWER}）" in h for h in hovers)


def test_compare_cells_mark_reviewed_values_and_the_detail_names_them(reviewed):
    at = _on("views/compare.py", params={"year": "2022"})
    cells = at.dataframe[0].value.set_index("指标")
    assert cells.loc["调解矛盾纠纷数", BAOAN] == "≈1,600件 ✎" and cells.loc["调解矛盾纠纷数", NANSHAN] == "1,500件 ✓"
    detail = at.dataframe[1].value
    row = detail[detail["机关"] == BAOAN].iloc[0]
    assert (row["数值"], row["审核状态"], row["抽取数值"], row["审核人"]) == (1600.0, "已修正", 1500.0, REVIEWER)
    assert row["link"].startswith("report?") and "report=" in row["link"]
