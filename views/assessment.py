"""评估 Assessment: a scheme's scorecard per agency and year, ranked within like-for-like peers, each item traced."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import briefing_page
from ui import scorecard as sc
from ui.i18n import t
from ui.page import indicator_names, link_column, nothing_matches, plot, report_url, start

ALL = "__all__"  # every peer group, each ranked within itself


def _keep(key: str, options: list, url_key: str, default=None):
    """A choice kept in the session, first taken from the URL (?scheme=…&year=…&group=…) so a view can be shared."""
    if st.session_state.get(key) not in options:
        wanted = st.query_params.get(url_key)
        wanted = int(wanted) if url_key == "year" and wanted and wanted.isdigit() else wanted
        st.session_state[key] = wanted if wanted in options else (default if default in options else options[0])


filters = start("assess.title", "assess.caption")
if filters is not None:
    years = sc.years(filters)
    if not years:
        nothing_matches()
        st.stop()
    with st.expander(t("assess.upload"), icon=":material/upload_file:"):
        st.caption(t("assess.upload_help"))
        up = st.file_uploader(t("assess.upload_file"), type=["yaml", "yml"], key="as_upload")
        if up is not None:
            new, problem = sc.load_upload(up.getvalue(), up.name, up.file_id)
            if new:
                st.session_state["as_scheme"] = sc.CUSTOM
            if problem:
                st.error(t("assess.upload_bad"))
                st.code(problem, language=None)  # plain text: the message quotes the file
    ids = sc.scheme_ids()
    c1, c2, c3 = st.columns([2, 1, 2])
    _keep("as_scheme", ids, "scheme")
    scheme_id = c1.selectbox(t("assess.scheme"), ids, key="as_scheme", format_func=sc.scheme_label)
    _keep("as_year", years, "year")
    year = c2.selectbox(t("assess.year"), years, key="as_year")
    st.query_params["scheme"], st.query_params["year"] = scheme_id, str(year)  # an upload is not in the URL
    scheme = sc.scheme(scheme_id)
    data = sc.card(scheme_id, filters, year)
    totals, items, evidence = data["totals"], data["items"], data["evidence"]
    choices = [*sc.groups(totals), ALL]
    _keep("as_group", choices, "group")
    group = c3.selectbox(t("assess.peer_group"), choices, key="as_group",
                         format_func=lambda g: t("assess.all_groups") if g == ALL else sc.group_label(g, scheme))
    st.query_params["group"] = group
    if sc.basis(scheme):
        st.caption(sc.basis(scheme))
    if totals.empty:
        nothing_matches()
        st.stop()
    if group == ALL:
        st.warning(t("assess.not_like_for_like"))
        place = {g: n for n, g in enumerate(choices)}  # the biggest known group first, as in the picker
        totals = totals.iloc[totals["peer_group"].map(place).argsort(kind="stable")]
    else:
        totals = totals[totals["peer_group"] == group]
        st.info(t("assess.peer_note", group=sc.group_label(group, scheme), year=year, n=len(totals)))
    st.caption(t("assess.missing_rule", max=sc.fmt(scheme.total_weight)))
    shown_items = items[items["report_id"].isin(totals["report_id"])]
    plot(sc.chart(totals, shown_items, scheme), key="as_chart")

    totals = totals.assign(link=[report_url(r, filters) for r in totals["report_id"]])
    st.dataframe(sc.totals_table(totals, scheme), hide_index=True, key="as_totals", column_config=link_column())
    briefing_page.table(sc.totals_table(totals, scheme), f"{t('assess.title')} · {year}")
    st.download_button(t("assess.export"), sc.xlsx(scheme_id, filters, year, data, None if group == ALL else group),
                       file_name=f"scorecard_{scheme_id}_{year}.xlsx", key="as_xlsx", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    st.subheader(t("assess.breakdown"))
    rids = totals["report_id"].tolist()
    label = {r.report_id: f"{t('common.unknown') if pd.isna(r.agency) else r.agency} · {sc.fmt(r.total)}"
             for r in totals.itertuples()}
    if st.session_state.get("as_report") not in rids:
        st.session_state["as_report"] = rids[0]
    rid = st.selectbox(t("assess.agency"), rids, key="as_report", format_func=label.get)
    mine = shown_items[shown_items["report_id"] == rid]
    st.dataframe(sc.items_table(mine, scheme), hide_index=True, key="as_items")
    briefing_page.table(sc.items_table(mine, scheme), f"{t('assess.breakdown')} · {label[rid]}")
    names = indicator_names()
    link = report_url(rid, filters)
    for item in scheme.items:
        row = mine[mine["item"] == item.id].iloc[0]
        head = f"{sc.name(item)} · {sc.fmt(row['score'])} / {sc.fmt(item.weight)} · {t(f'assess.status.{row.status}')}"
        with st.expander(head, icon=":material/warning:" if row["status"] != "scored" else None):
            if sc.note(item):
                st.caption(sc.note(item))
            ev = evidence[(evidence["report_id"] == rid) & (evidence["item"] == item.id)]
            if ev.empty:
                st.info(t("assess.no_evidence"))
            else:
                st.dataframe(sc.evidence_table(ev.assign(link=link), names), hide_index=True,
                             column_config={**link_column(), t("assess.col.evidence"): st.column_config.TextColumn(
                                 width="large")}, key=f"as_ev_{item.id}")
                for sentence in ev.loc[ev["kind"] == "fact", "text"].drop_duplicates():
                    st.text(sentence)  # the whole sentence, as plain text (never markdown: it is report text)
