"""趋势 Trends: one indicator over years, one line per agency, or per region without ever summing agencies."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.charts import peer_band, trend_lines
from ui.db import run_query
from ui.exports import export_buttons
from ui.i18n import t, t_opt
from ui.page import (
    choose_stated_indicator,
    dashes,
    labelled,
    link_column,
    plot,
    provenance,
    start,
    with_links,
    with_review,
)
from ui.shape import peer_stats, trend_series
from ui.urlstate import adopt, keep, url_value

MAX_DEFAULT_LINES = 8  # more lines than this are unreadable; the user can add more
MODES, SHOWS = ["agency", "region"], ["each", "median"]


def most_years(facts: pd.DataFrame, col: str) -> list[str]:
    """The MAX_DEFAULT_LINES values of `col` with the most years of data: lines worth drawing by default."""
    years = facts.dropna(subset=[col]).groupby(col)["year"].nunique()
    return years.sort_values(ascending=False, kind="stable").head(MAX_DEFAULT_LINES).index.tolist()


def pick_lines(label: str, options: list[str], default: list[str], key: str, signature: tuple) -> list[str]:
    """A multiselect whose choice starts again from `default` whenever its options change (another indicator,
    province or year range): a stale choice from other options would leave the chart empty."""
    ss = st.session_state
    if key + "_sig" not in ss:  # the session's first look: a shared link's lines (?line=…) come first
        default = url_value("line", options, many=True) or default
    if ss.get(key + "_sig") != signature or key not in ss:
        ss[key] = default
        ss[key + "_sig"] = signature
    else:
        ss[key] = [v for v in ss[key] if v in options]
    picked = st.multiselect(label, options, key=key, placeholder=t("common.choose"))
    keep("line", picked)
    return picked

filters = start("trends.title", "trends.caption")
chosen = choose_stated_indicator(filters, "tr_indicator") if filters is not None else None
if chosen is not None:
    code, names, units = chosen
    facts = with_review(run_query("best_facts", {**filters, "indicator": code}))  # status in every hover
    facts["region"] = facts["province"].fillna("") + facts["city"].fillna("")
    lo = filters["year_from"] or int(facts["year"].min())
    hi = filters["year_to"] or int(facts["year"].max())
    years = list(range(int(lo), int(hi) + 1))
    adopt("tr_mode", "mode", MODES, MODES[0])
    mode = st.radio(t("trends.by"), MODES, horizontal=True, key="tr_mode", format_func=lambda m: t(f"trends.by_{m}"))
    keep("mode", mode)
    unit = units.get(code, "")
    if mode == "agency":
        options = sorted(facts["agency"].dropna().unique())
        chosen = pick_lines(t("trends.agencies"), options, most_years(facts, "agency"), "tr_agencies",
                            (code, tuple(options)))
        data = facts[facts["agency"].isin(chosen)]
        series = trend_series(data, "agency", years)
        st.caption(t("trends.each_agency"))
        plot(trend_lines(series, "agency", unit, names.get(code, code)), key="tr_chart")
        table = series
    else:
        options = sorted(r for r in facts["region"].unique() if r)
        chosen = pick_lines(t("trends.regions"), options, most_years(facts[facts["region"] != ""], "region"),
                            "tr_regions", (code, tuple(options)))
        adopt("tr_show", "show", SHOWS, SHOWS[0])
        show = st.radio(t("trends.show"), SHOWS, horizontal=True, key="tr_show",
                        format_func=lambda m: t(f"trends.show_{m}"))
        keep("show", show)
        data = facts[facts["region"].isin(chosen)]
        if show == "each":
            data = data.assign(line=data["region"] + " · " + data["agency"].fillna(t("common.unknown")))
            series = trend_series(data, "line", years)
            st.caption(t("trends.each_agency_region"))
            plot(trend_lines(series, "line", unit, names.get(code, code)), key="tr_chart")
            table = series
        else:
            stats = peer_stats(data, "region")
            stats["level"] = stats["level"].map(lambda v: t_opt("level", v))
            stats["agency_type"] = stats["agency_type"].map(lambda v: t_opt("agency_type", v))
            st.caption(t("trends.median_help"))
            plot(peer_band(stats, "region", unit, names.get(code, code)), key="tr_chart")
            table = stats
    st.caption(t("trends.markers"))
    if table.empty or ("value" in table and table["value"].notna().sum() == 0):
        st.info(t("trends.no_values"))
    # Each value's review status beside it: 待审, 已确认 or 已修正 with the extracted value and the reviewer.
    if "value" in table:  # the chart shows the gaps; the table lists the values (an empty row said "None")
        table = table[table["value"].notna()]
    table = labelled(table.drop(columns=["review"], errors="ignore").rename(columns={"status": "review_status"}))
    # 打开 opens the report at the number (report=…&fact=…); the export keeps the report id instead of the link.
    shown = with_links(table.rename(columns={t("col.report_id"): "report_id", t("col.seq"): "seq"}), filters).drop(
        columns=["report_id"]) if t("col.report_id") in table else table
    table = table.drop(columns=[t("col.seq")], errors="ignore")
    st.dataframe(dashes(shown), hide_index=True, key="tr_table", column_config=link_column())
    sources = data["report_id"].tolist() if "report_id" in data else []
    files = run_query("report_list", filters)
    files = files.loc[files["report_id"].isin(sources), "file_name"].tolist() if not files.empty else []
    export_buttons(pd.DataFrame(table), f"trend_{code}",
                   provenance(filters, t("trends.title"), files, [code], mode=mode), key="tr")
