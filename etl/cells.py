"""Spreadsheet safety of a text cell: the one rule for what Excel, LibreOffice or Sheets would run as a formula."""
from __future__ import annotations

# A cell starting with one of these is read as a formula (OWASP CSV injection); spreadsheets also accept the
# full-width forms, and ignore invisible characters in front of them.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069 "


def is_formula_like(value: str) -> bool:
    """True when a spreadsheet could run `value` as a formula."""
    return value.lstrip(_INVISIBLE).startswith(TRIGGERS)
