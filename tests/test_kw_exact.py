"""KWIC and keyword sentences return exactly what a full scan of every report's text returns, for any substring:
tokens, substrings that are no token, single characters, phrases of several tokens, edge spaces, delimiters."""
from __future__ import annotations

import re

import pytest

from bench.scale import replicate_warehouse
from etl.warehouse import Warehouse

TERMS = ("行政执法", "政执", "法", "的", "全面推进依法行政", "法治政府建设", "。", "推进\n", " 法", "量子纠缠态",
         "2023", "%", ".", "(", "[一", "a.b", "\\d")


@pytest.fixture(scope="module")
def big(sample_db, tmp_path_factory):
    """The sample reports replicated to 450 (more than the sentence query's first round of 200 reports)."""
    out = tmp_path_factory.mktemp("kw") / "big.duckdb"
    replicate_warehouse(sample_db, out, 450)
    return out


def _reports(wh: Warehouse, flt: dict) -> list[tuple]:
    where = "WHERE list_contains($p, r.province)" if flt.get("provinces") else ""
    return wh.con.execute(f"SELECT r.report_id, r.year, r.agency, r.file_name, s.raw_text FROM v_reports r "
                          f"JOIN reports s USING (report_id) {where}",
                          {"p": flt["provinces"]} if where else {}).fetchall()


def full_scan_sentences(rows: list[tuple], term: str, limit: int) -> list[tuple[str, str]]:
    out = []
    for rid, _year, _agency, _name, text in sorted(rows, key=lambda r: (r[1] is None, r[1] or 0, r[0])):
        for s in re.split("[。!?;\n]", text):
            s = s.strip(" ")
            if term and term in s:
                out.append((rid, s))
    return out[:limit]


def full_scan_kwic(rows: list[tuple], term: str, width: int, limit: int) -> tuple[list[tuple], int]:
    hits = []
    key = lambda r: (r[1] is None, r[1] or 0, r[2] is None, r[2] or "", r[0])  # noqa: E731
    for rid, _year, _agency, _name, text in sorted(rows, key=key):
        pos = 0
        while term and (i := text.find(term, pos)) >= 0:
            hits.append((rid, i, text[max(i - width, 0):i].replace("\n", " "),
                         text[i + len(term):i + len(term) + width].replace("\n", " ")))
            pos = i + len(term)
    return hits[:limit], len(hits)


@pytest.mark.parametrize("limit", [3, 300, 5000])
def test_sentences_equal_a_full_scan(big, limit):
    with Warehouse.open(big) as wh:
        province = wh.con.execute("SELECT province FROM v_reports WHERE province IS NOT NULL LIMIT 1").fetchone()[0]
        for flt in ({}, {"provinces": [province]}):
            rows = _reports(wh, flt)
            for term in TERMS:
                got = wh.query("kw_sentences", {**flt, "term": term, "limit": limit})
                assert list(got.itertuples(index=False, name=None)) == full_scan_sentences(rows, term, limit), term


@pytest.mark.parametrize("limit", [7, 500])
def test_kwic_equals_a_full_scan(big, limit):
    with Warehouse.open(big) as wh:
        rows = _reports(wh, {})
        for term in TERMS:
            got = wh.query("kw_kwic", {"term": term, "width": 12, "limit": limit})
            want, total = full_scan_kwic(rows, term, 12, limit)
            assert list(got[["report_id", "char_start", "left_ctx", "right_ctx"]].itertuples(index=False, name=None)
                        ) == want, term
            assert got.empty or int(got["total"].iat[0]) == total, term
