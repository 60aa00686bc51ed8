"""Exports as plain functions and through the CLI: BOM, sheets, provenance, formulas neutralised, numbers kept."""
from __future__ import annotations

import io
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from etl.cli import main
from ui.charts import ranking_bars
from ui.exports import PROVENANCE_SHEET, neutralise, safe_frame, to_csv_bytes, to_xlsx_bytes
from ui.uploads import safe_name, stage

from .conftest import ROOT
from .test_queries import INDICATORS, build_demo_warehouse

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-3+4", "@SUM(A1)", "\tx", "\rx", "plain", "a=b"]


@pytest.fixture
def frame():
    return pd.DataFrame({"text": HOSTILE, "value": [1, 2.5, -3, 0, 10, 11, 12, 13],
                         "flag": [True, False] * 4, "name": ["深圳市宝安区司法局"] * 8})


def test_neutralise_rules():
    assert [neutralise(v) for v in HOSTILE] == ["'" + v for v in HOSTILE[:6]] + ["plain", "a=b"]
    assert neutralise(-3) == -3 and neutralise(None) is None and neutralise(2.5) == 2.5


def test_csv_has_bom_and_neutralised_cells(frame):
    data = to_csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1+2" in text and "'@SUM(A1)" in text
    assert "\n=" not in text and ",=" not in text
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back["value"].tolist() == [1, 2.5, -3, 0, 10, 11, 12, 13]  # numbers stay numbers (no apostrophe)
    assert back["name"].iat[0] == "深圳市宝安区司法局"


def test_plain_utf8_has_no_bom(frame):
    data = to_csv_bytes(frame, bom=False)
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8").startswith("text,value,flag,name\r\n")


def test_safe_frame_keeps_dtypes(frame):
    safe = safe_frame(frame)
    assert safe["value"].dtype == frame["value"].dtype and safe["flag"].dtype == bool


def test_xlsx_sheets_cells_and_provenance(frame):
    defs = pd.DataFrame(INDICATORS[:1])
    data = to_xlsx_bytes(frame, {"title": "测试", "filters": {"province": "广东省", "agency": "=cmd|x"},
                                 "sources": ["baoan2020.txt", "nanshan2021.txt"], "indicators": defs})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["数据", PROVENANCE_SHEET] and PROVENANCE_SHEET == "说明"
    ws = wb["数据"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("text", "value", "flag", "name")
    # XlsxWriter stores CR as the OOXML escape _x000D_, which Excel shows as CR and openpyxl leaves as is.
    assert [r[0].replace("_x000D_", "\r") for r in rows[1:]] == ["'" + v for v in HOSTILE[:6]] + ["plain", "a=b"]
    assert [r[1] for r in rows[1:]] == [1, 2.5, -3, 0, 10, 11, 12, 13]
    assert all(ws.cell(row=i, column=2).data_type == "n" for i in range(2, 10))
    assert all(ws.cell(row=i, column=1).data_type == "s" for i in range(2, 10))  # never a formula
    assert rows[1][2] is True
    notes = [tuple(c for c in r if c is not None) for r in wb["说明"].iter_rows(values_only=True)]
    flat = [c for r in notes for c in r]
    assert ("表 / Table", "测试") in notes
    assert ("province", "广东省") in notes and ("agency", "'=cmd|x") in notes
    assert ("mediation_cases", "调解矛盾纠纷数", "Disputes mediated", "件", "disputes", "count") in notes
    assert "baoan2020.txt" in flat and "nanshan2021.txt" in flat
    assert any(str(c).startswith("导出时间") for c in flat)
    assert ("行数 / Rows", "8") in notes


def test_xlsx_of_empty_frame_still_has_both_sheets():
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(pd.DataFrame({"a": []}), None)))
    assert wb.sheetnames == ["数据", "说明"]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    return build_demo_warehouse(tmp_path_factory.mktemp("exp") / "demo.duckdb")


def test_cli_export_csv_with_filters(demo_db, tmp_path, capsys):
    out = tmp_path / "facts.csv"
    assert main(["export", "facts", "--db", str(demo_db), "--out", str(out), "--province", "广东省",
                 "--year-from", "2021"]) == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(out, encoding="utf-8-sig")
    assert len(df) == 5 and set(df["year"]) == {2021, 2022}
    assert "exported 5 rows" in capsys.readouterr().out


def test_cli_export_xlsx_and_plain(demo_db, tmp_path):
    out = tmp_path / "facts.xlsx"
    assert main(["export", "facts", "--db", str(demo_db), "--out", str(out), "--agency", "深圳市南山区司法局"]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["数据", "说明"]
    notes = [tuple(c for c in r if c is not None) for r in wb["说明"].iter_rows(values_only=True)]
    assert ("agencies", "深圳市南山区司法局") in notes
    assert ("mediation_success_rate", "调解成功率", "Mediation success rate", "%", "disputes", "rate") in notes
    assert ("nanshan2020.txt",) in notes and ("baoan2020.txt",) not in notes
    low = [r for r in wb["数据"].iter_rows(values_only=True)]
    assert len(low) == 6
    plain = tmp_path / "reports.csv"
    assert main(["export", "reports", "--db", str(demo_db), "--out", str(plain), "--plain-utf8"]) == 0
    assert plain.read_bytes().startswith(b"report_id,")


def test_cli_export_hostile_filter_and_bad_usage(demo_db, tmp_path):
    out = tmp_path / "r.csv"
    assert main(["export", "reports", "--db", str(demo_db), "--out", str(out), "--agency", "' OR 1=1 --"]) == 0
    assert len(pd.read_csv(out, encoding="utf-8-sig")) == 0
    assert main(["export", "reports", "--db", str(demo_db), "--out", str(tmp_path / "r.txt")]) == 2
    assert main(["export", "reports", "--db", str(tmp_path / "nope.duckdb"), "--out", str(out)]) == 2


def test_cli_export_as_a_process(demo_db, tmp_path):
    out = tmp_path / "f.xlsx"
    res = subprocess.run([sys.executable, "-m", "etl", "export", "facts", "--db", str(demo_db), "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert openpyxl.load_workbook(out).sheetnames == ["数据", "说明"]


# ---- other guards against hostile text: upload names and chart labels --------------------------------------
def test_safe_names_and_staging(tmp_path):
    assert safe_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_name("..\\..\\win.ini.txt") == "win.ini.txt"
    assert safe_name("a\x00b\x1f\u202e.txt") == "ab.txt"
    assert safe_name("/") == "upload" and safe_name("...") == "upload"
    paths, manifest, rejected = stage([("x/../r.txt", b"a"), ("manifest.csv", b"file\n"), ("evil.exe", b"MZ"),
                                       ("r.txt", b"b")], tmp_path)
    assert [p.name for p in paths] == ["r.txt"] and paths[0].parent == tmp_path / "upload"
    assert manifest is not None and manifest.read_bytes() == b"file\n"
    assert rejected == [("evil.exe", "不支持的文件类型 / unsupported file type"),
                        ("r.txt", "重复的文件名 / duplicate file name")]


def test_charts_escape_report_text():
    ranked = pd.DataFrame({"agency": ["<b>局</b>"], "rank": [1.0], "value": [3.0], "tie": [False],
                           "evidence": ['<a href="http://evil.example">x</a>'], "previous": [None]})
    bar = ranking_bars(ranked, "value", "件").data[0]
    assert bar.y == ("1. &lt;b&gt;局&lt;/b&gt;",)
    assert bar.customdata[0][0] == '&lt;a href="http://evil.example"&gt;x&lt;/a&gt;'


def test_counts_are_whole_numbers_and_columns_fit_chinese_text():
    # Regression: counts were written as "879.0", and column widths cut Chinese names off.
    import openpyxl

    from etl.export_files import to_csv_bytes, to_xlsx_bytes

    df = pd.DataFrame({"机关": ["深圳市深汕特别合作区城市管理和综合执法局", "长沙县司法局"],
                       "数值": [879.0, 12.0], "比率": [97.5, None]})
    assert to_csv_bytes(df, bom=False).decode().splitlines() == [
        "机关,数值,比率", "深圳市深汕特别合作区城市管理和综合执法局,879,97.5", "长沙县司法局,12,"]
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(df)))["数据"]
    assert [ws.cell(2, 2).value, ws.cell(3, 2).value, ws.cell(2, 3).value] == [879, 12, 97.5]
    assert ws.column_dimensions["A"].width >= 2 * len("深圳市深汕特别合作区城市管理和综合执法局")
