"""对比 Compare: two to five agencies side by side: indicator values and coverage of the 纲要 areas."""
from __future__ import annotations

import streamlit as st

from ui.charts import area_chart
from ui.db import run_query
from ui.exports import export_buttons
from ui.i18n import t, t_opt
from ui.page import (
    dashes,
    indicator_names,
    labelled,
    link_column,
    nothing_matches,
    plot,
    provenance,
    start,
    with_links,
)
from ui.shape import area_shares, compare_table
from ui.urlstate import adopt, keep

MIN_PICK, MAX_PICK = 2, 5
DETAIL = ["agency", "year", "indicator", "value", "unit", "approx", "method", "review_status", "extracted_value",
          "reviewer", "n_values", "evidence", "report_id", "file_name", "seq"]



def busiest(reports) -> list[str]:
    """The default pick: the agency with reports in the most years, and the one that shares most of those years
    with it (then by name), so the first view compares two agencies that both have data in one year."""
    df = reports.dropna(subset=["agency", "year"])
    if df.empty:
        return []
    years = df.groupby("agency")["year"].agg(set)
    first = min(years.index, key=lambda a: (-len(years[a]), a))
    rest = [a for a in years.index if a != first]
    second = min(rest, key=lambda a: (-len(years[a] & years[first]), -len(years[a]), a)) if rest else None
    return [a for a in (first, second) if a is not None]


filters = start("compare.title", "compare.caption")
if filters is not None:
    reports = run_query("report_list", filters)
    agencies = sorted(reports["agency"].dropna().unique()) if not reports.empty else []
    if len(agencies) < MIN_PICK:
        nothing_matches() if not agencies else st.info(t("compare.need_two"))
    else:
        # Keeps only agencies the current filter still shows; starts on the agencies with the most years.
        adopt("cmp_pick", "pick", agencies, busiest(reports), many=True)
        st.session_state["cmp_pick"] = st.session_state["cmp_pick"][:MAX_PICK]
        pick = st.multiselect(t("compare.pick"), agencies, key="cmp_pick", max_selections=MAX_PICK,
                              placeholder=t("common.choose"))
        keep("pick", pick)
        if len(pick) < MIN_PICK:
            st.info(t("compare.need_two"))
        else:
            names = indicator_names()
            values = run_query("compare_values", {**filters, "pick": pick})
            years = sorted({int(y) for y in values["year"].dropna()}, reverse=True)
            st.subheader(t("compare.indicators"))
            if not years:
                st.info(t("compare.no_values"))
                table = values
            else:
                # The default year is the latest in which most of the picked agencies state values.
                per_year = values.groupby("year")["agency"].nunique()
                adopt("cmp_year", "year", years, max(years, key=lambda y: (per_year.get(y, 0), y)))
                year = st.selectbox(t("compare.year"), years, key="cmp_year")
                keep("year", year)
                table = compare_table(values, year, names)
                st.caption(t("compare.cell_help"))
                table = table.reset_index().rename(columns={"indicator_name": t("col.indicator")})
                missing = [a for a in pick if a not in table.columns]
                for a in missing:  # an agency without a report that year is a column of dashes, not absent
                    table[a] = "—"
                st.dataframe(table, hide_index=True, key="cmp_table")
            files = reports.loc[reports["agency"].isin(pick), "file_name"].tolist()
            codes = values["indicator"].unique().tolist() if not values.empty else []
            # One row per value: a number in its own cell, unit and approximation beside it, the review status
            # (with the extracted value and the reviewer), the sentence and the report it comes from.
            detail = values[values["year"] == year] if years else values
            detail = detail.rename(columns={"status": "review_status"}).merge(
                reports[["report_id", "file_name"]], on="report_id", how="left")
            detail = detail[[c for c in DETAIL if c in detail]]
            with st.expander(t("compare.detail"), expanded=True):
                shown = dashes(labelled(with_links(detail, filters).drop(columns=["report_id"])))
                st.dataframe(shown, hide_index=True, key="cmp_detail", column_config=link_column())
            export_buttons(labelled(detail.drop(columns=["seq"], errors="ignore")), "compare",
                           provenance(filters, t("compare.indicators"), files, codes, agencies=", ".join(pick)),
                           key="cmp")

            st.subheader(t("compare.areas"))
            st.caption(t("compare.areas_help"))
            shares = area_shares(run_query("compare_areas", {**filters, "pick": pick}))
            area_labels = {a: t_opt("area", a) for a in shares["area"].unique()} if not shares.empty else {}
            if shares.empty:
                st.info(t("compare.no_areas"))
            else:
                plot(area_chart(shares, area_labels), key="cmp_area_chart")
            area_table = shares.assign(area=shares["area"].map(lambda a: area_labels.get(a, a)),
                                       share=(shares["share"] * 100).round(1))
            area_table = labelled(area_table)
            st.dataframe(area_table, hide_index=True, key="cmp_area_table")
            export_buttons(area_table, "compare_areas",
                           provenance(filters, t("compare.areas"), files, agencies=", ".join(pick)), key="cmp_area")
