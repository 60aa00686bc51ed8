"""Helpers every page shares: title and banners, empty states, indicator names, provenance, links, charts."""
from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui.db import run_query, warehouse_exists
from ui.filters import current_filters, describe, drawn_before, query_string, render_filters
from ui.i18n import LANG_KEY, lang, t, t_opt

IMPORT_PAGE = "views/import_page.py"
REPORT_URL = "report"  # url_path of the report reader (app.py)
PLOT_CONFIG = {"displaylogo": False,
               "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "fazhi-chart"}}


def language_toggle() -> None:
    """The sidebar's English toggle; ?lang=en in the URL switches it on for a shared link."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = st.query_params.get("lang") == "en"
    st.sidebar.toggle("English", key=LANG_KEY)
    if st.session_state[LANG_KEY]:
        st.query_params["lang"] = "en"
    elif "lang" in st.query_params:
        del st.query_params["lang"]


def start(title_key: str, caption_key: str | None = None) -> dict[str, Any] | None:
    """Title, synthetic-data banner; returns the filters, or None (after saying what to do) without data."""
    st.title(t(title_key))
    if caption_key:
        st.caption(t(caption_key))
    if not warehouse_exists():
        st.info(t("empty.no_warehouse"))
        st.page_link(IMPORT_PAGE, label=t("empty.go_import"), icon=":material/upload_file:")
        return None
    if not st.session_state.get("_routed") and ("filters" not in st.session_state or drawn_before()):
        # The page ran without the router (Streamlit's legacy pages/ mode, or a page file run on its own):
        # draw the filters here, on every run, so the page still honours the URL and keeps its sidebar.
        # Filters a caller put into the session without widgets (a test, an embedding) are used as given.
        render_filters()
    filters = current_filters()
    synthetic_banner(filters)
    return filters


def synthetic_banner(filters: dict[str, Any]) -> None:
    """Warn when the reports in view include synthetic ones: they must never end up in an assessment."""
    synthetic = run_query("synthetic_count", filters)
    if not synthetic.empty and int(synthetic.iat[0, 0]) > 0:
        st.warning(t("banner.synthetic", n=int(synthetic.iat[0, 0])))


def nothing_matches() -> None:
    """The message for a filter (or a warehouse) with no matching reports."""
    st.info(t("empty.no_match"))
    st.page_link(IMPORT_PAGE, label=t("empty.go_import"), icon=":material/upload_file:")


def indicators() -> pd.DataFrame:
    """The catalogue (from the warehouse's indicators table), all filters off: names never depend on them."""
    return run_query("indicators", {})


def indicator_names() -> dict[str, str]:
    df = indicators()
    if df.empty:
        return {}
    col = "name_en" if lang() == "en" else "name_zh"
    return dict(zip(df["code"], df[col], strict=True))


def indicator_units() -> dict[str, str]:
    df = indicators()
    return {} if df.empty else dict(zip(df["code"], df["unit"], strict=True))


def provenance(filters: dict[str, Any], title: str, sources: list[str] | None = None,
               codes: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    """What the 说明 sheet of an XLSX export records: the view's address, the filters, whether synthetic
    reports are in it, the indicator definitions and the source files."""
    defs = run_query("indicator_defs", {"codes": sorted(set(codes or []))}) if codes else pd.DataFrame()
    synthetic = run_query("synthetic_count", filters)
    n_synthetic = 0 if synthetic.empty else int(synthetic.iat[0, 0])
    notes = {t("prov.view_url"): _view_url(filters),
             t("prov.synthetic"): t("prov.synthetic_n", n=n_synthetic) if n_synthetic else t("prov.synthetic_none")}
    return {"title": title, "filters": describe(filters), "sources": sorted(set(sources or [])),
            "indicators": defs, **notes, **{t(f"prov.{k}"): _prov_value(k, v) for k, v in extra.items()}}


# Coded values a page passes to provenance(): the label key of each value.
_PROV_VALUES = {"mode": "trends.by_{}", "sort_by": "rank.sort_{}", "split": "kw.split.{}", "dimension": "kw.dim.{}"}


def _prov_value(key: str, value: Any) -> Any:
    if isinstance(value, bool):
        return t("common.yes") if value else t("common.no")
    if key in _PROV_VALUES and isinstance(value, str):
        return t(_PROV_VALUES[key].format(value))
    return value


def _view_url(filters: dict[str, Any]) -> str:
    """The page's own address with its filters (and the other controls it keeps in the URL)."""
    try:
        base = st.context.url.split("?", 1)[0]
    except Exception:  # noqa: BLE001  (no browser context: AppTest, a script)
        base = ""
    keep = {k: v for k, v in st.query_params.items() if k not in ("province", "city", "level", "agency_type",
                                                                   "agency", "year_from", "year_to")}
    return base + query_string(filters, **keep)


def source_files(filters: dict[str, Any]) -> list[str]:
    df = run_query("report_list", filters)
    return [] if df.empty else df["file_name"].tolist()


def report_url(report_id: str, filters: dict[str, Any] | None = None, fact=None) -> str:
    """A relative link that opens the report reader on one report, keeping the filters; with `fact` (a seq) the
    reader opens at that number, marked in its sentence."""
    extra = {"report": report_id}
    if fact is not None and not pd.isna(fact):
        extra["fact"] = str(int(fact))
    return REPORT_URL + query_string(filters or current_filters(), **extra)


def with_links(df: pd.DataFrame, filters: dict[str, Any]) -> pd.DataFrame:
    """Add a 'link' column (report reader URL) for st.column_config.LinkColumn; rows that carry a fact's `seq`
    link to that number, and the seq column itself is dropped."""
    out = df.copy()
    seqs = out.pop("seq") if "seq" in out else pd.Series(None, index=out.index)
    out.insert(0, "link", [report_url(r, filters, q) for r, q in zip(out["report_id"], seqs, strict=True)])
    return out


def link_column() -> dict[str, Any]:
    return {"link": st.column_config.LinkColumn(t("common.open_report"), display_text=t("common.open"))}


def plot(fig, key: str | None = None) -> None:
    """A chart captioned with its source and date (also in its PNG), registered for the page's briefing."""
    from ui.briefing_page import chart

    fig, config = chart(fig, PLOT_CONFIG, key)
    st.plotly_chart(fig, config=config, key=key)


def pct(v) -> str:
    return "—" if v is None or pd.isna(v) else f"{100 * float(v):.0f}%"


def labelled(df: pd.DataFrame) -> pd.DataFrame:
    """Column names from the label table (col.<name>) in the current language; unknown names stay."""
    from ui.i18n import labels

    out = df.copy()
    coded = [("method", "method"), ("confidence", "confidence"), ("level", "level"), ("field", "field"),
             ("agency_type", "agency_type"), *((c, "src") for c in out.columns if str(c).endswith("_src"))]
    if "status" in out and set(out["status"].dropna()) <= REVIEW_STATUSES:
        coded.append(("status", "review.status"))
    if "review_status" in out:
        coded.append(("review_status", "review.status"))
    for col, prefix in coded:
        # Coded values in words; free text is left alone. pandas 3 gives strings the str dtype, not object.
        if col in out and not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(lambda v, p=prefix: t_opt(p, v) if isinstance(v, str) else v)
    codes = [c for c in ("indicator", "new_indicator", "key_indicator")
             if c in out and not pd.api.types.is_numeric_dtype(out[c])]
    names = indicator_names() if codes else {}
    for col in codes:
        out[col] = out[col].map(lambda v: names.get(v, v) if isinstance(v, str) else v)
    return out.rename(columns={c: t(f"col.{c}") for c in out.columns if f"col.{c}" in labels()})


REVIEW_STATUSES = frozenset({"extracted", "confirmed", "corrected", "added", "rejected"})


def choose_stated_indicator(filters: dict[str, Any], key: str) -> tuple[str, dict[str, str], dict[str, str]] | None:
    """The indicator picker over the indicators stated under the filters: (code, names, units), or None (after
    saying nothing matches) when no report in view states any."""
    used = run_query("indicators", filters)
    codes = used.loc[used["n_facts"] > 0, "code"].tolist() if not used.empty else []
    if not codes:
        nothing_matches()
        return None
    cat = indicators()
    names = indicator_names()
    units = dict(zip(cat["code"], cat["unit"], strict=True))
    # The default is the indicator most reports state: the first view should have the most to show.
    busiest = used.sort_values("n_facts", ascending=False, kind="mergesort")["code"].iat[0]
    return pick_indicator(codes, names, units, key, busiest), names, units


def pick_indicator(codes: list[str], names: dict[str, str], units: dict[str, str], key: str,
                   default: str | None = None) -> str:
    """Indicator selectbox kept in the URL (?indicator=code), so the view can be bookmarked and shared."""
    if key not in st.session_state or st.session_state[key] not in codes:
        wanted = st.query_params.get("indicator")
        st.session_state[key] = wanted if wanted in codes else (default if default in codes else codes[0])
    code = st.selectbox(t("common.indicator"), codes, key=key,
                        format_func=lambda c: f"{names.get(c, c)} ({units.get(c, '')})")
    st.query_params["indicator"] = code
    return code


def file_uploader(label: str, key: str, types: list[str], multiple: bool = False):
    """st.file_uploader whose built-in English ("Upload", "20MB per file • TXT, …") reads Chinese in Chinese mode.

    Streamlit offers no API for those two strings, so in Chinese mode a style scoped to this uploader's container
    hides them and shows ours in their place (CSS content); English mode keeps Streamlit's own.
    """
    box = st.container(key=f"upl_{key}")
    if lang() == "zh":
        scope = f".st-key-upl_{key} [data-testid='stFileUploaderDropzone']"
        note = t("upload.note", mb=st.get_option("server.maxUploadSize"), kinds="、".join(x.upper() for x in types))
        box.html(f"<style>{scope} button [data-testid='stMarkdownContainer'] p {{font-size:0}}"
                 f"{scope} button [data-testid='stMarkdownContainer'] p::after {{content:'{t('upload.button')}';"
                 f"font-size:0.875rem}}"
                 f"{scope} [data-testid='stFileUploaderDropzoneInstructions'] span {{font-size:0}}"
                 f"{scope} [data-testid='stFileUploaderDropzoneInstructions'] span::after {{content:'{note}';"
                 f"font-size:0.875rem}}</style>")
    return box.file_uploader(label, type=types, accept_multiple_files=multiple, key=key)


def review_note(status, extracted=None, reviewer=None) -> str:
    """A number's review status in words, for hovers and cells: 待审, 已确认（张三）, 已修正：原为 40（张三）…"""
    if not isinstance(status, str) or not status:
        return ""
    who = reviewer if isinstance(reviewer, str) and reviewer else t("common.unknown")
    if status == "corrected":
        old = "—" if extracted is None or pd.isna(extracted) else f"{float(extracted):g}"
        return t("review.note.corrected", old=old, who=who)
    if status in ("confirmed", "added"):
        return t(f"review.note.{status}", who=who)
    return t_opt("review.status", status)


def with_review(df: pd.DataFrame) -> pd.DataFrame:
    """Add a 'review' column (review_note of each row) to rows that carry status, extracted_value, reviewer."""
    if "status" not in df:
        return df
    cols = [df[c] if c in df else pd.Series(None, index=df.index) for c in ("status", "extracted_value", "reviewer")]
    return df.assign(review=[review_note(s, e, r) for s, e, r in zip(*cols, strict=True)])


def dashes(df: pd.DataFrame) -> pd.DataFrame:
    """For display: a missing text shows '—', not Streamlit's English 'None' (numbers and exports keep blanks)."""
    text = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
            and df[c].isna().any()]
    if not text:
        return df
    out = df.copy()
    out[text] = out[text].astype(object).where(out[text].notna(), "—")
    return out
