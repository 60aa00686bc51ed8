"""Fuzzing (issue 7, part 5): every parsing layer takes arbitrary input and returns a result or raises our own
ReportError, never another exception, and never hangs.

The per-module properties live next to their modules (test_read, test_normalize, test_numbers, test_metadata,
test_outline, test_facts). This file covers what they do not: the whole pipeline (`parse_report`, then the rows
the warehouse would store) on arbitrary and on report-shaped input in every format and encoding; the outline,
fact, sentence and boilerplate layers on full Unicode rather than small alphabets; HTML tag soup whose script,
style and handlers must never reach the text; and worst-case inputs (long runs that make regexes backtrack)
with an explicit time bound per call.
"""
from __future__ import annotations

import signal
import time
from datetime import datetime
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.errors import ReportError
from etl.pipeline import PARSER_VERSION, ParseContext, parse_report
from etl.records import ParsedReport

CALL_LIMIT = 2.0  # seconds any one call may take on fuzzed input (hypothesis deadline is the same)
WORST_LIMIT = 5.0  # seconds for one call on a worst-case input of ~100k characters
FUZZ = settings(max_examples=60, deadline=int(CALL_LIMIT * 1000),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
EXTENSIONS = ["txt", "html", "htm", "docx", "pdf", "TXT", "doc", "wps", "csv", ""]


@cache
def ctx() -> ParseContext:
    return ParseContext.load()


@cache
def vocabulary() -> tuple[str, ...]:
    """Words a report is made of: indicator names, units and trigger literals, headings, dates, places."""
    catalog = ctx().catalog
    words = {i.name_zh for i in catalog.indicators} | set(catalog.units)
    for _ind, _trig, _local, literals in catalog.flat_triggers:
        words.update(literals or ())
    words.update(["一、", "二、", "三、", "四、", "(一)", "(二)", "（三）", "1.", "2、", "第一部分", "一是", "二是",
                  "主要举措和成效", "存在的问题和不足", "下一步工作计划", "第一责任人职责", "法治政府建设年度报告",
                  "2021年", "2022年3月1日", "二〇二一年", "深圳市宝安区司法局", "广东省", "某县人民政府", "关于",
                  "全年", "共", "约", "余", "多", "万", "亿", "%", "％", "件", "人次", "场次", "，", "。", "；", "：",
                  "“", "”", "《", "》", "(", ")", "\n", "\n\n", " ", "\u3000", "1,234", "12.5", "３４５", "百分之九十",
                  "一千二百", "=HYPERLINK(\"x\")", "<img src=x onerror=alert(1)>", "[a](http://x)"])
    return tuple(sorted(words))


def report_text() -> st.SearchStrategy[str]:
    """Report-shaped text: a title line, then headings, numbers and indicator words mixed with noise."""
    piece = st.sampled_from(vocabulary()) | st.integers(0, 10**9).map(str) | st.text(max_size=6)
    return st.tuples(st.sampled_from(vocabulary()), st.lists(piece, max_size=150).map("".join)).map(
        lambda t: "某市司法局2021年法治政府建设年度报告\n" + t[0] + "\n" + t[1])


def _timed(fn, *args, limit: float = CALL_LIMIT):
    t0 = time.perf_counter()
    try:
        return fn(*args)
    finally:
        elapsed = time.perf_counter() - t0
        assert elapsed < limit, f"{getattr(fn, '__name__', fn)} took {elapsed:.2f} s"


def _check_report(rep: ParsedReport) -> None:
    """What the warehouse relies on: spans inside the text, evidence equal to the text at its span, rows build."""
    from etl.rows import report_rows

    text = rep.raw_text
    assert text and text == text.strip()
    for s in rep.sections:
        assert 0 <= s.start <= s.end <= len(text)
    for f in rep.facts:
        assert 0 <= f.char_start < f.char_end <= len(text)
        assert text[f.evidence_start:f.evidence_start + len(f.evidence)] == f.evidence
        assert f.evidence_start <= f.char_start and f.char_end <= f.evidence_start + len(f.evidence)
    tables = report_rows(rep, PARSER_VERSION, None, datetime(2026, 1, 1))
    assert len(tables["reports"]) == 1 and tables["reports"][0]["raw_text"] == text


def _parse_or_report_error(data: bytes, name: str) -> ParsedReport | ReportError:
    try:
        rep = _timed(parse_report, data, name, ctx())
    except ReportError as err:
        assert err.code and err.zh and err.en and err.reason == f"{err.zh} / {err.en}"
        return err
    _check_report(rep)
    return rep


# ---- the pipeline as a whole -------------------------------------------------------------------------------
@FUZZ
@given(st.binary(max_size=4000), st.sampled_from(EXTENSIONS))
def test_pipeline_on_arbitrary_bytes(data, ext):
    _parse_or_report_error(data, f"report.{ext}" if ext else "report")


@FUZZ
@given(report_text(), st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-be"]))
def test_pipeline_on_report_shaped_text_in_every_encoding(text, codec):
    _parse_or_report_error(text.encode(codec), "report.txt")


@FUZZ
@given(report_text())
def test_pipeline_on_report_shaped_text_gives_the_same_report_in_utf8_and_gb18030(text):
    a = _parse_or_report_error(text.encode("utf-8"), "r.txt")
    b = _parse_or_report_error(text.encode("gb18030"), "r.txt")
    if isinstance(a, ParsedReport) and isinstance(b, ParsedReport):
        assert (a.raw_text, a.sections, a.facts, a.meta) == (b.raw_text, b.sections, b.facts, b.meta)


# ---- HTML tag soup -------------------------------------------------------------------------------------------
SECRET = "SECRETMARK"
HANDLERS = ["onclick", "onload", "onerror", "onmouseover", "ONCLICK", "onfocus"]


@st.composite
def tag_soup(draw) -> str:
    """HTML with script/style blocks, comments and event handlers (all holding SECRET) around report text."""
    parts = []
    for _ in range(draw(st.integers(1, 25))):
        kind = draw(st.sampled_from(["text", "p", "div", "script", "style", "comment", "handler", "close", "junk"]))
        words = draw(st.lists(st.sampled_from(vocabulary()), min_size=1, max_size=8).map("".join))
        if kind == "text":
            parts.append(words)
        elif kind in ("p", "div"):
            parts.append(f"<{kind}>{words}</{kind}>")
        elif kind == "script":
            parts.append(draw(st.sampled_from([
                f"<script>var a='{SECRET}';</script>", f"<SCRIPT type='text/javascript'>/*{SECRET}*/</SCRIPT>",
                f"<script>document.write('<p>{SECRET}</p>')</script>", f"<script src=x>{SECRET}</script >"])))
        elif kind == "style":
            parts.append(f"<style>.{SECRET}{{color:red}} p:after{{content:'{SECRET}'}}</style>")
        elif kind == "comment":
            parts.append(f"<!-- {SECRET} <p>{SECRET}</p> -->")
        elif kind == "handler":
            handler = draw(st.sampled_from(HANDLERS))
            parts.append(f"<p {handler}=\"alert('{SECRET}')\" title=x>{words}</p>")
        elif kind == "close":
            parts.append(draw(st.sampled_from(["</p>", "</div>", "<br>", "<hr/>", "</body>", "<body>", "<td>"])))
        else:
            parts.append(draw(st.text(alphabet="/=\"' abc>\n", max_size=12)))  # a stray '<' opens a tag
    return "<html><head><title>法治政府建设年度报告</title></head><body>" + "".join(parts) + "</body></html>"


@FUZZ
@given(tag_soup(), st.sampled_from(["page.html", "page.htm"]))
def test_html_tag_soup_never_leaks_script_style_or_handlers(html, name):
    from etl.read import read_document

    try:
        doc = _timed(read_document, html.encode("utf-8"), name)
    except ReportError:
        return
    assert SECRET not in doc.text and "alert(" not in doc.text.replace("alert(1)", "")


# ---- layers on full Unicode ----------------------------------------------------------------------------------
TEXT = st.text(max_size=600) | report_text()


@FUZZ
@given(TEXT)
def test_outline_and_facts_on_any_text(text):
    from etl.facts import extract_facts
    from etl.outline import parse_outline, part_flags

    sections = _timed(parse_outline, text)
    for s in sections:
        assert 0 <= s.start <= s.end <= len(text) and 1 <= s.depth <= 4
    part_flags(text, sections)
    for year in (None, 2021):
        facts, checks = _timed(extract_facts, text, sections, year, ctx().catalog)
        codes = set(ctx().catalog.codes)
        for f in facts:
            assert f.indicator in codes
            assert 0 <= f.char_start < f.char_end <= len(text)
            assert text[f.evidence_start:f.evidence_start + len(f.evidence)] == f.evidence


@FUZZ
@given(TEXT)
def test_sentences_and_clauses_cover_their_text(text):
    from etl.sentences import split_clauses, split_sentences

    sentences = _timed(split_sentences, text)
    last = 0
    for s in sentences:
        assert last <= s.start <= s.end <= len(text)
        last = s.end
        for c in _timed(split_clauses, text, s):
            assert s.start <= c.start <= c.end <= s.end


@FUZZ
@given(TEXT)
def test_normalise_then_strip_boilerplate_on_any_text(text):
    from etl.boilerplate import strip_boilerplate
    from etl.normalize import normalize_text

    clean = _timed(strip_boilerplate, _timed(normalize_text, text))
    assert isinstance(clean, str) and clean == clean.strip()
    assert set(clean.split("\n")) <= set(normalize_text(text).split("\n")) | {""}  # lines are dropped, never made


@FUZZ
@given(TEXT, st.sampled_from(["a.txt", "", "../x/深圳市宝安区司法局2021年法治政府建设年度报告.docx", "\x00.pdf"]))
def test_metadata_with_any_file_name(text, name):
    from etl.metadata import extract_metadata

    meta = _timed(extract_metadata, text, name, ctx().gazetteer)
    year = meta.value("year")
    assert year is None or 1949 <= year <= 2100


# ---- worst cases: long runs that make regexes backtrack -------------------------------------------------------
WORST = {
    "digits": "1" * 100_000,
    "digits and commas": "1," * 50_000,
    "decimal points": "1." * 50_000,
    "chinese numerals": "一二三四五六七八九十百千万亿" * 7_000,
    "percent signs": "9%" * 50_000,
    "open brackets": "(" * 50_000 + "调解案件100件",
    "nested brackets": "（" * 20_000 + "）" * 20_000,
    "headings": "一、\n" * 30_000,
    "sub-headings": "(一)\n" * 25_000,
    "numbered lines": "".join(f"{i}.工作\n" for i in range(20_000)),
    "one long line": "调解矛盾纠纷" * 20_000,
    "triggers without numbers": "办理行政复议案件共计约" * 10_000,
    "numbers without triggers": "共计约1200余件，" * 12_000,
    "no punctuation": "我局全年调解矛盾纠纷1200件成功率百分之九十五" * 4_000,
    "spaces": " \u3000\t" * 40_000 + "报告",
    "blank lines": "\n" * 100_000 + "报告",
    "dates": "2021年3月1日" * 10_000,
}


class TooSlow(Exception):
    """Raised by the interval timer inside a call that exceeded its bound."""


def _bounded(fn, *args, limit: float = WORST_LIMIT) -> float | None:
    """Run fn(*args) with a hard time limit (SIGALRM); the seconds it took, or None when it was stopped."""
    def alarm(signum, frame):
        raise TooSlow()

    previous = signal.signal(signal.SIGALRM, alarm)
    t0 = time.perf_counter()
    try:
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            fn(*args)
        except ReportError:
            pass
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except TooSlow:
        return None
    finally:
        signal.signal(signal.SIGALRM, previous)
    return time.perf_counter() - t0


def test_every_layer_is_fast_on_worst_case_input():
    from etl.boilerplate import strip_boilerplate
    from etl.facts import extract_facts
    from etl.metadata import extract_metadata
    from etl.normalize import normalize_text
    from etl.numbers import find_quantities
    from etl.outline import parse_outline
    from etl.sentences import split_sentences

    def facts(text):
        return extract_facts(text, parse_outline(text), 2021, ctx().catalog)

    layers = [normalize_text, strip_boilerplate, find_quantities, split_sentences, parse_outline,
              lambda text: extract_metadata(text, "a.txt", ctx().gazetteer), facts]
    names = ["normalize_text", "strip_boilerplate", "find_quantities", "split_sentences", "parse_outline",
             "extract_metadata", "extract_facts"]
    slow = [(label, name) for label, text in WORST.items() for name, fn in zip(names, layers, strict=True)
            if _bounded(fn, text) is None]
    assert slow == [], f"stopped after {WORST_LIMIT} s"


def test_whole_pipeline_is_fast_on_worst_case_files():
    slow = [label for label, text in WORST.items()
            if _bounded(parse_report, text.encode("utf-8"), "a.txt", ctx(), limit=2 * WORST_LIMIT) is None]
    assert slow == [], f"stopped after {2 * WORST_LIMIT} s"
