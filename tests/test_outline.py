"""Outline parser: golden heading trees for the seeds, the four-part flags from the gold, and edge cases."""
from __future__ import annotations

import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.outline import parse_outline, part_at, part_flags

from .conftest import FIXTURES

SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
GOLD = {json.loads(line)["doc"]: json.loads(line) for line in (FIXTURES / "gold-seeds.jsonl").open()}
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _outline_json(text: str) -> dict:
    sections = parse_outline(text)
    return {
        "flags": part_flags(text, sections),
        "sections": [[s.depth, s.part, s.heading] for s in sections if s.depth <= 3],
    }


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_outline_matches_golden(path):
    got = _outline_json(path.read_text(encoding="utf-8"))
    golden = FIXTURES / "outline" / (path.stem + ".json")
    if UPDATE:
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert got == json.loads(golden.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_part_flags_match_hand_checked_gold(path):
    text = path.read_text(encoding="utf-8")
    flags = part_flags(text, parse_outline(text))
    expected = {f"has_{k}": v for k, v in GOLD[path.name]["sections"].items()}
    assert flags == expected


def test_heading_styles_and_depths():
    text = ("2021年工作报告\n一、主要举措和成效\n(一)完善制度。一是健全规则。二是严格审查,共审查5件。\n"
            "1.持续开展清单调整\n1.5万件办结,不是标题\n(1)细项\n二、存在的不足和原因\n"
            "三、党政主要负责人履行推进法治建设第一责任人职责情况\n四、2022年工作安排\n(一)抓好宣传")
    got = [(s.depth, s.heading, s.part) for s in parse_outline(text)]
    assert got == [
        (1, "主要举措和成效", "achievements"),
        (2, "完善制度", None),
        (4, "健全规则", None),
        (4, "严格审查,共审查5件", None),
        (3, "持续开展清单调整", None),
        (3, "细项", None),
        (1, "存在的不足和原因", "problems"),
        (1, "党政主要负责人履行推进法治建设第一责任人职责情况", "first_responsible"),
        (1, "2022年工作安排", "next_year_plan"),
        (2, "抓好宣传", None),
    ]


def test_combined_heading_is_split_by_its_subheadings():
    text = "一、工作成效\n正文\n二、存在问题及下一步计划\n(一)存在问题\n人员不足。\n(二)下一步工作计划\n加强培训。"
    sections = parse_outline(text)
    assert [(s.heading, s.part) for s in sections] == [
        ("工作成效", "achievements"), ("存在问题及下一步计划", "next_year_plan"),
        ("存在问题", "problems"), ("下一步工作计划", "next_year_plan"),
    ]
    assert part_at(sections, text.index("人员不足")) == "problems"
    assert part_at(sections, text.index("加强培训")) == "next_year_plan"
    assert part_at(sections, text.index("正文")) == "achievements"
    assert part_flags(text, sections) == {"has_achievements": True, "has_problems": True,
                                          "has_first_responsible": False, "has_next_year_plan": True}


def test_themed_report_counts_topical_parts_as_achievements():
    text = "一、党对法治政府建设的领导全面加强\n内容\n二、依法行政制度体系不断健全\n内容\n三、2024年工作打算\n内容"
    parts = [s.part for s in parse_outline(text)]
    assert parts == ["achievements", "achievements", "next_year_plan"]


def test_plan_that_opens_with_shortcomings_states_problems():
    text = "一、工作推进情况\n内容\n二、下一步打算\n我局工作仍存在一些薄弱环节,主要表现在学习不够。\n今后将加强。"
    assert part_flags(text, parse_outline(text))["has_problems"] is True
    text2 = "一、工作推进情况\n内容\n二、下一步打算\n我局将继续加强学习。"
    assert part_flags(text2, parse_outline(text2))["has_problems"] is False


def test_rectification_of_last_years_problems_is_not_the_problems_part():
    text = "一、2024年工作成效\n内容\n二、2023年度法治政府建设问题改进情况\n内容"
    assert [s.part for s in parse_outline(text)] == ["achievements", "achievements"]


@settings(max_examples=200, deadline=1000)
@given(st.text(alphabet="一二三、()1.是。\n工作问题计划成效打算第部分 abc", max_size=300))
def test_outline_never_raises_and_spans_are_in_bounds(text):
    sections = parse_outline(text)
    for s in sections:
        assert 0 <= s.start <= s.end <= len(text)
        assert 1 <= s.depth <= 4
    part_flags(text, sections)
