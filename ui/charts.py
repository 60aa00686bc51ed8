"""Plotly figure builders: pure functions of DataFrames, so tests can read their traces."""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from ui.shape import LATE, MISSING, PRESENT, UNDATED

# Fonts that carry CJK glyphs, so the PNG from the chart toolbar keeps Chinese text (fonts-noto-cjk on Debian).
FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
STATUS_CODE = {MISSING: 0, LATE: 1, UNDATED: 2, PRESENT: 3}
STATUS_COLOURS = [[0.0, "#eeeeee"], [0.25, "#eeeeee"], [0.25, "#f4a261"], [0.5, "#f4a261"],
                  [0.5, "#a8dadc"], [0.75, "#a8dadc"], [0.75, "#2a9d8f"], [1.0, "#2a9d8f"]]


def esc(value) -> str:
    """Text from reports, for Plotly: its labels understand a little HTML (<a>, <b>, <br>), so escape it."""
    return html.escape("" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value),
                       quote=False)


def _layout(fig: go.Figure, title: str = "", **kw) -> go.Figure:
    fig.update_layout(title=title, font=dict(family=FONT), margin=dict(l=10, r=10, t=50, b=10),
                      legend=dict(orientation="h", y=-0.2), **kw)
    return fig


def coverage_heatmap(matrix: pd.DataFrame, labels: dict[str, str], title: str = "") -> go.Figure:
    """Agency × year cells coloured by status; the hover says the status in words."""
    z = matrix.map(STATUS_CODE.get).values if not matrix.empty else []
    text = matrix.map(lambda s: labels.get(s, s)).values if not matrix.empty else []
    fig = go.Figure(go.Heatmap(z=z, x=[str(c) for c in matrix.columns], y=[esc(a) for a in matrix.index], text=text,
                               texttemplate="%{text}", hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
                               zmin=0, zmax=3,
                               colorscale=STATUS_COLOURS, showscale=False, xgap=2, ygap=2))
    # Tall enough for one readable row per agency, within what a screen can take.
    height = min(max(160 + 36 * len(matrix.index), 260), 2400)
    return _layout(fig, title, xaxis=dict(type="category", side="top"), yaxis=dict(autorange="reversed"),
                   height=height)


def compliance_bars(shares: dict[str, float], title: str = "") -> go.Figure:
    """Share of reports (in %) with each required part and on time."""
    names, values = list(shares), [None if v is None else round(100 * v, 1) for v in shares.values()]
    fig = go.Figure(go.Bar(x=values, y=names, orientation="h", text=[f"{v}%" if v is not None else "—"
                                                                      for v in values],
                           hovertemplate="%{y}: %{x}%<extra></extra>"))
    return _layout(fig, title, xaxis=dict(range=[0, 100], ticksuffix="%"), yaxis=dict(autorange="reversed"))


def trend_lines(series: pd.DataFrame, entity: str, unit: str, title: str = "",
                approx_label: str = "≈", derived_label: str = "*") -> go.Figure:
    """One line per entity over years; NaN years break the line (gaps, never zeros).

    Markers: a circle for a reported value, a diamond for a derived one; approximate values are hollow.
    """
    fig = go.Figure()
    for name, g in series.groupby(entity, sort=True):
        g = g.sort_values("year")
        approx = g["approx"].fillna(False).astype(bool) if "approx" in g else pd.Series(False, index=g.index)
        derived = g["method"].eq("derived") if "method" in g else pd.Series(False, index=g.index)
        symbols = [("diamond" if d else "circle") + ("-open" if a else "") for a, d in zip(approx, derived,
                                                                                             strict=True)]
        flags = [(approx_label if a else "") + (derived_label if d else "") for a, d in zip(approx, derived,
                                                                                             strict=True)]
        evidence = g["evidence"].map(esc) if "evidence" in g else [""] * len(g)
        review = g["review"].map(esc) if "review" in g else [""] * len(g)  # 已确认 / 已修正：原为 … (ui.page)
        fig.add_trace(go.Scatter(
            x=g["year"], y=g["value"], name=esc(name), mode="lines+markers", connectgaps=False,
            marker=dict(symbol=symbols, size=10), customdata=list(zip(flags, evidence, review, strict=True)),
            hovertemplate="%{x}: %{y:,}" + unit + " %{customdata[0]} · %{customdata[2]}<br>%{customdata[1]}<extra>"
                          + esc(name) + "</extra>"))
    return _layout(fig, title, xaxis=dict(dtick=1, tickformat="d"), yaxis=dict(title=unit, rangemode="tozero"))


def peer_band(stats: pd.DataFrame, group: str, unit: str, title: str = "") -> go.Figure:
    """Median line with a quartile band per group (region · level · type); n in the hover."""
    fig = go.Figure()
    for key, g in stats.groupby([group, "level", "agency_type"], sort=True):
        g = g.sort_values("year")
        name = esc(" · ".join(str(k) for k in key))
        fig.add_trace(go.Scatter(x=list(g["year"]) + list(g["year"])[::-1],
                                 y=list(g["q3"]) + list(g["q1"])[::-1], fill="toself", opacity=0.2,
                                 line=dict(width=0), hoverinfo="skip", showlegend=False, name=name + " IQR"))
        fig.add_trace(go.Scatter(x=g["year"], y=g["median"], name=name, mode="lines+markers",
                                 customdata=g[["n", "q1", "q3"]].values,
                                 hovertemplate="%{x}: %{y:,}" + unit + " (n=%{customdata[0]}, "
                                               "%{customdata[1]:,}–%{customdata[2]:,})<extra></extra>"))
    return _layout(fig, title, xaxis=dict(dtick=1, tickformat="d"), yaxis=dict(title=unit, rangemode="tozero"))


def ranking_bars(ranked: pd.DataFrame, metric: str, unit: str, title: str = "") -> go.Figure:
    """Sorted horizontal bars, best on top; the hover shows the evidence sentence. Missing values get no bar."""
    df = ranked.dropna(subset=[metric])
    labels = [f"{'=' if tie else ''}{int(r)}. {esc(a)}" for a, r, tie in
              zip(df["agency"], df["rank"], df["tie"], strict=True)]
    fig = go.Figure(go.Bar(
        x=df[metric], y=labels, orientation="h",
        customdata=list(zip(df["evidence"].map(esc), df["previous"],
                            df["review"].map(esc) if "review" in df else [""] * len(df), strict=True)),
        hovertemplate="%{y}: %{x:,}" + unit + " · %{customdata[2]}<br>%{customdata[0]}<extra></extra>"))
    height = min(max(140 + 32 * len(labels), 260), 3000)  # bars of a readable thickness, one per agency
    return _layout(fig, title, yaxis=dict(autorange="reversed"), xaxis=dict(title=unit), height=height)


def area_chart(shares: pd.DataFrame, area_labels: dict[str, str], title: str = "") -> go.Figure:
    """Grouped bars: share of text (%) per area, one colour per agency."""
    fig = go.Figure()
    areas = sorted(shares["area"].unique()) if not shares.empty else []
    for agency, g in shares.groupby("agency", sort=True):
        g = g.set_index("area").reindex(areas, fill_value=0.0)
        fig.add_trace(go.Bar(x=[area_labels.get(a, a) for a in areas], y=(g["share"] * 100).round(1),
                             name=esc(agency), hovertemplate="%{x}: %{y}%<extra>" + esc(agency) + "</extra>"))
    return _layout(fig, title, barmode="group", yaxis=dict(ticksuffix="%"))


def fact_bars(facts: pd.DataFrame, names: dict[str, str], title: str = "") -> go.Figure:
    """Number of facts per indicator in one report (the report reader's chart)."""
    counts = facts["indicator"].map(lambda c: esc(names.get(c, c))).value_counts().sort_values()
    fig = go.Figure(go.Bar(x=counts.values, y=counts.index, orientation="h"))
    return _layout(fig, title)


def count_bars(df: pd.DataFrame, x: str, y: str, title: str = "") -> go.Figure:
    """A plain bar chart of counts (import outcomes, quality issues)."""
    fig = go.Figure(go.Bar(x=df[x], y=df[y], text=df[y]))
    return _layout(fig, title)
