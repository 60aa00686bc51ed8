"""Table files for export: CSV (UTF-8 with BOM or plain) and XLSX with a 说明 provenance sheet; formulas neutralised."""
from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from etl.cells import is_formula_like

PROVENANCE_SHEET = "说明"
DATA_SHEET = "数据"


def neutralise(value: Any) -> Any:
    """Prefix an apostrophe to text that a spreadsheet would run as a formula; numbers and the rest pass."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell (and column name) neutralised; numeric columns keep their dtype, and a float
    column holding only whole numbers (counts) becomes integers, so Excel shows 879, not 879.0."""
    out = df.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            out[col] = s.map(neutralise)
        elif pd.api.types.is_float_dtype(s) and s.notna().any() and (s.dropna() % 1 == 0).all() \
                and s.dropna().abs().max() < 2**53:
            out[col] = s.astype("Int64")
    return out


def to_csv_bytes(df: pd.DataFrame, bom: bool = True) -> bytes:
    """CSV in UTF-8; with a BOM by default so that Excel opens Chinese text correctly."""
    text = safe_frame(df).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig" if bom else "utf-8")


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars → Python numbers
        return value.item()
    return value


def _width(value: Any) -> int:
    text = "" if _cell(value) is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def to_xlsx_bytes(df: pd.DataFrame, provenance: dict[str, Any] | None = None) -> bytes:
    """An .xlsx with the table on sheet 数据 and its provenance on sheet 说明.

    `provenance` may hold: filters (dict), sources (list of report files), indicators (DataFrame or list of
    dicts: the catalogue definitions shown), title, and anything else as key → text. The export time is added.
    """
    provenance = dict(provenance or {})
    buf = io.BytesIO()
    wb = new_workbook(buf)
    try:
        bold = wb.add_format({"bold": True})
        write_table(wb, wb.add_worksheet(DATA_SHEET), df, bold)
        _provenance_sheet(wb, bold, provenance, len(df))
    finally:
        wb.close()
    return buf.getvalue()


def new_workbook(buf: io.BytesIO):
    """An in-memory xlsxwriter workbook where a text cell is always text, whatever it starts with."""
    import xlsxwriter

    return xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False, "nan_inf_to_errors": True})


def write_table(wb, ws, df: pd.DataFrame, bold) -> None:
    """df on ws: bold headers, typed cells (formula-like text neutralised), columns as wide as their longest cell."""
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    safe = safe_frame(df)
    for c, name in enumerate(safe.columns):
        ws.write_string(0, c, str(name), bold)
    for r, row in enumerate(safe.itertuples(index=False), start=1):
        for c, value in enumerate(row):
            v = _cell(value)
            if v is None:
                continue
            if isinstance(v, bool):
                ws.write_boolean(r, c, v)
            elif isinstance(v, int | float):
                ws.write_number(r, c, v)
            elif isinstance(v, datetime):
                ws.write_datetime(r, c, v, date_fmt)
            else:
                ws.write_string(r, c, str(v))
    for c, name in enumerate(safe.columns):  # wide enough for the longest cell; a CJK character is two
        longest = max([_width(name), *(_width(v) for v in safe.iloc[:500, c])], default=8)
        ws.set_column(c, c, min(max(longest + 2, 8), 60))
    ws.freeze_panes(1, 0)


def line_writer(ws):
    """line(*cells, fmt=None) writes the next row of text cells (neutralised); line() leaves a row blank."""
    row = 0

    def line(*cells, fmt=None):
        nonlocal row
        for c, v in enumerate(cells):
            ws.write_string(row, c, str(neutralise("" if v is None else v)), fmt)
        row += 1

    return line


def _provenance_sheet(wb, bold, provenance: dict[str, Any], n_rows: int) -> None:
    ws = wb.add_worksheet(PROVENANCE_SHEET)
    ws.set_column(0, 0, 24)
    ws.set_column(1, 6, 28)
    line = line_writer(ws)

    line("法治年报观察 导出说明 / Export notes", fmt=bold)
    if provenance.get("title"):
        line("表 / Table", provenance["title"])
    line("导出时间 / Exported at (UTC)", datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"))
    line("行数 / Rows", n_rows)
    for key, value in provenance.items():
        if key not in ("title", "filters", "sources", "indicators"):
            line(key, value)
    line()
    line("筛选条件 / Filters", fmt=bold)
    for key, value in (provenance.get("filters") or {}).items():
        line(key, value)
    line()
    line("指标定义 / Indicator definitions", fmt=bold)
    ind = provenance.get("indicators")
    rows = ind.to_dict("records") if isinstance(ind, pd.DataFrame) else list(ind or [])
    cols = ["code", "name_zh", "name_en", "unit", "area", "kind"]
    if rows:
        line(*cols, fmt=bold)
        for r in rows:
            line(*[r.get(c, "") for c in cols])
    else:
        line("—")
    line()
    line("来源报告文件 / Source report files", fmt=bold)
    for name in provenance.get("sources") or ["—"]:
        line(name)
