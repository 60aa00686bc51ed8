"""Number parsing: Arabic, Chinese, 万/亿, percentages, qualifiers, ranges; never crashes; round-trips."""
from __future__ import annotations

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.numbers import find_quantities, parse_number, parse_quantity


@pytest.mark.parametrize("s, value", [
    ("7623", 7623), ("6,200", 6200), ("65,000", 65000), ("1,234,567", 1234567), ("98.3", 98.3),
    ("2.5万", 25000), ("1.2亿", 1.2e8), ("三", 3), ("两", 2), ("一千二百", 1200), ("三百", 300),
    ("一万二千", 12000), ("十二", 12),
])
def test_parse_number(s, value):
    assert parse_number(s) == pytest.approx(value)


@pytest.mark.parametrize("s", ["", "万", "abc", "十四五", "1,2", "百"])
def test_parse_number_rejects(s):
    assert parse_number(s) is None


@pytest.mark.parametrize("s, value, unit, approx, written", [
    ("6,200余人次", 6200, "人次", True, "6,200余"),
    ("2500多份", 2500, "份", True, "2500多"),
    ("98.3%", 98.3, "%", False, "98.3%"),
    ("98%以上", 98, "%", True, "98%"),
    ("2.3万余条", 23000, "条", True, "2.3万余"),
    ("17.8万余人次", 178000, "人次", True, "17.8万余"),
    ("三百余件", 300, "件", True, "三百余"),
    ("两个", 2, "个", False, "两"),
    ("三次", 3, "次", False, "三"),
    ("近300人", 300, "人", True, "300"),
    ("约80%", 80, "%", True, "80%"),
    ("超过5000份", 5000, "份", True, "5000"),
    ("逾百分之九十", 90, "%", True, "百分之九十"),
    ("38 个", 38, "个", False, "38"),
    ("240 余人次", 240, "人次", True, "240 余"),
    ("7623宗", 7623, "宗", False, "7623"),
    ("12期", 12, "期", False, "12"),
])
def test_parse_quantity(s, value, unit, approx, written):
    q = parse_quantity(s)
    assert q is not None
    assert q.value == pytest.approx(value)
    assert q.unit == unit and q.approx is approx
    assert s[q.start:q.end] == written


def test_ranges_give_lower_bound_and_approx():
    q = parse_quantity("3至5次")
    assert (q.value, q.high, q.unit, q.approx) == (3, 5, "次", True)
    q = parse_quantity("30-40人")
    assert (q.value, q.high, q.unit, q.approx) == (30, 40, "人", True)


def test_money_and_dates_keep_their_units():
    assert [q.unit for q in find_quantities("投入经费120万元,2021年3月15日")] == ["万元", "年", "月", "日"]


def test_phone_number_is_not_a_range():
    assert all(q.high is None for q in find_quantities("联系电话:0755-12345678"))


def test_ascii_words_are_not_numbers():
    assert find_quantities("FM88.7") == ()


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_crashes(s):
    for q in find_quantities(s):
        assert 0 <= q.start < q.end <= q.unit_end <= len(s)
    parse_number(s)
    parse_quantity(s)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_round_trips_thousands_separators(n):
    assert parse_number(f"{n:,}") == n
    q = parse_quantity(f"{n:,}件")
    assert q.value == n and q.unit == "件"


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False))
def test_round_trips_percentages(x):
    q = parse_quantity(f"{x}%")
    assert q.unit == "%" and q.value == pytest.approx(float(x))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10**8))
def test_round_trips_chinese_numerals(n):
    written = cn2an.an2cn(n)
    assert parse_number(written) == n
    q = parse_quantity(written + "次")
    assert q is not None and q.value == n and q.chinese
