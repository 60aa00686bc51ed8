"""Scorecard scoring, pure: a scheme over per-report item values → item scores and totals ranked within peers.

A missing value is never scored silently: an item whose value is missing has status 'missing' and no score
(the total adds what was scored and says how many items are missing), unless the item's rule says
`missing: zero`, when it scores 0 with status 'missing_zero'.
"""
from __future__ import annotations

import math
from typing import Any, Optional

import pandas as pd

from etl.scorecard_scheme import Item, Scheme

UNIT_COLUMNS = ["report_id", "agency", "level", "agency_type", "province", "city", "year"]
ITEM_COLUMNS = ["report_id", "agency", "peer_group", "item", "value", "weight", "score", "status", "evidence",
                "review_status"]
TOTAL_COLUMNS = ["rank", "peers", "agency", "total", "max_scored", "max_total", "missing", "peer_group",
                 "report_id", "level", "agency_type", "province", "city", "year"]


def _is_missing(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def fraction(item: Item, value: Optional[float], peers: list[float]) -> Optional[float]:
    """The share (0–1) of the item's weight that `value` earns; None when the value is missing.

    `peers` are the stated values of the peer group, the report's own included (only the rank rule reads them).
    """
    if _is_missing(value):
        return None
    v, rule, higher = float(value), item.rule, item.direction == "higher"
    if rule.kind == "present":
        return 1.0 if v else 0.0
    if rule.kind == "thresholds":
        reached = [s.share for s in rule.steps if (v >= s.at if higher else v <= s.at)]
        return max(reached, default=0.0)
    if rule.kind == "linear":
        f = (v - rule.lo) / (rule.hi - rule.lo)
        return min(1.0, max(0.0, f if higher else 1.0 - f))
    # rank: the share of the other peers this value beats, a tie counting half
    others = len(peers) - 1
    if others <= 0:
        return 1.0
    beaten = sum(1 for p in peers if (p < v if higher else p > v))
    ties = sum(1 for p in peers if p == v) - 1
    return (beaten + ties / 2) / others


def peer_key(unit: dict, fields: list[str]) -> str:
    """The peer group of a report as text, e.g. 'county|justice' (unknown fields as '?')."""
    return "|".join("?" if _is_missing(unit.get(f)) or unit.get(f) in ("", None) else str(unit.get(f))
                    for f in fields)


def score(scheme: Scheme, units: pd.DataFrame, values: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(totals, items) for the reports in `units` (one row per report: UNIT_COLUMNS).

    `values` holds report_id, item, value (NaN or no row: missing) and optionally evidence and review_status.
    Peers are the reports with the same scheme.peer_group fields; the rank rule and the total's rank read them.
    """
    unit_rows = units.to_dict("records")
    for u in unit_rows:
        u["peer_group"] = peer_key(u, scheme.peer_group)
    got: dict[tuple[str, str], dict] = {}
    for row in values.to_dict("records") if not values.empty else []:
        got[(row["report_id"], row["item"])] = row
    items_out = []
    for item in scheme.items:
        stated: dict[str, list[float]] = {}
        for u in unit_rows:
            v = got.get((u["report_id"], item.id), {}).get("value")
            if not _is_missing(v):
                stated.setdefault(u["peer_group"], []).append(float(v))
        for u in unit_rows:
            row = got.get((u["report_id"], item.id), {})
            v = None if _is_missing(row.get("value")) else float(row["value"])
            f = fraction(item, v, stated.get(u["peer_group"], []))
            if f is not None:
                status, pts = "scored", round(item.weight * f, 6)
            elif item.missing == "zero":
                status, pts = "missing_zero", 0.0
            else:
                status, pts = "missing", None
            items_out.append({"report_id": u["report_id"], "agency": u.get("agency"), "peer_group": u["peer_group"],
                              "item": item.id, "value": v, "weight": item.weight, "score": pts, "status": status,
                              "evidence": row.get("evidence") or "", "review_status": row.get("review_status") or ""})
    items = pd.DataFrame(items_out, columns=ITEM_COLUMNS)
    totals = _totals(scheme, unit_rows, items)
    return totals, items


def _totals(scheme: Scheme, unit_rows: list[dict], items: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for u in unit_rows:
        mine = items[items["report_id"] == u["report_id"]]
        has = mine[mine["score"].notna()]
        rows.append({**{c: u.get(c) for c in UNIT_COLUMNS}, "peer_group": u["peer_group"],
                     "total": round(float(has["score"].sum()), 6) if len(has) else None,
                     "max_scored": float(has["weight"].sum()), "max_total": scheme.total_weight,
                     "missing": int((mine["status"] != "scored").sum())})
    out = pd.DataFrame(rows, columns=[c for c in TOTAL_COLUMNS if c not in ("rank", "peers")])
    if out.empty:
        return pd.DataFrame(columns=TOTAL_COLUMNS)
    out["peers"] = out.groupby("peer_group")["report_id"].transform("count").astype(int)
    # Competition ranking within the peer group (1, 2, 2, 4); a report with nothing scored has no rank.
    out["rank"] = out.groupby("peer_group")["total"].rank(method="min", ascending=False).astype("Int64")
    out = out.sort_values(["peer_group", "rank", "agency"], na_position="last", kind="mergesort")
    return out[TOTAL_COLUMNS].reset_index(drop=True)
