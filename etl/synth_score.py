"""Score extracted facts against a synthetic corpus's truth.jsonl: precision, recall and the differing facts."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


def fact_key(indicator: str, value: float) -> tuple[str, float]:
    """Facts match on indicator and value (rounded to 2 decimals); unit and wording are not compared."""
    return indicator, round(float(value), 2)


@dataclass
class Score:
    """Counts over a corpus plus the facts that differ, for the report to the extractor's authors."""

    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0
    misses: list = field(default_factory=list)  # (file, indicator, value, evidence) in truth, not extracted
    extras: list = field(default_factory=list)  # (file, indicator, value, evidence) extracted, not in truth

    @property
    def precision(self) -> float:
        return self.true_pos / max(1, self.true_pos + self.false_pos)

    @property
    def recall(self) -> float:
        return self.true_pos / max(1, self.true_pos + self.false_neg)

    def add(self, file: str, truth_facts: list[dict], extracted: list[tuple[str, float, str]]) -> None:
        """Compare one file: truth facts (dicts of truth.jsonl) and extracted (indicator, value, evidence)."""
        want = Counter(fact_key(f["indicator"], f["value"]) for f in truth_facts)
        got = Counter(fact_key(i, v) for i, v, _ in extracted)
        hit = want & got
        self.true_pos += sum(hit.values())
        missing, extra = want - hit, got - hit
        self.false_neg += sum(missing.values())
        self.false_pos += sum(extra.values())
        for f in truth_facts:
            key = fact_key(f["indicator"], f["value"])
            if missing[key] > 0:
                missing[key] -= 1
                self.misses.append((file, f["indicator"], f["value"], f["evidence"]))
        for i, v, ev in extracted:
            key = fact_key(i, v)
            if extra[key] > 0:
                extra[key] -= 1
                self.extras.append((file, i, v, ev))

    def summary(self, examples: int = 10) -> str:
        lines = [f"facts: {self.true_pos} right, {self.false_pos} extra, {self.false_neg} missed; "
                 f"precision {self.precision:.3f}, recall {self.recall:.3f}"]
        lines += [f"  MISSED {f} {i}={v}: {ev}" for f, i, v, ev in self.misses[:examples]]
        lines += [f"  EXTRA  {f} {i}={v}: {ev}" for f, i, v, ev in self.extras[:examples]]
        return "\n".join(lines)


META_FIELDS = ("agency", "agency_type", "level", "province", "city", "county", "year", "published")


@dataclass
class MetaScore:
    """Share of files whose extracted metadata field equals the truth, per field."""

    right: Counter = field(default_factory=Counter)
    files: int = 0
    wrong: list = field(default_factory=list)  # (file, field, truth, extracted)

    def add(self, file: str, truth: dict, extracted: dict) -> None:
        self.files += 1
        for name in META_FIELDS:
            if truth.get(name) == extracted.get(name):
                self.right[name] += 1
            else:
                self.wrong.append((file, name, truth.get(name), extracted.get(name)))

    def summary(self, examples: int = 10) -> str:
        shares = "  ".join(f"{n} {self.right[n] / max(1, self.files):.2f}" for n in META_FIELDS)
        lines = [f"metadata accuracy over {self.files} files: {shares}"]
        lines += [f"  WRONG {f} {n}: truth {t!r}, got {g!r}" for f, n, t, g in self.wrong[:examples]]
        return "\n".join(lines)
