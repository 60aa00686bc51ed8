"""The ETL's metadata evidence and review reasons, read out in Chinese.

The ingest stores, per metadata field, the text that settled it: a quote from the report (kept as it is) or a
short developer note ("work cues (14 hits; runner-up audit)", "gazetteer: 沭阳县 -> 江苏省", "own-area phrases
county:3"). The notes follow a few fixed patterns (etl/metadata.py, etl/meta_region.py, etl/meta_dates.py);
each is turned into a Chinese sentence here, at display time. English mode shows the stored text.
"""
from __future__ import annotations

import re

from ui.i18n import lang, t, t_opt

_SUFFIX = re.compile(r"^(?P<head>.*) \(officially (?P<name>[^()]+)\)$", re.S)
_HITS = re.compile(r"^work cues \((?P<n>\d+) hits; runner-up (?P<code>[\w-]+)\)$")
_OWN = re.compile(r"^own-area phrases (?P<counts>.*)$")
_PLUS = re.compile(r"^(?P<prefix>.+?) \+ (?P<suffix>.+?) \((?:(?P<written>name as written)|canonical (?P<code>\w+) "
                   r"name at (?P<level>\w+) level)\)$")
_PUBLISHED = re.compile(r"^published (?P<date>[\d-]+); (?P<why>signed late in the year it covers|"
                        r"reports cover the year before)$")
_NAMED = re.compile(r"^(?P<what>.+) named (?P<n>\d+)x$")
_BARE = re.compile(r"^(?P<alias>.+) \(bare name\) (?P<n>\d+)x$")
_LIE_IN = re.compile(r"^places named in the text lie in (?P<name>.+) \((?P<n>\d+)x\)$")
_ARROW = re.compile(r"^(?P<a>.+?) -> (?P<b>.+)$")
_IN = re.compile(r"^(?P<a>[^ ]+) in (?P<b>[^ ].*)$")
_MANIFEST = re.compile(r"^manifest\.csv (?P<field>\w+)$")
_NAMES_PLACE = re.compile(r"^(?P<src>title|body) names only the place: (?P<name>.+)$")
_LABELLED = (  # 'prefix: rest' notes: the label key of the prefix
    ("file name: ", "ev.file_name"), ("gazetteer: ", "ev.gazetteer"), ("signature line: ", "ev.signature_line"),
    ("opening subject: ", "ev.opening_subject"), ("addressed to ", "ev.addressed_to"),
    ("signature date: ", "ev.signature_date"), ("header date line: ", "ev.header_date_line"),
    ("signature date line: ", "ev.signature_date_line"), ("the only city named: ", "ev.only_city"),
)
_FIXED = {"no department self-reference": "ev.no_self_reference",
          "ambiguous name; city not settled by the text": "ev.ambiguous_name",
          "most-mentioned province; own place unknown": "ev.most_mentioned_province"}
_ENDS = ((" is a county-level city", "ev.county_city"), (" is a provincial-level municipality", "ev.municipality"))


def explain(text, language: str | None = None) -> str:
    """One stored evidence text in the reader's language: developer notes in words, quotes as they are."""
    if text is None:
        return ""
    text = str(text)
    if (language or lang()) == "en":
        return text
    return _zh(text.strip())


def _zh(text: str) -> str:
    m = _SUFFIX.match(text)
    if m:
        return t("ev.officially", what=_zh(m["head"]), name=m["name"])
    for prefix, key in _LABELLED:
        if text.startswith(prefix):
            return t(key, what=_zh(text[len(prefix):]))
    if text in _FIXED:
        return t(_FIXED[text])
    for end, key in _ENDS:
        if text.endswith(end):
            return t(key, what=text[: -len(end)])
    if m := _HITS.match(text):
        second = t("ev.none") if m["code"] == "-" else t_opt("agency_type", m["code"])
        return t("ev.work_cues", n=m["n"], second=second)
    if m := _OWN.match(text):
        parts = [p.split(":", 1) for p in m["counts"].split(", ") if ":" in p]
        return t("ev.own_area", counts="、".join(f"{t_opt('level', k)} {v} 处" for k, v in parts))
    if m := _PLUS.match(text):
        if m["written"]:
            return t("ev.name_written", prefix=m["prefix"], suffix=m["suffix"])
        return t("ev.name_canonical", prefix=m["prefix"], suffix=m["suffix"], kind=t_opt("agency_type", m["code"]),
                 level=t_opt("level", m["level"]))
    if m := _PUBLISHED.match(text):
        key = "ev.published_late" if m["why"].startswith("signed") else "ev.published_before"
        return t(key, date=m["date"])
    if m := _MANIFEST.match(text):
        return t("ev.manifest", field=t(f"field.{m['field']}"))
    if m := _NAMES_PLACE.match(text):
        return t("ev.names_place", src=t_opt("src", m["src"]), name=m["name"])
    if m := _LIE_IN.match(text):
        return t("ev.lie_in", name=m["name"], n=m["n"])
    if m := _BARE.match(text):
        return t("ev.bare_name", alias=m["alias"], n=m["n"])
    if m := _NAMED.match(text):
        return t("ev.named", what=m["what"], n=m["n"])
    if m := _ARROW.match(text):
        return t("ev.belongs", a=m["a"], b=_zh(m["b"]))
    if m := _IN.match(text):
        return t("ev.in_name", a=m["a"], b=m["b"])
    return text  # a quote from the report


def review_reasons(reasons) -> str:
    """'agency,province,agency_type_guessed' → '未能识别：机关、省份；机关类型系据工作内容推断，待确认'."""
    codes = [c for c in str(reasons or "").split(",") if c]
    unknown = [t(f"field.{c}") for c in codes if c != "agency_type_guessed"]
    parts = [t("reason.unknown", fields=t("common.list_sep").join(unknown))] if unknown else []
    if "agency_type_guessed" in codes:
        parts.append(t("reason.type_guessed"))
    return t("common.clause_sep").join(parts)
