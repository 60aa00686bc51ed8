"""Export buttons on every page: the file writers live in etl/export_files.py (the CLI export uses them too)."""
from __future__ import annotations

import functools
from typing import Any

import pandas as pd

from etl.export_files import (  # noqa: F401  (re-exported: pages and tests import them from here)
    DATA_SHEET,
    PROVENANCE_SHEET,
    neutralise,
    safe_frame,
    to_csv_bytes,
    to_xlsx_bytes,
)


def export_buttons(df: pd.DataFrame, name: str, provenance: dict[str, Any] | None = None, key: str | None = None,
                   short: bool = False) -> None:
    """Download buttons for one table: CSV (BOM, or plain UTF-8 when ticked) and XLSX with the 说明 sheet.

    `short` labels the buttons "CSV" and "Excel" only, for a table in a narrow column (the Report page)."""
    import streamlit as st

    from ui.briefing_page import table
    from ui.i18n import t

    table(df, name, provenance)  # the page's briefing (导出简报) carries this table
    key = key or name
    c1, c2, c3 = st.columns([1, 1, 2])
    plain = c3.checkbox(t("export.plain_utf8"), key=f"exp_plain_{key}", help=t("export.plain_help"))
    # Deferred: the files are made when a button is clicked, not on every run (an XLSX of 100,000 rows takes
    # seconds, and a page shows several tables). The builders are pure, so they need no script context.
    suffix = "_short" if short else ""
    c1.download_button(t("export.csv" + suffix), functools.partial(to_csv_bytes, df, bom=not plain),
                       file_name=f"{name}.csv",
                       mime="text/csv", key=f"exp_csv_{key}", on_click="ignore")
    c2.download_button(t("export.xlsx" + suffix), functools.partial(to_xlsx_bytes, df, provenance),
                       file_name=f"{name}.xlsx", key=f"exp_xlsx_{key}", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
