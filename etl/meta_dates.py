"""Publication date and covered year of a report, read from page stamps, the title and the opening."""
from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from etl.meta_title import inline_signature
from etl.records import MetaField

_Y = r"(20\d{2})"
# Date spellings seen on government pages; each pattern yields (year, month, day) groups by name.
_DATE_RES = (
    # the day may run into the next year in flattened text: '日期:2021-05-282020年,我局…'
    re.compile(_Y.replace("(", "(?P<y>", 1) + r"\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})(?=\D|$|20\d{2}年)"),
    re.compile(_Y.replace("(", "(?P<y>", 1) + r"\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>20\d{2})(?!\d)"),  # 25.02.2016
)
# Labels of page stamps, strongest first: a publication stamp beats a writing or update date.
_LABELS = ("发布日期", "发布时间", "发表时间", "发表日期", "发文时间", "发文日期", "公开日期", "公开时间",
           "日期", "时间", "更新时间", "更新日期", "成文日期", "生成日期")
# Crawled and table-like page headers write 'label: date', 'label | date' or 'label date'.
_LABEL_RE = re.compile(r"(" + "|".join(sorted(_LABELS, key=len, reverse=True))
                       + r")\s*[\]】]?\s*(?:(?:[:：|]\s*)+|(?=\s*20\d{2}))")  # 成文日期: | 2022-02-11 |, [ 发布日期 ] …
# Other words of a page's header line: a date on a line with them is the page's date ('2022-03-29 来源: 海口市司法局').
_HEADER_WORDS = re.compile(r"来源|点击|浏览|阅读|作者|发布|打印|字体|字号|索引号|信息来源|文章来源")
# The date a report was delivered, printed under its title: '(2025年4月29日在杭州市…常务委员会…会议上)'.
_DELIVERED = re.compile(r"^\(\s*(20\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*在[^()]{2,60}会议上\s*\)")
_HEAD_LINES = 15  # page stamps sit above the body
# '…情况报告 上海市统计局 2020-06-08': the title, maybe its agency, then the date
_AFTER_TITLE = re.compile(r"(?:报告|情况)\s*(?:[\u4e00-\u9fff]{2,20}\s+)?"
                          r"(20\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|20\d{2}-\d{1,2}-\d{1,2})")
_TAIL_LINES = 6  # a signature date sits at the end
# In a flattened page's furniture, an unlabelled stamp still shows itself by a clock time or a header word
# beside it ('- 成华区教育云- 2021-01-25 10:47- 阅读 2525', '来源:云南省人民政府办公厅 2016-04-11 15:37:31').
_CLOCK_AFTER = re.compile(r"[\s/]*\d{1,2}:\d{2}")


def _flat_stamp(head: str) -> Optional[MetaField]:
    """The page date in the furniture before a flattened page's first sentence, or None."""
    delivered = _DELIVERED.match(head)  # '(2025年4月29日在…会议上)' opening the page
    if delivered:
        ds = _dates(delivered.group(1))
        return MetaField(ds[0][2].isoformat(), "header", delivered.group(0)[:60]) if ds else None
    stop = head.find("。")
    for start, end, d in _dates(head[: stop if stop >= 0 else len(head)]):
        near = head[max(0, start - 15):end + 15]
        if _plausible(d) and (_CLOCK_AFTER.match(head, end) or _HEADER_WORDS.search(near)):
            return MetaField(d.isoformat(), "header", head[max(0, start - 10):end + 6])
    return None


def _dates(s: str) -> list[tuple[int, int, dt.date]]:
    """All valid dates in s as (start, end, date), in text order."""
    out = []
    for rx in _DATE_RES:
        for m in rx.finditer(s):
            try:
                d = dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            except ValueError:
                continue
            out.append((m.start(), m.end(), d))
    return sorted(out)


def _plausible(d: dt.date) -> bool:
    return 2000 <= d.year <= dt.date.today().year + 1


def _is_stamp_line(line: str, start: int, end: int) -> bool:
    """A line that is just a date plus a short label or clock time (not a body sentence)."""
    rest = (line[:start] + line[end:]).strip()
    rest = re.sub(r"\d{1,2}:\d{2}(:\d{2})?", "", rest).strip()
    return len(rest) <= 12 and not re.search(r"[,。;]", rest)


def find_published(text: str) -> MetaField:
    """The date the page shows: a labelled stamp, else a bare date line in the header or signature."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    best: Optional[tuple[int, dt.date, str]] = None
    for i, line in enumerate(lines):
        if len(line) > 160:
            if i > 0:
                continue  # stamps live on short header/footer lines, not in paragraphs
            line = line[:400]  # a flattened page: its stamps sit in the furniture before the body
        for lm in _LABEL_RE.finditer(line):
            ds = _dates(line[lm.end():lm.end() + 30])
            if ds and ds[0][0] == 0 and _plausible(ds[0][2]):
                rank = _LABELS.index(lm.group(1))
                if best is None or rank < best[0]:
                    best = (rank, ds[0][2], line[lm.start():lm.end() + ds[0][1]])
    if best:
        return MetaField(best[1].isoformat(), "header", best[2])
    for line in lines[:_HEAD_LINES]:
        if len(line) > 120:
            continue
        placed = _DELIVERED.match(line) or _AFTER_TITLE.search(line)  # under the title, or after it on its line
        ds = _dates(placed.group(1)) if placed else (_dates(line) if _HEADER_WORDS.search(line) else [])
        if ds and _plausible(ds[0][2]):
            return MetaField(ds[0][2].isoformat(), "header", line[:60])
    if lines and len(lines[0]) > 160:  # a flattened page: a bare date right after its title
        after_title = _AFTER_TITLE.search(lines[0][:400])
        ds = _dates(after_title.group(1)) if after_title else []
        if ds and _plausible(ds[0][2]):
            return MetaField(ds[0][2].isoformat(), "header", after_title.group(0)[-30:])
        flat_stamp = _flat_stamp(lines[0][:400])
        if flat_stamp:
            return flat_stamp
    inline = inline_signature(text)
    if inline and len(lines) and len(lines[-1]) > 60:  # a flattened page: the signature ends its last line
        ds = _dates(inline.group("d"))
        if ds and _plausible(ds[0][2]):
            return MetaField(ds[0][2].isoformat(), "body", f"signature date: {inline.group(0)[-40:]}")
    head, tail = lines[:_HEAD_LINES], lines[-_TAIL_LINES:] if len(lines) > _HEAD_LINES else []
    for where, group in (("header", head), ("signature", list(reversed(tail)))):
        for line in group:
            if len(line) > 60:
                continue
            for start, end, d in _dates(line):
                if _plausible(d) and _is_stamp_line(line, start, end):
                    return MetaField(d.isoformat(), "body", f"{where} date line: {line[:40]}")
    return MetaField()


_TITLE_YEAR = re.compile(_Y + r"\s*年")
# Where the body states the year it covers, in order of trust.
_BODY_YEAR = (
    re.compile(r"现将(?:我[局厅委县市区省旗]|本[局厅委]|[\u4e00-\u9fff]{2,24}?)?(?:的)?" + _Y + r"\s*年"),
    re.compile(r"^\s*" + _Y + r"\s*年(?:度|以来|,|,|是|全?[市县区省])", re.M),
    re.compile(r"^\s*一[、.]\s*" + _Y + r"\s*年", re.M),
    # flattened text: the opening '2022年,…' right after the salutation or the previous sentence
    re.compile(r"(?<=[。:!?;])\s*" + _Y + r"\s*年(?:度|以来)?,"),
    re.compile(r"(?<=[。:])\s*" + _Y + r"\s*年(?:度|以来|是|全?[市县区省])"),
    re.compile(r"(?<=[。:])\s*一[、.]\s*" + _Y + r"\s*年"),
)


_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0", "O": "0"}
_CN_YEAR = re.compile(r"[二][〇○零O][一二三四五六七八九〇○零O]{2}(?=年)")


def _arabic_years(s: str) -> str:
    """二〇二二年 -> 2022年 (some titles spell the year in Chinese numerals)."""
    return _CN_YEAR.sub(lambda m: "".join(_CN_DIGITS[c] for c in m.group(0)), s)


def find_year(text: str, title: Optional[str], published: Optional[str]) -> MetaField:
    """The year the report covers: the title's first year, else the opening's, else published - 1."""
    title = _arabic_years(title) if title else title
    text = _arabic_years(text[:3000])
    if title:
        m = _TITLE_YEAR.search(title)
        if m:
            return MetaField(int(m.group(1)), "title", title[:60])
    head = text[:3000]
    for rx in _BODY_YEAR:
        m = rx.search(head)
        if m:
            y = int(m.group(1))
            if 2000 <= y <= dt.date.today().year:
                return MetaField(y, "body", m.group(0).strip()[:40])
    if published:
        # Reports are due by 1 April and cover the year before; one signed in the autumn covers its own year.
        y, month = int(published[:4]), int(published[5:7])
        if month >= 10:
            return MetaField(y, "inferred", f"published {published}; signed late in the year it covers")
        return MetaField(y - 1, "inferred", f"published {published}; reports cover the year before")
    return MetaField()
