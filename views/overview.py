"""总览 Overview: headline counts, the agency × year coverage matrix and the compliance summary."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.charts import compliance_bars, coverage_heatmap
from ui.db import run_query
from ui.exports import export_buttons
from ui.i18n import t
from ui.page import nothing_matches, pct, plot, provenance, source_files, start
from ui.shape import LATE, MISSING, PRESENT, UNDATED, coverage_matrix

PARTS = ("achievements", "problems", "first_responsible", "next_year_plan")
# A heatmap row per agency stays readable (and quick to draw) up to about this many; the table has them all.
MAX_CHART_AGENCIES = 60

filters = start("overview.title", "overview.caption")
counts = run_query("overview_counts", filters) if filters is not None else pd.DataFrame()
if filters is not None and (counts.empty or int(counts.at[0, "reports"]) == 0):
    nothing_matches()
elif filters is not None:
    c = counts.iloc[0]
    cols = st.columns(5)
    for col, key in zip(cols, ("reports", "agencies", "regions", "years", "facts"), strict=True):
        col.metric(t(f"overview.{key}"), f"{int(c[key]):,}")

    st.subheader(t("overview.coverage"))
    st.caption(t("overview.coverage_help"))
    matrix = coverage_matrix(run_query("coverage", filters), filters["year_from"], filters["year_to"])
    status_labels = {s: t(f"status.{s}") for s in (PRESENT, LATE, UNDATED, MISSING)}
    if matrix.empty:
        st.info(t("overview.no_agency"))
    else:
        shown = matrix
        if len(matrix) > MAX_CHART_AGENCIES:
            # The agencies with the most reports first, so the chart shows whose series can be read.
            filled = pd.DataFrame({"n": (matrix != MISSING).sum(axis=1).to_numpy(), "agency": matrix.index})
            order = filled.sort_values(["n", "agency"], ascending=[False, True], kind="mergesort")["agency"]
            shown = matrix.loc[order.head(MAX_CHART_AGENCIES).tolist()]
            st.caption(t("overview.coverage_top", shown=MAX_CHART_AGENCIES, n=f"{len(matrix):,}"))
        plot(coverage_heatmap(shown, status_labels), key="ov_cov_chart")
        table = matrix.map(status_labels.get)
        table.columns = [str(y) for y in table.columns]
        table = table.reset_index().rename(columns={"agency": t("col.agency")})
        st.dataframe(table, hide_index=True, key="ov_cov_table")
        export_buttons(table, "coverage", provenance(filters, t("overview.coverage"), source_files(filters)),
                       key="ov_cov")

    st.subheader(t("overview.compliance"))
    comp = run_query("compliance", filters).iloc[0]
    shares = {t(f"part.{p}"): comp[p] for p in PARTS}
    shares[t("overview.on_time")] = None if int(comp["dated"]) == 0 else comp["on_time"]
    plot(compliance_bars(shares), key="ov_comp_chart")
    comp_table = pd.DataFrame({t("col.item"): list(shares), t("col.share"): [pct(v) for v in shares.values()]})
    st.dataframe(comp_table, hide_index=True, key="ov_comp_table")
    st.caption(t("overview.compliance_help", n=int(comp["reports"]), dated=int(comp["dated"])))
    export_buttons(comp_table, "compliance", provenance(filters, t("overview.compliance"), source_files(filters)),
                   key="ov_comp")
