"""Indicator extraction: each number a report states about a catalogue indicator, with its evidence."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from typing import Optional

from etl.catalog import Catalog, Indicator, Trigger
from etl.facts_derive import derive_rates
from etl.facts_rules import CUT_UNIT, in_spans, other_year_clauses, skip_reason
from etl.numbers import UNITS, Quantity, find_quantities
from etl.records import CheckFailure, Fact, Section
from etl.sentences import Span, bracket_groups, split_clauses, split_sentences

_MONEY = {"元": 1.0, "万元": 1e4, "亿元": 1e8}  # a money indicator stores its own unit: 1.2亿元 → 12000 万元
_CONF_DOWN = {"high": "medium", "medium": "low", "low": "low"}
_FAR_GAP = 8
_LIST_GAP = re.compile(r"^[、和及与或/][^\d,;。]{0,12}$")
_SHARE_CLAUSE = re.compile(r"^\s*(?:约)?占")  # 占作出处理决定案件总数21.01%: the share of the count just given
# A clause whose words before the number only narrow the scope continues the clause before it:
# ',其中自治区级10人次', ',市级210人次', ',参加人员17.8万余人次'. An outcome word (维持, 驳回) does not.
_CARRY_PREFIX = re.compile(
    r"^(?:其中)?(?:(?:国家|全国|省|全省|自治区|全区|市|全市|州|盟|区|县|全县|旗|镇|乡|街道|村)级?|本级|线上|线下"
    r"|累计|共计|合计|总计|参加人员|参与人员|参训人员|人数)*(?:达到?|为|共|约|近|超过)?$")


@dataclass(frozen=True)
class Candidate:
    """One reading of a number as an indicator value, ranked by priority, then distance."""

    indicator: Indicator
    trigger: Trigger
    gap: int
    t_start: int  # where the trigger matched
    t_end: int
    confidence: str
    rule: str

    def key(self) -> tuple:
        return (self.indicator.priority, -self.gap, self.t_end - self.t_start)


def _effective_gap(text: str, a: int, b: int, asides: tuple[Span, ...]) -> int:
    """Characters between a and b, not counting spaces and complete bracketed asides."""
    n = sum(1 for ch in text[a:b] if not ch.isspace())
    return n - sum(g.end - g.start for g in asides if a <= g.start and g.end <= b)


def _blocked(a: int, b: int, others: tuple[Quantity, ...], asides: tuple[Span, ...]) -> bool:
    """Another quantity sits between a and b outside any aside: the trigger belongs to it."""
    for o in others:
        if a <= o.start and o.unit_end <= b and not any(g.start <= o.start < g.end for g in asides):
            return True
    return False


def _candidates(text: str, q: Quantity, clause: Span, sentence: str, others: tuple[Quantity, ...],
                asides: tuple[Span, ...], catalog: Catalog) -> list[Candidate]:
    clause_text = text[clause.start:clause.end]
    out = []
    for ind in catalog.indicators:
        if not _unit_fits(q, ind) or (ind.exclude and ind.exclude.search(clause_text)):
            continue
        for trig in ind.triggers:
            if trig.context and not trig.context.search(sentence):
                continue
            if trig.side in ("before", "both"):
                for m in trig.pattern.finditer(text, clause.start, q.start):
                    gap = _effective_gap(text, m.end(), q.start, asides)
                    if gap <= trig.max_gap and not _blocked(m.end(), q.start, others, asides):
                        out.append(Candidate(ind, trig, gap, m.start(), m.end(), trig.confidence,
                                             f"{ind.code}<{trig.text}"))
            if trig.side in ("after", "both"):
                m = trig.pattern.search(text, q.unit_end, clause.end)
                if m:
                    gap = _effective_gap(text, q.unit_end, m.start(), asides)
                    if gap <= trig.max_gap and not _blocked(q.unit_end, m.start(), others, asides):
                        out.append(Candidate(ind, trig, gap, m.start(), m.end(), trig.confidence,
                                             f"{ind.code}>{trig.text}"))
    return out


def _clause_triggers(text: str, clause: Span, sentence: str, catalog: Catalog) -> list[tuple[Indicator, Trigger]]:
    """Every (indicator, trigger) that fires anywhere in a clause, for a following clause to inherit."""
    clause_text = text[clause.start:clause.end]
    out = []
    for ind in catalog.indicators:
        if ind.exclude and ind.exclude.search(clause_text):
            continue
        for trig in ind.triggers:
            if trig.side != "after" and (not trig.context or trig.context.search(sentence)) \
                    and trig.pattern.search(text, clause.start, clause.end):
                out.append((ind, trig))
    return out


def _ambiguous(best: Candidate, q: Quantity, clause: Span, text: str, catalog: Catalog) -> bool:
    """Two indicators listed side by side before one number (学习、培训、宣讲1.2万余次): a lumped total.

    A rival trigger of another indicator taking the same unit counts when the text from one trigger's
    end to the other's starts with a list joiner and holds no number. Context requirements are
    ignored: the rival only has to be written next to the winner.
    """
    if best.t_end > q.start:
        return False
    for ind in catalog.indicators:
        if ind.code == best.indicator.code or not _unit_fits(q, ind) or ind.priority < min(1, best.indicator.priority):
            continue
        for trig in ind.triggers:
            for m in trig.pattern.finditer(text, clause.start, q.start):
                e1, e2 = sorted((m.end(), best.t_end))
                if e1 < e2 and _LIST_GAP.match(text[e1:e2]):
                    return True
    return False


def _fact(ind: Indicator, q: Quantity, text: str, sent: Span, conf: str, rule: str) -> Fact:
    value = float(q.value) * _MONEY.get(q.unit, 1.0) / _MONEY.get(ind.unit, 1.0)
    return Fact(indicator=ind.code, value=value, unit=ind.unit, approx=q.approx,
                evidence=text[sent.start:sent.end], evidence_start=sent.start,
                char_start=q.start, char_end=q.end, method="reported", confidence=conf, rule=rule)


def _sentence_facts(text: str, sent: Span, context_start: int, quantities: tuple[Quantity, ...], year: Optional[int],
                    plan: tuple[tuple[int, int], ...], catalog: Catalog) -> list[Fact]:
    sentence = text[context_start:sent.end]  # trigger context: this sentence and the one before
    clauses = split_clauses(text, sent)
    skip_clauses = other_year_clauses(text, clauses, year)
    asides = bracket_groups(text, sent.start, sent.end)
    facts: list[Fact] = []
    carried: list[tuple[Indicator, Trigger]] = []
    for k, clause in enumerate(clauses):
        in_clause = [q for q in quantities if clause.start <= q.start < clause.end]
        valid = tuple(q for q in in_clause if skip_reason(text, q, clause) is None)
        own = _clause_triggers(text, clause, sentence, catalog)
        for q in valid:
            if k in skip_clauses or in_spans(q.start, plan):
                continue
            others = tuple(o for o in valid if o is not q)
            cands = _candidates(text, q, clause, sentence, others, asides, catalog)
            fact = _choose(text, q, sent, clause, cands, carried, facts, catalog)
            if fact:
                facts.append(fact)
        if own:
            carried = own
    return facts


def _choose(text: str, q: Quantity, sent: Span, clause: Span, cands: list[Candidate],
            carried: list[tuple[Indicator, Trigger]], facts: list[Fact], catalog: Catalog) -> Optional[Fact]:
    if cands:
        best = max(cands, key=Candidate.key)
        if _ambiguous(best, q, clause, text, catalog):
            return None
        # a trigger far from its number is less certain to be about it
        conf = best.confidence if best.gap <= _FAR_GAP and q.unit != CUT_UNIT else _CONF_DOWN[best.confidence]
        return _fact(best.indicator, q, text, sent, conf, best.rule)
    prefix = text[clause.start:q.start].strip()
    if q.is_percent and _SHARE_CLAUSE.match(prefix) and facts:
        last = facts[-1].indicator
        rate = next((i for i in catalog.indicators if i.derive and i.derive.numerator == last), None)
        if rate:
            return _fact(rate, q, text, sent, "medium", f"{rate.code}:share-of:{last}")
    if carried and _CARRY_PREFIX.match(prefix):
        clause_text = text[clause.start:clause.end]
        fits = [(ind, trig) for ind, trig in carried
                if _unit_fits(q, ind) and not (ind.exclude and ind.exclude.search(clause_text))]
        if fits:
            ind, trig = max(fits, key=lambda it: it[0].priority)
            if len({i.code for i, _ in fits if i.priority == ind.priority}) == 1:
                return _fact(ind, q, text, sent, _CONF_DOWN[trig.confidence], f"{ind.code}^{trig.text}")
    return None


def _mark_cut(text: str, quantities: tuple[Quantity, ...]) -> tuple[Quantity, ...]:
    """An excerpt cut right after a number lost its unit: let the trigger decide what it was."""
    if quantities and quantities[-1].unit is None and quantities[-1].end == len(text.rstrip()):
        return quantities[:-1] + (replace(quantities[-1], unit=CUT_UNIT),)
    return quantities


def _unit_fits(q: Quantity, ind: Indicator) -> bool:
    return q.unit in ind.units or q.unit == CUT_UNIT


def extract_facts(text: str, sections: tuple[Section, ...], year: Optional[int],
                  catalog: Catalog) -> tuple[tuple[Fact, ...], tuple[CheckFailure, ...]]:
    """Reported facts for every catalogue indicator, derived rates, and rate consistency failures.

    evidence is the sentence (split at 。!?; and line ends) and evidence_start its offset in text.
    text[char_start:char_end] is the number as written: digits, 万/亿 and 余/多 ('2500多', '6,200余',
    '2.5万', '98.3%'); a leading 近/约/超过 and the unit are outside the span. A range '3至5次' spans
    '3至5' and stores its lower bound with approx set. Numbers inside sections whose part is
    'next_year_plan' are skipped.
    """
    plan = tuple((s.start, s.end) for s in sections if s.part == "next_year_plan")
    quantities = _mark_cut(text, find_quantities(text, tuple(set(UNITS) | set(catalog.units))))
    starts = [q.start for q in quantities]
    facts: list[Fact] = []
    sentences = split_sentences(text)
    for k, sent in enumerate(sentences):
        in_sent = quantities[bisect_left(starts, sent.start):bisect_left(starts, sent.end)]
        if in_sent:
            context_start = sentences[k - 1].start if k else sent.start
            facts.extend(_sentence_facts(text, sent, context_start, in_sent, year, plan, catalog))
    derived, failures = derive_rates(facts, catalog)
    return tuple(facts) + derived, failures
