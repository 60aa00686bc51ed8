"""Page controls kept in the URL, so a copied link reopens the same view (rankings year, trends mode, …).

Before a widget is drawn, `adopt` gives it the URL's value the first time a session shows it (a shared link, a
reload) and repairs a value its options no longer hold; after it is drawn, `keep` writes its value back. Values
are matched against the options as text, so a year travels as '2022' and comes back as the int 2022; anything
else in the URL (unknown names, markup, thousands of values) is ignored.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

MAX_VALUES = 20  # a list control (agencies to compare, lines to draw) never needs more from a link
MAX_TEXT = 50  # free text (a keyword) is cut to this


def _match(raw: str, options: list | None) -> Any:
    if options is None:
        return raw[:MAX_TEXT] if isinstance(raw, str) else None
    for o in options:
        if str(o) == raw:
            return o
    return None


def url_value(param: str, options: list | None = None, many: bool = False) -> Any:
    """The URL's value of `param` as one of `options` (a list of them when `many`), or None / []."""
    if param not in st.query_params:
        return [] if many else None
    if many:
        got = [_match(v, options) for v in st.query_params.get_all(param)[:MAX_VALUES]]
        return list(dict.fromkeys(v for v in got if v is not None))
    return _match(st.query_params.get(param), options)


def adopt(key: str, param: str, options: list | None = None, default: Any = None, many: bool = False) -> None:
    """Set widget `key`'s state before it is drawn: from ?param= when the session has not shown it yet, and back
    to the URL's or the default value when the current one is not among `options` (the data changed)."""
    ss = st.session_state
    if key in ss:
        if many:
            ss[key] = [v for v in ss[key] if options is None or v in options]
            return
        if options is None or ss[key] in options:
            return
    wanted = url_value(param, options, many)
    ss[key] = wanted if wanted not in (None, []) else default


def keep(param: str, value: Any) -> None:
    """Write a control's value into the URL (a list repeats the key); None or [] removes it."""
    if value is None or value == [] or value == "":
        if param in st.query_params:
            del st.query_params[param]
        return
    new = [str(v) for v in value] if isinstance(value, list) else str(value)
    old = st.query_params.get_all(param) if isinstance(value, list) else st.query_params.get(param)
    if old != new:
        st.query_params[param] = new
