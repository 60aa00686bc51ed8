"""The page's own metadata block (发布机构:, 来源:, 标题:) and the report sentence '现将X2022年…报告如下'."""
from __future__ import annotations

import re
from typing import Optional

_CJK = "\u4e00-\u9fff"
# Labels whose value names who published the page, strongest first. A portal or an office inside the body
# (门户网站, 办公室, 法制处) is a channel, not the reporter, and is never taken.
_ISSUER_LABELS = ("发布机构", "发文机关", "发布单位", "发布部门", "发布者", "信息来源", "文章来源", "来源")
_ISSUER = re.compile(r"(?P<label>" + "|".join(_ISSUER_LABELS) + r")\s*[:：|]?\s*"
                     r"(?P<value>[" + _CJK + r"()、]{2,40})")
_CHANNEL = re.compile(r"网站|网|门户|办公室|办公厅|处$|科$|股$|中心$|报$|日报|新闻|融媒|编辑|作者")
_AGENCY_END = re.compile(r"(人民政府|政府|管理委员会|管委会|局|厅|委员会|委)$")
_HEAD_LINES = 25
# '现将杭州市人力社保局2020年法治政府建设…报告如下', '现将伊犁州2021年度法治政府建设情况报告如下': the
# reporter names itself in the sentence that introduces the report.
_REPORT_PHRASE = re.compile(r"现将(?P<who>[" + _CJK + r"、]{2,30}?)(?:20\d{2}|二[〇○零])\s*年度?"
                            r"(?:法治|依法|推进|全面)")


def header_issuer(text: str) -> Optional[tuple[str, str]]:
    """(agency name, the header line) from the page's publisher fields, or None."""
    lines = [ln.strip() for ln in text.splitlines()[:60] if ln.strip()][:_HEAD_LINES]
    found: list[tuple[int, str, str]] = []
    for line in lines:
        if len(line) > 160:
            continue
        for m in _ISSUER.finditer(line):
            value = m.group("value").strip("()、")
            value = re.sub(r"\(.*$", "", value)  # 生态环境局(水务局、海洋局…): the first name is the body
            if _CHANNEL.search(value) or not _AGENCY_END.search(value):
                continue
            found.append((_ISSUER_LABELS.index(m.group("label")), value, line[:80]))
    if not found:
        return None
    _, value, line = min(found)
    return value, line


def report_phrase_agency(text: str) -> Optional[tuple[str, str]]:
    """(who, the phrase) from '现将X2022年度法治政府建设情况报告如下', when X names a body or a place."""
    m = _REPORT_PHRASE.search(text[:4000])
    if not m:
        return None
    who = re.sub(r"^(?:我|本)", "", m.group("who"))
    who = re.sub(r"的$", "", who)
    if len(who) < 2 or re.match(r"^[全我本有关]", m.group("who")):
        return None
    return who, m.group(0)
