"""Review page helpers: reads through ui.db, writes corrections to the corrections store, safe evidence HTML."""
from __future__ import annotations

import html
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from etl import corrections as C  # noqa: F401  (pages build corrections through ui.review.C)
from etl.records import META_FIELDS  # noqa: F401  (re-exported for the review page)
from etl.sentences import split_sentences
from ui import db
from ui.db import run_query

REVIEWER_KEY = "rv_reviewer"  # session-state key of the sidebar name field
_MARK = "background:#ffe08a;padding:0 2px;border-radius:3px;font-weight:600"
_BOX = ("white-space:pre-wrap;line-height:1.8;font-size:0.95rem;border:1px solid #ddd;padding:0.6rem;"
        "border-radius:6px")


# ---- reads ------------------------------------------------------------------------------------------------
def ready() -> bool:
    """Whether the warehouse has the corrections table (one built before the review feature has not)."""
    df = run_query("review_ready", {})
    return not df.empty and int(df.iat[0, 0]) > 0


def upgrade() -> None:
    """Add the review schema to an older warehouse: a writable open runs schema.sql (idempotent)."""
    from etl.warehouse import writing

    with writing(db.warehouse_path()):
        pass
    db.refresh()


def queue(filters: dict[str, Any], report_id: str | None = None) -> pd.DataFrame:
    return run_query("review_queue", {**filters, "report_id": report_id})


def report(report_id: str) -> dict[str, Any] | None:
    df = run_query("review_report", {"report_id": report_id})
    return None if df.empty else df.iloc[0].to_dict()


def report_text(report_id: str) -> str:
    df = run_query("report_text", {"report_id": report_id})
    return "" if df.empty else str(df.iat[0, 0])


def facts(report_id: str) -> pd.DataFrame:
    return run_query("review_facts", {"report_id": report_id})


def history(report_id: str) -> pd.DataFrame:
    return run_query("review_history", {"report_id": report_id})


def attention() -> pd.DataFrame:
    return run_query("review_attention", {})


def corrections_table() -> pd.DataFrame:
    return run_query("review_corrections", {})


def fact_history(hist: pd.DataFrame, fact: dict[str, Any]) -> pd.DataFrame:
    """The corrections of one fact: same report, original indicator and span (never the volatile seq)."""
    if hist.empty:
        return hist
    key = fact.get("key_indicator") or fact["indicator"]
    m = ((hist["target"] == "fact") & (hist["indicator"] == key)
         & (hist["char_start"] == int(fact["char_start"])) & (hist["char_end"] == int(fact["char_end"])))
    return hist[m]


def progress(filters: dict[str, Any], by: str) -> pd.DataFrame:
    """Facts reviewed / total per `by` ('indicator' or 'region' = province · city), least reviewed first."""
    df = run_query("review_progress", filters)
    if df.empty:
        return pd.DataFrame(columns=[by, "reviewed", "total", "share"])
    df = df.assign(region=df["province"].fillna("?") + " · " + df["city"].fillna("?"),
                   reviewed=df["n"].where(df["status"] != "extracted", 0))
    out = df.groupby(by, as_index=False).agg(reviewed=("reviewed", "sum"), total=("n", "sum"))
    out["share"] = (out["reviewed"] / out["total"]).round(3)
    return out.sort_values(["share", by]).reset_index(drop=True)


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of the report text, the units a reviewer picks to add a missing fact."""
    return [(s.start, s.end) for s in split_sentences(text)]


# ---- safe rendering ---------------------------------------------------------------------------------------
def evidence_html(text: str, start: int, end: int, width: int = 80) -> str:
    """A window of report text around [start, end) with the number marked. Every character of the report
    is escaped; our <mark> and <div> are the only markup, and st.html never reads it as Markdown."""
    lo, hi = max(0, start - width), min(len(text), end + width)
    before, number, after = (html.escape(text[lo:start]), html.escape(text[start:end]), html.escape(text[end:hi]))
    return (f'<div style="{_BOX}">{"…" if lo else ""}{before}<mark style="{_MARK}">{number}</mark>'
            f'{after}{"…" if hi < len(text) else ""}</div>')


def plain_html(text: str, tag: str = "div") -> str:
    """Report-derived text (agency names, titles) as escaped HTML."""
    return f"<{tag}>{html.escape(str(text))}</{tag}>"


# ---- writes -----------------------------------------------------------------------------------------------
def save(corrections: list[C.Correction]) -> int:
    """Append corrections to the corrections store beside the warehouse (etl/corrections_store.py): the
    warehouse file is not rewritten and no cache is cleared; every session's next read shows them."""
    wh = db.warehouse()
    if wh is None:
        raise ValueError("没有数据仓库 / there is no warehouse")
    return C.save(wh, corrections)


def import_csv(data: bytes) -> tuple[C.ImportPlan, list[tuple[int, str]]]:
    """Merge an uploaded corrections CSV; conflicts are returned for display, never written."""
    from etl.review_exchange import import_corrections

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corrections.csv"
        path.write_bytes(data)
        plan, bad = import_corrections(db.warehouse_path(), str(path))
    return plan, bad


def export_csv() -> bytes:
    """Every correction as CSV bytes (UTF-8 with BOM)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corrections.csv"
        C.write_csv(corrections_table().to_dict("records"), path)
        return path.read_bytes()
