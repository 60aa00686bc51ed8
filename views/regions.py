"""地区 Regions: a province tile grid coloured by report count, an indicator or a scheme's score; a click filters."""
from __future__ import annotations

import streamlit as st

from ui import briefing_page
from ui import region as rg
from ui import scorecard as sc
from ui.db import run_query
from ui.i18n import t
from ui.page import PLOT_CONFIG, indicator_names, indicator_units, nothing_matches, start

filters = start("region.title", "region.caption")
if filters is not None:
    # Every province stays on the grid whatever the province and city filters say: a click sets them.
    wide = {**filters, "provinces": [], "cities": []}
    years = sc.years(wide)
    if not years:
        nothing_matches()
        st.stop()
    used = run_query("indicators", wide)
    codes = used.loc[used["n_facts"] > 0, "code"].tolist() if not used.empty else []
    names, units = indicator_names(), indicator_units()
    options = rg.metric_options(codes)
    c1, c2 = st.columns([3, 1])
    if st.session_state.get("rg_metric") not in options:
        wanted = st.query_params.get("metric")
        st.session_state["rg_metric"] = wanted if wanted in options else options[0]
    metric = c1.selectbox(t("region.metric"), options, key="rg_metric", format_func=lambda m: rg.metric_label(m, names))
    year = c2.selectbox(t("region.year"), years, key="rg_year")
    st.query_params["metric"] = metric
    kind, _, arg = metric.partition(":")
    unit = units.get(arg, "") if kind == "ind" else t(f"region.unit_{kind}")
    if kind == "score":
        st.warning(t("region.score_note"))
    tiles = rg.tile_frame(rg.values(metric, wide, year))
    n = st.session_state.setdefault("rg_clicks", 0)  # a new key after each click clears the chart's selection
    fig = rg.figure(tiles, filters["provinces"], unit)
    briefing_page.chart(fig, PLOT_CONFIG, "rg_tiles")  # a captioned copy for 导出简报 (the grid has no toolbar)
    event = st.plotly_chart(fig, key=f"rg_tiles_{n}", on_select="rerun",
                            selection_mode="points", config={**PLOT_CONFIG, "displayModeBar": False}, width="content")
    chosen = rg.picked(event)
    if chosen and filters["provinces"] != [chosen]:
        # The sidebar adopts filters that arrive in the URL (ui/filters.py): the click goes that way.
        st.query_params["province"] = [chosen]
        if "city" in st.query_params:
            del st.query_params["city"]
        st.session_state["rg_clicks"] = n + 1
        st.rerun()
    st.caption(t("region.click_hint"))
    shown = tiles[tiles["reports"].notna()].sort_values("value", ascending=False, na_position="last")
    table = shown.assign(value=shown["value"].round(2), reports=shown["reports"].astype("Int64"),
                         stated=shown["stated"].astype("Int64"))[["name", "value", "reports", "stated"]]
    table = table.rename(columns={"name": t("region.col.province"), "value": t("region.col.value", unit=unit),
                                  "reports": t("region.col.reports"), "stated": t("region.col.stated")})
    st.dataframe(table, hide_index=True, key="rg_table")
    briefing_page.table(table, f"{rg.metric_label(metric, names)} · {year}")
