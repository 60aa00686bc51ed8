"""关键词 Keywords: top terms, term trends, distinctive terms, keyword in context and co-occurrence."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import keyword_data as kd
from ui.exports import export_buttons
from ui.i18n import labels, t, t_opt
from ui.page import link_column, nothing_matches, plot, provenance, source_files, start, with_links
from ui.urlstate import adopt, keep

MEASURES = ("n", "per_10k", "share")
DEFAULT_TREND_TERMS = 3
TOP_N = list(range(10, 101, 5))


def named(df: pd.DataFrame, rename: dict[str, str] | None = None) -> pd.DataFrame:
    """Column labels in the current language (kw.col.<name>); the data stays as it is."""
    df = df.rename(columns=rename or {})
    return df.rename(columns={c: t(f"kw.col.{c}") for c in df.columns if f"kw.col.{c}" in labels()})


def pick_term(label_key: str, key: str, default: str, param: str) -> str:
    """A free-text term box (any string, matched exactly), kept in the URL as ?<param>=; starts on the top term."""
    adopt(key, param, None, default[:50])
    term = st.text_input(t(label_key), key=key, help=t("kw.term_help"), max_chars=50).strip()
    keep(param, term)
    return term


def top_section(filters: dict, hide: bool, files: list[str]) -> pd.DataFrame:
    adopt("kw_top_n", "top", TOP_N, 30)
    n = st.slider(t("kw.top_n"), TOP_N[0], TOP_N[-1], step=5, key="kw_top_n")
    adopt("kw_measure", "measure", list(MEASURES), MEASURES[0])
    measure = st.radio(t("kw.measure"), MEASURES, horizontal=True, key="kw_measure",
                       format_func=lambda m: t(f"kw.measure_{m}"))
    keep("top", n)
    keep("measure", measure)
    top = kd.top_terms(filters, hide, n)
    stats = kd.report_totals(filters)
    st.caption(t("kw.top_note", reports=stats["reports"], chars=f"{stats['chars']:,}"))
    shown = top.sort_values(measure, ascending=False, kind="mergesort")  # stable: ties keep the table order
    plot(kd.bars(shown, measure, title=t("kw.top_chart", measure=t(f"kw.measure_{measure}"))), key="kw_top_chart")
    cfg = {t("kw.col.share"): st.column_config.NumberColumn(format="percent")}
    st.dataframe(named(top), hide_index=True, column_config=cfg, key="kw_top_table")
    export_buttons(named(top), "keywords_top", provenance(filters, t("kw.tab_top"), files, hide_genre=hide),
                   key="kw_top")
    return top


def trend_section(filters: dict, hide: bool, files: list[str], vocab: list[str]) -> None:
    # Any term may be typed in (accept_new_options), so the URL's terms are taken as text.
    adopt("kw_trend_terms", "terms", None, vocab[:DEFAULT_TREND_TERMS], many=True)
    chosen = st.multiselect(t("kw.trend_terms"), vocab, key="kw_trend_terms", accept_new_options=True,
                            placeholder=t("common.choose"))
    adopt("kw_split", "split", list(kd.SPLITS), kd.SPLITS[0])
    split = st.radio(t("kw.trend_split"), kd.SPLITS, horizontal=True, key="kw_split",
                     format_func=lambda s: t(f"kw.split.{s}"))
    keep("terms", chosen)
    keep("split", split)
    data = kd.trend(filters, chosen, split)
    if split == "agency_type":
        data = data.assign(grp=data["grp"].map(lambda v: t_opt("agency_type", v)))
    elif split == "level":
        data = data.assign(grp=data["grp"].map(lambda v: t_opt("level", v)))
    st.caption(t("kw.trend_note"))
    plot(kd.trend_figure(data, t("kw.trend_chart"), t("kw.unit_per_10k"), t("common.unknown")), key="kw_trend_chart")
    table = data.drop(columns=["grp"]) if split == "none" else data
    st.dataframe(named(table, {"reports": "reports_all"}), hide_index=True, key="kw_trend_table")
    export_buttons(named(table, {"reports": "reports_all"}), "keywords_trend",
                   provenance(filters, t("kw.tab_trend"), files, terms=", ".join(chosen), split=split), key="kw_trend")


def distinctive_section(filters: dict, hide: bool, files: list[str]) -> None:
    adopt("kw_dim", "dim", list(kd.DIMENSIONS), kd.DIMENSIONS[0])
    dim = st.selectbox(t("kw.dim"), kd.DIMENSIONS, key="kw_dim", format_func=lambda d: t(f"kw.dim.{d}"))
    keep("dim", dim)
    values = kd.group_values(filters, dim)
    if len(values) < 2:
        st.info(t("kw.need_two_groups"))
        return
    fmt = (lambda v: t_opt(dim, v)) if dim in ("agency_type", "level") else str
    adopt(f"kw_group_{dim}", "group", values["value"].tolist(), values["value"].iat[0])
    value = st.selectbox(t("kw.group"), values["value"].tolist(), key=f"kw_group_{dim}", format_func=fmt)
    keep("group", value)
    st.markdown(t("kw.method", a0=kd.PRIOR_SIZE))
    dist = kd.distinctive(filters, dim, value, hide)
    plot(kd.bars(dist, "z", title=t("kw.distinctive_chart", group=fmt(value))), key="kw_dist_chart")
    st.dataframe(named(dist), hide_index=True, key="kw_dist_table")
    export_buttons(named(dist), "keywords_distinctive",
                   provenance(filters, t("kw.tab_distinctive"), files, method=t("kw.method", a0=kd.PRIOR_SIZE),
                              dimension=dim, group=fmt(value), hide_genre=hide), key="kw_dist")


def kwic_section(filters: dict, default: str) -> None:
    term = pick_term("kw.term", "kw_kwic_term", default, "term")
    rows = kd.kwic(filters, term)
    if rows.empty:
        st.info(t("kw.kwic_none", term=term))
        return
    st.caption(t("kw.kwic_count", term=term, total=int(rows["total"].iat[0]), shown=len(rows), width=kd.KWIC_WIDTH))
    table = rows[["report_id", "agency", "year", "left_ctx", "keyword", "right_ctx", "file_name", "char_start"]]
    # Text columns only: st.dataframe never renders markup, so report text cannot inject HTML.
    st.dataframe(named(with_links(table, filters)), hide_index=True, column_config=link_column(),
                 key="kw_kwic_table")
    export_buttons(named(table), "keywords_kwic", provenance(filters, t("kw.tab_kwic"), sorted(set(rows["file_name"])),
                                                      term=term), key="kw_kwic")


def cooc_section(filters: dict, hide: bool, files: list[str], default: str) -> None:
    term = pick_term("kw.term", "kw_cooc_term", default, "cooc")
    co = kd.cooccurrence(filters, term, hide)
    n = kd.sentence_count(filters, term)
    st.caption(t("kw.cooc_note", term=term, n=n))
    plot(kd.bars(co, "sentences", title=t("kw.cooc_chart", term=term)), key="kw_cooc_chart")
    cfg = {t("kw.col.sentence_share"): st.column_config.NumberColumn(format="percent")}
    st.dataframe(named(co, {"share": "sentence_share"}), hide_index=True, column_config=cfg, key="kw_cooc_table")
    export_buttons(named(co, {"share": "sentence_share"}), "keywords_cooccurrence",
                   provenance(filters, t("kw.tab_cooc"), files, term=term, hide_genre=hide), key="kw_cooc")


filters = start("kw.title", "kw.caption")
if filters is not None:
    hide = st.toggle(t("kw.hide_genre"), value=True, key="kw_hide_genre", help=t("kw.hide_genre_help"))
    files = source_files(filters)
    if not files:
        nothing_matches()
    elif kd.top_terms(filters, hide, 1).empty:
        st.info(t("kw.no_terms"))
    else:
        tabs = st.tabs([t("kw.tab_top"), t("kw.tab_trend"), t("kw.tab_distinctive"), t("kw.tab_kwic"),
                        t("kw.tab_cooc")])
        vocab = kd.vocabulary(filters, hide)
        with tabs[0]:
            top_section(filters, hide, files)
        with tabs[1]:
            trend_section(filters, hide, files, vocab)
        with tabs[2]:
            distinctive_section(filters, hide, files)
        with tabs[3]:
            kwic_section(filters, vocab[0])
        with tabs[4]:
            cooc_section(filters, hide, files, vocab[0])
