"""Acceptance: precision >= 0.95 and recall >= 0.90 over the core codes, on the seeds and on the openings.

A predicted fact matches a gold fact with the same indicator and value whose evidence overlaps the
predicted evidence sentence; each gold fact is matched at most once. Derived facts are ignored, and
a prediction that matches one of the gold's `optional` entries is neither right nor wrong.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from etl.catalog import load_catalog
from etl.facts import extract_facts
from etl.outline import parse_outline
from etl.quality import fact_matches

from .conftest import FIXTURES

MIN_PRECISION, MIN_RECALL = 0.95, 0.90
SETS = {"seeds": ("gold-seeds.jsonl", "seeds"), "openings": ("gold-openings.jsonl", "openings")}


@dataclass
class Score:
    tp: int = 0
    missed: list = field(default_factory=list)
    spurious: list = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / max(1, self.tp + len(self.spurious))

    @property
    def recall(self) -> float:
        return self.tp / max(1, self.tp + len(self.missed))


def score(name: str) -> Score:
    gold_file, folder = SETS[name]
    catalog = load_catalog()
    core = {i.code for i in catalog.indicators if i.core}
    result = Score()
    for line in (FIXTURES / gold_file).open(encoding="utf-8"):
        gold = json.loads(line)
        text = (FIXTURES / folder / gold["doc"]).read_text(encoding="utf-8")
        facts, _ = extract_facts(text, parse_outline(text), gold["year"], catalog)
        predicted = [f for f in facts if f.method == "reported" and f.indicator in core]
        used: set[int] = set()
        for f in predicted:
            hit = next((k for k, g in enumerate(gold["facts"]) if k not in used and fact_matches(text, g, f)), None)
            if hit is not None:
                used.add(hit)
                result.tp += 1
            elif not any(fact_matches(text, o, f) for o in gold.get("optional", [])):
                result.spurious.append((gold["doc"], f.indicator, f.value, f.evidence[:60]))
        result.missed += [(gold["doc"], g["indicator"], g["value"], g["evidence"][:60])
                          for k, g in enumerate(gold["facts"]) if k not in used]
    return result


@pytest.mark.parametrize("name", sorted(SETS))
def test_precision_and_recall(name):
    s = score(name)
    print(f"\n{name}: tp={s.tp} spurious={len(s.spurious)} missed={len(s.missed)} "
          f"precision={s.precision:.3f} recall={s.recall:.3f}")
    for row in s.missed:
        print("  MISSED  ", *row)
    for row in s.spurious:
        print("  SPURIOUS", *row)
    assert s.precision >= MIN_PRECISION and s.recall >= MIN_RECALL
