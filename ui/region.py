"""The 地区 page's tile grid: a value per province (report count, an indicator's median, a scheme's mean score)
drawn as equal squares placed roughly as on the map. No boundaries are drawn."""
from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from etl.province_tiles import load_tiles
from ui import scorecard as sc
from ui.db import run_query
from ui.i18n import lang, t

REPORTS = "reports"
LIGHT, DARK = "#dbeafe", "#1e40af"  # the colour scale's ends; a tile without a value is grey
NONE = "#e5e7eb"


def metric_options(codes: list[str]) -> list[str]:
    """'reports', then 'ind:<code>' per indicator stated under the filters, then 'score:<scheme>' per scheme."""
    return [REPORTS, *(f"ind:{c}" for c in codes), *(f"score:{s}" for s in sc.scheme_ids() if s != sc.CUSTOM)]


def metric_label(metric: str, names: dict[str, str]) -> str:
    kind, _, arg = metric.partition(":")
    if kind == "ind":
        return t("region.metric_indicator", name=names.get(arg, arg))
    if kind == "score":
        return t("region.metric_score", name=sc.name(sc.scheme(arg)))
    return t("region.metric_reports")


def values(metric: str, filters: dict[str, Any], year: int) -> pd.DataFrame:
    """province, value (None: nothing to show), reports, stated: the numbers behind the tiles."""
    kind, _, arg = metric.partition(":")
    if kind == "score":
        totals = sc.card(arg, filters, year)["totals"]
        if totals.empty:
            return pd.DataFrame(columns=["province", "value", "reports", "stated"])
        g = totals.groupby("province")
        return pd.DataFrame({"value": g["total"].mean(), "reports": g["report_id"].count(),
                             "stated": g["total"].count()}).reset_index()
    df = run_query("region_values", {**filters, "rank_year": int(year), "indicator": arg or ""})
    if kind != "ind":
        df = df.assign(value=df["reports"].astype(float), stated=df["reports"])
    return df[["province", "value", "reports", "stated"]]


def tile_frame(vals: pd.DataFrame) -> pd.DataFrame:
    """Every tile with its value (NaN where none), label and position."""
    tiles = pd.DataFrame(load_tiles())
    out = tiles.merge(vals, on="province", how="left")
    en = lang() == "en"
    out["label"] = out["name_en"].str.replace(" ", "<br>") if en else out["short_zh"]  # Inner<br>Mongolia fits
    out["name"] = out["name_en"] if en else out["province"]
    return out


def figure(tiles: pd.DataFrame, selected: list[str], unit: str, digits: int = 1) -> go.Figure:
    """Squares on a grid, coloured by value; the selected provinces at full strength, the others paler when
    some are selected. Hover names the province, its value and how many reports it rests on."""
    fig = go.Figure()
    has = tiles["value"].notna()
    lo, hi = (tiles.loc[has, "value"].min(), tiles.loc[has, "value"].max()) if has.any() else (0, 1)
    for part, coloured in ((tiles[has], True), (tiles[~has], False)):
        if part.empty:
            continue
        dim = [1.0 if not selected or p in selected else 0.35 for p in part["province"]]
        shade = (part["value"] - lo) / (hi - lo) if hi > lo else part["value"] * 0 + 0.5
        text = [f"{lab}<br>{_num(v, digits)}" if coloured else lab for lab, v in zip(part["label"], part["value"],
                                                                                   strict=True)]
        hover = [t("region.hover", province=p, value=_num(v, digits) + (f" {unit}" if unit and coloured else ""),
                   n=int(0 if pd.isna(n) else n), stated=int(0 if pd.isna(s) else s))
                 for p, v, n, s in zip(part["name"], part["value"], part["reports"], part["stated"], strict=True)]
        fig.add_scatter(
            x=part["col"], y=-part["row"], mode="markers+text", text=text, customdata=part["province"],
            hovertext=hover, hoverinfo="text", showlegend=False, textfont=dict(
                size=11, color=["white" if coloured and s > 0.55 else "#1f2937" for s in shade]),
            marker=dict(symbol="square", size=62, opacity=dim, line=dict(width=0),
                        color=part["value"] if coloured else NONE,
                        colorscale=[[0, LIGHT], [1, DARK]] if coloured else None,
                        cmin=lo if coloured else None, cmax=hi if coloured else None,
                        showscale=coloured, colorbar=dict(title=unit, thickness=12, len=0.5) if coloured else None))
    fig.update_layout(width=760, height=680, margin=dict(l=0, r=0, t=10, b=0), plot_bgcolor="rgba(0,0,0,0)",
                      xaxis=dict(visible=False, range=[-0.6, 8.6], fixedrange=True),
                      yaxis=dict(visible=False, range=[-7.6, 0.6], fixedrange=True), dragmode=False)
    return fig


def _num(v, digits: int) -> str:
    return "—" if v is None or pd.isna(v) else f"{round(float(v), digits):g}"


def picked(event) -> str | None:
    """The province a click chose, from st.plotly_chart's selection event."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for p in points or []:
        cd = p.get("customdata")
        name = cd[0] if isinstance(cd, list) else cd
        if isinstance(name, str) and name in {r["province"] for r in load_tiles()}:
            return name
    return None
