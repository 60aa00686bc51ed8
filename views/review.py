"""审核 Review: a prioritised queue of facts and metadata to check, corrections with an audit trail, progress."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import briefing_page
from ui import review as R
from ui.db import run_query
from ui.evidence import review_reasons
from ui.i18n import labels, t, t_opt
from ui.page import file_uploader, indicator_names, indicator_units, labelled, start
from ui.review import META_FIELDS, C

ALL = "__all__"
CODED = ("level", "agency_type")  # metadata fields holding codes: picked from a list, not typed
NAME_KEPT = "rv_name"
MSG = "rv_msg"  # (kind, text) of the last action, shown once at the top of the next run
QUEUE_SHOWN = 300  # the top of the queue; a big corpus has thousands of items, too many for one selectbox


def reviewer() -> str:
    return str(st.session_state.get(R.REVIEWER_KEY) or "").strip()


def _run(build) -> None:
    """Build corrections and save them; a bad value becomes a message instead of an exception."""
    try:
        made = build()
        R.save(made if isinstance(made, list) else [made])
        st.session_state[MSG] = ("success", t("review.saved"))
    except ValueError as err:
        st.session_state[MSG] = ("error", str(err))


def _fact_act(fact: dict, rep: dict, text: str, action: str, pid: str) -> None:
    ss = st.session_state
    kw = {}
    if action == "edit":
        kw = dict(new_value=ss.get(f"{pid}_value"), new_unit=ss.get(f"{pid}_unit"),
                  new_indicator=ss.get(f"{pid}_indicator"))
    _run(lambda: C.fact_action(fact, rep["content_hash"], text, action, reviewer(), ss.get(f"{pid}_reason") or "",
                               **kw))


def fact_panel(fact: dict, rep: dict, text: str, prefix: str, hist: pd.DataFrame | None = None,
               shortcuts: bool = False) -> None:
    """The evidence with the number marked, then confirm / reject / edit (and withdraw once reviewed).

    Buttons keep stable keys (prefix_confirm ...); inputs are keyed by the fact, so they reset per fact.
    """
    names, units = indicator_names(), indicator_units()
    pid = f"{prefix}_{fact['report_id']}_{int(fact['char_start'])}_{int(fact['char_end'])}"
    st.html(R.evidence_html(text, int(fact["char_start"]), int(fact["char_end"])))
    status = fact.get("status") or "extracted"
    st.html(R.plain_html(f"{names.get(fact['indicator'], fact['indicator'])} = {fact['value']:g} {fact['unit']} · "
                         f"{t('review.status.' + status)} · {t_opt('confidence', fact.get('confidence'))}"))
    disabled = not reviewer()
    st.text_input(t("review.reason"), key=f"{pid}_reason")
    c1, c2, c3 = st.columns(3)
    args = (fact, rep, text)
    # Alt+Y / Alt+X: the queue can be worked from the keyboard (C and R are reserved by Streamlit).
    c1.button(t("review.confirm"), key=f"{prefix}_confirm", disabled=disabled, type="primary",
              on_click=_fact_act, args=(*args, "confirm", pid), shortcut="Alt+Y" if shortcuts else None)
    c2.button(t("review.reject"), key=f"{prefix}_reject", disabled=disabled, on_click=_fact_act,
              args=(*args, "reject", pid), shortcut="Alt+X" if shortcuts else None)
    if status != "extracted":
        c3.button(t("review.withdraw"), key=f"{prefix}_withdraw", disabled=disabled, on_click=_fact_act,
                  args=(*args, "withdraw", pid))
    with st.form(f"{pid}_edit_form", border=True):
        st.caption(t("review.edit_help"))
        codes = sorted(names) or [fact["indicator"]]
        e1, e2, e3 = st.columns(3)
        e1.number_input(t("review.value"), value=float(fact["value"]), key=f"{pid}_value", format="%g")
        e2.text_input(t("review.unit"), value=str(fact["unit"]), key=f"{pid}_unit")
        e3.selectbox(t("common.indicator"), codes, key=f"{pid}_indicator",
                     index=codes.index(fact["indicator"]) if fact["indicator"] in codes else 0,
                     format_func=lambda c: f"{names.get(c, c)} ({units.get(c, '')})")
        st.form_submit_button(t("review.edit"), key=f"{prefix}_edit", disabled=disabled, on_click=_fact_act,
                              args=(*args, "edit", pid))
    if hist is not None:
        mine = R.fact_history(hist, fact)
        st.caption(t("review.fact_history", n=len(mine)))
        if not mine.empty:
            st.dataframe(labelled(_history_cols(mine)), hide_index=True, key=f"{prefix}_hist")


def _history_cols(df: pd.DataFrame) -> pd.DataFrame:
    cols = ["created_at", "reviewer", "action", "field", "indicator", "old_text", "new_text", "new_value",
            "new_unit", "new_indicator", "reason", "char_start", "char_end"]
    return df[[c for c in cols if c in df]].assign(action=df["action"].map(lambda a: t(f"review.action.{a}")))


def _meta_act(rep: dict, prefix: str, withdraw: bool = False) -> None:
    ss = st.session_state
    fld = ss.get(f"{prefix}_field")
    if withdraw:
        _run(lambda: C.Correction(report_id=rep["report_id"], content_hash=rep["content_hash"], target="report",
                                  action="withdraw", field=fld, reviewer=reviewer(),
                                  reason=ss.get(f"{prefix}_mreason") or ""))
    else:
        value = ss.get(f"{prefix}_new_{fld}") if fld in CODED else ss.get(f"{prefix}_new")
        _run(lambda: C.meta_override(rep, fld, value, reviewer(), ss.get(f"{prefix}_mreason") or ""))


def _codes(fld: str) -> list[str]:
    """The known codes of a coded field (level, agency_type): those the label table names."""
    return sorted(k.split(".", 1)[1] for k in labels() if k.startswith(f"{fld}."))


def meta_panel(rep: dict, prefix: str) -> None:
    """Each metadata field: effective value, what was extracted, its source; and an override form."""
    rows = []
    for f in META_FIELDS:
        val, ext = rep.get(f), rep.get(f"extracted_{f}")
        coded = f in CODED  # codes shown by their labels, e.g. county → 县级
        rows.append({t("col.field"): t(f"field.{f}"), t("review.effective"): t_opt(f, val) if coded else _show(val),
                     t("review.extracted"): t_opt(f, ext) if coded else _show(ext),
                     t("col.source"): t_opt("src", rep.get(f"{f}_src"))})
    st.dataframe(pd.DataFrame(rows), hide_index=True, key=f"{prefix}_meta")
    st.caption(t("review.meta_help"))
    disabled = not reviewer()
    m1, m2 = st.columns(2)
    fld = m1.selectbox(t("col.field"), META_FIELDS, key=f"{prefix}_field", format_func=lambda f: t(f"field.{f}"))
    if fld in CODED:
        m2.selectbox(t("review.new_value"), ["", *_codes(fld)], key=f"{prefix}_new_{fld}",
                     format_func=lambda c: t_opt(fld, c) if c else "—")
    else:
        m2.text_input(t("review.new_value"), key=f"{prefix}_new")
    st.text_input(t("review.reason"), key=f"{prefix}_mreason")
    b1, b2 = st.columns(2)
    b1.button(t("review.override"), key=f"{prefix}_override", disabled=disabled, type="primary",
              on_click=_meta_act, args=(rep, prefix))
    b2.button(t("review.withdraw_override"), key=f"{prefix}_mwithdraw", disabled=disabled, on_click=_meta_act,
              args=(rep, prefix, True))


def _show(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return t("common.unknown")
    if hasattr(v, "date") and not isinstance(v, str):
        return v.date().isoformat()
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def _add_act(rep: dict, text: str, spans: list[tuple[int, int]]) -> None:
    ss = st.session_state
    s, e = spans[int(ss.get("rv_add_sentence") or 0)]
    raw_value = (ss.get("rv_add_value") or "").strip()
    units = indicator_units()
    code = ss.get("rv_add_indicator")

    def build():
        value = float(raw_value) if raw_value else None
        return C.add_fact(rep["report_id"], rep["content_hash"], text, s, e, ss.get("rv_add_number") or "", code,
                          (ss.get("rv_add_unit") or "").strip() or units.get(code, ""), reviewer(),
                          ss.get("rv_add_reason") or "", value=value, occurrence=int(ss.get("rv_add_occ") or 1))
    _run(build)


def add_panel(rep: dict, text: str) -> None:
    """Add a missing fact: pick the sentence, type the number as it appears; the span is found and verified."""
    spans = R.sentences(text)
    if not spans:
        return
    names, units = indicator_names(), indicator_units()
    idx = st.selectbox(t("review.sentence"), range(len(spans)), key="rv_add_sentence",
                       format_func=lambda i: text[spans[i][0]:spans[i][1]][:60])
    st.html(R.plain_html(text[spans[idx][0]:spans[idx][1]]))
    a1, a2, a3 = st.columns(3)
    a1.text_input(t("review.number_as_written"), key="rv_add_number")
    a2.number_input(t("review.occurrence"), min_value=1, value=1, step=1, key="rv_add_occ")
    a3.text_input(t("review.value_optional"), key="rv_add_value")
    codes = sorted(names)
    b1, b2 = st.columns(2)
    b1.selectbox(t("common.indicator"), codes, key="rv_add_indicator",
                 format_func=lambda c: f"{names.get(c, c)} ({units.get(c, '')})")
    b2.text_input(t("review.unit_optional"), key="rv_add_unit")
    st.text_input(t("review.reason"), key="rv_add_reason")
    st.button(t("review.add"), key="rv_add", disabled=not reviewer() or not codes, type="primary",
              on_click=_add_act, args=(rep, text, spans))


def _item_label(row: pd.Series, names: dict[str, str]) -> str:
    who = f"{_show(row['agency'])} {_show(row['year'])}"
    if row["kind"] == "metadata":
        return f"{t('review.kind.metadata')} · {who}"
    return f"{t('review.kind.' + row['kind'])} · {who} · {names.get(row['indicator'], row['indicator'])} = " \
           f"{row['value']:g}{row['unit']}"


def queue_tab(filters: dict, report_id: str | None) -> None:
    q = R.queue(filters, report_id)
    if q.empty:
        st.success(t("review.queue_empty"))
        return
    names = indicator_names()
    counts = q["kind"].value_counts()
    st.caption(" · ".join(f"{t('review.kind.' + k)} {int(counts.get(k, 0))}"
                          for k in ("ranked", "low_confidence", "check", "metadata", "other")))
    if len(q) > QUEUE_SHOWN:
        st.caption(t("review.queue_cut", shown=QUEUE_SHOWN, n=len(q)))
        q = q.head(QUEUE_SHOWN)
    # Items are chosen by identity, not position: after a save the reviewed item leaves the queue, and a
    # position would name one item in the box while the panel showed the next.
    ids = [f"{r.kind}|{r.report_id}|{r.seq}" for r in q.itertuples()]
    if st.session_state.get("rv_item") not in ids:
        st.session_state.pop("rv_item", None)
    choice = st.selectbox(t("review.item"), ids, key="rv_item",
                          format_func=lambda i: f"{ids.index(i) + 1}. {_item_label(q.iloc[ids.index(i)], names)}")
    pos = ids.index(choice)
    row = q.iloc[pos].to_dict()
    rep = R.report(row["report_id"])
    if rep is None:
        return
    st.html(R.plain_html(f"{rep['agency'] or rep['file_name']} · {rep['title'] or ''}", "h4"))
    if row["kind"] == "metadata":
        st.info(t("review.meta_missing", fields=", ".join(t(f"field.{f}") for f in str(row["detail"]).split(",")
                                                          if f)))
        meta_panel(rep, "rv_qm")
    else:
        if row["kind"] == "check" and row["detail"]:
            st.html(R.plain_html(t("review.check_detail", detail=row["detail"])))
        fact_panel(row, rep, R.report_text(row["report_id"]), "rv_q", shortcuts=True)
    shown = q.assign(indicator=q["indicator"].map(lambda c: names.get(c, c) if isinstance(c, str) else c),
                     kind=q["kind"].map(lambda k: t(f"review.kind.{k}")),
                     detail=[review_reasons(d) if k == "metadata" else d for k, d in zip(q["kind"], q["detail"],
                                                                                         strict=True)])
    st.dataframe(labelled(shown[["kind", "agency", "year", "indicator", "value", "unit", "confidence",
                                 "evidence", "detail"]]), hide_index=True, key="rv_queue")


def report_tab(report_id: str | None) -> None:
    if report_id is None:
        st.info(t("review.pick_report"))
        return
    rep = R.report(report_id)
    if rep is None:
        st.info(t("review.pick_report"))
        return
    text = R.report_text(report_id)
    hist = R.history(report_id)
    st.html(R.plain_html(f"{rep['agency'] or rep['file_name']} · {t('review.status.' + rep['status'])}", "h4"))
    st.subheader(t("review.metadata"))
    meta_panel(rep, "rv_rm")
    st.subheader(t("review.facts"))
    fx = R.facts(report_id)
    names = indicator_names()
    if not fx.empty:
        shown = fx.assign(indicator=fx["indicator"].map(lambda c: names.get(c, c)),
                          status=fx["status"].map(lambda s: t(f"review.status.{s}")))
        st.dataframe(labelled(shown[["status", "indicator", "value", "unit", "extracted_value", "confidence",
                                     "evidence", "reviewer"]]), hide_index=True, key="rv_facts")
        pos = st.selectbox(t("review.fact"), range(len(fx)), key="rv_fact", format_func=lambda i: (
            f"{i + 1}. {names.get(fx['indicator'].iat[i], fx['indicator'].iat[i])} = {fx['value'].iat[i]:g}"
            f"{fx['unit'].iat[i]} · {t('review.status.' + fx['status'].iat[i])}"))
        fact_panel(fx.iloc[pos].to_dict(), rep, text, "rv_r", hist)
    with st.expander(t("review.add_title")):
        add_panel(rep, text)
    st.subheader(t("review.history"))
    if hist.empty:
        st.caption(t("review.no_history"))
    else:
        st.dataframe(labelled(_history_cols(hist)), hide_index=True, key="rv_history")


def progress_tab(filters: dict) -> None:
    names = indicator_names()
    for by, title in (("indicator", "review.by_indicator"), ("region", "review.by_region")):
        df = R.progress(filters, by)
        st.subheader(t(title))
        if by == "indicator":
            df = df.assign(indicator=df["indicator"].map(lambda c: names.get(c, c)))
        if by == "indicator" and not df.empty:
            done, total = int(df["reviewed"].sum()), int(df["total"].sum())
            st.progress(done / total if total else 0.0, text=t("review.overall", done=done, total=total))
        bar = st.column_config.ProgressColumn(t("review.share"), min_value=0.0, max_value=1.0, format="percent")
        st.dataframe(labelled(df), hide_index=True, key=f"rv_prog_{by}", column_config={t("col.share"): bar})
        briefing_page.table(labelled(df), t(title))  # the review progress goes into 导出简报


def io_tab() -> None:
    st.download_button(t("review.export"), R.export_csv(), "corrections.csv", "text/csv", key="rv_export")
    up = file_uploader(t("review.import"), "rv_import", ["csv"])
    if up is not None and st.button(t("review.import_go"), key="rv_import_go"):
        try:
            plan, bad = R.import_csv(up.getvalue())
        except ValueError as err:
            st.error(str(err))
            return
        st.info(t("review.import_done", new=len(plan.new), dup=len(plan.duplicates), conflicts=len(plan.conflicts),
                  bad=len(bad)))
        if plan.conflicts:
            st.warning(t("review.conflicts"))
            st.dataframe(pd.DataFrame([{"report_id": a.report_id, "field": a.field or a.indicator,
                                        "incoming": f"{a.reviewer}: {a.action} {a.outcome[1:]}",
                                        "standing": f"{b.reviewer}: {b.action} {b.outcome[1:]}"}
                                       for a, b in plan.conflicts]), hide_index=True, key="rv_conflicts")


def attention_box() -> None:
    """Corrections that no longer apply as made; each can be withdrawn here (or redone on the report)."""
    attn = R.attention()
    if attn.empty:
        return
    st.warning(t("review.attention", n=len(attn)))
    with st.expander(t("review.attention_list")):
        shown = attn.assign(problem=attn["problem"].map(lambda p: t(f"review.problem.{p}")),
                            action=attn["action"].map(lambda a: t(f"review.action.{a}")))
        st.dataframe(labelled(shown[["problem", "report_id", "target", "field", "indicator", "action", "old_text",
                                     "new_text", "new_value", "evidence", "reviewer", "created_at"]]),
                     hide_index=True, key="rv_attention")
        pos = st.selectbox(t("review.attention_pick"), range(len(attn)), key="rv_attn_item",
                           format_func=lambda i: f"{i + 1}. {shown['problem'].iat[i]} · {attn['report_id'].iat[i]} · "
                                                 f"{attn['field'].iat[i] or attn['indicator'].iat[i]}")
        st.button(t("review.withdraw"), key="rv_attn_withdraw", disabled=not reviewer(), on_click=_withdraw,
                  args=(attn.iloc[pos].to_dict(),))


def _withdraw(row: dict) -> None:
    _run(lambda: C.withdrawal(C.from_row(row), reviewer(), t("review.withdrawn_reason")))


filters = start("review.title", "review.caption")
if filters is not None and not R.ready():
    st.info(t("review.upgrade_help"))
    st.button(t("review.upgrade"), key="rv_upgrade", on_click=R.upgrade)
elif filters is not None:
    # Streamlit drops a widget's state on pages that do not draw it; a plain key keeps the name across pages.
    if R.REVIEWER_KEY not in st.session_state and NAME_KEPT in st.session_state:
        st.session_state[R.REVIEWER_KEY] = st.session_state[NAME_KEPT]
    st.session_state[NAME_KEPT] = st.sidebar.text_input(t("review.reviewer"), key=R.REVIEWER_KEY,
                                                        placeholder=t("review.reviewer_hint"))
    if MSG in st.session_state:
        kind, text = st.session_state.pop(MSG)
        (st.success if kind == "success" else st.error)(text)
    if not reviewer():
        st.warning(t("review.need_name"))
    attention_box()
    reports = run_query("report_list", filters)
    ids = [ALL, *reports["report_id"].tolist()] if not reports.empty else [ALL]
    titles = {r: f"{_show(a)} · {_show(y)} · {f}" for r, a, y, f in
              zip(reports.get("report_id", []), reports.get("agency", []), reports.get("year", []),
                  reports.get("file_name", []), strict=True)}
    if st.query_params.get("report") in ids and "rv_report" not in st.session_state:
        st.session_state["rv_report"] = st.query_params["report"]
    picked = st.selectbox(t("review.report"), ids, key="rv_report",
                          format_func=lambda r: t("review.all_reports") if r == ALL else titles.get(r, r))
    rid = None if picked == ALL else picked
    tq, tr, tp, tio = st.tabs([t("review.tab_queue"), t("review.tab_report"), t("review.tab_progress"),
                               t("review.tab_io")])
    with tq:
        queue_tab(filters, rid)
    with tr:
        report_tab(rid)
    with tp:
        progress_tab(filters)
    with tio:
        io_tab()
