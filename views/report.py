"""报告 Report reader: metadata with sources, outline, checklist, facts, and the full text with numbers marked."""
from __future__ import annotations

import html

import streamlit as st

from ui.charts import fact_bars
from ui.db import run_query
from ui.evidence import review_reasons
from ui.exports import export_buttons
from ui.i18n import t
from ui.page import dashes, indicator_names, labelled, nothing_matches, plot, provenance, start
from ui.reader import checklist, context_html, meta_rows, safe_url, text_html
from ui.review import ready as review_ready
from ui.urlstate import adopt, keep


def with_status(facts, rid: str):
    """The facts with each one's review status, extracted value and reviewer (from the review views, when the
    warehouse has them): a corrected number says so, and what it was."""
    if facts.empty or not review_ready():
        return facts
    rv = run_query("review_facts", {"report_id": rid})
    if rv.empty:
        return facts
    keys = ["seq", "char_start", "char_end"]
    rv = rv[[*keys, "status", "extracted_value", "reviewer"]].drop_duplicates(keys)
    return facts.merge(rv.rename(columns={"status": "review_status"}), on=keys, how="left")


filters = start("report.title", "report.caption")
if filters is not None:
    reports = run_query("report_list", filters)
    ids = reports["report_id"].tolist() if not reports.empty else []
    wanted = st.query_params.get("report")
    # A link (?report=id) opens its report even when the filters would hide it; unknown ids are ignored.
    if wanted and wanted not in ids and len(wanted) <= 64 and not run_query("report_meta",
                                                                          {"report_id": wanted}).empty:
        ids = [wanted, *ids]
    if not ids:
        nothing_matches()
    else:
        labels = dict(zip(reports["report_id"], reports["year"].astype("string").fillna("?") + " · "
                          + reports["agency"].fillna(t("common.unknown")) + " · " + reports["file_name"],
                          strict=True)) if not reports.empty else {}
        if st.session_state.get("rd_report") not in ids or (wanted in ids and wanted != st.session_state.get(
                "_rd_wanted")):
            st.session_state["rd_report"] = wanted if wanted in ids else ids[0]
        st.session_state["_rd_wanted"] = wanted
        rid = st.selectbox(t("report.pick"), ids, key="rd_report", format_func=lambda r: labels.get(r, r))
        st.query_params["report"] = rid
        meta = run_query("report_meta", {"report_id": rid}).iloc[0]
        text = run_query("report_text", {"report_id": rid}).iat[0, 0]
        facts = with_status(run_query("report_facts", {"report_id": rid}), rid)
        names = indicator_names()

        # Titles come from the report: shown through html.escape, never as Markdown.
        st.html(f"<h3>{html.escape(str(meta['title'] or meta['file_name']))}</h3>")
        url = safe_url(meta["url"])
        if url:
            st.link_button(t("report.source_url"), url)
        if meta["needs_review"]:
            st.warning(t("report.needs_review", reasons=review_reasons(meta["review_reasons"])))
        prov = provenance(filters, str(meta["file_name"]), [meta["file_name"]], report_id=rid)
        c1, c2 = st.columns([3, 2])
        with c1:
            st.markdown(f"**{t('report.meta')}**")
            meta_table = meta_rows(meta)
            st.dataframe(meta_table, hide_index=True, key="rd_meta")
            export_buttons(meta_table, f"metadata_{rid}", prov, key="rd_meta", short=True)
        with c2:
            st.markdown(f"**{t('report.checklist')}**")
            check_table = checklist(meta)
            st.dataframe(check_table, hide_index=True, key="rd_check")
            export_buttons(check_table, f"checklist_{rid}", prov, key="rd_check", short=True)
        st.markdown(f"**{t('report.outline')}**")
        sections = run_query("report_sections", {"report_id": rid})
        outline = sections.assign(heading=sections["depth"].map(lambda d: "　" * (int(d) - 1)) + sections["heading"],
                                  part=sections["part"].map(lambda p: t(f"part.{p}") if isinstance(p, str) else ""))
        outline = labelled(outline[["heading", "part", "char_start", "char_end"]])
        st.dataframe(outline, hide_index=True, key="rd_outline")
        export_buttons(outline, f"outline_{rid}", prov, key="rd_outline")

        st.subheader(t("report.facts"))
        if facts.empty:
            st.info(t("report.no_facts"))
            focus = None
        else:
            plot(fact_bars(facts, names), key="rd_chart")
            shown = facts.assign(indicator=facts["indicator"].map(lambda c: names.get(c, c)))
            shown = labelled(shown[[c for c in ("seq", "indicator", "value", "unit", "approx", "method", "confidence",
                                                "review_status", "extracted_value", "reviewer", "evidence")
                                    if c in shown]])
            event = st.dataframe(dashes(shown), hide_index=True, key="rd_facts", on_select="rerun",
                                 selection_mode="single-row")
            picked = event.selection.rows if event is not None and hasattr(event, "selection") else []
            seqs = facts["seq"].astype(int).tolist()
            jump = {int(q): f"#{int(q)} {names.get(c, c)} {v:g}" for q, c, v in
                    zip(facts["seq"], facts["indicator"], facts["value"], strict=True)}
            # ?fact=<seq> (a link from Rankings, Trends or Compare) opens the report at that number.
            adopt("rd_focus", "fact", [None, *seqs], None)
            focus = seqs[picked[0]] if picked else st.selectbox(
                t("report.jump"), [None, *seqs], key="rd_focus", format_func=lambda q: jump.get(q, "—"))
            keep("fact", focus)
            export_buttons(shown, f"facts_{rid}", provenance(filters, t("report.facts"), [meta["file_name"]],
                                                             facts["indicator"].unique().tolist(),
                                                             report_id=rid), key="rd")
        st.subheader(t("report.text"))
        if focus is not None:
            st.caption(t("report.focus", seq=focus))
            st.html(context_html(text, facts, focus))
        st.html(text_html(text, facts, focus))
