"""Extraction quality against hand labels: metadata per field, the four parts, facts per indicator, confusions."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from etl.pipeline import ParseContext, parse_report
from etl.records import ParsedReport

META_SCORED = ("agency", "agency_type", "level", "province", "city", "county", "year", "published")
PARTS = ("achievements", "problems", "first_responsible", "next_year_plan")


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else float("nan")


@dataclass
class FactTally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")


@dataclass
class Quality:
    """Scores of one labelled set, with every miss kept for reading."""

    name: str
    docs: int = 0
    meta: dict[str, Tally] = field(default_factory=lambda: {f: Tally() for f in META_SCORED})
    parts: dict[str, Tally] = field(default_factory=lambda: {p: Tally() for p in PARTS})
    facts: dict[str, FactTally] = field(default_factory=lambda: defaultdict(FactTally))
    meta_errors: list[tuple] = field(default_factory=list)  # (doc, field, expected, got)
    part_errors: list[tuple] = field(default_factory=list)
    missed: list[tuple] = field(default_factory=list)  # (doc, indicator, value, evidence)
    spurious: list[tuple] = field(default_factory=list)
    confusions: Counter = field(default_factory=Counter)  # (gold indicator, predicted indicator) -> n

    @property
    def all_facts(self) -> FactTally:
        out = FactTally()
        for t in self.facts.values():
            out.tp, out.fp, out.fn = out.tp + t.tp, out.fp + t.fp, out.fn + t.fn
        return out

    @property
    def parts_rate(self) -> float:
        right = sum(t.right for t in self.parts.values())
        total = sum(t.total for t in self.parts.values())
        return right / total if total else float("nan")


def _gold_span(text: str, evidence: str, near: int) -> tuple[int, int] | None:
    """Where the gold evidence sits in the text (the occurrence nearest the prediction)."""
    spans, i = [], text.find(evidence)
    while i >= 0:
        spans.append((i, i + len(evidence)))
        i = text.find(evidence, i + 1)
    return min(spans, key=lambda s: abs(s[0] - near)) if spans else None


def _overlaps(text: str, gold: dict, fact) -> bool:
    span = _gold_span(text, gold["evidence"], fact.evidence_start)
    if span is None:  # evidence written differently from the stored text: indicator + value decide
        return True
    return span[0] < fact.evidence_start + len(fact.evidence) and fact.evidence_start < span[1]


def _same(gold: dict, fact) -> bool:
    return gold["indicator"] == fact.indicator and abs(float(gold["value"]) - fact.value) < 1e-6


def fact_matches(text: str, gold: dict, fact) -> bool:
    """A predicted fact is a gold one: same indicator and value, evidence overlapping the gold evidence."""
    return _same(gold, fact) and _overlaps(text, gold, fact)


def _norm(name: str, value):
    if name == "published" and value is not None:
        return str(value)[:10]
    if name == "year" and value is not None:
        return int(value)
    return value


def score_report(q: Quality, gold: dict, rep: ParsedReport, core: set[str]) -> None:
    """Add one report's comparison to `q`."""
    from etl.outline import part_flags

    doc = gold["doc"]
    q.docs += 1
    skip = set(gold.get("unknowable") or [])
    for name in META_SCORED:
        if name in skip or name not in gold:
            continue
        want, got = _norm(name, gold[name]), _norm(name, rep.meta.value(name))
        q.meta[name].total += 1
        if want == got:
            q.meta[name].right += 1
        else:
            q.meta_errors.append((doc, name, want, got))
    if "sections" in gold:
        flags = part_flags(rep.raw_text, rep.sections)
        for part in PARTS:
            want, got = bool(gold["sections"][part]), bool(flags[f"has_{part}"])
            q.parts[part].total += 1
            if want == got:
                q.parts[part].right += 1
            else:
                q.part_errors.append((doc, part, want, got))
    text = rep.raw_text
    predicted = [f for f in rep.facts if f.method == "reported" and f.indicator in core]
    golds = [g for g in gold.get("facts", []) if g["indicator"] in core]
    used: set[int] = set()
    for f in predicted:
        hit = next((k for k, g in enumerate(golds) if k not in used and fact_matches(text, g, f)), None)
        if hit is not None:
            used.add(hit)
            q.facts[f.indicator].tp += 1
        elif any(fact_matches(text, o, f) for o in gold.get("optional", [])):
            continue  # a judgement call: neither right nor wrong
        else:
            q.facts[f.indicator].fp += 1
            q.spurious.append((doc, f.indicator, f.value, f.evidence[:70]))
            other = next((g for k, g in enumerate(golds) if k not in used and g["indicator"] != f.indicator
                          and abs(float(g["value"]) - f.value) < 1e-6 and _overlaps(text, g, f)), None)
            if other is not None:
                q.confusions[(other["indicator"], f.indicator)] += 1
    for k, g in enumerate(golds):
        if k not in used:
            q.facts[g["indicator"]].fn += 1
            q.missed.append((doc, g["indicator"], g["value"], g["evidence"][:70]))


def flatten(text: str) -> str:
    """The text as a crawler that drops line breaks leaves it: every line stripped and run together."""
    return "".join(line.strip() for line in text.splitlines())


def score_set(name: str, labels: list[dict], folder: Path, ctx: ParseContext, flat: bool = False) -> Quality:
    """Parse every labelled file in `folder` the way ingest does and score it (with `flat`, run together)."""
    core = {i.code for i in ctx.catalog.indicators if i.core}
    q = Quality(name)
    for gold in labels:
        data = (folder / gold["doc"]).read_bytes()
        if flat:
            data = flatten(data.decode("utf-8")).encode("utf-8")
        rep = parse_report(data, gold["doc"], ctx)
        score_report(q, gold, rep, core)
    return q


def read_labels(path: Path) -> list[dict]:
    """Every JSON line of one labels file, or of every *.jsonl in a folder."""
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    return [json.loads(line) for f in files for line in f.open(encoding="utf-8") if line.strip()]


def _pct(x: float) -> str:
    return "  n/a" if x != x else f"{x:.3f}"


def render(q: Quality, details: bool = True) -> str:
    """A plain-text report: headline figures, tables per field and indicator, then what went wrong."""
    a = q.all_facts
    lines = [f"== {q.name}: {q.docs} reports",
             f"facts: precision {_pct(a.precision)}  recall {_pct(a.recall)}  (tp {a.tp}, fp {a.fp}, fn {a.fn})",
             f"four parts: {_pct(q.parts_rate)}", "", "metadata field      accuracy   right/total"]
    lines += [f"  {n:<17} {_pct(t.rate):>8}   {t.right}/{t.total}" for n, t in q.meta.items()]
    lines += ["", "part                accuracy   right/total"]
    lines += [f"  {n:<17} {_pct(t.rate):>8}   {t.right}/{t.total}" for n, t in q.parts.items()]
    lines += ["", "indicator                      precision  recall   tp  fp  fn"]
    for code in sorted(q.facts):
        t = q.facts[code]
        lines.append(f"  {code:<28} {_pct(t.precision):>8} {_pct(t.recall):>7} {t.tp:>4} {t.fp:>3} {t.fn:>3}")
    if q.confusions:
        lines += ["", "confusions (labelled as A, read as B)"]
        lines += [f"  {a} -> {b}: {n}" for (a, b), n in q.confusions.most_common()]
    if details:
        lines += ["", "metadata errors (doc, field, expected, got)"]
        lines += [f"  {d}  {f}: {w!r} -> {g!r}" for d, f, w, g in q.meta_errors]
        lines += ["", "part errors (doc, part, expected, got)"]
        lines += [f"  {d}  {p}: {w} -> {g}" for d, p, w, g in q.part_errors]
        lines += ["", "missed facts"] + [f"  {d}  {i} {v}  «{e}»" for d, i, v, e in q.missed]
        lines += ["", "spurious facts"] + [f"  {d}  {i} {v}  «{e}»" for d, i, v, e in q.spurious]
    return "\n".join(lines)
