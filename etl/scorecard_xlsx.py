"""The scorecard as an .xlsx: sheets totals, items and 说明 (the scheme itself); every text cell formula-neutralised."""
from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from etl.export_files import PROVENANCE_SHEET, neutralise, safe_frame
from etl.scorecard_scheme import Scheme, rule_text

TOTALS_SHEET, ITEMS_SHEET = "totals", "items"
# column → (zh, en) header
HEADERS = {
    "rank": ("同组排名", "Rank in peer group"), "peers": ("同组机关数", "Peers"), "agency": ("机关", "Agency"),
    "total": ("总分", "Total"), "max_scored": ("已评分项满分", "Max of scored items"),
    "max_total": ("方案满分", "Scheme maximum"), "missing": ("缺失项数", "Missing items"),
    "peer_group": ("同组", "Peer group"), "level": ("层级", "Level"), "agency_type": ("机关类型", "Agency type"),
    "province": ("省份", "Province"), "city": ("城市", "City"), "year": ("年度", "Year"),
    "report_id": ("报告编号", "Report id"), "file_name": ("文件", "File"), "item": ("评分项", "Item"),
    "item_name": ("评分项名称", "Item name"), "value": ("取值", "Value"), "weight": ("权重", "Weight"),
    "score": ("得分", "Score"), "status": ("状态", "Status"), "rule": ("评分规则", "Rule"),
    "evidence": ("依据原文", "Evidence"), "review_status": ("审核状态", "Review status"),
}
STATUS = {"scored": ("已评分", "scored"), "missing": ("缺失（不计分）", "missing (not scored)"),
          "missing_zero": ("缺失，按 0 分计", "missing, scored 0")}
TOTALS_COLS = ["rank", "peers", "agency", "total", "max_scored", "max_total", "missing", "peer_group", "level",
               "agency_type", "province", "city", "year", "report_id", "file_name"]
ITEMS_COLS = ["agency", "report_id", "item", "item_name", "value", "weight", "score", "status", "rule", "evidence",
              "review_status"]


def sheet_frames(scheme: Scheme, totals: pd.DataFrame, items: pd.DataFrame, reports: pd.DataFrame | None = None,
                 lang: str = "zh") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The totals and items tables as written: headers and statuses in `lang`, items in scheme order."""
    k = 0 if lang == "zh" else 1
    files = dict(zip(reports["report_id"], reports["file_name"], strict=True)) \
        if reports is not None and not reports.empty else {}
    tot = totals.assign(file_name=totals["report_id"].map(files)).reindex(columns=TOTALS_COLS)
    names = {i.id: (i.name_zh, i.name_en)[k] for i in scheme.items}
    rules = {i.id: rule_text(i, lang) for i in scheme.items}
    order = {i.id: n for n, i in enumerate(scheme.items)}
    rank = dict(zip(totals["report_id"], range(len(totals)), strict=True))
    it = items.assign(item_name=items["item"].map(names), rule=items["item"].map(rules),
                      status=items["status"].map(lambda s: STATUS.get(s, (s, s))[k]),
                      _r=items["report_id"].map(rank), _o=items["item"].map(order))
    it = it.sort_values(["_r", "_o"], kind="mergesort").reindex(columns=ITEMS_COLS)
    return (tot.rename(columns={c: HEADERS[c][k] for c in TOTALS_COLS}),
            it.rename(columns={c: HEADERS[c][k] for c in ITEMS_COLS}))


def _write_table(wb, ws, df: pd.DataFrame, bold) -> None:
    safe = safe_frame(df)
    for c, name in enumerate(safe.columns):
        ws.write_string(0, c, str(name), bold)
        ws.set_column(c, c, 14 if c else 28)
    for r, row in enumerate(safe.itertuples(index=False), start=1):
        for c, v in enumerate(row):
            if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
                continue
            if hasattr(v, "item") and not isinstance(v, str):
                v = v.item()
            if isinstance(v, bool):
                ws.write_boolean(r, c, v)
            elif isinstance(v, int | float):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, str(v))
    ws.freeze_panes(1, 0)


def scorecard_xlsx(scheme: Scheme, scheme_text: str, totals: pd.DataFrame, items: pd.DataFrame,
                   notes: dict[str, Any], reports: pd.DataFrame | None = None, lang: str = "zh",
                   exported_at: datetime | None = None) -> bytes:
    """The workbook's bytes. `notes` (label → text: year, filters, warehouse, …) go on the 说明 sheet above the
    scheme's items and the scheme file itself."""
    import xlsxwriter

    tot, it = sheet_frames(scheme, totals, items, reports, lang)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False, "nan_inf_to_errors": True})
    try:
        bold = wb.add_format({"bold": True})
        _write_table(wb, wb.add_worksheet(TOTALS_SHEET), tot, bold)
        _write_table(wb, wb.add_worksheet(ITEMS_SHEET), it, bold)
        ws = wb.add_worksheet(PROVENANCE_SHEET)
        ws.set_column(0, 0, 30)
        ws.set_column(1, 7, 22)
        row = 0

        def line(*cells, fmt=None):
            nonlocal row
            for c, v in enumerate(cells):
                ws.write_string(row, c, str(neutralise("" if v is None else v)), fmt)
            row += 1

        when = (exported_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M:%S")
        line("法治年报观察 评估结果说明 / Scorecard notes", fmt=bold)
        line("方案 / Scheme", f"{scheme.name_zh} / {scheme.name_en} ({scheme.id})")
        line("依据 / Basis", scheme.basis_zh or "—")
        line("", scheme.basis_en or "—")
        line("同组 / Peer group", " + ".join(scheme.peer_group))
        line("满分 / Maximum", f"{scheme.total_weight:g}")
        line("缺失值 / Missing values",
             "缺失项不计分：总分为已评分项之和，并注明缺失项数；规则写明“缺失按 0 分计”的项目除外。")
        line("", "A missing value adds nothing: the total is the sum of the scored items and says how many are "
                 "missing; an item whose rule says 'missing scores 0' scores 0.")
        line("导出时间 / Exported at (UTC)", when)
        for key, value in notes.items():
            line(key, value)
        row += 1
        line("评分项 / Items", fmt=bold)
        line("id", "名称", "Name", "读取 / Reads", "规则", "Rule", "权重 / Weight", "方向 / Direction", fmt=bold)
        for i in scheme.items:
            s = i.source.model_dump(exclude_none=True)
            reads = " ".join(f"{k}={v}" for k, v in s.items())
            line(i.id, i.name_zh, i.name_en, reads, rule_text(i, "zh"), rule_text(i, "en"), f"{i.weight:g}",
                 i.direction)
        row += 1
        line("方案文件 / Scheme file (YAML)", fmt=bold)
        for text in scheme_text.splitlines():
            line(text)
    finally:
        wb.close()
    return buf.getvalue()
