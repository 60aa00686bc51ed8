"""normalize_text: exact character mappings, line handling, idempotence, and no change to clean sample text."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.normalize import RADICAL_SUPPLEMENT, normalize_text

SEEDS = sorted(Path(__file__).parent.joinpath("fixtures", "seeds").glob("*.txt"))


@pytest.mark.parametrize("raw, expected", [
    ("２０２０年，在区委（区政府）领导下：", "2020年,在区委(区政府)领导下:"),
    ("ＡＢＣ　ｘｙｚ！？；％＋－＝", "ABC xyz!?;%+-="),
    ("《法治政府建设实施纲要》。“三师会审”、‘八五’", "《法治政府建设实施纲要》。“三师会审”、‘八五’"),
    ("①②③ ⑴ ㈠ ½ ², ℃", "①②③ ⑴ ㈠ ½ ², ℃"),  # no NFKC: these must not turn into digits
    ("法治\u00a0政府\u3000建设\u2002年度\u202f报告\u205f", "法治 政府 建设 年度 报告"),
    ("法\u200b治\u200d政\ufeff府\u2060", "法治政府"),
    ("\ufeff2021年", "2021年"),
    ("⻓江流域⻔户⻅效⻋辆", "长江流域门户见效车辆"),
    ("⼈⺠政府⼯作", "人民政府工作"),  # Kangxi 人 and 工 (U+2F08, U+2F2F) plus supplement 民
    ("第一行\r\n第二行\r第三行\n", "第一行\n第二行\n第三行"),
    ("  一、主要举措  \n\n\n   (一)加强领导\t\t 情况  ", "一、主要举措\n(一)加强领导 情况"),
    ("会议 1 次,法治建设专题会议 5 次", "会议 1 次,法治建设专题会议 5 次"),
    ("行\u2028分\u2029段", "行\n分\n段"),
    ("控制\x00字符\x07\x1b", "控制字符"),
    ("", ""),
    ("\n \n\u3000\n", ""),
])
def test_exact_mappings(raw, expected):
    assert normalize_text(raw) == expected


def test_every_radical_in_the_table_becomes_a_unified_ideograph():
    for radical, char in RADICAL_SUPPLEMENT.items():
        assert 0x2E80 <= ord(radical) <= 0x2EFF
        assert normalize_text(radical) == char
        assert not 0x2E80 <= ord(char) <= 0x2FDF


def test_all_kangxi_radicals_leave_the_radical_blocks():
    text = "".join(chr(c) for c in range(0x2F00, 0x2FD6))
    assert all(not 0x2E80 <= ord(ch) <= 0x2FDF for ch in normalize_text(text))


@pytest.mark.parametrize("path", SEEDS, ids=[p.name for p in SEEDS])
def test_clean_seed_text_keeps_every_line(path):
    raw = path.read_text(encoding="utf-8")
    # The seeds are already half-width; only NBSP indentation, line stripping and blank lines change.
    expected = "\n".join(line.strip() for line in raw.replace("\u00a0", " ").split("\n") if line.strip())
    assert normalize_text(raw) == expected


def test_seed_evidence_spans_survive():
    raw = (Path(__file__).parent / "fixtures" / "seeds" / "002_47242c5338189b52.txt").read_text(encoding="utf-8")
    text = normalize_text(raw)
    assert "解答群众法律咨询6,200余人次" in text
    assert "80%事项实现“一网通办”" in text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_idempotent_on_any_text(s):
    once = normalize_text(s)
    assert normalize_text(once) == once
    assert "\r" not in once and "\n\n" not in once
    assert all(line == line.strip() and line for line in once.split("\n")) or once == ""


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x2000, max_codepoint=0x3100)) | st.text(
    alphabet=st.characters(min_codepoint=0xFE00, max_codepoint=0xFFFF)))
def test_idempotent_on_the_mapped_blocks(s):
    once = normalize_text(s)
    assert normalize_text(once) == once
