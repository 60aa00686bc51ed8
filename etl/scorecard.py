"""Scorecard scoring, pure: a scheme over per-report item values → item scores and totals ranked within peers.

A missing value is never scored silently: an item whose value is missing has status 'missing' and no score
(the total adds what was scored and says how many items are missing), unless the item's rule says
`missing: zero`, when it scores 0 with status 'missing_zero'.
"""
from __future__ import annotations

import bisect
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
    return rank_fraction(v, sorted(peers), higher)


def rank_fraction(v: float, ordered: list[float], higher: bool = True) -> float:
    """The share of the other peers `v` beats, a tie counting half; `ordered` is the peers' values sorted
    ascending, `v` among them."""
    others = len(ordered) - 1
    if others <= 0:
        return 1.0
    below, upto = bisect.bisect_left(ordered, v), bisect.bisect_right(ordered, v)
    beaten = below if higher else len(ordered) - upto
    return (beaten + (upto - below - 1) / 2) / others


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
        ordered = {g: sorted(vs) for g, vs in stated.items()}
        for u in unit_rows:
            row = got.get((u["report_id"], item.id), {})
            v = None if _is_missing(row.get("value")) else float(row["value"])
            if item.rule.kind == "rank" and v is not None:  # sorted once per group, not once per report
                f = rank_fraction(v, ordered[u["peer_group"]], item.direction == "higher")
            else:
                f = fraction(item, v, [])
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
    if not unit_rows:
        return pd.DataFrame(columns=TOTAL_COLUMNS)
    scored = items[items["score"].notna()]
    by = scored.groupby("report_id")
    total = by["score"].sum().round(6)
    max_scored = by["weight"].sum()
    missing = items[items["status"] != "scored"].groupby("report_id").size()
    out = pd.DataFrame([{c: u.get(c) for c in UNIT_COLUMNS} | {"peer_group": u["peer_group"]} for u in unit_rows])
    rid = out["report_id"]
    out["total"] = rid.map(total)  # NaN when nothing was scored: no total, not 0
    out["max_scored"] = rid.map(max_scored).fillna(0.0).astype(float)
    out["max_total"] = scheme.total_weight
    out["missing"] = rid.map(missing).fillna(0).astype(int)
    out["peers"] = out.groupby("peer_group")["report_id"].transform("count").astype(int)
    # Competition ranking within the peer group (1, 2, 2, 4); a report with nothing scored has no rank.
    out["rank"] = out.groupby("peer_group")["total"].rank(method="min", ascending=False).astype("Int64")
    out = out.sort_values(["peer_group", "rank", "agency"], na_position="last", kind="mergesort")
    return out[TOTAL_COLUMNS].reset_index(drop=True)
