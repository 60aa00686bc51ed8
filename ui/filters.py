"""Global sidebar filters: widgets ↔ session state ↔ URL query parameters, carried across page switches."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from etl.warehouse import FILTER_DEFAULTS
from ui.db import run_query
from ui.i18n import t, t_opt

# URL key → filter key. Lists repeat the URL key (?province=广东省&province=湖南省), as in the CLI flags.
URL_KEYS = {"year_from": "year_from", "year_to": "year_to", "province": "provinces", "city": "cities",
            "level": "levels", "agency_type": "agency_types", "agency": "agencies"}
LIST_KEYS = ("provinces", "cities", "levels", "agency_types", "agencies")
_STATE = "flt_"  # prefix of the widgets' session-state keys
_LAST_URL = "_flt_last_url"  # the filter part of the URL we wrote last run
MAX_VALUES = 50  # more values than this in one URL key is not a bookmark, it is an attack: ignore the rest
MAX_AGENCY_OPTIONS = 3000  # about one province's agencies; more must be narrowed by the filters above first
MAX_LEN = 100  # the longest agency name in the corpus is well below this


def parse_url(params: dict[str, list[str]], options: pd.DataFrame) -> dict[str, Any]:
    """Filter values from URL parameters, keeping only values that exist in the warehouse.

    Anything else (unknown names, SQL, markup, absurd years, thousands of values) is dropped here, so a hostile
    URL can neither break a widget nor reach a query; queries bind values as parameters anyway.
    """
    out: dict[str, Any] = {k: (list(v) if isinstance(v, list) else v) for k, v in FILTER_DEFAULTS.items()}
    years = sorted(int(y) for y in options["year"].dropna().unique()) if "year" in options else []
    for key in ("year_from", "year_to"):
        raw = (params.get(key) or [""])[0]
        if raw.isdigit() and len(raw) == 4 and int(raw) in years:
            out[key] = int(raw)
    for url_key, key in URL_KEYS.items():
        if key not in LIST_KEYS:
            continue
        wanted = params.get(url_key) or []
        if not wanted:
            out[key] = []
            continue  # a national warehouse lists ~100,000 agencies: build a lookup only when the URL names some
        col = {"provinces": "province", "cities": "city", "levels": "level", "agency_types": "agency_type",
               "agencies": "agency"}[key]
        known = set(options[col].dropna()) if col in options else set()
        seen: list[str] = []
        for v in wanted[:MAX_VALUES]:
            if isinstance(v, str) and len(v) <= MAX_LEN and v in known and v not in seen:
                seen.append(v)
        out[key] = seen
    return out


def to_url(filters: dict[str, Any]) -> dict[str, list[str]]:
    """The URL parameters of a filter dict (empty values left out)."""
    out: dict[str, list[str]] = {}
    for url_key, key in URL_KEYS.items():
        value = filters.get(key)
        if key in LIST_KEYS:
            if value:
                out[url_key] = [str(v) for v in value]
        elif value is not None:
            out[url_key] = [str(value)]
    return out


def query_string(filters: dict[str, Any], **extra: str) -> str:
    """'?year_from=2020&province=…&report=…': a link that reproduces the view (and opens one item)."""
    pairs = [(k, v) for k, vs in to_url(filters).items() for v in vs] + [(k, str(v)) for k, v in extra.items()]
    return "?" + urlencode(pairs) if pairs else ""


def _url_params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in URL_KEYS if k in st.query_params}


def _options() -> pd.DataFrame:
    df = run_query("filter_options")
    return df if not df.empty else pd.DataFrame(columns=["year", "province", "city", "level", "agency_type",
                                                         "agency"])


def _sync_from_url(options: pd.DataFrame) -> None:
    """Adopt the URL's filters on a session's first run, or when the URL brings new ones (a shared link).

    Streamlit clears query parameters on page switch (streamlit#7982): an URL without filter keys after the
    first run therefore means "keep the session's filters", and we write them back below.
    """
    url = _url_params()
    first = _LAST_URL not in st.session_state
    if first or (url and url != st.session_state.get(_LAST_URL)):
        parsed = parse_url(url, options)
        for key, value in parsed.items():
            st.session_state[_STATE + key] = value


def _clean_state(key: str, allowed: list) -> None:
    # A selection that the options no longer hold (after a province change, or a new warehouse) would make
    # the widget raise; drop it before the widget is drawn.
    k = _STATE + key
    if key in LIST_KEYS:
        st.session_state[k] = [v for v in st.session_state.get(k, []) if v in allowed]
    elif st.session_state.get(k) not in allowed:
        st.session_state[k] = None


def render_filters() -> dict[str, Any]:
    """Draw the sidebar filters and return the filter dict (exactly the keys of FILTER_DEFAULTS)."""
    options = _options()
    _sync_from_url(options)
    years = [None, *sorted(int(y) for y in options["year"].dropna().unique())]
    sb = st.sidebar
    sb.subheader(t("filters.title"))

    def year_label(y):
        return t("filters.any_year") if y is None else str(y)

    for key in ("year_from", "year_to"):
        _clean_state(key, years)
    c1, c2 = sb.columns(2)
    for col, key in ((c1, "year_from"), (c2, "year_to")):
        # None is "any year"; Streamlit shows a None value as the placeholder, so the placeholder says so.
        col.selectbox(t(f"filters.{key}"), years, key=_STATE + key, format_func=year_label,
                      placeholder=t("filters.any_year"))

    def multi(key: str, col: str, label: str, frame: pd.DataFrame, fmt=str, cap: int | None = None) -> list:
        allowed = sorted(frame[col].dropna().unique().tolist())
        hidden = 0
        if cap is not None and len(allowed) > cap:
            # Every option travels to the browser on every page load: a national list is megabytes. Offer
            # only what is already chosen (a bookmark keeps working) until the other filters narrow it.
            chosen = set(st.session_state.get(_STATE + key) or [])
            hidden = len(allowed)
            allowed = [a for a in allowed if a in chosen]
        _clean_state(key, allowed)
        picked = sb.multiselect(t(label), allowed, key=_STATE + key, format_func=fmt,
                                placeholder=t("filters.all"))
        if hidden:
            sb.caption(t("filters.narrow_first", n=f"{hidden:,}"))
        return picked

    provinces = multi("provinces", "province", "filters.province", options)
    narrowed = options[options["province"].isin(provinces)] if provinces else options
    cities = multi("cities", "city", "filters.city", narrowed)
    narrowed = narrowed[narrowed["city"].isin(cities)] if cities else narrowed
    levels = multi("levels", "level", "filters.level", narrowed, lambda v: t_opt("level", v))
    narrowed = narrowed[narrowed["level"].isin(levels)] if levels else narrowed
    types = multi("agency_types", "agency_type", "filters.agency_type", narrowed,
                  lambda v: t_opt("agency_type", v))
    narrowed = narrowed[narrowed["agency_type"].isin(types)] if types else narrowed
    agencies = multi("agencies", "agency", "filters.agency", narrowed, cap=MAX_AGENCY_OPTIONS)

    y0, y1 = st.session_state[_STATE + "year_from"], st.session_state[_STATE + "year_to"]
    if y0 is not None and y1 is not None and y0 > y1:  # a reversed range means the user wants it the right way
        y0, y1 = y1, y0
    filters = {"year_from": y0, "year_to": y1, "provinces": provinces, "cities": cities, "levels": levels,
               "agency_types": types, "agencies": agencies}
    if any(filters[k] for k in LIST_KEYS) or y0 is not None or y1 is not None:
        # A callback runs before the next run draws the widgets: setting their state after they are drawn
        # raises StreamlitWidgetAlreadyInstantiatedError.
        sb.button(t("filters.reset"), key="flt_reset_btn", on_click=_reset_filters)
    write_url(filters)
    st.session_state["filters"] = filters
    return filters


def _reset_filters() -> None:
    for key, value in FILTER_DEFAULTS.items():
        st.session_state[_STATE + key] = list(value) if isinstance(value, list) else value
    for k in URL_KEYS:  # or the next run would adopt the old URL's filters again
        if k in st.query_params:
            del st.query_params[k]
    st.session_state[_LAST_URL] = {}


def write_url(filters: dict[str, Any]) -> None:
    """Put the filters into the URL, leaving other keys (report=…, indicator=…) alone."""
    wanted = to_url(filters)
    for k in URL_KEYS:
        if k not in wanted and k in st.query_params:
            del st.query_params[k]
    for k, vs in wanted.items():
        if st.query_params.get_all(k) != vs:
            st.query_params[k] = vs
    st.session_state[_LAST_URL] = wanted


def drawn_before() -> bool:
    """Whether this session has drawn the filter widgets (False when a caller set st.session_state.filters)."""
    return _LAST_URL in st.session_state


def current_filters() -> dict[str, Any]:
    """The filters app.py rendered this run (defaults when a page runs on its own)."""
    got = st.session_state.get("filters")
    if got is None:
        return {k: (list(v) if isinstance(v, list) else v) for k, v in FILTER_DEFAULTS.items()}
    return dict(got)


def describe(filters: dict[str, Any]) -> dict[str, str]:
    """Human-readable filters for the export provenance sheet, keys and codes in the reader's language ('全部' /
    'all' when unset)."""
    out = {}
    for url_key, key in URL_KEYS.items():
        v = filters.get(key)
        if url_key in ("level", "agency_type") and isinstance(v, list):
            v = [t_opt(url_key, x) for x in v]  # codes in words: 县级, not county
        out[t(f"filters.{url_key}")] = ", ".join(map(str, v)) if isinstance(v, list) and v else (
            str(v) if v not in (None, []) else t("filters.all"))
    return out
