"""Scorecards: exact scores of a hand-computed case, scheme validation, evidence, the XLSX cells and the CLI."""
from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from etl import corrections as C
from etl.cli import main
from etl.scorecard import fraction, score
from etl.scorecard_inputs import compute
from etl.scorecard_scheme import SchemeError, load_scheme, parse_scheme, rule_text, shipped, shipped_ids
from etl.scorecard_xlsx import scorecard_xlsx
from etl.warehouse import Warehouse, writing

QY = "4e55bb471ae2a25b"  # 清远市司法局 2021, data/reports/001_93df2457fec9964f.txt

SCHEME = {
    "id": "hand", "name_zh": "手算", "name_en": "By hand", "max_score": 100,
    "items": [
        {"id": "a", "name_zh": "甲", "name_en": "A", "source": {"kind": "indicator", "code": "x"},
         "rule": {"kind": "thresholds", "steps": [{"at": 100, "share": 1}, {"at": 50, "share": 0.5}]}, "weight": 10},
        {"id": "b", "name_zh": "乙", "name_en": "B", "source": {"kind": "rate", "code": "r"},
         "rule": {"kind": "linear", "lo": 60, "hi": 100}, "weight": 20},
        {"id": "c", "name_zh": "丙", "name_en": "C", "source": {"kind": "indicator", "code": "y"},
         "rule": {"kind": "rank"}, "weight": 30, "direction": "lower"},
        {"id": "d", "name_zh": "丁", "name_en": "D", "source": {"kind": "compliance", "flag": "four_parts"},
         "rule": {"kind": "present"}, "weight": 15},
        {"id": "e", "name_zh": "戊", "name_en": "E", "source": {"kind": "compliance", "flag": "on_time"},
         "rule": {"kind": "present"}, "weight": 25, "missing": "zero"},
    ],
}
CTY = dict(level="county", agency_type="justice", province="广东省", city="深圳市", year=2021)
UNITS = pd.DataFrame([dict(report_id="R1", agency="甲局", **CTY), dict(report_id="R2", agency="乙局", **CTY),
                      dict(report_id="R3", agency="丙局", **CTY),
                      dict(report_id="R4", agency="丁市", **{**CTY, "level": "municipal"})])
# (report, item, value); a value not listed, or None, is missing
VALUES = [("R1", "a", 120), ("R1", "b", 90), ("R1", "c", 5), ("R1", "d", 1), ("R1", "e", 1),
          ("R2", "a", 50), ("R2", "b", None), ("R2", "c", 5), ("R2", "d", 0),
          ("R3", "a", 49), ("R3", "b", 100), ("R3", "c", 9), ("R3", "d", 1), ("R3", "e", 0),
          ("R4", "b", 55), ("R4", "c", 1), ("R4", "d", 1), ("R4", "e", 1)]


def _hand():
    scheme = parse_scheme(SCHEME)
    values = pd.DataFrame([dict(report_id=r, item=i, value=v) for r, i, v in VALUES])
    return scheme, *score(scheme, UNITS, values)


def test_a_hand_computed_case_scores_exactly():
    _, totals, items = _hand()
    got = {(r.report_id, r.item): (None if pd.isna(r.score) else r.score, r.status) for r in items.itertuples()}
    assert got == {
        # a: ≥100 full, ≥50 half, below nothing
        ("R1", "a"): (10, "scored"), ("R2", "a"): (5, "scored"), ("R3", "a"): (0, "scored"),
        ("R4", "a"): (None, "missing"),
        # b: linear 60→0 … 100→20, clamped below 60
        ("R1", "b"): (15, "scored"), ("R2", "b"): (None, "missing"), ("R3", "b"): (20, "scored"),
        ("R4", "b"): (0, "scored"),
        # c: lower is better, ranked in the county group [5, 5, 9]: a tie beats half of the other; alone = full
        ("R1", "c"): (22.5, "scored"), ("R2", "c"): (22.5, "scored"), ("R3", "c"): (0, "scored"),
        ("R4", "c"): (30, "scored"),
        ("R1", "d"): (15, "scored"), ("R2", "d"): (0, "scored"), ("R3", "d"): (15, "scored"),
        ("R4", "d"): (15, "scored"),
        # e: missing scores 0 because the item says so, and its status says it was missing
        ("R1", "e"): (25, "scored"), ("R2", "e"): (0, "missing_zero"), ("R3", "e"): (0, "scored"),
        ("R4", "e"): (25, "scored"),
    }
    rows = totals[["report_id", "rank", "peers", "total", "max_scored", "max_total", "missing", "peer_group"]]
    assert rows.astype(object).values.tolist() == [
        ["R1", 1, 3, 87.5, 100.0, 100.0, 0, "county|justice"],
        ["R3", 2, 3, 35.0, 100.0, 100.0, 0, "county|justice"],
        ["R2", 3, 3, 27.5, 80.0, 100.0, 2, "county|justice"],
        ["R4", 1, 1, 70.0, 90.0, 100.0, 1, "municipal|justice"],
    ]


def test_a_report_with_nothing_stated_has_no_total_and_no_rank():
    scheme = parse_scheme({**SCHEME, "items": SCHEME["items"][:3], "max_score": None})
    totals, items = score(scheme, UNITS.iloc[:2], pd.DataFrame([dict(report_id="R1", item="a", value=120)]))
    r2 = totals.set_index("report_id").loc["R2"]
    assert pd.isna(r2["total"]) and pd.isna(r2["rank"]) and r2["missing"] == 3 and r2["max_scored"] == 0
    assert items[items["report_id"] == "R2"]["score"].isna().all()


def test_rank_rule_fractions():
    item = parse_scheme(SCHEME).items[2].model_copy(update={"direction": "higher"})
    assert [fraction(item, v, [1, 2, 2, 4]) for v in (1, 2, 4)] == [0, 0.5, 1]
    assert fraction(item, None, [1]) is None and fraction(item, 7, [7]) == 1


@pytest.mark.parametrize("change, message", [
    (lambda s: s["items"][0].update(wieght=3), "items[0] (a).wieght: Extra inputs are not permitted"),
    (lambda s: s["items"][1]["rule"].update(lo=100), "items[1] (b).rule: `lo` (100) must be below `hi` (100)"),
    (lambda s: s["items"][3].update(rule={"kind": "linear", "lo": 0, "hi": 1}),
     "items[3] (d): a compliance flag is yes or no: its rule must be `present`"),
    (lambda s: s["items"][0].update(weight=11), "(file): the weights add up to 101, not max_score 100"),
    (lambda s: s["items"][1].update(id="a"), "item ids must be unique: a repeated"),
    (lambda s: s["items"][0].update(rule={"kind": "percent"}), "items[0] (a).rule: Input tag 'percent'"),
    (lambda s: s["items"][0].update(weight=0), "items[0] (a).weight: Input should be greater than 0"),
    (lambda s: s["items"][1].update(source={"kind": "rate", "numerator": "x"}),
     "items[1] (b).source: a computed rate needs both `numerator` and `denominator`"),
    (lambda s: s["items"][4].update(source={"kind": "coverage", "measure": "area_share", "area": "sports"}),
     "area_share needs `area`, one of disputes"),
    (lambda s: s.pop("items"), "items: Field required"),
])
def test_a_bad_scheme_is_rejected_with_a_clear_message(change, message):
    import copy

    bad = copy.deepcopy(SCHEME)
    change(bad)
    with pytest.raises(SchemeError) as err:
        parse_scheme(bad, "bad.yaml")
    assert str(err.value).startswith("bad.yaml: invalid scheme\n")
    assert message in str(err.value)


def test_indicator_codes_are_checked_against_the_catalogue(tmp_path):
    codes = {"x": "count", "y": "count", "r": "count"}
    with pytest.raises(SchemeError, match=r"items\[1\] \(b\)\.source\.code: 'r' is a count, not a rate"):
        parse_scheme(SCHEME, "s.yaml", codes)
    with pytest.raises(SchemeError, match=r"items\[0\] \(a\)\.source\.code: unknown indicator 'x'"):
        parse_scheme(SCHEME, "s.yaml", {"y": "count", "r": "rate"})
    (tmp_path / "broken.yaml").write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(SchemeError, match="broken.yaml: cannot read the scheme"):
        load_scheme(tmp_path / "broken.yaml")


def test_the_shipped_schemes_are_valid_against_the_catalogue():
    assert shipped_ids() == ["compliance_2019", "core_indicators"]
    comp, core = shipped("compliance_2019"), shipped("core_indicators")
    assert [i.source.flag for i in comp.items] == ["achievements", "problems", "first_responsible",
                                                   "next_year_plan", "on_time"]
    assert comp.total_weight == core.total_weight == 100
    core_codes = set(pd.read_csv("tests/fixtures/indicators-core.csv")["code"])
    assert set(core.codes()) <= core_codes
    assert rule_text(core.items[2], "zh") == "≤ 5: 100%; ≤ 10: 60%; ≤ 20: 30%"
    assert rule_text(core.items[1], "en") == "linear: 80 scores 0, 100 full"


def test_scores_read_the_effective_values_and_carry_evidence(db):
    scheme = shipped("core_indicators")
    with Warehouse.open(db) as wh:
        card = compute(wh.query, scheme, {}, 2021)
        fact = wh.query("scorecard_facts", {"rank_year": 2021, "codes": ["mediation_cases"]}).iloc[0].to_dict()
        text = wh.query("report_text", {"report_id": QY}).iat[0, 0]
    items = card["items"].set_index("item")
    assert items.loc["mediation_cases", "value"] == 7623 and items.loc["mediation_cases", "review_status"] == \
        "extracted"
    ev = card["evidence"]
    mc = ev[ev["item"] == "mediation_cases"].iloc[0]
    assert mc["text"] == fact["evidence"] and text[mc["char_start"]:mc["char_end"]] == "7623"
    assert items.loc["head_appearance_rate", "status"] == "missing"  # not stated: missing, not zero
    with writing(db) as wh:
        content_hash = wh.con.execute("SELECT content_hash FROM reports WHERE report_id = ?", [QY]).fetchone()[0]
        C.save(wh, [C.fact_action({**fact, "key_indicator": "mediation_cases"}, content_hash, text, "edit", "王审",
                                  new_value=8000, new_unit="件")])
    with Warehouse.open(db) as wh:
        after = compute(wh.query, scheme, {}, 2021)["items"].set_index("item")
    assert after.loc["mediation_cases", "value"] == 8000
    assert after.loc["mediation_cases", "review_status"] == "corrected"


def test_the_xlsx_has_totals_items_and_the_scheme_with_neutralised_cells():
    scheme, totals, items = _hand()
    totals.loc[totals["report_id"] == "R1", "agency"] = "=HYPERLINK(\"http://evil\")"
    items.loc[(items["report_id"] == "R3") & (items["item"] == "a"), "evidence"] = "-1+1"
    data = scorecard_xlsx(scheme, "id: hand\n- x\n", totals, items, {"年度 / Year": "2021"},
                          exported_at=datetime(2026, 1, 2, 3, 4, 5))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["totals", "items", "说明"]
    t = [list(r) for r in wb["totals"].iter_rows(values_only=True)]
    assert t[0][:8] == ["同组排名", "同组机关数", "机关", "总分", "已评分项满分", "方案满分", "缺失项数", "同组"]
    assert t[1][:8] == [1, 3, "'=HYPERLINK(\"http://evil\")", 87.5, 100, 100, 0, "county|justice"]
    assert t[3][:8] == [3, 3, "乙局", 27.5, 80, 100, 2, "county|justice"]
    it = [list(r) for r in wb["items"].iter_rows(values_only=True)]
    assert it[0] == ["机关", "报告编号", "评分项", "评分项名称", "取值", "权重", "得分", "状态", "评分规则", "依据原文",
                     "审核状态"]
    assert [r[2] for r in it[1:6]] == ["a", "b", "c", "d", "e"]  # R1 first (rank order), items in scheme order
    r2 = {r[2]: r for r in it if r[1] == "R2"}
    assert r2["b"][4:8] == [None, 20, None, "缺失（不计分）"]
    assert r2["e"][4:8] == [None, 25, 0, "缺失，按 0 分计"]
    assert [r for r in it if r[1] == "R3" and r[2] == "a"][0][9] == "'-1+1"
    notes = [list(r) for r in wb["说明"].iter_rows(values_only=True)]
    assert notes[0][0] == "法治年报观察 评估结果说明 / Scorecard notes"
    assert notes[1][:2] == ["方案 / Scheme", "手算 / By hand (hand)"]
    assert ["导出时间 / Exported at (UTC)", "2026-01-02 03:04:05"] == notes[8][:2]
    assert ["年度 / Year", "2021"] == notes[9][:2]
    assert notes[-2][0] == "id: hand" and notes[-1][0] == "'- x"
    en = openpyxl.load_workbook(io.BytesIO(
        scorecard_xlsx(scheme, "", totals, items, {}, lang="en")))
    assert next(en["items"].iter_rows(values_only=True))[:4] == ("Agency", "Report id", "Item", "Item name")


def test_the_cli_scores_a_real_warehouse_end_to_end(sample_db, tmp_path, capsys):
    out = tmp_path / "card.xlsx"
    assert main(["score", "--db", str(sample_db), "--scheme", "compliance_2019", "--year", "2021",
                 "--out", str(out)]) == 0
    assert "清远市司法局\t80/100\tmissing 0" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    assert [list(r) for r in wb["totals"].iter_rows(values_only=True)][1] == [
        1, 1, "清远市司法局", 80, 100, 100, 0, "municipal|justice", "municipal", "justice", "广东省", "清远市", 2021,
        QY, "001_93df2457fec9964f.txt"]
    items = [list(r) for r in wb["items"].iter_rows(values_only=True)][1:]
    assert [(r[2], r[6], r[7]) for r in items] == [
        ("achievements", 20, "已评分"), ("problems", 20, "已评分"), ("first_responsible", 0, "已评分"),
        ("next_year_plan", 20, "已评分"), ("on_time", 20, "已评分")]
    assert items[1][9] == "存在问题"
    assert items[2][9] == "未找到此部分的标题 / no heading for this part: first_responsible"
    assert items[4][9] == "发布日期 / published 2022-02-07 (header): 时间:2022-02-07"
    notes = {r[0]: r[1] for r in wb["说明"].iter_rows(values_only=True) if r[0]}
    assert notes["年度 / Year"] == "2021" and notes["报告数 / Reports"] == "1"
    # a report without a publication date: on_time is missing, not late
    assert main(["score", "--db", str(sample_db), "--scheme", "compliance_2019", "--year", "2019",
                 "--out", str(out), "--lang", "en"]) == 0
    items = [list(r) for r in openpyxl.load_workbook(out)["items"].iter_rows(values_only=True)]
    assert items[5][2] == "on_time" and items[5][6] is None and items[5][7] == "missing (not scored)"


def test_the_cli_refuses_bad_input(sample_db, tmp_path, capsys):
    assert main(["score", "--db", str(sample_db), "--scheme", "nope", "--year", "2021",
                 "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "no such scheme: nope" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\nname_zh: 坏\nname_en: Bad\nitems: []\n", encoding="utf-8")
    assert main(["score", "--db", str(sample_db), "--scheme", str(bad), "--year", "2021",
                 "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "bad.yaml: invalid scheme\n  items: List should have at least 1 item" in capsys.readouterr().err
    assert main(["score", "--db", str(sample_db), "--scheme", "compliance_2019", "--year", "2021",
                 "--out", str(tmp_path / "x.csv")]) == 2


def test_scheme_text_that_would_blow_up_is_refused_before_it_is_loaded():
    from etl.scorecard_scheme import read_scheme_text

    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefg", "bcdefgh", strict=True))
    with pytest.raises(SchemeError, match="up.yaml: more than 20000 YAML nodes"):
        read_scheme_text(bomb, "up.yaml")
    with pytest.raises(SchemeError, match="up.yaml: larger than 200 KB"):
        read_scheme_text("#" * 200_001, "up.yaml")
    with pytest.raises(SchemeError, match="up.yaml: a scheme is a mapping"):
        read_scheme_text("- 1\n", "up.yaml")
    text = (Path(__file__).parent.parent / "etl/catalog/schemes/compliance_2019.yaml").read_text(encoding="utf-8")
    assert read_scheme_text(text, "up.yaml") == shipped("compliance_2019")


def test_a_reviewers_publication_date_settles_on_time(db):
    scheme = shipped("compliance_2019")
    with Warehouse.open(db) as wh:
        before = compute(wh.query, scheme, {}, 2019)
        rep = wh.con.execute("SELECT * FROM v_reports WHERE year = 2019").fetch_df().iloc[0].to_dict()
    assert before["items"].set_index("item").loc["on_time", "status"] == "missing"  # no date: missing, not late
    with writing(db) as wh:
        C.save(wh, [C.meta_override(rep, "published", "2020-03-20", "王审")])
    with Warehouse.open(db) as wh:
        after = compute(wh.query, scheme, {}, 2019)
    row = after["items"].set_index("item").loc["on_time"]
    assert (row["value"], row["score"], row["status"], row["review_status"]) == (1.0, 20.0, "scored", "corrected")
    ev = after["evidence"][after["evidence"]["item"] == "on_time"].iloc[0]
    assert ev["text"] == "发布日期 / published 2020-03-20 (review)" and ev["reviewer"] == "王审"
    assert after["totals"].at[0, "total"] == before["totals"].at[0, "total"] + 20
