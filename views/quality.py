"""数据质量 Data quality: reports needing review, low-confidence facts and consistency failures, with links."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.charts import count_bars
from ui.db import run_query
from ui.exports import export_buttons
from ui.i18n import t
from ui.page import (
    dashes,
    indicator_names,
    labelled,
    link_column,
    nothing_matches,
    plot,
    provenance,
    source_files,
    start,
    with_links,
)

filters = start("quality.title", "quality.caption")
files = source_files(filters) if filters is not None else []
if filters is not None and not files:
    nothing_matches()
elif filters is not None:
    names = indicator_names()
    review = run_query("quality_review", filters)
    low = run_query("quality_low_conf", filters)
    checks = run_query("quality_checks", filters)
    counts = pd.DataFrame({"kind": [t("quality.review"), t("quality.low"), t("quality.checks")],
                           "n": [len(review), len(low), len(checks)]})
    plot(count_bars(counts, "kind", "n"), key="q_chart")
    summary = counts.rename(columns={"kind": t("col.item"), "n": t("col.n")})
    st.dataframe(summary, hide_index=True, key="q_summary")
    export_buttons(summary, "quality_summary", provenance(filters, t("quality.title"), files), key="q_summary")
    if counts["n"].sum() == 0:
        st.success(t("quality.all_clear"))
    review = review.assign(review_reasons=review["review_reasons"].map(
        lambda r: ", ".join(t(f"field.{f}") for f in str(r).split(",") if f)))
    for df, key, title in ((review, "review", "quality.review"), (low, "low", "quality.low"),
                           (checks, "checks", "quality.checks")):
        st.subheader(f"{t(title)} ({len(df)})")
        st.caption(t(f"{title}_help"))
        if df.empty:
            st.info(t("quality.none"))
            continue
        if "indicator" in df:
            df = df.assign(indicator=df["indicator"].map(lambda c: names.get(c, c)))
        shown = labelled(with_links(df, filters))
        st.dataframe(dashes(shown), hide_index=True, key=f"q_{key}", column_config=link_column())
        export_buttons(shown.drop(columns=["link"]), f"quality_{key}",
                       provenance(filters, t(title), files), key=f"q_{key}")
