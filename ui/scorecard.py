"""The 评估 page's data and tables: a scheme's scorecard from the cached queries, labelled in the reader's language."""
from __future__ import annotations

import functools
import json
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from etl.scorecard_inputs import compute
from etl.scorecard_scheme import (
    Item,
    Scheme,
    SchemeError,
    read_scheme_text,
    rule_text,
    scheme_text,
    shipped,
    shipped_ids,
)
from etl.scorecard_xlsx import scorecard_xlsx
from ui.db import current_signature, run_query, warehouse_path
from ui.filters import describe, query_string
from ui.i18n import lang, t, t_opt

URL_PATH = "assessment"  # the page's url_path in app.py
STATUS_ICON = {"scored": "", "missing": "⚠ ", "missing_zero": "⚠ "}


CUSTOM = "__custom__"  # the scheme id of an uploaded scheme, kept in the session as (Scheme, text, upload id)
_CUSTOM_KEY = "as_custom_scheme"


def scheme_ids() -> list[str]:
    return shipped_ids() + ([CUSTOM] if _CUSTOM_KEY in st.session_state else [])


def scheme(scheme_id: str) -> Scheme:
    return st.session_state[_CUSTOM_KEY][0] if scheme_id == CUSTOM else shipped(scheme_id)


def text_of(scheme_id: str) -> str:
    return st.session_state[_CUSTOM_KEY][1] if scheme_id == CUSTOM else scheme_text(scheme_id)


def load_upload(data: bytes, file_name: str, upload_id: str) -> tuple[bool, str]:
    """Validate an uploaded scheme and keep it in the session: (new, '') when it is a new good scheme,
    (False, message) when it is bad; an upload already taken is (False, '')."""
    held = st.session_state.get(_CUSTOM_KEY)
    if held and held[2] == upload_id:
        return False, ""
    try:
        text = data.decode("utf-8-sig")
        st.session_state[_CUSTOM_KEY] = (read_scheme_text(text, file_name), text, upload_id)
    except UnicodeDecodeError:
        return False, f"{file_name}: not UTF-8 text"
    except SchemeError as exc:
        return False, str(exc)
    return True, ""


def name(obj: Scheme | Item) -> str:
    return obj.name_en if lang() == "en" else obj.name_zh


def scheme_label(scheme_id: str) -> str:
    return name(scheme(scheme_id)) + (t("assess.uploaded") if scheme_id == CUSTOM else "")


def basis(s: Scheme) -> str:
    return (s.basis_en if lang() == "en" else s.basis_zh) or ""


def note(item: Item) -> str:
    return (item.note_en if lang() == "en" else item.note_zh) or ""


def years(filters: dict[str, Any]) -> list[int]:
    """Report years under the filters, newest first."""
    df = run_query("report_list", filters)
    return [] if df.empty else sorted({int(y) for y in df["year"].dropna()}, reverse=True)


def card(scheme_id: str, filters: dict[str, Any], year: int) -> dict[str, pd.DataFrame]:
    """{'totals', 'items', 'evidence', 'reports'} of the scheme for the reports of `year` under the filters;
    cached by the scheme itself, the filters, the year and the warehouse file (a new ingest is a new key)."""
    return _card(scheme(scheme_id).model_dump_json(), json.dumps(filters, sort_keys=True, ensure_ascii=False,
                                                                  default=str), int(year), current_signature())


@st.cache_data(max_entries=32, show_spinner=False)
def _card(scheme_json: str, filters_json: str, year: int, signature) -> dict[str, pd.DataFrame]:
    return compute(run_query, Scheme.model_validate_json(scheme_json), json.loads(filters_json), year)


def group_label(key: str, s: Scheme) -> str:
    """'县级 · 司法局(厅)' for the peer group key 'county|justice'."""
    parts = key.split("|")
    return " · ".join(t("common.unknown") if v == "?" else t_opt(f, v) if f in ("level", "agency_type") else v
                      for f, v in zip(s.peer_group, parts, strict=False))


def groups(totals: pd.DataFrame) -> list[str]:
    """Peer groups in view, biggest first (known groups before those with an unknown level or type)."""
    if totals.empty:
        return []
    n = totals.groupby("peer_group")["report_id"].count()
    return sorted(n.index, key=lambda g: ("?" in g.split("|"), -n[g], g))


def fmt(v: Any, digits: int = 2) -> str:
    if v is None or pd.isna(v):
        return "—"
    return f"{round(float(v), digits):g}"


def totals_table(totals: pd.DataFrame, s: Scheme) -> pd.DataFrame:
    """The ranked totals with labelled columns; a missing total reads '—', never 0."""
    return pd.DataFrame({
        t("assess.col.rank"): totals["rank"].map(lambda r: "—" if pd.isna(r) else int(r)).astype(str),
        t("assess.col.agency"): totals["agency"].fillna(t("common.unknown")),
        t("assess.col.total"): totals["total"].map(fmt),
        t("assess.col.max_scored"): totals["max_scored"].map(fmt),
        t("assess.col.missing"): totals["missing"].astype(int),
        t("assess.col.peer_group"): totals["peer_group"].map(lambda g: group_label(g, s)),
        t("assess.col.peers"): totals["peers"].astype(int),
        "link": totals["link"] if "link" in totals else None,
    })


def items_table(items: pd.DataFrame, s: Scheme) -> pd.DataFrame:
    """One report's items in scheme order: value, rule, score of weight, status, review status."""
    by_id = {i.id: i for i in s.items}
    rows = []
    for r in items.to_dict("records"):
        item = by_id[r["item"]]
        value = fmt(r["value"])
        if item.rule.kind == "present" and value != "—":
            value = t("assess.yes") if r["value"] else t("assess.no")
        rows.append({t("assess.col.item"): name(item), t("assess.col.value"): value,
                     t("assess.col.rule"): rule_text(item, lang()),
                     t("assess.col.score"): f"{STATUS_ICON[r['status']]}{fmt(r['score'])} / {fmt(item.weight)}",
                     t("assess.col.status"): t(f"assess.status.{r['status']}"),
                     t("assess.col.review_status"): t_opt("review.status", r["review_status"])
                     if r["review_status"] else "—"})
    return pd.DataFrame(rows)


def evidence_table(evidence: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """An item's facts or headings: text, value, span and review status, with a link to the report."""
    def text(r) -> str:
        if r.get("note") == "no_date":
            return t("assess.note.no_date")
        if r.get("note") == "no_part":
            return t("assess.note.no_part", part=t_opt("part", r["indicator"]))
        if r.get("note") == "published":
            return t("assess.note.published", date=r["detail"], src=t_opt("src", r["indicator"])) + \
                (f"：{r['text'].split(': ', 1)[1]}" if ": " in r["text"] else "")
        return r["text"]

    def what(r) -> str:
        if r["kind"] == "meta":
            return t("assess.kind.meta")
        if r["kind"] == "fact":
            return names.get(r["indicator"], r["indicator"])
        if r["kind"] == "section" and isinstance(r["indicator"], str):
            return t_opt("area", r["indicator"])
        return t(f"assess.kind.{r['kind']}")

    return pd.DataFrame({
        t("assess.col.source"): [what(r) for r in evidence.to_dict("records")],
        t("assess.col.evidence"): [text(r) for r in evidence.to_dict("records")],
        t("assess.col.value"): [fmt(v, 4) + (f" {u}" if isinstance(u, str) else "") if v is not None and not
                                pd.isna(v) else "—" for v, u in zip(evidence["value"], evidence["unit"], strict=True)],
        t("assess.col.span"): [f"{int(a)}–{int(b)}" if pd.notna(a) and pd.notna(b) else "—"
                               for a, b in zip(evidence["char_start"], evidence["char_end"], strict=True)],
        t("assess.col.review_status"): evidence["review_status"].map(
            lambda v: t_opt("review.status", v) if isinstance(v, str) and v else "—"),
        t("assess.col.reviewer"): evidence["reviewer"].fillna("—"),
        "link": evidence["link"],
    })


def chart(totals: pd.DataFrame, items: pd.DataFrame, s: Scheme) -> go.Figure:
    """Stacked horizontal bars: each agency's points per item, best total on top, the total and the number of
    missing items written at the end of the bar (missing items add nothing, and the label says so)."""
    order = totals.iloc[::-1]  # ranked best first; plotly draws the first category at the bottom
    agencies = order["agency"].map(lambda a: t("common.unknown") if a is None or pd.isna(a) else a)
    twice = agencies.duplicated(keep=False).any()  # one agency twice in a year: tell the bars apart by report
    ys = [f"{a} · {r}" if twice else a for a, r in zip(agencies, order["report_id"], strict=True)]
    fig = go.Figure()
    for item in s.items:
        mine = items[items["item"] == item.id].set_index("report_id")["score"]
        fig.add_bar(y=ys, x=[mine.get(r) for r in order["report_id"]], orientation="h", name=name(item))
    ends = [0 if pd.isna(v) else float(v) for v in order["total"]]
    notes = [fmt(v) + (t("assess.chart_missing", n=int(n)) if n else "")
             for v, n in zip(order["total"], order["missing"], strict=True)]
    fig.add_scatter(y=ys, x=ends, mode="text", text=notes, textposition="middle right", showlegend=False,
                    hoverinfo="skip")
    # The legend on the right, one item a line: below the bars it would run into the axis on a short chart.
    fig.update_layout(barmode="stack", height=max(300, 40 * len(order) + 120, 22 * len(s.items) + 100),
                      margin=dict(l=10, r=10, t=40, b=10), xaxis=dict(range=[0, s.total_weight * 1.18]),
                      title=t("assess.chart_title", scheme=name(s)), legend=dict(traceorder="normal"))
    return fig


def xlsx(scheme_id: str, filters: dict[str, Any], year: int, data: dict[str, pd.DataFrame],
         group: str | None) -> functools.partial:
    """The deferred builder of the scorecard workbook (totals, items, 说明) for a download button."""
    s = scheme(scheme_id)
    totals = data["totals"] if group is None else data["totals"][data["totals"]["peer_group"] == group]
    items = data["items"][data["items"]["report_id"].isin(totals["report_id"])]
    synthetic = run_query("synthetic_count", {**filters, "year_from": year, "year_to": year})
    n_syn = 0 if synthetic.empty else int(synthetic.iat[0, 0])
    notes = {"年度 / Year": str(year),
             "同组 / Peer group shown": group_label(group, s) if group else t("assess.all_groups"),
             "筛选条件 / Filters": "; ".join(f"{k}: {v}" for k, v in describe(filters).items()),
             "视图网址 / View URL": URL_PATH + query_string(filters, scheme=scheme_id, year=str(year)),
             "仓库 / Warehouse": warehouse_path().rsplit("/", 1)[-1],
             "报告数 / Reports": str(len(totals)),
             "合成数据 / Synthetic rows": (f"含 {n_syn} 份合成（非真实）报告，不能用于评估 / includes {n_syn} "
                                       "synthetic reports: not for assessment") if n_syn else "无 / none"}
    return functools.partial(scorecard_xlsx, s, text_of(scheme_id), totals, items, notes, data["reports"],
                             lang())
