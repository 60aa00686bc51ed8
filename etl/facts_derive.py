"""Rates derived from their counts (method 'derived') and the check that reported rates agree with them."""
from __future__ import annotations

from collections import defaultdict

from etl.catalog import Catalog
from etl.records import CheckFailure, Fact

TOLERANCE = 1.0  # percentage points: 7499/7623 = 98.37% against a reported 98.3% is fine


def derive_rates(facts: list[Fact], catalog: Catalog) -> tuple[tuple[Fact, ...], tuple[CheckFailure, ...]]:
    """For each sentence with exactly one numerator and one denominator count, compute the rate.

    Pairing only within a sentence, and only when unambiguous: two corrected counts against one
    total (29 direct corrections and 43 overall) have different bases, so nothing is derived there.
    """
    by_sentence: dict[int, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.method == "reported":
            by_sentence[f.evidence_start].append(f)
    derived, failures = [], []
    for group in by_sentence.values():
        for rate in (i for i in catalog.indicators if i.derive):
            nums = [f for f in group if f.indicator == rate.derive.numerator]
            dens = [f for f in group if f.indicator == rate.derive.denominator]
            if len(nums) != 1 or len(dens) != 1 or not 0 < nums[0].value <= dens[0].value:
                continue
            num, den = nums[0], dens[0]
            computed = round(100.0 * num.value / den.value, 2)
            derived.append(Fact(
                indicator=rate.code, value=computed, unit="%", approx=num.approx or den.approx,
                evidence=num.evidence, evidence_start=num.evidence_start,
                char_start=num.char_start, char_end=num.char_end, method="derived",
                confidence="medium", rule=f"derived:{num.indicator}/{den.indicator}"))
            for r in (f for f in group if f.indicator == rate.code):
                if _disagrees(r, computed):
                    failures.append(CheckFailure(
                        indicator=rate.code, reported=r.value, computed=computed,
                        detail=(f"报告 {r.value:g}% 与计算 {num.value:g}/{den.value:g} = {computed:g}% 相差超过"
                                f" {TOLERANCE:g} 个百分点 / reported {r.value:g}% vs computed {computed:g}%:"
                                f" {r.evidence[:80]}")))
    return tuple(derived), tuple(failures)


def _disagrees(reported: Fact, computed: float) -> bool:
    """More than TOLERANCE apart; an approximate '98%以上' is a lower bound, so higher is fine."""
    if reported.approx and computed >= reported.value:
        return False
    return abs(computed - reported.value) > TOLERANCE
