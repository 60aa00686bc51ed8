"""General rules that stop a number from being a fact: rankings, dates, document numbers, other years."""
from __future__ import annotations

import math
import re
from typing import Optional

from etl.numbers import Quantity
from etl.sentences import QUOTES, Span, bracket_groups

# A change rather than a level: 同比增长15%, 较去年减少20件.
_DELTA_ONLY = re.compile(r"(?:增加|增长|减少|下降|提高|提升|上升|降低|增幅|降幅)了?\s?$")
_RANK_CONTEXT = re.compile(r"排名|排序|位列|名列|位居|列全")
_DOC_NOUN_AFTER = re.compile(r"^(?:的)?(?:文件|制度|方案|办法|意见|规定|通知|清单|条例|规划|纲要|举措|措施|任务)")
_YEAR = re.compile(r"(?<![\d.])((?:19[5-9]|20\d)\d)\s?年(?!代)")
_RANGE_NEAR = re.compile(r"\d\s?年?\s?[-—–~～至到]\s?$")  # 2016—2020年, but not 截至2020年
_THIS_YEAR = re.compile(r"今年|本年|全年|年内|当年")
# Multi-year totals and other years without a number: 去年, 党的十八大以来, “十三五”期间, 近三年.
_OTHER_YEAR = re.compile(r"去年|上年|上一年|前年|明年|下一年|来年|(?:十[八九]大|二十大|十[二三四]五”?)(?:以来|期间)"
                         r"|近[两三四五六七八九十]年|[两三四五六七八九十]年(?:来|以来|间)"
                         r"|至今")  # 2023年至今: cumulative
_COMPARED = re.compile(r"(?:较|比|相比|与|同比|对比)\s?$")
_RANGE_AFTER = re.compile(r"\s?年?\s?[-—–~～至到]")  # 2021-2025年 seen from its first year
_PHONE_BEFORE = re.compile(r"\d-$")
_PHONE_AFTER = re.compile(r"-\d")
_DOC_BRACKETS = {"〔": "〕", "[": "]", "【": "】"}
# A rule or a target, not a tally: 每季度集体学法不少于1次, 力争达到90%.
_MINIMUM = re.compile(r"(?:不少于|不低于|不超过|不多于|至少|力争|争取)(?:达到?)?\s?$")
# Something that did not happen: 避免近50件高败诉风险案件流入诉讼程序, 防止3起群体事件.
_AVERTED = re.compile(r"(?:避免|防止|杜绝|挽回)(?:了)?(?:近|约|超过)?\s?$")
# 省十四次党代会, 十九届四中全会: the ordinal of a congress or plenum, not a count of meetings.
_CONGRESS_AFTER = re.compile(r"^(?:党代会|全会|代表大会|全体会议|全委会)")

# Units no catalogue indicator should take, listed for readability of skip reasons.
CUT_UNIT = "?"  # the unit of a number at the very end of a cut-off excerpt: its trigger decides
# Money (元, 万元) is not here: only an indicator of kind money accepts it.
_NEVER = frozenset({"年", "月", "日", "号", "周年", "岁", "学时", "课时", "小时", "分钟",
                    "个百分点", "百分点", "倍", "天", "周"})


def unit_may_count(q: Quantity) -> bool:
    """False when skip_reason rejects q on its unit alone, wherever it stands."""
    return q.unit is not None and (q.unit == CUT_UNIT or q.unit not in _NEVER)


# No indicator a report states comes near this; beyond it a digit run is a code or garbage (a 600-digit
# number would become inf).
MAX_VALUE = 1e10


def skip_reason(text: str, q: Quantity, clause: Span) -> Optional[str]:
    """Why q cannot be a fact whatever its context, or None."""
    if q.unit is None:
        return "no unit"
    if not math.isfinite(float(q.value)) or float(q.value) > MAX_VALUE:
        return "implausibly large"
    if q.unit == CUT_UNIT:
        return None
    if q.unit in _NEVER:
        return f"unit {q.unit}"
    before = text[max(clause.start, q.start - 6):q.start]
    if before.rstrip().endswith("第") or (before.rstrip().endswith("前") and q.unit in ("名", "位")):
        return "ordinal or rank"
    if q.unit in ("名", "位") and _RANK_CONTEXT.search(text[clause.start:q.start]):
        return "ordinal or rank"
    if _DELTA_ONLY.search(before):
        return "a change, not a level"
    if _MINIMUM.search(before):
        return "a requirement or target, not a count"
    if _AVERTED.search(before):
        return "something averted, not a count of what happened"
    if _CONGRESS_AFTER.match(text[q.unit_end:q.unit_end + 4]):
        return "ordinal of a congress"
    if _PHONE_BEFORE.search(text[max(0, q.start - 2):q.start]) or _PHONE_AFTER.match(text[q.end:q.end + 2]):
        return "phone or code"
    for g in bracket_groups(text, clause.start, clause.end, _DOC_BRACKETS):
        if g.start < q.start < g.end:
            return "document number"
    if q.chinese:
        # 一 is mostly an article (一次性, 一批); as a count it closes its clause: 法治讲座一期。
        if text[q.start:q.end] == "一" and text[q.unit_end:q.unit_end + 1] not in ("", ",", "。", ";", "、", ")"):
            return "一 is an article, not a tally"
        if text[q.start - 1:q.start] in ("数", "几") and q.start > 0:
            return "vague: 数十, 几百"
        for g in bracket_groups(text, clause.start, clause.end, QUOTES):
            if g.start < q.start < g.end:
                return "slogan in quotes"
    if q.unit == "%" and q.value > 100:
        return "percentage over 100"
    if _DOC_NOUN_AFTER.match(text[q.unit_end:q.unit_end + 4]):
        return "count of named documents"
    return None


def _years_in(text: str, clause: Span) -> list[int]:
    """Year mentions in a clause, outside brackets and ranges such as 2021-2025年; a comparison is -1."""
    groups = None  # most clauses name no year, so the brackets are looked at only when one does
    years = []
    for m in _YEAR.finditer(text, clause.start, clause.end):
        if groups is None:
            groups = bracket_groups(text, clause.start, clause.end)
        if any(g.start <= m.start() < g.end for g in groups):
            continue
        if _RANGE_NEAR.search(text[max(0, m.start() - 4):m.start()]) or _RANGE_AFTER.match(
                text[m.end(1):m.end(1) + 4]):
            continue
        years.append(-1 if _COMPARED.search(text[max(clause.start, m.start() - 3):m.start()]) else int(m.group(1)))
    return years


def other_year_clauses(text: str, clauses: tuple[Span, ...], year: Optional[int]) -> frozenset[int]:
    """Indexes of clauses about another year: a year mention carries on to the end of the sentence."""
    if year is None:
        return frozenset()
    out, other = set(), False
    for k, c in enumerate(clauses):
        years = _years_in(text, c)
        if years and set(years) == {-1}:  # 较2020年增加20件: this clause only is about the comparison
            out.add(k)
            continue
        if years:
            other = year not in years
        elif _THIS_YEAR.search(text[c.start:c.end]):
            other = False
        elif _OTHER_YEAR.search(text[c.start:c.end]):
            other = True
        if other:
            out.add(k)
    return frozenset(out)


def in_spans(pos: int, spans: tuple[tuple[int, int], ...]) -> bool:
    return any(a <= pos < b for a, b in spans)
