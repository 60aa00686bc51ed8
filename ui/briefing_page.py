"""The briefing hook: pages register the charts and tables they draw, and one sidebar button writes them to .docx.

app.py opens a registry before the page runs (`open_registry`) and draws the button after it (`button`);
ui.page.plot registers each chart (`chart`, which also captions it with its source and date, so the PNG the
chart toolbar saves carries them) and ui.exports.export_buttons each table (`table`). The document itself is
built by ui.briefing.build_briefing when the button is clicked, from what this run registered.
"""
from __future__ import annotations

import functools
import html
import os
import re
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui.briefing import MAX_ROWS, Section, build_briefing
from ui.charts import esc
from ui.db import run_query, warehouse_exists, warehouse_path
from ui.filters import current_filters, describe
from ui.i18n import labels, lang, t

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Export names whose tables share one provenance title (the report's file name), and the label of each part.
_PART_OF_NAME = {"metadata": "report.meta", "checklist": "report.checklist", "outline": "report.outline"}
_local = threading.local()  # one script run per thread: the page runs in app.py's thread


@dataclass
class Registry:
    items: list[tuple] = field(default_factory=list)  # ("chart", fig) or ("table", df, title, n_reports)
    note: str | None = None                            # the page's source note, computed once per run


def open_registry():
    """Before the page runs: a fresh registry, and the sidebar slot the button goes into (under the filters)."""
    _local.registry = Registry()
    return st.sidebar.container()


def _registry() -> Registry | None:
    return getattr(_local, "registry", None)


def source_note(filters: dict[str, Any], n_reports: int | None = None) -> str:
    """Warehouse, its date, the number of reports (under the filters, or `n_reports`), the share of facts a
    reviewer has looked at, and today's date, in the reader's language."""
    today = date.today().isoformat()
    if not warehouse_exists():
        return t("briefing.source_none", today=today)
    path = warehouse_path()
    if n_reports is None:
        counts = run_query("overview_counts", filters)
        n_reports = 0 if counts.empty else int(counts.at[0, "reports"])
    progress = run_query("review_progress", filters)
    total = 0 if progress.empty else int(progress["n"].sum())
    reviewed = int(progress.loc[progress["status"] != "extracted", "n"].sum()) if total else 0
    try:
        updated = datetime.fromtimestamp(os.stat(path).st_mtime).date().isoformat()
    except OSError:
        updated = "—"
    return t("briefing.source", warehouse=Path(path).name, updated=updated, n=f"{n_reports:,}",
             reviewed=f"{100 * reviewed / total:.0f}%" if total else "—", today=today)


def _page_note() -> str:
    reg = _registry()
    if reg is None:
        return source_note(current_filters())
    if reg.note is None:
        reg.note = source_note(current_filters())
    return reg.note


def chart(fig: go.Figure, config: dict[str, Any], key: str | None = None) -> tuple[go.Figure, dict[str, Any]]:
    """A copy of `fig` captioned with its source and date (a subtitle, so every PNG of it carries them), the
    plot config with a dated PNG file name, and the figure registered for the briefing."""
    captioned = go.Figure(fig)
    margin_t = captioned.layout.margin.t
    captioned.update_layout(title_subtitle_text=esc(_page_note()),
                            title_subtitle_font=dict(size=11, color="#666666"),
                            margin_t=max(margin_t if margin_t is not None else 0, 80))
    options = {**config.get("toImageButtonOptions", {}),
               "filename": f"fazhi-{key or 'chart'}-{date.today():%Y%m%d}"}
    reg = _registry()
    if reg is not None:
        reg.items.append(("chart", captioned))
    return captioned, {**config, "toImageButtonOptions": options}


def table(df: pd.DataFrame, name: str, provenance: dict[str, Any] | None = None) -> None:
    """Register a table the page shows (with its export buttons) for the briefing."""
    reg = _registry()
    if reg is None or df is None:
        return
    prov = provenance or {}
    sources = prov.get("sources") or []
    title = str(prov.get("title") or name)
    part = _PART_OF_NAME.get(name.split("_", 1)[0])
    if part:  # the Report page titles its tables by the file: say which part of it each one is
        title = f"{t(part)} · {title}"
    reg.items.append(("table", df, title, len(sources) or None))


def _headers(df: pd.DataFrame) -> pd.DataFrame:
    """The rows a briefing shows (a copy of MAX_ROWS, not of a 100,000-row table on every run), with display
    headers: a raw column name with a col.<name> label reads in words; link columns are dropped."""
    known = labels()
    out = df.head(MAX_ROWS).drop(columns=[c for c in df.columns if str(c) == "link"])
    return out.rename(columns={c: t(f"col.{c}") for c in out.columns if f"col.{c}" in known})


def _figure_title(fig: go.Figure) -> str:
    text = fig.layout.title.text or ""
    return html.unescape(re.sub(r"<[^>]+>", " ", text)).strip()


def sections(items: list[tuple], filters: dict[str, Any], page_note: str) -> list[Section]:
    """The registry in page order: a chart and the table drawn after it make one section (the table's title
    heads it); other charts and tables stand alone. A table with source files counts those reports."""
    out: list[Section] = []
    pending: Section | None = None
    for item in items:
        if item[0] == "chart":
            if pending is not None:
                out.append(pending)
            pending = Section(_figure_title(item[1]), figure=item[1], note=page_note)
            continue
        _, df, title, n = item
        note = source_note(filters, n) if n else page_note
        if pending is not None:
            chart_title = pending.heading
            if title and chart_title and title in chart_title:  # 高频词 and 高频词（出现次数）
                title = chart_title
            elif title and chart_title and chart_title not in title:  # 趋势：调解纠纷
                title = f"{title}{t('briefing.heading_sep')}{chart_title}"
            pending.table, pending.heading, pending.note = _headers(df), title or chart_title, note
            pending.rows = len(df)
            out.append(pending)
            pending = None
        else:
            out.append(Section(title, table=_headers(df), note=note, rows=len(df)))
    if pending is not None:
        out.append(pending)
    for i, s in enumerate(out, start=1):
        s.heading = s.heading or t("briefing.chart" if s.figure is not None else "briefing.table", n=i)
    return out


def button(slot, page_title: str, url_path: str) -> None:
    """After the page ran: the 导出简报 (Word) button, building the document from this run's registry on click."""
    reg, _local.registry = _registry(), None
    if reg is None:
        return
    filters = current_filters()
    page_note = reg.note or (source_note(filters) if reg.items else "")
    now = datetime.now()
    data = functools.partial(
        build_briefing, t("briefing.title", page=page_title), describe(filters),
        sections(reg.items, filters, page_note), language=lang(),
        subtitle=t("briefing.subtitle", when=f"{now:%Y-%m-%d %H:%M}", warehouse=Path(warehouse_path()).name))
    slot.download_button(t("briefing.button"), data, file_name=f"briefing-{url_path or 'page'}-{now:%Y%m%d}.docx",
                         mime=DOCX, key="briefing_docx", on_click="ignore", help=t("briefing.help"),
                         icon=":material/description:")
