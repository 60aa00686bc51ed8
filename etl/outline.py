"""The outline of a report: its heading tree and the four parts the national rules require."""
from __future__ import annotations

import re
from dataclasses import replace

from etl.records import PARTS, Section

_CN = "一二三四五六七八九十"
# Heading markers by depth. 一、 and 第一、 open parts; (一) sub-parts; 1. / 1、 / (1) items; 一是 inline points.
_LINE_HEADINGS = (
    (1, re.compile(rf"^(?:第[{_CN}]+(?:部分)?[、,:]?|[{_CN}]{{1,3}}[、.])\s*")),
    (2, re.compile(rf"^\([{_CN}]{{1,3}}\)\s*")),
    (3, re.compile(r"^(?:\d{1,2}[、.](?![\d%])|\(\d{1,2}\))\s*")),
)
_MARKER_START = frozenset("第(" + _CN)
# 一是/二是 open a point inside a paragraph, always at a sentence start.
_INLINE_POINT = re.compile(rf"(?:^|(?<=[。;:!?]))\s*([{_CN}]{{1,3}}是)(?=[^{_CN}])")
_HEADING_END = re.compile(r"[。;!?]")
_MAX_HEADING = 60

# The duty itself, named in a heading. A sub-heading needs it; '履行…法治政府建设职责' alone there is the body's
# general work (only a top-level part may be named that way).
_DUTY = r"第一责任(?:人)?(?!制)|主要负责人履行|主要负责同志履行"
# Part cues, checked in this order. 整改/改进情况 reports on last year's problems: that is work done, not a
# statement of shortcomings, so it is tested before the problems cue.
_PART_CUES = (
    ("achievements", re.compile(r"问题(?:整改|改进)|整改(?:落实)?情况|改进情况")),
    ("first_responsible", re.compile(_DUTY + r"|述法|履行推进法治(?:政府)?建设(?:工作)?职责")),
    # '2022年…主要举措和成效' is the year's results, not a plan: 举措 followed by 成效 is never the plan cue.
    ("next_year_plan", re.compile(
        r"下一步|下步|工作安排|工作计划|工作打算|工作思路|打算|今后|努力方向|工作重点|工作谋划|"
        r"(?:\d{4}年|明年|来年|下一年度?)[^。]{0,16}(?:计划|安排|打算|思路|重点|举措(?![和及与]?成效))")),
    ("problems", re.compile(r"问题|不足|短板|差距|薄弱|困难|原因")),
    ("achievements", re.compile(
        r"举措|成效|主要工作|工作情况|推进情况|开展情况|完成情况|做法|进展|成绩|取得|基本情况|总体情况|工作成果")),
)
_DUTY_HEADING = re.compile(_DUTY)
# A plan part that opens by admitting shortcomings also states the problems (seen in real reports that fold
# the two together under 下一步打算).
_SHORTCOMINGS = re.compile(r"(?:存在|还有|仍有|面临)[^。]{0,24}(?:问题|不足|薄弱环节|差距|短板|困难)")


def _heading_text(line: str, marker_len: int) -> str:
    body = line[marker_len:]
    m = _HEADING_END.search(body)
    if m:
        body = body[: m.start()]
    return body[:_MAX_HEADING].strip(" ,:")


def _classify(heading: str) -> list[str]:
    """Every part whose cue appears in the heading, in the order the cues appear in the text."""
    found: dict[str, int] = {}
    for part, cue in _PART_CUES:
        m = cue.search(heading)
        if m and part not in found:
            found[part] = m.start()
    if "achievements" in found and found["achievements"] == min(found.values(), default=0):
        # 问题整改情况 / 改进情况 is achievements, whatever else the heading names.
        if _PART_CUES[0][1].search(heading):
            return ["achievements"]
    return sorted(found, key=found.get)


# Headings that run inline in flattened web text ('…法治保障。一、强化组织领导(一)坚持学法用法。…'): a marker
# after a sentence end (or, for (一), right after a heading), never 一是/第一/一、二级, never a decimal.
_INLINE_HEADING = re.compile(
    rf"(?:(?<=[。;:!?”」])|(?<=[{_CN}\u4e00-\u9fff]))\s*(?:"
    rf"(?P<d1>[{_CN}]{{1,3}})、(?![{_CN}]|是)"
    rf"|\((?P<d2>[{_CN}]{{1,3}})\)"
    rf"|(?<![\d.])(?P<d3>\d{{1,2}})[.、](?![\d%])"
    r")")
_AFTER_SENTENCE = frozenset("。;:!?”」")
_NUMERAL = {c: i for i, c in enumerate(_CN, 1)}
# Where an inline heading's text stops: a sentence end or the next heading marker.
_INLINE_END = re.compile(rf"[。;!?]|\([{_CN}]{{1,3}}\)|[{_CN}]{{1,3}}是|(?<![\d.])\d{{1,2}}[.、](?![\d%])")
_INLINE_MAX = 40
_SENTENCE_START = re.compile(r"总体来看|总的来看|总体上|一年来|过去一年|今年以来"
                             r"|[,]?(?:我|本)[局厅委县区市省旗州]|(?<=[^\d])20\d{2}年[,以]")


def _numeral(s: str) -> int:
    """一 -> 1, 十二 -> 12, 二十 -> 20 (headings never go further)."""
    if s.isdecimal():
        return int(s)
    if len(s) == 1:
        return _NUMERAL.get(s, 0)
    if s[0] == "十":
        return 10 + _NUMERAL.get(s[1], 0)
    return _NUMERAL.get(s[0], 0) * 10 + (_NUMERAL.get(s[2], 0) if len(s) > 2 else 0)


def _line_sections(text: str) -> tuple[list[tuple[int, str, int]], list[tuple[int, int, str, int]]]:
    """Headings at line starts and inline 一是 points as (depth, heading, start), plus inline heading
    candidates as (start, depth, heading, number)."""
    out: list[tuple[int, str, int]] = []
    inline: list[tuple[int, int, str, int]] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.lstrip()
        lead = len(line) - len(stripped)
        # Every heading marker starts with 第, a Chinese numeral, '(' or a digit (\d is str.isdecimal);
        # other lines, most of them, skip the three patterns.
        first = stripped[:1]
        for depth, rx in _LINE_HEADINGS if first and (first in _MARKER_START or first.isdecimal()) else ():
            m = rx.match(stripped)
            if m:
                heading = _heading_text(stripped, m.end())
                if heading:
                    out.append((depth, heading, pos + lead))
                    num = re.match(rf"^\(?第?([{_CN}]{{1,3}}|\d{{1,2}})", stripped)
                    inline.append((pos + lead, -depth, heading, _numeral(num.group(1)) if num else 0))
                break
        for m in _INLINE_POINT.finditer(line) if "是" in line else ():
            start = m.start(1)
            heading = _heading_text(line[start:], len(m.group(1)))
            if heading:
                out.append((4, heading, pos + start))
        if len(line) > 80:  # only long lines can hold a flattened outline
            for m in _INLINE_HEADING.finditer(line, lead + 1):
                depth = 1 if m.group("d1") else 2 if m.group("d2") else 3
                if depth != 2 and line[m.start() - 1] not in _AFTER_SENTENCE:
                    continue  # 一、 and 1. inline need a sentence end before them
                body = line[m.end():]
                end = _INLINE_END.search(body)
                heading = body[: end.start() if end else _INLINE_MAX][:_INLINE_MAX]
                # the heading runs straight into its paragraph: stop where a sentence visibly begins
                heading = _SENTENCE_START.split(heading, maxsplit=1)[0].strip(" ,:")
                if heading:
                    inline.append((pos + m.start() + (len(m.group(0)) - len(m.group(0).lstrip())), depth,
                                   heading, _numeral(m.group("d1") or m.group("d2") or m.group("d3"))))
        pos += len(line) + 1
    return out, inline


def _in_sequence(candidates: list[tuple[int, int, str, int]]) -> list[tuple[int, str, int]]:
    """The inline candidates that continue their level's numbering (一 after nothing, 二 after 一 …).

    Line-start headings (negative depth in `candidates`) are taken as they are and only set the counters.
    The numbering guard is what keeps '。三、四月份…' or '(二)' quoted in a sentence from opening sections.
    """
    last = {1: 0, 2: 0, 3: 0}
    out = []
    for start, depth, heading, num in sorted(candidates):
        line_start = depth < 0
        depth = abs(depth)
        if not line_start and num != last[depth] + 1:
            continue
        last[depth] = num
        for deeper in range(depth + 1, 4):
            last[deeper] = 0
        if not line_start:
            out.append((depth, heading, start))
    return out


def _raw_sections(text: str) -> list[tuple[int, str, int]]:
    """(depth, heading, start) for every heading, in text order."""
    out, inline = _line_sections(text)
    if any(d > 0 for _, d, _, _ in inline):
        out += _in_sequence(inline)
    out.sort(key=lambda t: t[2])
    return out


def parse_outline(text: str) -> tuple[Section, ...]:
    """Parse the heading tree of `text`.

    Depth 1 is 一、, depth 2 (一), depth 3 1./(1), depth 4 an inline 一是. `part` is set on depth-1 sections
    whose heading names one of the four required parts, and on depth-2 sections that split a depth-1 heading
    naming several parts (三、存在问题及下一步计划 → (一)存在问题, (二)下一步工作计划).
    """
    raw = _raw_sections(text)
    sections: list[Section] = []
    for i, (depth, heading, start) in enumerate(raw):
        end = len(text)
        for d2, _, s2 in raw[i + 1:]:
            if d2 <= depth:
                end = s2
                break
        sections.append(Section(seq=i, depth=depth, heading=heading, part=None, start=start, end=end))
    return tuple(_assign_parts(sections))


def _assign_parts(sections: list[Section]) -> list[Section]:
    out = list(sections)
    seen_part = False
    for i, sec in enumerate(out):
        if sec.depth != 1:
            continue
        parts = _classify(sec.heading)
        if not parts and not seen_part:
            # Themed reports (一、党的领导全面加强 …) put their measures under topical headings before
            # any problems or plan part: those are the achievements part.
            parts = ["achievements"]
        if not parts:
            continue
        # A duty part often opens the report before the topical headings; only problems or a plan end the results.
        seen_part = seen_part or bool(set(parts) & {"problems", "next_year_plan"})
        # A heading naming several parts: let its sub-headings carry them when they split it.
        if len(parts) > 1:
            children = [j for j in range(i + 1, len(out)) if out[j].start < sec.end and out[j].depth == 2]
            for j in children:
                child_parts = [p for p in _classify(out[j].heading) if p in parts]
                if child_parts:
                    out[j] = replace(out[j], part=child_parts[0])
        # The last named part wins for the section itself: plans close a combined heading, and facts inside a
        # plan must never count as results.
        out[i] = replace(sec, part=parts[-1])
    return out


def part_flags(text: str, sections: tuple[Section, ...]) -> dict[str, bool]:
    """The four compliance flags: has_achievements, has_problems, has_first_responsible, has_next_year_plan."""
    found = {s.part for s in sections if s.part}
    if sections and not any(s.depth == 1 for s in sections) and not found and \
            sum(1 for s in sections if s.part is None) >= 2:
        # No top-level heading at all, only the year's measures under sub-headings: those are its results.
        found.add("achievements")
    for sec in sections:
        if sec.depth == 1:
            found.update(_classify(sec.heading))
        elif sec.depth == 2 and _DUTY_HEADING.search(sec.heading):
            # A sub-heading devoted to the first-responsible duty is that part, headed inside another one.
            found.add("first_responsible")
        if sec.depth == 1 and sec.part == "first_responsible" and sum(
                1 for o in sections if o.depth == 2 and sec.start < o.start < sec.end) >= 2:
            # A report that opens with the duty and lists the year's measures under it (一、认真履行推进法治建设
            # 职责 → (一)… (二)…) states its results there.
            found.add("achievements")
        if sec.part == "next_year_plan" and sec.depth == 1:
            # Only the opening paragraph: plans routinely promise to fix 问题 later on.
            body = text[sec.start:sec.end].split("\n")
            opening = "\n".join(body[:3])
            if _SHORTCOMINGS.search(opening):
                found.add("problems")
    return {f"has_{p}": p in found for p in PARTS}


def part_at(sections: tuple[Section, ...], offset: int) -> str | None:
    """The part that the character at `offset` belongs to: the innermost enclosing section that has one."""
    best: Section | None = None
    for sec in sections:
        if sec.part and sec.start <= offset < sec.end and (best is None or sec.depth > best.depth):
            best = sec
    return best.part if best else None
