"""Indicator extraction: each number a report states about a catalogue indicator, with its evidence."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from typing import Optional

from etl.catalog import Catalog, Indicator, Trigger
from etl.facts_derive import derive_rates
from etl.facts_rules import CUT_UNIT, in_spans, other_year_clauses, skip_reason, unit_may_count
from etl.numbers import UNITS, Quantity, find_quantities
from etl.records import CheckFailure, Fact, Section
from etl.sentences import Span, bracket_groups, sentence_bounds, split_clauses

_MONEY = {"元": 1.0, "万元": 1e4, "亿元": 1e8}  # a money indicator stores its own unit: 1.2亿元 → 12000 万元
_CONF_DOWN = {"high": "medium", "medium": "low", "low": "low"}
_FAR_GAP = 8
_PEOPLE = frozenset({"人次", "人", "名"})
_SESSIONS = frozenset({"场", "次", "期", "场次", "批次", "批", "期次"})
_LONGEST = 64  # longer than any trigger literal: the margin the literal scan adds around the wanted text
_LIST_GAP = re.compile(r"^[、和及与或/][^\d,;。]{0,12}$")
# 'A率和B率均达100%': a second rate joined to the trigger shares its number; the joined part is no gap.
_SHARED_RATE = re.compile(r"[和与及、][^\d,,;;。]{1,24}?率\s*[”\"]?\s*(?=均|都)")
_SHARE_CLAUSE = re.compile(r"^\s*(?:约)?占")  # 占作出处理决定案件总数21.01%: the share of the count just given
# After a total, a bare number with an outcome is a subset of it: 承办建议22件,20件按期办结(19件满意).
_SUBSET_AFTER = re.compile(r"^\s*(?:已|均|全部|都)?(?:按期|按时|如期|依法)?(?:办结|办复|答复|采纳|满意|结案|化解|维持|"
                           r"撤销|纠正|纠错|胜诉|败诉|调解成功|见面|落实)")
# One number over two indicators' objects is a lumped total no single indicator owns: 各类复议诉讼案件15件,
# 完成120件重大决策、规范性文件和合同的合法性审查.
_OBJECT = r"(?:重大(?:行政)?决策|规范性文件|(?:会议)?议题|文件|合同|协议|行政复议|复议|行政诉讼|诉讼|应诉)"
_FAMILIES = (("决策", "decision"), ("议题", "decision"), ("规范性文件", "normative"), ("文件", "document"),
             ("合同", "contract"), ("协议", "contract"), ("复议", "review"), ("诉讼", "litigation"),
             ("应诉", "litigation"))
_LUMPED = re.compile(rf"{_OBJECT}[^,;。\d]{{0,6}}?[、和及与/]{_OBJECT}|复议诉讼|诉讼复议|复议应诉|应诉复议")
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


# The trigger loops below run over the sentence's live indicators, (indicator, its triggers that may match
# in the sentence), in catalogue order; a trigger left out could not match there, so the result is the same.
Live = tuple[tuple[Indicator, tuple[Trigger, ...]], ...]


def _candidates(text: str, q: Quantity, clause: Span, clause_text: str, sentence: str, others: tuple[Quantity, ...],
                asides: tuple[Span, ...], live: Live) -> list[Candidate]:
    out = []
    # '培训15场8600余人次', '学法1期141人': the people trained follow the sessions and share their trigger.
    prev = next((o for o in others if o.unit_end == q.start), None)
    if prev is not None and q.unit in _PEOPLE and prev.unit in _SESSIONS:
        others = tuple(o for o in others if o is not prev)
    for ind, triggers in live:
        if not _unit_fits(q, ind) or (ind.exclude and ind.exclude.search(clause_text)):
            continue
        for trig in triggers:
            if trig.context and not trig.context.search(sentence):
                continue
            if trig.side in ("before", "both"):
                for m in trig.pattern.finditer(text, clause.start, q.start):
                    shared = _SHARED_RATE.match(text, m.end(), q.start) if q.is_percent else None
                    gap = _effective_gap(text, shared.end() if shared else m.end(), q.start, asides)
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


def _clause_triggers(text: str, clause: Span, sentence: str, live: Live) -> list[tuple[Indicator, Trigger]]:
    """Every (indicator, trigger) that fires anywhere in a clause, for a following clause to inherit."""
    clause_text = text[clause.start:clause.end]
    out = []
    for ind, triggers in live:
        if ind.exclude and ind.exclude.search(clause_text):
            continue
        for trig in triggers:
            if trig.side != "after" and (not trig.context or trig.context.search(sentence)) \
                    and trig.pattern.search(text, clause.start, clause.end):
                out.append((ind, trig))
    return out


def _ambiguous(best: Candidate, q: Quantity, clause: Span, text: str, live: Live) -> bool:
    """Two indicators listed side by side before one number (学习、培训、宣讲1.2万余次): a lumped total.

    A rival trigger of another indicator taking the same unit counts when the text from one trigger's
    end to the other's starts with a list joiner and holds no number. Context requirements are
    ignored: the rival only has to be written next to the winner.
    """
    if best.t_end > q.start:
        return False
    for ind, triggers in live:
        if ind.code == best.indicator.code or not _unit_fits(q, ind) or ind.priority < min(1, best.indicator.priority):
            continue
        for trig in triggers:
            for m in trig.pattern.finditer(text, clause.start, q.start):
                e1, e2 = sorted((m.end(), best.t_end))
                if e1 < e2 and _LIST_GAP.match(text[e1:e2]):
                    return True
    return False


def _fact(ind: Indicator, q: Quantity, text: str, sent: Span, conf: str, rule: str) -> Fact:
    value = float(q.value) * _MONEY.get(q.unit, 1.0) / _MONEY.get(ind.unit, 1.0)
    # The evidence always holds the whole number, even one longer than a capped sentence piece.
    start, end = min(sent.start, q.start), max(sent.end, q.end)
    return Fact(indicator=ind.code, value=value, unit=ind.unit, approx=q.approx,
                evidence=text[start:end], evidence_start=start,
                char_start=q.start, char_end=q.end, method="reported", confidence=conf, rule=rule)


class _Carried:
    """The triggers a clause inherits: those of the nearest earlier clause that has any.

    Worked out only when a number needs them (rarely), walking back from the clause that asks.
    """

    def __init__(self, text: str, clauses: tuple[Span, ...], sentence: str, live: Live):
        self.text, self.clauses, self.sentence, self.live = text, clauses, sentence, live
        self.own: dict[int, list[tuple[Indicator, Trigger]]] = {}

    def before(self, k: int) -> list[tuple[Indicator, Trigger]]:
        for j in range(k - 1, -1, -1):
            if j not in self.own:
                self.own[j] = _clause_triggers(self.text, self.clauses[j], self.sentence, self.live)
            if self.own[j]:
                return self.own[j]
        return []


def _sentence_facts(text: str, sent: Span, context_start: int, quantities: tuple[Quantity, ...], year: Optional[int],
                    plan: tuple[tuple[int, int], ...], live: Live, catalog: Catalog) -> list[Fact]:
    sentence = text[context_start:sent.end]  # trigger context: this sentence and the one before
    asides = bracket_groups(text, sent.start, sent.end)
    clauses = split_clauses(text, sent, asides)
    skip_clauses: Optional[frozenset[int]] = None  # only needed once a number passes the general rules
    facts: list[Fact] = []
    carried = _Carried(text, clauses, sentence, live)
    qi = 0
    for k, clause in enumerate(clauses):
        while qi < len(quantities) and quantities[qi].start < clause.start:
            qi += 1  # numbers on a clause separator belong to no clause
        qj = qi
        while qj < len(quantities) and quantities[qj].start < clause.end:
            qj += 1
        if qj == qi:
            continue
        valid = tuple(q for q in quantities[qi:qj] if skip_reason(text, q, clause) is None)
        qi = qj
        clause_text = text[clause.start:clause.end]
        for q in valid:
            if in_spans(q.start, plan):
                continue
            if skip_clauses is None:
                skip_clauses = other_year_clauses(text, clauses, year)
            if k in skip_clauses:
                continue
            others = tuple(o for o in valid if o is not q)
            cands = _candidates(text, q, clause, clause_text, sentence, others, asides, live)
            fact = _choose(text, q, sent, clause, clause_text, k, cands, carried, facts, live, catalog)
            if fact:
                facts.append(fact)
    return facts


def _choose(text: str, q: Quantity, sent: Span, clause: Span, clause_text: str, k: int, cands: list[Candidate],
            carried: _Carried, facts: list[Fact], live: Live, catalog: Catalog) -> Optional[Fact]:
    if cands:
        best = max(cands, key=Candidate.key)
        if _ambiguous(best, q, clause, text, live) or _lumped(text, q, clause):
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
    if _CARRY_PREFIX.match(prefix) and not _SUBSET_AFTER.match(text[q.unit_end:q.unit_end + 8]):
        fits = [(ind, trig) for ind, trig in carried.before(k)
                if _unit_fits(q, ind) and not (ind.exclude and ind.exclude.search(clause_text))]
        if fits:
            ind, trig = max(fits, key=lambda it: it[0].priority)
            if len({i.code for i, _ in fits if i.priority == ind.priority}) == 1:
                return _fact(ind, q, text, sent, _CONF_DOWN[trig.confidence], f"{ind.code}^{trig.text}")
    return None


def _lumped(text: str, q: Quantity, clause: Span) -> bool:
    """The number counts a list of two indicators' objects together (within its clause, next to it)."""
    near = text[max(clause.start, q.start - 16):min(clause.end, q.unit_end + 24)]
    for m in _LUMPED.finditer(near):
        objs = re.findall(_OBJECT, m.group(0))
        if len(objs) < 2 or _kind(objs[0]) != _kind(objs[-1]):
            return True
    return False


def _kind(obj: str) -> str:
    """The indicator family an object noun belongs to (合同 and 协议 are one family, 诉讼 and 应诉 another)."""
    return next((family for word, family in _FAMILIES if word in obj), obj)


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
    # Only a sentence holding a number that skip_reason does not reject on its unit alone can hold a fact.
    bounds = sentence_bounds(text)  # plain pairs: most sentences are dropped before they need a Span
    firsts = [a for a, _ in bounds]
    wanted: list[int] = []
    for q in quantities:
        if unit_may_count(q):
            j = bisect_right(firsts, q.start) - 1
            if j >= 0 and q.start < bounds[j][1] and (not wanted or wanted[-1] != j):
                wanted.append(j)  # quantities run in text order, so the list stays sorted
    live = _live_triggers(text, bounds, wanted, catalog)
    facts: list[Fact] = []
    for k in wanted:
        if not live[k]:
            continue  # no trigger can match in this sentence: none of its numbers can become a fact
        a, b = bounds[k]
        in_sent = quantities[bisect_left(starts, a):bisect_left(starts, b)]
        group, units = _group(live[k], catalog)
        # Every fact starts from a number a live indicator could take (a share '占…%' or a carried trigger
        # needs an earlier fact in the same sentence): without one the sentence yields nothing.
        if any(unit_may_count(q) and (q.unit in units or q.unit in ("%", CUT_UNIT)) for q in in_sent):
            context_start = bounds[k - 1][0] if k else a
            facts.extend(_sentence_facts(text, Span(a, b), context_start, in_sent, year, plan, group, catalog))
    derived, failures = derive_rates(facts, catalog)
    return tuple(facts) + derived, failures


def _live_triggers(text: str, bounds: list[tuple[int, int]], wanted: list[int],
                   catalog: Catalog) -> dict[int, list[int]]:
    """For the wanted sentences, the positions in catalog.flat_triggers of the triggers that may match inside.

    A trigger is kept where one of its required literals occurs (str.find is far quicker than the
    regex), else where a whole-text match overlaps the sentence: a local pattern that matches inside a
    sentence always has such a match (see Catalog.flat_triggers). A sentence can only gain triggers here.
    """
    live: dict[int, list[int]] = {j: [] for j in wanted}
    if not wanted:
        return live
    starts = [a for a, _ in bounds]
    ends = [b for _, b in bounds]
    lo, hi = starts[wanted[0]], ends[wanted[-1]]  # an occurrence outside these cannot touch a wanted sentence
    seen = _literal_sentences(text, lo, hi, starts, ends, live, catalog)  # literal → wanted sentences holding it
    for k, (_, trig, local, literals) in enumerate(catalog.flat_triggers):
        if not local:
            for lst in live.values():
                lst.append(k)
        elif literals:
            for lit in literals:
                for j in seen.get(lit, ()):
                    lst = live[j]
                    if not lst or lst[-1] != k:  # k only grows, so each list stays sorted and without repeats
                        lst.append(k)
        else:
            for j in _overlapped([m.span() for m in trig.pattern.finditer(text)], starts, ends):
                if j in live:
                    live[j].append(k)
    return live


def _literal_sentences(text: str, lo: int, hi: int, starts: list[int], ends: list[int],
                       live: dict[int, list[int]], catalog: Catalog) -> dict[str, list[int]]:
    """literal → the wanted sentences an occurrence of it overlaps, from one Aho–Corasick pass over
    text[lo - _LONGEST : hi + _LONGEST] (an occurrence outside that cannot touch [lo, hi))."""
    spans: dict[str, list[tuple[int, int]]] = {}  # one literal's occurrences come in text order
    for end, lit in catalog.literal_automaton.iter(text, max(0, lo - _LONGEST), min(len(text), hi + _LONGEST)):
        spans.setdefault(lit, []).append((end + 1 - len(lit), end + 1))
    return {lit: [j for j in _overlapped(sp, starts, ends) if j in live] for lit, sp in spans.items()}


def _overlapped(spans: list[tuple[int, int]], starts: list[int], ends: list[int]) -> list[int]:
    """Indexes of the sentences that spans (sorted by start) overlap, ascending and without repeats."""
    out: list[int] = []
    last, n = -1, len(starts)
    for a, b in spans:
        j = max(bisect_right(ends, a), last + 1)  # sentences up to `last` are in already
        while j < n and starts[j] < b:
            out.append(j)
            last = j
            j += 1
    return out


def _group(positions: list[int], catalog: Catalog) -> tuple[Live, frozenset[str]]:
    """(indicator, live triggers) in catalogue order from sorted positions in catalog.flat_triggers,
    and every unit those indicators take."""
    key = tuple(positions)
    found = catalog.live_groups.get(key)
    if found is None:
        if len(catalog.live_groups) > 100_000:
            catalog.live_groups.clear()  # a bound on memory, should a corpus vary without end
        live = _build_group(positions, catalog)
        found = catalog.live_groups[key] = (live, frozenset(u for ind, _ in live for u in ind.units))
    return found


def _build_group(positions: list[int], catalog: Catalog) -> Live:
    out: list[tuple[Indicator, list[Trigger]]] = []
    flat = catalog.flat_triggers
    for k in positions:
        ind, trig = flat[k][:2]
        if out and out[-1][0] is ind:
            out[-1][1].append(trig)
        else:
            out.append((ind, [trig]))
    return tuple((ind, tuple(trigs)) for ind, trigs in out)
