"""Report reader helpers: safe HTML of report text with numbers highlighted, metadata rows, the checklist."""
from __future__ import annotations

import html
import json

import pandas as pd

from ui.evidence import explain
from ui.i18n import t, t_opt
from ui.shape import highlight_segments

META_ROWS = ("agency", "agency_type", "level", "province", "city", "county", "year", "published", "url")
PARTS = ("achievements", "problems", "first_responsible", "next_year_plan")
_MARK = "background:#ffe08a;padding:0 2px;border-radius:3px"
_FOCUS = "background:#e76f51;color:#fff;padding:0 2px;border-radius:3px;outline:2px solid #e76f51"


def text_html(text: str, facts: pd.DataFrame, focus: int | None = None) -> str:
    """The report text as HTML where EVERY character of the report is escaped; only our <mark>s are markup.

    Facts are marked by their char_start/char_end; the focused fact (by seq) gets its own colour and id.
    """
    spans = [(int(s), int(e), str(int(q))) for s, e, q in
             zip(facts["char_start"], facts["char_end"], facts["seq"], strict=True)] if not facts.empty else []
    parts = []
    for segment, key in highlight_segments(text, spans):
        esc = html.escape(segment, quote=True)
        if key is None:
            parts.append(esc)
        else:
            style = _FOCUS if focus is not None and int(key) == focus else _MARK
            parts.append(f'<mark id="fact-{key}" style="{style}" title="#{key}">{esc}</mark>')
    body = "".join(parts)
    return ('<div style="white-space:pre-wrap;line-height:1.8;font-size:0.95rem;max-height:70vh;overflow-y:auto;'
            f'border:1px solid #ddd;padding:0.8rem;border-radius:6px">{body}</div>')


def context_html(text: str, facts: pd.DataFrame, focus: int, width: int = 120) -> str:
    """A short window of text around the focused fact, highlighted, for 'jump to this number'."""
    row = facts[facts["seq"] == focus]
    if row.empty:
        return ""
    s, e = int(row["char_start"].iat[0]), int(row["char_end"].iat[0])
    lo, hi = max(0, s - width), min(len(text), e + width)
    window = facts[(facts["char_start"] >= lo) & (facts["char_end"] <= hi)].copy()
    window["char_start"] -= lo
    window["char_end"] -= lo
    return text_html(text[lo:hi], window, focus).replace("max-height:70vh;", "")


def meta_rows(meta: pd.Series) -> pd.DataFrame:
    """Field, value and where it came from (title, body, manifest, inferred), with the text that settled it."""
    try:
        evidence = json.loads(meta.get("meta_evidence") or "{}")
    except (TypeError, ValueError):
        evidence = {}
    rows = []
    for f in META_ROWS:
        value = meta.get(f)
        if f == "level":
            value = t_opt("level", value) if value is not None else None
        elif f == "agency_type":
            value = t_opt("agency_type", value) if value is not None else None
        shown = t("common.unknown") if value is None or (not isinstance(value, str) and pd.isna(value)) \
            else str(value)
        src = meta.get(f"{f}_src")
        rows.append({t("col.field"): t(f"field.{f}"), t("col.value"): shown,
                     t("col.source"): t_opt("src", src) if isinstance(src, str) else "—",
                     t("col.evidence"): explain(evidence.get(f, ""))})
    return pd.DataFrame(rows)


def checklist(meta: pd.Series) -> pd.DataFrame:
    """The four required parts plus on-time publication, each ✓ / ✗ (— when there is no date)."""
    rows = [{t("col.item"): t(f"part.{p}"), t("col.present"): "✓" if bool(meta.get(f"has_{p}")) else "✗"}
            for p in PARTS]
    on_time = meta.get("on_time")
    mark = "—" if on_time is None or on_time is pd.NA or (isinstance(on_time, float) and pd.isna(on_time)) \
        else ("✓" if bool(on_time) else "✗")
    rows.append({t("col.item"): t("overview.on_time"), t("col.present"): mark})
    return pd.DataFrame(rows)


def safe_url(url) -> str | None:
    """Only http(s) links are offered: a javascript: or data: URL from a manifest must not become a link."""
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")) and len(url) < 2000:
        return url
    return None
