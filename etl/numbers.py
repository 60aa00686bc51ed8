"""Pure parsing of quantities as Chinese reports write them: 6,200余人次, 2.5万, 98.3%, 三百余件, 3至5次."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Optional

import cn2an

# Unit words a quantity may carry, longest first so that 人次 wins over 人.
# Money, time and dates are listed too: recognising them is what lets callers reject them.
UNITS: tuple[str, ...] = tuple(sorted((
    "个百分点", "百分点", "平方米", "平方公里", "万元", "亿元", "元",
    "人次", "件次", "场次", "台次", "批次", "班次", "户次", "期次", "课次", "次", "期", "场", "批", "堂", "课",
    "学时", "课时", "小时", "分钟", "天", "日", "月", "年", "周", "周年", "岁",
    "个", "件", "宗", "起", "条", "项", "份", "册", "本", "张", "篇", "部", "套", "幅", "块", "处", "类", "对", "票",
    "名", "人", "位", "家", "所", "户", "村", "届", "台", "辆", "倍", "号", "公里", "亩", "米", "吨", "万",
), key=len, reverse=True))

APPROX_PREFIXES: tuple[str, ...] = ("将近", "大约", "超过", "多达", "近", "约", "逾", "超")
APPROX_INFIXES: tuple[str, ...] = ("余", "多", "来")  # between the number and its unit: 2500多份
APPROX_SUFFIXES: tuple[str, ...] = ("以上", "左右", "上下", "有余")  # after the unit: 98%以上

_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_ARABIC = r"\d+(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?"
_CHINESE = f"[{_CN_DIGITS}]+"
_SP = r"[ \t\u00a0\u3000]?"  # some sites print numbers with spaces around them
_MULT = {"万": 1e4, "亿": 1e8}
_RANGE_SEP = r"(?:至|到|~|～|-|—|－|–)"

_NUM_RE = re.compile(
    rf"(?<![A-Za-z0-9.])(?P<pct>百分之)?(?P<num>{_ARABIC}|{_CHINESE})"
    rf"(?:{_SP}{_RANGE_SEP}{_SP}(?P<hi>{_ARABIC}|{_CHINESE}))?"
    rf"(?P<mult>{_SP}[万亿](?!元))?"
    rf"(?P<infix>{_SP}(?:{'|'.join(APPROX_INFIXES)}))?"
    rf"(?P<mult2>[万亿](?![元]))?"
    rf"(?P<percent>{_SP}[%％])?"
)


assert list(_NUM_RE.groupindex) == ["pct", "num", "hi", "mult", "infix", "mult2", "percent"]  # see _quantity
_NUM_START = re.compile(f"[\\d{_CN_DIGITS}]")  # every first character _NUM_RE can match (百 of 百分之 too)


@dataclass(frozen=True)
class Quantity:
    """One number found in a text; offsets index the text it was found in."""

    value: float
    unit: Optional[str]  # raw unit as written; '%' for percentages; None when no unit follows
    approx: bool
    start: int  # span of the number as written: digits, 万/亿 and 余/多 (and % for a percentage)
    end: int
    unit_end: int  # end of the whole quantity, unit and trailing 以上 included
    chinese: bool  # written in Chinese numerals
    high: Optional[float] = None  # upper bound of a range such as 3至5次

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"


def parse_number(s: str) -> Optional[float]:
    """'6,200' / '2.5万' / '一千二百' / '两' → float; None when s is not a number."""
    return _parse_number(s)


@functools.lru_cache(maxsize=8192)  # reports repeat the same few numerals; cn2an is slow
def _parse_number(s: str) -> Optional[float]:
    s = s.strip()
    if not s:
        return None
    mult = 1.0
    while s and s[-1] in _MULT and len(s) > 1 and not re.fullmatch(_CHINESE, s):
        mult *= _MULT[s[-1]]
        s = s[:-1].strip()
    if re.fullmatch(_ARABIC, s):
        return float(s.replace(",", "")) * mult
    if re.fullmatch(_CHINESE, s) and re.search("[零〇一二两三四五六七八九十]", s):
        try:
            return float(cn2an.cn2an(s, "normal")) * mult
        except (ValueError, KeyError, IndexError, TypeError):
            return None
    return None


@functools.lru_cache(maxsize=16)
def _units_re(units: tuple[str, ...]) -> re.Pattern:
    """An optional space, then the first of `units` that fits (an alternation tries branches in order).

    The space is possessive: as before, once a space is taken the unit must follow it.
    """
    return re.compile(f"{_SP}+(" + "|".join(re.escape(u) for u in units) + ")" if units else "(?!)")


def _unit_at(text: str, pos: int, units: tuple[str, ...]) -> tuple[Optional[str], int]:
    """The unit that starts at pos (after an optional space), and where it ends."""
    return _unit_match(text, pos, _units_re(units))


def _unit_match(text: str, pos: int, units_re: re.Pattern) -> tuple[Optional[str], int]:
    m = units_re.match(text, pos)  # matching in place: slicing text[pos:] copied the rest of the text
    if m:
        return m.group(1), m.end()
    return None, pos


_APPROX_SUFFIX_RE = re.compile("|".join(APPROX_SUFFIXES))  # tried in order, like a loop over them


def _quantity(text: str, m: re.Match, units_re: re.Pattern) -> Optional[Quantity]:
    # Groups fetched once, by position: this runs for every number in every report.
    pct, num, hi, mult1, infix, mult2, percent = m.groups()
    is_cn = not num[0].isdigit()
    value = _parse_number(num)
    if value is None:
        return None
    high = _parse_number(hi) if hi else None
    if hi and (high is None or len(hi) > 6 or high <= value):
        return None  # a phone number such as 0755-12345678, or not a range at all
    mult = 1.0
    for g in (mult1, mult2):
        if g:
            mult *= _MULT[g.strip()]
    value *= mult
    high = high * mult if high is not None else None
    start, end = m.start(2), m.end()
    approx = bool(infix) or high is not None
    if pct or percent:
        unit, unit_end = "%", end
        if pct:
            start = m.start(1)
    else:
        # the span stops before a trailing space so that it is the number as written
        end = m.start() + len(m.group(0).rstrip())
        um = units_re.match(text, end)  # _unit_match, inlined: this runs for every number
        unit, unit_end = (um.group(1), um.end()) if um else (None, end)
        if unit == "万":  # 10万 without a following unit was consumed above; a bare 万 here is prose
            unit, unit_end = None, end
    if unit is None:
        unit_end = end
    if text[max(0, start - 2):start].endswith(APPROX_PREFIXES):
        approx = True
    sm = _APPROX_SUFFIX_RE.match(text, unit_end)
    if sm:
        approx, unit_end = True, sm.end()
    return Quantity(value, unit, approx, start, end, unit_end, is_cn, high)


@functools.lru_cache(maxsize=16)
def _longest_first(units: frozenset[str]) -> tuple[str, ...]:
    # Ties in length cannot both fit at one place, so sorting them by name only makes the cache key stable.
    return tuple(sorted(units | {"万元", "亿元"}, key=lambda u: (-len(u), u)))


def find_quantities(text: str, units: tuple[str, ...] = UNITS) -> tuple[Quantity, ...]:
    """Every number in text with its unit and qualifiers, left to right. Never raises."""
    units_re = _units_re(_longest_first(frozenset(units)))
    out = []
    # The same matches as _NUM_RE.finditer(text), found faster: a number can only start at a digit, a
    # Chinese numeral or 百分之, and a character class finds those places in C, where the full pattern
    # (led by a lookbehind) would be tried at every character. The lookbehind still sees text before pos.
    find_start, match = _NUM_START.search, _NUM_RE.match
    pos = 0
    while (s := find_start(text, pos)) is not None:
        at = s.start()
        m = match(text, at)
        if m is None:
            pos = at + 1
            continue
        pos = m.end() if m.end() > at else at + 1
        if m.group(2):
            q = _quantity(text, m, units_re)
            if q is not None:
                out.append(q)
    return tuple(out)


def parse_quantity(s: str, units: tuple[str, ...] = UNITS) -> Optional[Quantity]:
    """The single quantity that makes up all of s ('6,200余人次', '98%以上'), else None."""
    found = find_quantities(s, units)
    if len(found) != 1:
        return None
    q = found[0]
    head = s[:q.start].strip()
    if q.unit == "%" and head.endswith("百分之"):
        head = head[:-3]
    if head not in ("",) + APPROX_PREFIXES or s[q.unit_end:].strip():
        return None
    return q
