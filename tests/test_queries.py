"""Every named query on a hand-built warehouse returns exact values; hostile filter values change nothing."""
from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

import pytest

from etl.records import CheckFailure, Fact, MetaField, ParsedReport, ReportMeta, Section
from etl.warehouse import QUERIES_DIR, Warehouse

from .conftest import ROOT

HOSTILE = '<img src=x onerror=alert(1)> =HYPERLINK("http://evil.example","x") [x](http://evil.example)'
INDICATORS = [
    dict(code="mediation_cases", name_zh="调解矛盾纠纷数", name_en="Disputes mediated", unit="件", area="disputes",
         kind="count"),
    dict(code="mediation_success_rate", name_zh="调解成功率", name_en="Mediation success rate", unit="%",
         area="disputes", kind="rate"),
    dict(code="trained_persons", name_zh="参训人次", name_en="Persons trained", unit="人次", area="education",
         kind="count"),
    dict(code="publicity_events", name_zh="普法宣传活动场次", name_en="Legal publicity events", unit="场次",
         area="education", kind="count"),
]
BAOAN, NANSHAN, CHANGSHA = "深圳市宝安区司法局", "深圳市南山区司法局", "长沙市人民政府"
_SZ = dict(agency_type="justice", level="county", province="广东省", city="深圳市")
_FOUR = [(1, "一、主要举措和成效", "achievements"), (2, "(一)加强矛盾纠纷调解", None),
         (2, "(二)规范行政执法", None), (1, "二、存在的不足", "problems"),
         (1, "三、党政主要负责人履行推进法治建设第一责任人职责情况", "first_responsible"),
         (1, "四、下一年度工作安排", "next_year_plan")]
# (file, meta, sections, facts: (indicator, sentence, number, value, unit, approx, method, confidence), source)
REPORTS = [
    ("baoan2020.txt", dict(agency=BAOAN, county="宝安区", year=2020, published="2021-03-01", **_SZ), _FOUR,
     [("mediation_cases", "全年调解矛盾纠纷1200件。", "1200", 1200, "件", False, "reported", "high"),
      ("trained_persons", "组织培训参训300人次。", "300", 300, "人次", False, "reported", "high")]),
    ("baoan2022.txt", dict(agency=BAOAN, county="宝安区", year=2022, published="2023-05-10", **_SZ), _FOUR,
     [("mediation_cases", "全年调解矛盾纠纷约1500件。", "1500", 1500, "件", True, "reported", "high")]),
    ("nanshan2020.txt", dict(agency=NANSHAN, county="南山区", year=2020, published="2021-02-01", **_SZ),
     _FOUR[:4] + _FOUR[5:], [("mediation_cases", "调解纠纷800件。", "800", 800, "件", False, "reported", "high")]),
    ("nanshan2021.txt", dict(agency=NANSHAN, county="南山区", year=2021, published="2022-03-15", **_SZ), _FOUR,
     [("mediation_cases", "调解纠纷950件。", "950", 950, "件", False, "reported", "high"),
      ("mediation_success_rate", "调解成功率97%。", "97", 97, "%", False, "reported", "high"),
      ("mediation_success_rate", "成功907件,占95.47%。", "95.47", 95.47, "%", False, "derived", "medium")]),
    ("nanshan2022.txt", dict(agency=NANSHAN, county="南山区", year=2022, published=None, **_SZ), _FOUR,
     [("mediation_cases", "调解纠纷1500件。", "1500", 1500, "件", False, "reported", "high")]),
    ("changsha2021.txt", dict(agency=CHANGSHA, agency_type="government", level="municipal", province="湖南省",
                              city="长沙市", year=2021, published="2022-03-30",
                              url="https://www.changsha.gov.cn/report2021"), _FOUR,
     [("mediation_cases", "全市调解矛盾纠纷5000件。", "5000", 5000, "件", False, "reported", "high")]),
    ("unknown2021.txt", dict(province="湖南省", year=2021, published="2022-01-10"), _FOUR[:2],
     [("publicity_events", f"开展宣传活动12场次{HOSTILE}。", "12", 12, "场次", False, "reported", "low")]),
]


def _parsed(file_name: str, meta: dict, sections, facts, source: str = "real") -> ParsedReport:
    lines = [f"{meta.get('agency') or '某单位'}{meta.get('year')}年法治政府建设年度报告"]
    starts = []
    for i, (_depth, heading, _part) in enumerate(sections):
        starts.append(len("\n".join(lines)) + 1)
        body = "".join(f[1] for j, f in enumerate(facts) if j % len(sections) == i)
        lines.append(heading)
        lines.append(f"本节正文。{body}")
    text = "\n".join(lines)
    secs = []
    for i, (depth, heading, part) in enumerate(sections):
        end = next((starts[j] - 1 for j in range(i + 1, len(sections)) if sections[j][0] <= depth), len(text))
        secs.append(Section(seq=i, depth=depth, heading=heading, part=part, start=starts[i], end=end))
    fact_objs = []
    for ind, sentence, number, value, unit, approx, method, conf in facts:
        s = text.index(sentence)
        n = s + sentence.index(number)
        fact_objs.append(Fact(ind, value, unit, approx, sentence, s, n, n + len(number), method, conf, "test"))
    fields = {k: MetaField(v, "title" if k != "url" else "manifest") for k, v in meta.items() if v is not None}
    checks = (CheckFailure("mediation_success_rate", 97.0, 95.47, "907/950"),) if file_name == "nanshan2021.txt" \
        else ()
    return ParsedReport(file_name=file_name, content_hash=hashlib.sha256(text.encode()).hexdigest(), fmt="txt",
                        encoding="utf-8", raw_text=text, meta=ReportMeta(title=lines[0], **fields),
                        sections=tuple(secs), facts=tuple(fact_objs), checks=checks, source=source)


def build_demo_warehouse(path: Path, synthetic: bool = False, empty: bool = False) -> Path:
    """Seven reports of three known agencies (and one unknown) over 2020–2022, with gaps, ties and traps."""
    with Warehouse.open(path, read_only=False) as wh:
        wh.set_indicators(INDICATORS)
        if not empty:
            for spec in REPORTS:
                wh.write_report(_parsed(*spec), "test")
        if synthetic:
            wh.write_report(_parsed("synthetic.txt", dict(agency="示例县司法局", year=2019, level="county",
                                                          agency_type="justice", province="广东省"), _FOUR, [],
                                    source="synthetic"), "test")
        wh.con.execute("CHECKPOINT")
    return path


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    path = build_demo_warehouse(tmp_path_factory.mktemp("q") / "demo.duckdb")
    with Warehouse.open(path) as w:
        yield w


def q(wh, name, **params):
    return wh.query(name, params)


# ---- every query runs --------------------------------------------------------------------------------------
PARAMS = dict(indicator="mediation_cases", rank_year=2022, peer_level="county", peer_type="justice",
              pick=[BAOAN, NANSHAN, CHANGSHA], limit=5, codes=["mediation_cases"], report_id="0" * 16)


def test_every_named_query_runs(wh):
    has_terms = wh.con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'terms'").fetchone()[0]
    names = sorted(p.stem for p in QUERIES_DIR.glob("*.sql") if not p.stem.startswith("kw_"))
    assert len(names) >= 24
    for name in names:
        if name == "export_terms" and not has_terms:
            with pytest.raises(Exception, match="terms"):
                wh.query(name, PARAMS)
            continue
        assert wh.query(name, PARAMS) is not None, name


# ---- exact values ------------------------------------------------------------------------------------------
def test_overview_counts(wh):
    row = q(wh, "overview_counts").iloc[0].to_dict()
    assert row == dict(reports=7, agencies=3, regions=4, years=3, facts=10, synthetic=0)
    row = q(wh, "overview_counts", provinces=["广东省"]).iloc[0].to_dict()
    assert row == dict(reports=5, agencies=2, regions=2, years=3, facts=8, synthetic=0)
    row = q(wh, "overview_counts", year_from=2021, year_to=2021).iloc[0].to_dict()
    assert row == dict(reports=3, agencies=2, regions=3, years=1, facts=5, synthetic=0)
    assert q(wh, "overview_counts", levels=["municipal"]).at[0, "reports"] == 1
    assert q(wh, "overview_counts", agency_types=["justice"], cities=["深圳市"]).at[0, "reports"] == 5


def test_coverage_and_compliance(wh):
    cov = q(wh, "coverage")
    assert len(cov) == 7
    assert cov["agency"].isna().sum() == 1
    comp = q(wh, "compliance").iloc[0]
    assert comp["reports"] == 7 and comp["dated"] == 6
    assert comp["achievements"] == 1.0
    assert math.isclose(comp["problems"], 6 / 7) and math.isclose(comp["first_responsible"], 5 / 7)
    assert math.isclose(comp["next_year_plan"], 6 / 7) and math.isclose(comp["on_time"], 5 / 6)


def test_best_facts_one_value_per_report(wh):
    df = q(wh, "best_facts", indicator="mediation_cases")
    assert list(zip(df["agency"], df["year"], df["value"], strict=True)) == [
        (NANSHAN, 2020, 800), (NANSHAN, 2021, 950), (NANSHAN, 2022, 1500), (BAOAN, 2020, 1200),
        (BAOAN, 2022, 1500), (CHANGSHA, 2021, 5000)]
    assert df.loc[df["agency"].eq(BAOAN) & df["year"].eq(2022), "approx"].item() is True
    rate = q(wh, "best_facts", indicator="mediation_success_rate")
    assert rate[["value", "method"]].values.tolist() == [[97.0, "reported"]]  # reported beats derived


def test_rank_base_keeps_reports_without_value(wh):
    df = q(wh, "rank_base", indicator="trained_persons", rank_year=2020, peer_level="county", peer_type="justice")
    assert sorted(zip(df["agency"], df["value"].fillna(-1), strict=True)) == [(NANSHAN, -1), (BAOAN, 300)]
    groups = q(wh, "peer_groups", rank_year=2021)
    assert groups.values.tolist() == [["county", "justice", 1], ["municipal", "government", 1]]
    df = q(wh, "rank_base", indicator="mediation_cases", rank_year=2022, peer_level=None, peer_type=None)
    assert len(df) == 4 and CHANGSHA in set(df["agency"])


def test_compare_queries(wh):
    vals = q(wh, "compare_values", pick=[BAOAN, CHANGSHA])
    assert len(vals) == 4 and set(vals["agency"]) == {BAOAN, CHANGSHA}
    areas = q(wh, "compare_areas", pick=[BAOAN])
    got = {(int(y), a): (int(c), round(s, 4)) for y, a, c, s in
           zip(areas["year"], areas["area"], areas["chars"], areas["share"], strict=True)}
    assert got == {(2020, "disputes"): (29, round(29 / 164, 4)), (2020, "enforcement"): (15, round(15 / 164, 4)),
                   (2022, "disputes"): (17, round(17 / 153, 4)), (2022, "enforcement"): (15, round(15 / 153, 4))}


def test_report_queries(wh):
    reports = q(wh, "report_list")
    assert len(reports) == 7 and reports["facts"].sum() == 10
    rid = reports.loc[reports["file_name"] == "changsha2021.txt", "report_id"].item()
    meta = q(wh, "report_meta", report_id=rid).iloc[0]
    assert (meta["url"], meta["url_src"], meta["agency_src"]) == ("https://www.changsha.gov.cn/report2021",
                                                                  "manifest", "title")
    text = q(wh, "report_text", report_id=rid).iat[0, 0]
    facts = q(wh, "report_facts", report_id=rid)
    assert [text[s:e] for s, e in zip(facts["char_start"], facts["char_end"], strict=True)] == ["5000"]
    headings = q(wh, "report_sections", report_id=rid)["heading"].tolist()
    assert headings[:2] == ["一、主要举措和成效", "(一)加强矛盾纠纷调解"]
    assert q(wh, "report_meta", report_id="' OR 1=1 --").empty


def test_quality_queries(wh):
    review = q(wh, "quality_review")
    assert review[["file_name", "review_reasons"]].values.tolist() == [["unknown2021.txt", "agency,agency_type,level"]]
    low = q(wh, "quality_low_conf")
    assert low[["indicator", "value"]].values.tolist() == [["publicity_events", 12.0]]
    assert HOSTILE in low.at[0, "evidence"]
    checks = q(wh, "quality_checks")
    assert checks[["agency", "reported", "computed"]].values.tolist() == [[NANSHAN, 97.0, 95.47]]
    assert q(wh, "quality_checks", provinces=["湖南省"]).empty


def test_indicators_and_options(wh):
    ind = q(wh, "indicators")
    assert dict(zip(ind["code"], ind["n_facts"], strict=True)) == {
        "mediation_cases": 6, "mediation_success_rate": 2, "publicity_events": 1, "trained_persons": 1}
    assert q(wh, "indicators", provinces=["湖南省"]).set_index("code")["n_facts"].to_dict()["mediation_cases"] == 1
    opts = q(wh, "filter_options")
    assert sorted(opts["agency"].dropna().unique()) == sorted([BAOAN, NANSHAN, CHANGSHA])
    assert q(wh, "indicator_defs", codes=["trained_persons"])["name_zh"].tolist() == ["参训人次"]


def test_exports_queries(wh):
    assert len(q(wh, "export_reports")) == 7
    facts = q(wh, "export_facts", agencies=[NANSHAN])
    assert len(facts) == 5 and set(facts["year"]) == {2020, 2021, 2022}


# ---- injection ---------------------------------------------------------------------------------------------
HOSTILE_VALUES = ["' OR 1=1 --", ";DROP TABLE reports", "广东省' OR '1'='1", "%", "*", ""]


@pytest.mark.parametrize("key", ["provinces", "cities", "levels", "agency_types", "agencies"])
def test_hostile_filter_values_match_nothing_and_change_nothing(wh, key):
    for name in ("overview_counts", "report_list", "export_facts", "coverage", "best_facts", "quality_low_conf"):
        df = wh.query(name, {key: HOSTILE_VALUES, "indicator": "mediation_cases"})
        if name == "overview_counts":
            assert df.at[0, "reports"] == 0 and df.at[0, "facts"] == 0
        else:
            assert df.empty, name
    # Nothing was dropped or altered: the warehouse still holds every row.
    assert q(wh, "overview_counts").at[0, "reports"] == 7
    assert wh.con.execute("SELECT count(*) FROM facts").fetchone()[0] == 10


def test_hostile_year_is_rejected_not_spliced(wh):
    with pytest.raises(Exception):  # noqa: B017 - DuckDB refuses a string where an integer is bound
        wh.query("overview_counts", {"year_from": "2020; DROP TABLE reports"})
    assert q(wh, "overview_counts").at[0, "reports"] == 7


def test_no_query_splices_text():
    # Queries are static files; values come only through $parameters. No Python format fields in them.
    for path in QUERIES_DIR.glob("*.sql"):
        # {{report_filter}} and {{unfiltered}} expand to constants of etl/warehouse.py, never to user text.
        sql = path.read_text(encoding="utf-8").replace("{{report_filter}}", "").replace("{{unfiltered}}", "")
        assert "{" not in sql and "%s" not in sql, path.name


# ---- architecture ---------------------------------------------------------------------------------------
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|DROP|CREATE|ALTER|JOIN|WHERE|GROUP BY|ORDER BY)\b")


def test_pages_hold_no_sql_and_never_import_duckdb():
    files = [ROOT / "app.py", *sorted((ROOT / "views").glob("*.py"))]
    assert len(files) >= 8
    for path in files:
        src = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+duckdb", src, re.M), path.name
        assert "duckdb" not in src, path.name
        assert not SQL.search(src), (path.name, SQL.search(src))
