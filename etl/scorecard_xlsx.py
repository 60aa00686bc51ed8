"""The scorecard as an .xlsx: sheets totals, items and 说明 (the scheme itself); every text cell formula-neutralised."""
from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from etl.export_files import PROVENANCE_SHEET, line_writer, new_workbook, write_table
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


def scorecard_xlsx(scheme: Scheme, scheme_text: str, totals: pd.DataFrame, items: pd.DataFrame,
                   notes: dict[str, Any], reports: pd.DataFrame | None = None, lang: str = "zh",
                   exported_at: datetime | None = None) -> bytes:
    """The workbook's bytes. `notes` (label → text: year, filters, warehouse, …) go on the 说明 sheet above the
    scheme's items and the scheme file itself."""

    tot, it = sheet_frames(scheme, totals, items, reports, lang)
    buf = io.BytesIO()
    wb = new_workbook(buf)
    try:
        bold = wb.add_format({"bold": True})
        write_table(wb, wb.add_worksheet(TOTALS_SHEET), tot, bold)
        write_table(wb, wb.add_worksheet(ITEMS_SHEET), it, bold)
        ws = wb.add_worksheet(PROVENANCE_SHEET)
        ws.set_column(0, 0, 30)
        ws.set_column(1, 7, 22)
        line = line_writer(ws)

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
        line()
        line("评分项 / Items", fmt=bold)
        line("id", "名称", "Name", "读取 / Reads", "规则", "Rule", "权重 / Weight", "方向 / Direction", fmt=bold)
        for i in scheme.items:
            s = i.source.model_dump(exclude_none=True)
            reads = " ".join(f"{k}={v}" for k, v in s.items())
            line(i.id, i.name_zh, i.name_en, reads, rule_text(i, "zh"), rule_text(i, "en"), f"{i.weight:g}",
                 i.direction)
        line()
        line("方案文件 / Scheme file (YAML)", fmt=bold)
        for text in scheme_text.splitlines():
            line(text)
    finally:
        wb.close()
    return buf.getvalue()
