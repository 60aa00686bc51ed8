"""排名 Rankings: one indicator in one year, within one level and agency type by default; ties and gaps shown."""
from __future__ import annotations

import streamlit as st

from ui.charts import ranking_bars
from ui.db import run_query
from ui.exports import export_buttons
from ui.i18n import t, t_opt
from ui.page import (
    choose_stated_indicator,
    labelled,
    link_column,
    plot,
    provenance,
    review_note,
    start,
    with_links,
)
from ui.shape import ranking
from ui.urlstate import adopt, keep

ALL = "__all__"  # the peer-group choice that drops like-for-like comparison; the page says so
SORTS = ["value", "change"]

filters = start("rank.title", "rank.caption")
chosen = choose_stated_indicator(filters, "rk_indicator") if filters is not None else None
if chosen is not None:
    code, names, units = chosen
    unit = units.get(code, "")
    facts = run_query("best_facts", {**filters, "indicator": code})
    years = sorted({int(y) for y in facts["year"].dropna()}, reverse=True)
    c1, c2, c3 = st.columns(3)
    adopt("rk_year", "year", years, years[0] if years else None)
    year = c1.selectbox(t("rank.year"), years, key="rk_year")
    keep("year", year)
    groups = run_query("peer_groups", {**filters, "rank_year": year})
    choices = [f"{lv}|{ty}" for lv, ty in zip(groups["level"], groups["agency_type"], strict=True)] + [ALL]

    def group_label(g: str) -> str:
        if g == ALL:
            return t("rank.all_groups")
        lv, ty = g.split("|", 1)
        return f"{t_opt('level', lv)} · {t_opt('agency_type', ty)}"

    adopt("rk_group", "group", choices, choices[0])
    group = c2.selectbox(t("rank.peer_group"), choices, key="rk_group", format_func=group_label)
    adopt("rk_sort", "sort", SORTS, SORTS[0])
    sort_by = c3.radio(t("rank.sort_by"), SORTS, key="rk_sort", horizontal=True,
                       format_func=lambda s: t(f"rank.sort_{s}"))
    keep("group", group)
    keep("sort", sort_by)
    level, atype = (None, None) if group == ALL else group.split("|", 1)
    if group == ALL:
        st.warning(t("rank.not_like_for_like"))
    else:
        st.info(t("rank.peer_note", group=group_label(group), year=year))
    # The year before must count for "change" even when the filter starts at the ranked year.
    base = run_query("rank_base", {**filters, "year_from": None, "year_to": None, "indicator": code,
                                   "rank_year": year, "peer_level": level, "peer_type": atype})
    ranked = ranking(base, year, sort_by)
    if "review_status" in ranked:  # the hover says whether a reviewer confirmed or corrected the value
        ranked["review"] = [review_note(s, e, r) for s, e, r in zip(
            ranked["review_status"], ranked["extracted_value"], ranked["reviewer"], strict=True)]
    metric = "change" if sort_by == "change" else "value"
    if ranked[metric].notna().sum() == 0:
        st.info(t("rank.no_values"))
    else:
        plot(ranking_bars(ranked, metric, unit, f"{names.get(code, code)} · {year}"), key="rk_chart")
    ties = int(ranked["tie"].sum())
    missing = int((ranked["status"] == "missing").sum())
    st.caption(t("rank.ties_missing", ties=ties, missing=missing))
    several = int((ranked["n_values"].fillna(0) > 1).sum()) if "n_values" in ranked else 0
    if several:
        st.caption(t("rank.several", n=several))
    if "review_status" in ranked:
        reviewed = ranked["review_status"].value_counts()
        n = int(reviewed.drop(labels=["extracted"], errors="ignore").sum())
        st.caption(t("rank.reviewed", n=n, confirmed=int(reviewed.get("confirmed", 0)),
                     corrected=int(reviewed.get("corrected", 0)), added=int(reviewed.get("added", 0))))
    table = ranked.assign(status=ranked["status"].map(lambda s: t(f"rank.status_{s}"))).drop(
        columns=["review"], errors="ignore")
    shown = labelled(with_links(table, filters).drop(columns=["report_id"]))
    st.dataframe(shown, hide_index=True, key="rk_table", column_config=link_column())
    listed = run_query("report_list", filters)
    files = listed.loc[listed["report_id"].isin(base["report_id"]), "file_name"].tolist()
    # The export keeps what traces a row back to its source: the report id and its file.
    traced = table.merge(listed[["report_id", "file_name"]], on="report_id", how="left") if not listed.empty \
        else table.assign(file_name=None)
    export_buttons(labelled(traced.drop(columns=["seq"], errors="ignore")), f"ranking_{code}_{year}",
                   provenance(filters, t("rank.title"), files, [code], year=year, peer_group=group_label(group),
                              sort_by=sort_by), key="rk")
