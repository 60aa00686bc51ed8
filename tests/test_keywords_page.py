"""AppTest of the Keywords page on a warehouse built from the sample reports: tables, traces, links, exports."""
from __future__ import annotations

import dataclasses
import json

import pytest
from streamlit.testing.v1 import AppTest

from etl.pipeline import PARSER_VERSION, ParseContext, parse_report
from etl.segment import Tokenizer, load_stopwords
from etl.terms import count_terms
from etl.warehouse import Warehouse

from .conftest import ROOT, SAMPLE_REPORTS

PAGE = str(ROOT / "views" / "keywords.py")


@pytest.fixture(scope="module")
def kw_db(tmp_path_factory):
    """The five sample reports parsed by the real pipeline, with terms counted as the ingest counts them."""
    ctx, tk, stop = ParseContext.load(), Tokenizer.load(), load_stopwords()
    batch = []
    for path in sorted(SAMPLE_REPORTS.glob("*.txt")):
        rep = parse_report(path.read_bytes(), path.name, ctx)
        tc = count_terms(rep.raw_text, tk, stop)
        batch.append((dataclasses.replace(rep, terms=tc.terms, token_count=tc.tokens), None))
    db = tmp_path_factory.mktemp("kw") / "kw.duckdb"
    with Warehouse.open(db, read_only=False) as wh:
        wh.write_batch(batch, PARSER_VERSION)
    return db


@pytest.fixture
def wh(kw_db, monkeypatch):
    monkeypatch.setenv("WAREHOUSE", str(kw_db))
    with Warehouse.open(kw_db) as w:
        yield w


_SHARED: dict = {}


def run(state: dict | None = None, page: str = PAGE) -> AppTest:
    at = AppTest.from_file(page, default_timeout=30)
    # Each AppTest scans every installed package for components (~0.8 s); the scan's result never changes
    # within a test session, so later instances reuse the first one's (a private attribute: absent, no harm).
    if "bidi" in _SHARED:
        at._bidi_component_manager = _SHARED["bidi"]
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()
    _SHARED.setdefault("bidi", getattr(at, "_bidi_component_manager", None))
    assert not at.exception, [e.value for e in at.exception]
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


TOP, TREND, DIST, KWIC, COOC = range(5)  # the tables in page order


def test_top_terms_table_and_bars(wh):
    at = run()
    top = at.dataframe[TOP].value
    assert list(top.columns) == ["词语", "出现次数", "每万字", "提及报告数", "提及报告占比"]
    assert top.head(5).values.tolist() == [["法治政府建设", 63, 35.39, 5, 1.0], ["执法", 47, 26.4, 4, 0.8],
                                           ["决策", 36, 20.22, 5, 1.0], ["行政", 36, 20.22, 4, 0.8],
                                           ["学习", 35, 19.66, 5, 1.0]]
    assert len(top) == 30 and not set(top["词语"]) & load_stopwords(genre=True)
    bar = figures(at)[0]["data"][0]
    assert bar["type"] == "bar" and bar["y"] == top["词语"].tolist() and bar["x"] == top["出现次数"].tolist()
    assert at.caption[1].value.startswith("共 5 份报告、17,803 字。")
    assert len(at.get("download_button")) == 10  # CSV + XLSX for each of the five tables


def test_top_terms_match_an_independent_count(wh):
    texts = wh.con.execute("SELECT raw_text, char_count FROM reports").fetchall()
    tk, stop = Tokenizer.load(), load_stopwords()
    total = sum(c for _, c in texts)
    counts = [dict(count_terms(t, tk, stop).terms) for t, _ in texts]
    top = run().dataframe[TOP].value.set_index("词语")
    for term in ["法治政府建设", "执法", "普法"]:
        n = sum(c.get(term, 0) for c in counts)
        assert top.loc[term, "出现次数"] == n
        assert top.loc[term, "每万字"] == round(n * 10000 / total, 2)
        assert top.loc[term, "提及报告数"] == sum(term in c for c in counts)


def test_genre_switch_and_measure(wh):
    at = run()
    at.toggle(key="kw_hide_genre").set_value(False).run()
    assert at.dataframe[TOP].value.head(2).values.tolist() == [["工作", 142, 79.76, 5, 1.0],
                                                              ["法治政府建设", 63, 35.39, 5, 1.0]]
    at.radio(key="kw_measure").set_value("per_10k").run()
    assert figures(at)[0]["data"][0]["x"][:2] == [79.76, 35.39]


def test_filters_apply(wh):
    guangdong = {"year_from": None, "year_to": None, "provinces": ["广东省"], "cities": [], "levels": [],
                 "agency_types": [], "agencies": []}
    at = run({"filters": guangdong})
    assert at.dataframe[TOP].value.head(3).values.tolist() == [["执法", 45, 42.04, 3, 1.0],
                                                              ["法治政府建设", 32, 29.9, 3, 1.0],
                                                              ["学习", 27, 25.23, 3, 1.0]]
    assert at.caption[1].value.startswith("共 3 份报告、10,703 字。")


def test_trend_per_10k_by_year_and_split(wh):
    at = run()
    assert at.multiselect(key="kw_trend_terms").value == ["法治政府建设", "执法", "决策"]
    lines = {tr["name"]: (tr["x"], tr["y"]) for tr in figures(at)[1]["data"]}
    assert lines["执法"] == ([2019, 2020, 2021, 2024], [3.9, 4.47, 9.96, 93.3])
    table = at.dataframe[TREND].value
    assert table.head(2).values.tolist() == [["决策", 2019, 5, 1, 1, 5134, 9.74], ["决策", 2020, 24, 2, 2, 4474, 53.64]]
    at.multiselect(key="kw_trend_terms").set_value(["普法"]).run()
    at.radio(key="kw_split").set_value("province").run()
    lines = {tr["name"]: (tr["x"], tr["y"]) for tr in figures(at)[1]["data"]}
    assert lines == {"普法 · 吉林省": ([2019], [27.27]), "普法 · 广东省": ([2020, 2021, 2024], [3.99, 7.47, 31.1]),
                     "普法 · 重庆市": ([2020], [10.17])}


def test_distinctive_terms_name_the_method(wh):
    at = run()
    at.selectbox(key="kw_dim").set_value("province").run()
    at.selectbox(key="kw_group_province").set_value("广东省").run()
    assert any("Monroe" in m.value and "α0 = 1000" in m.value for m in at.markdown)
    dist = at.dataframe[DIST].value
    assert list(dist.columns) == ["词语", "该组次数", "其余次数", "对数几率差", "z 值"]
    assert dist["z 值"].is_monotonic_decreasing and (dist["z 值"] > 0).all()
    assert dist.head(1).values.tolist()[0][:3] == ["执法", 45, 2]
    assert figures(at)[2]["data"][0]["y"] == dist["词语"].tolist()


def test_kwic_rows_link_and_offsets(wh):
    at = run()
    at.text_input(key="kw_kwic_term").set_value("习近平法治思想").run()
    rows = at.dataframe[KWIC].value
    assert len(rows) == 13 and "共出现 13 次" in at.caption[-2].value
    texts = dict(wh.con.execute("SELECT report_id, raw_text FROM reports").fetchall())
    for r in rows.to_dict("records"):
        text, start = texts[r["报告编号"]], r["起始字符"]
        assert text[start:start + 7] == r["关键词"] == "习近平法治思想"
        assert r["前文"] == text[max(0, start - 30):start].replace("\n", " ")
        assert r["后文"] == text[start + 7:start + 37].replace("\n", " ")
        assert r["link"] == f"report?report={r['报告编号']}"
    assert rows["报告编号"].nunique() == 2


def test_kwic_hostile_term_is_just_text(wh):
    at = run()
    at.text_input(key="kw_kwic_term").set_value("<b>x</b>'; DROP TABLE terms; --").run()
    assert any("没有" in i.value for i in at.info)
    assert wh.con.execute("SELECT count(*) FROM terms").fetchone()[0] > 0


def test_cooccurrence_in_sentences(wh):
    at = run()
    at.text_input(key="kw_cooc_term").set_value("行政复议").run()
    co = at.dataframe[COOC].value
    assert co.head(3).values.tolist() == [["作用", 4, 0.2667], ["案件", 4, 0.2667], ["乡镇", 3, 0.2]]
    assert "共 15 句" in at.caption[-1].value
    assert figures(at)[-1]["data"][0]["x"][:2] == [4, 4]


def test_listed_in_the_app_router(wh):
    at = run(page=str(ROOT / "app.py"))
    at.switch_page("views/keywords.py").run()
    assert not at.exception and at.title[0].value == "关键词"
