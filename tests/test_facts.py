"""Indicator extraction on hand-written realistic sentences, derived rates, checks and span invariants."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.catalog import load_catalog
from etl.facts import extract_facts
from etl.records import Section

from .conftest import FIXTURES

CASES = [json.loads(line) for line in (FIXTURES / "facts" / "cases.jsonl").open(encoding="utf-8")]
CATALOG = load_catalog()  # frozen; loaded once for the property test
REPORTS = sorted((FIXTURES / "seeds").glob("*.txt")) + sorted((FIXTURES / "openings").glob("*.txt"))


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def _reported(text, facts):
    return sorted((f.indicator, f.value, f.approx, text[f.char_start:f.char_end]) for f in facts
                  if f.method == "reported")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_case(catalog, case):
    facts, _ = extract_facts(case["text"], (), case.get("year"), catalog)
    expected = sorted((e["indicator"], float(e["value"]), e["approx"], e["number"]) for e in case["facts"])
    assert _reported(case["text"], facts) == expected


def _assert_invariants(text, facts, catalog):
    for f in facts:
        assert f.evidence and text[f.evidence_start:f.evidence_start + len(f.evidence)] == f.evidence
        assert f.evidence_start <= f.char_start < f.char_end <= f.evidence_start + len(f.evidence)
        assert any(ch.isdigit() or ch in "零〇一二两三四五六七八九十百千万亿" for ch in text[f.char_start:f.char_end])
        ind = catalog.get(f.indicator)
        assert ind is not None and f.unit == ind.unit
        assert f.method in ("reported", "derived") and f.confidence in ("high", "medium", "low") and f.rule
        if ind.is_rate:
            assert 0 <= f.value <= 100


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.stem[:4])
def test_evidence_is_exact_text_at_span(catalog, path):
    text = path.read_text(encoding="utf-8")
    facts, _ = extract_facts(text, (), None, catalog)
    _assert_invariants(text, facts, catalog)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="0123456789,.%万亿余多件次人调解案件成功率培训复议宣传活动第名年。,、()“”《》 \n", max_size=80))
def test_never_crashes_and_spans_hold(text):
    facts, _ = extract_facts(text, (), 2021, CATALOG)
    _assert_invariants(text, facts, CATALOG)


def test_total_subset_and_rate_give_three_facts_and_a_derived_rate(catalog):
    text = "今年以来,全市各人民调解委员会共调解案件总数7623宗,其中成功7499宗,调解成功率达98.3%。"
    facts, checks = extract_facts(text, (), 2021, catalog)
    assert _reported(text, facts) == [
        ("mediation_cases", 7623, False, "7623"), ("mediation_success", 7499, False, "7499"),
        ("mediation_success_rate", 98.3, False, "98.3%")]
    derived = [f for f in facts if f.method == "derived"]
    assert [(f.indicator, f.value) for f in derived] == [("mediation_success_rate", 98.37)]
    assert checks == ()


def test_rate_is_derived_when_only_counts_are_given(catalog):
    text = "全年共受理行政复议案件80件,依法撤销8件。"
    facts, _ = extract_facts(text, (), 2021, catalog)
    derived = [(f.indicator, f.value, f.method) for f in facts if f.method == "derived"]
    assert derived == [("admin_review_correction_rate", 10.0, "derived")]


def test_lower_bound_rate_within_tolerance(catalog):
    text = "2019年全区共排查调处矛盾纠纷1610件,调解成功1578件,调解成功率达98%以上。"
    _, checks = extract_facts(text, (), 2019, catalog)
    assert checks == ()


def test_inconsistent_rate_is_a_check_failure(catalog):
    text = "全年调解矛盾纠纷1000件,调解成功900件,调解成功率达98%。"
    _, checks = extract_facts(text, (), 2021, catalog)
    assert len(checks) == 1
    c = checks[0]
    assert (c.indicator, c.reported, c.computed) == ("mediation_success_rate", 98.0, 90.0)
    assert "90" in c.detail


def test_two_numerators_are_not_paired(catalog):
    text = ("办理行政复议案件共178宗,直接纠正的行政复议案件共29宗,占作出处理决定案件总数21.01%,"
            "综合纠错率(含撤销、确认违法、责令履行、终止,共43宗)31.16%。")
    facts, checks = extract_facts(text, (), 2021, catalog)
    assert checks == () and not [f for f in facts if f.method == "derived"]
    assert ("admin_review_correction_rate", 21.01, False, "21.01%") in _reported(text, facts)
    assert ("admin_review_corrected", 43, False, "43") in _reported(text, facts)


def test_next_year_plan_is_skipped(catalog):
    done = "一、主要成效\n全年举办法治培训班12期。\n"
    plan = "二、2022年工作计划\n计划举办法治培训班15期。\n"
    text = done + plan
    sections = (Section(1, 1, "主要成效", "achievements", 0, len(done)),
                Section(2, 1, "2022年工作计划", "next_year_plan", len(done), len(text)))
    facts, _ = extract_facts(text, sections, 2021, catalog)
    assert [f.value for f in facts] == [12]


def test_other_year_carries_to_the_end_of_the_sentence(catalog):
    text = "100%完成2020年度执法数据填报,公示行政执法结果信息211652件。2021年公示行政执法信息5000件。"
    facts, _ = extract_facts(text, (), 2021, catalog)
    assert [f.value for f in facts] == [5000]


def test_confidence_drops_for_carried_context(catalog):
    text = "全年组织执法人员参加各类培训6批次,其中自治区级10人次,市级210人次。"
    facts, _ = extract_facts(text, (), 2024, catalog)
    got = [(f.indicator, f.value, f.confidence) for f in facts]
    assert got == [("training_sessions", 6, "high"), ("trained_persons", 10, "medium"),
                   ("trained_persons", 210, "medium")]


def test_number_cut_off_at_the_end_of_an_excerpt_keeps_its_trigger(catalog):
    text = "一、主要成效\n全年受理法律援助案件537"
    facts, _ = extract_facts(text, (), 2021, catalog)
    assert [(f.indicator, f.value, f.unit, f.confidence) for f in facts] == [("legal_aid_cases", 537, "件", "medium")]
    assert extract_facts("全年受理法律援助案件537件。共有律师12", (), 2021, catalog)[0][1:] == ()


def test_clauses_keep_thousands_and_asides_whole():
    from etl.sentences import Span, split_clauses, split_sentences

    text = "共43宗(含撤销、终止,共43宗)31.16%,发放资料65,000余份。第二句"
    sents = split_sentences(text)
    assert [text[s.start:s.end] for s in sents] == [text[:-3], "第二句"]
    clauses = split_clauses(text, sents[0])
    assert [text[c.start:c.end] for c in clauses] == ["共43宗(含撤销、终止,共43宗)31.16%", "发放资料65,000余份。"]
    assert split_clauses(text, Span(0, 0)) == ()
