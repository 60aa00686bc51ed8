"""Scorecard inputs: the warehouse's effective rows (named queries) → per-report item values and their evidence.

`load` takes the query function (Warehouse.query, or ui.db.run_query for the cached dashboard), so the CLI and
the page read the same rows; `assemble` is pure. Every value carries its evidence: the fact's sentence and span
with its review status, the headings that settled a part or an area, or the publication date and its source.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pandas as pd

from etl.scorecard import UNIT_COLUMNS, score
from etl.scorecard_scheme import PARTS, Item, Scheme

Query = Callable[[str, dict[str, Any]], pd.DataFrame]
EVIDENCE_COLUMNS = ["report_id", "item", "kind", "indicator", "value", "unit", "text", "char_start", "char_end",
                    "review_status", "reviewer", "n_values", "note", "detail"]
# note: what a row without a fact says, for the page to word in its language (the text is bilingual):
# 'no_date' (no publication date found), 'no_part' (indicator = the part), 'published' (detail = the date,
# indicator = the field's source, text = what settled it)
QUERIES = ("scorecard_reports", "scorecard_facts", "scorecard_parts", "scorecard_areas")


def load(query: Query, scheme: Scheme, filters: dict[str, Any], year: int) -> dict[str, pd.DataFrame]:
    """The four frames a scorecard reads, for the reports of `year` under `filters`."""
    params = {**filters, "rank_year": int(year), "codes": scheme.codes()}
    return {name.removeprefix("scorecard_"): query(name, params) for name in QUERIES}


def compute(query: Query, scheme: Scheme, filters: dict[str, Any], year: int) -> dict[str, pd.DataFrame]:
    """{'totals', 'items', 'evidence', 'reports'}: the whole scorecard of `year` under `filters`."""
    frames = load(query, scheme, filters, year)
    units, values, evidence = assemble(scheme, frames)
    totals, items = score(scheme, units, values)
    return {"totals": totals, "items": items, "evidence": evidence, "reports": frames["reports"]}


def _ev(rid: str, item: str, kind: str, text: str, **kw: Any) -> dict[str, Any]:
    row = dict.fromkeys(EVIDENCE_COLUMNS)
    row.update(report_id=rid, item=item, kind=kind, text=text, **kw)
    return row


def _fact_ev(rid: str, item: str, f: dict) -> dict[str, Any]:
    return _ev(rid, item, "fact", f["evidence"], indicator=f["indicator"], value=f["value"], unit=f["unit"],
               char_start=f["char_start"], char_end=f["char_end"], review_status=f["status"],
               reviewer=f.get("reviewer"), n_values=f.get("n_values"))


def _worst(statuses: list[str]) -> str:
    """One review status for a value read from several facts: unreviewed if any of them is."""
    for s in ("extracted", "corrected", "added", "confirmed"):
        if s in statuses:
            return s
    return statuses[0] if statuses else ""


def assemble(scheme: Scheme, frames: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(units, values, evidence) from the frames of `load`: one value row per report and item it could read."""
    reports = frames["reports"]
    units = reports.reindex(columns=UNIT_COLUMNS) if not reports.empty else pd.DataFrame(columns=UNIT_COLUMNS)
    facts: dict[tuple[str, str], dict] = {(f["report_id"], f["indicator"]): f
                                          for f in frames["facts"].to_dict("records")}
    parts: dict[tuple[str, str], list[dict]] = {}
    for p in frames["parts"].to_dict("records"):
        parts.setdefault((p["report_id"], p["part"]), []).append(p)
    areas: dict[str, dict[str, dict]] = {}
    for a in frames["areas"].to_dict("records"):
        areas.setdefault(a["report_id"], {})[a["area"]] = a
    values, evidence = [], []
    for rep in reports.to_dict("records"):
        for item in scheme.items:
            value, ev, status = _read(item, rep, facts, parts, areas)
            evidence += ev
            values.append({"report_id": rep["report_id"], "item": item.id, "value": value,
                           "evidence": " | ".join(e["text"] for e in ev), "review_status": status})
    return (units, pd.DataFrame(values, columns=["report_id", "item", "value", "evidence", "review_status"]),
            pd.DataFrame(evidence, columns=EVIDENCE_COLUMNS))


def _read(item: Item, rep: dict, facts: dict, parts: dict, areas: dict) -> tuple[Any, list[dict], str]:
    """(value or None, evidence rows, review status) of one item for one report."""
    rid, s = rep["report_id"], item.source
    stated = facts.get((rid, s.code)) if getattr(s, "code", None) else None
    if s.kind == "indicator" or (s.kind == "rate" and (stated or not s.numerator)):
        f = stated
        ev = [_fact_ev(rid, item.id, f)] if f else []
        if item.rule.kind == "present":  # the item asks whether the report states the number at all
            return (1.0 if f else 0.0), ev, (f["status"] if f else "")
        return (f["value"] if f else None), ev, (f["status"] if f else "")
    if s.kind == "rate":
        num, den = facts.get((rid, s.numerator)), facts.get((rid, s.denominator))
        ev = [_fact_ev(rid, item.id, f) for f in (num, den) if f]
        status = _worst([e["review_status"] for e in ev])
        if num is None or den is None or not den["value"]:
            return None, ev, status
        return 100.0 * num["value"] / den["value"], ev, status
    if s.kind == "compliance":
        return _compliance(item, rep, parts)
    return _coverage(item, rep, areas)


def _compliance(item: Item, rep: dict, parts: dict) -> tuple[Any, list[dict], str]:
    rid, flag = rep["report_id"], item.source.flag
    status = rep.get("review_status") or "extracted"
    if flag == "on_time":
        published = rep.get("published")
        if published is None or pd.isna(published):
            return None, [_ev(rid, item.id, "meta", "未找到发布日期 / no publication date found",
                              review_status=status, note="no_date")], status
        # what settled the extracted date; a reviewer's date (source 'review') has no such text
        said = _meta_evidence(rep.get("meta_evidence"), "published") if rep.get("published_src") != "review" else ""
        day, src = str(pd.Timestamp(published).date()), rep.get("published_src") or "?"
        text = f"发布日期 / published {day} ({src})"
        ev = [_ev(rid, item.id, "meta", text + (f": {said}" if said else ""), review_status=status,
                  note="published", detail=day, indicator=src, reviewer=rep.get("reviewer"))]
        on_time = rep.get("on_time")
        return (None if on_time is None or pd.isna(on_time) else float(bool(on_time))), ev, status
    wanted = PARTS if flag == "four_parts" else (flag,)
    ev = [_ev(rid, item.id, "section", p["heading"], char_start=p["char_start"], char_end=p["char_end"],
              review_status="extracted") for part in wanted for p in parts.get((rid, part), [])]
    ev += [_ev(rid, item.id, "section", f"未找到此部分的标题 / no heading for this part: {part}",
               review_status="extracted", note="no_part", indicator=part)
           for part in wanted if not rep.get(f"has_{part}")]
    have = all(bool(rep.get(f"has_{part}")) for part in wanted)
    return (1.0 if have else 0.0), ev, "extracted"


def _meta_evidence(raw: Any, field: str) -> str:
    try:
        return str(json.loads(raw).get(field) or "") if isinstance(raw, str) else ""
    except (ValueError, AttributeError):
        return ""


def _coverage(item: Item, rep: dict, areas: dict) -> tuple[Any, list[dict], str]:
    rid = rep["report_id"]
    if not rep.get("n_sections"):
        return None, [], ""  # no headings at all: coverage cannot be read, not 0
    mine = areas.get(rid, {})
    chosen = [mine[item.source.area]] if item.source.measure == "area_share" and item.source.area in mine \
        else list(mine.values()) if item.source.measure == "areas_covered" else []
    ev = [_ev(rid, item.id, "section", a["headings"], indicator=a["area"], value=round(float(a["share"]), 2),
              unit="%", char_start=a["char_start"], char_end=a["char_end"], review_status="extracted")
          for a in chosen]
    if item.source.measure == "areas_covered":
        return float(len(mine)), ev, "extracted"
    a = mine.get(item.source.area)
    return (float(a["share"]) if a else 0.0), ev, "extracted"
