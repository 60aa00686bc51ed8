"""One label table for the whole UI: every ui/labels/*.csv (key,zh,en) merged; Simplified Chinese by default."""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import streamlit as st

LABELS_DIR = Path(__file__).parent / "labels"
LANGS = ("zh", "en")
LANG_KEY = "lang_en"  # session-state key of the sidebar toggle; True means English


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, str]]:
    """key → {'zh': ..., 'en': ...} from every CSV in ui/labels/, sorted by file name; the first file wins."""
    table: dict[str, dict[str, str]] = {}
    for path in sorted(LABELS_DIR.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                key = (row.get("key") or "").strip()
                if key and key not in table:
                    table[key] = {"zh": row.get("zh") or "", "en": row.get("en") or ""}
    return table


def lang() -> str:
    """'en' when the sidebar toggle is on, else 'zh'. Works outside a running app (tests): 'zh'."""
    try:
        return "en" if st.session_state.get(LANG_KEY) else "zh"
    except Exception:  # no script run context
        return "zh"


def t(key: str, language: str | None = None, **fmt) -> str:
    """The label for `key` in the current language; falls back to Chinese, then to the key itself."""
    entry = labels().get(key)
    if entry is None:
        text = key
    else:
        text = entry[language or lang()] or entry["zh"] or key
    return text.format(**fmt) if fmt else text


def t_opt(prefix: str, value) -> str:
    """Label of a coded value such as level 'county' (key 'level.county'); unknown codes show as they are."""
    if value is None or value == "":
        return t("common.unknown")
    key = f"{prefix}.{value}"
    return t(key) if key in labels() else str(value)
