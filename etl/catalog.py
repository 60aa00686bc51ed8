"""Loads and validates the indicator catalogue (etl/catalog/indicators.yaml) into frozen dataclasses."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

DEFAULT_PATH = Path(__file__).parent / "catalog" / "indicators.yaml"
KINDS = ("count", "rate", "money")
SIDES = ("before", "after", "both")
CONFIDENCES = ("high", "medium", "low")
REQUIRED = ("code", "name_zh", "name_en", "unit", "area", "kind")


class CatalogError(ValueError):
    """The catalogue file is malformed; the message names the entry and the field."""


@dataclass(frozen=True)
class Trigger:
    """A phrase (regex) that ties a nearby number to its indicator."""

    pattern: re.Pattern
    side: str = "before"  # where the trigger sits relative to the number
    confidence: str = "high"
    context: Optional[re.Pattern] = None  # must also occur in the sentence
    max_gap: int = 12  # characters allowed between trigger and number, bracketed asides not counted

    @property
    def text(self) -> str:
        return self.pattern.pattern


@dataclass(frozen=True)
class Derivation:
    """A rate computed as 100 * numerator / denominator from two count indicators."""

    numerator: str
    denominator: str


@dataclass(frozen=True)
class Indicator:
    """One catalogue entry."""

    code: str
    name_zh: str
    name_en: str
    unit: str  # the catalogue unit every value is stored in
    area: str
    kind: str  # count or rate
    units: tuple[str, ...]  # units as written in reports that this indicator accepts
    triggers: tuple[Trigger, ...]
    exclude: Optional[re.Pattern] = None  # a clause that matches this is never about the indicator
    priority: int = 1  # a more specific indicator outranks a generic one whose trigger also fires
    core: bool = False  # scored against the gold set
    derive: Optional[Derivation] = None

    @property
    def is_rate(self) -> bool:
        return self.kind == "rate"


@dataclass(frozen=True)
class Catalog:
    """All indicators, in file order."""

    indicators: tuple[Indicator, ...]

    def get(self, code: str) -> Optional[Indicator]:
        return next((i for i in self.indicators if i.code == code), None)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators)

    @property
    def units(self) -> tuple[str, ...]:
        return tuple(sorted({u for i in self.indicators for u in i.units}))

    @functools.cached_property  # computed once per catalogue; not a field, so equality is unchanged
    def flat_triggers(self) -> tuple[tuple[Indicator, Trigger, bool, Optional[tuple[str, ...]]], ...]:
        """(indicator, trigger, local, literals) for every trigger in file order.

        local: whether a match of the pattern depends only on the characters it spans (no anchors,
        lookarounds or back-references, never empty). Only for such a pattern does a match inside part of
        a text imply a match, in a scan of the whole text, that overlaps that part.
        literals: strings one of which every match contains (None when the pattern gives none), so a
        text without any of them holds no match.
        """
        return tuple((ind, t, _is_local(t.pattern), _literals(t.pattern))
                     for ind in self.indicators for t in ind.triggers)

    @functools.cached_property
    def literal_automaton(self):
        """An Aho–Corasick automaton over every trigger literal: one pass over a text finds them all."""
        import ahocorasick

        automaton = ahocorasick.Automaton()
        for _, _, local, literals in self.flat_triggers:
            for lit in (literals or ()) if local else ():
                automaton.add_word(lit, lit)
        automaton.make_automaton()
        return automaton

    @functools.cached_property
    def live_groups(self) -> dict:
        """Memo for etl.facts: a set of live trigger positions → (indicator, triggers) groups."""
        return {}

    def table_rows(self) -> list[dict]:
        """Rows for the warehouse `indicators` table."""
        return [{"code": i.code, "name_zh": i.name_zh, "name_en": i.name_en, "unit": i.unit, "area": i.area,
                 "kind": i.kind} for i in self.indicators]


_NONLOCAL_OPS = ("AT", "ASSERT", "ASSERT_NOT", "GROUPREF", "GROUPREF_EXISTS")


def _is_local(pattern: re.Pattern) -> bool:
    try:
        from re import _parser  # private, so any surprise below means 'not local'

        parsed = _parser.parse(pattern.pattern, pattern.flags)
        if parsed.getwidth()[0] == 0:
            return False
        bad = {getattr(_parser, name) for name in _NONLOCAL_OPS}
        return _ops_ok(parsed, bad)
    except Exception:  # a safe default, not an error
        return False


def _ops_ok(node: object, bad: set) -> bool:
    """No op in `bad` anywhere in a parsed pattern (walks nested groups, branches and repeats)."""
    if hasattr(node, "data"):  # a SubPattern: a list of (op, argument)
        return all(op not in bad and _ops_ok(av, bad) for op, av in node.data)
    if isinstance(node, (list, tuple)):
        return all(_ops_ok(x, bad) for x in node)
    return True


def _literals(pattern: re.Pattern) -> Optional[tuple[str, ...]]:
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        from re import _parser

        found = _required(_parser.parse(pattern.pattern, pattern.flags), _parser)
    except Exception:  # a safe default, not an error
        return None
    return tuple(sorted(found)) if found else None


def _required(node: object, P) -> Optional[frozenset[str]]:
    """Literal strings one of which every match of a parsed sequence contains; None when none is known."""
    best: Optional[frozenset[str]] = None

    def consider(cands: Optional[frozenset[str]]) -> None:
        nonlocal best
        if cands and all(cands) and (best is None or min(map(len, cands)) > min(map(len, best))):
            best = cands

    run: list[str] = []
    for op, av in (node.data if hasattr(node, "data") else node):
        if op is P.LITERAL:
            run.append(chr(av))
            continue
        consider(frozenset({"".join(run)}))  # every part of a sequence is required: keep the longest
        run = []
        if op is P.BRANCH:
            subs = [_required(b, P) for b in av[1]]
            if all(subs):
                consider(frozenset().union(*subs))
        elif op is P.SUBPATTERN:
            consider(_required(av[3], P))
        elif op in (P.MAX_REPEAT, P.MIN_REPEAT, P.POSSESSIVE_REPEAT) and av[0] >= 1:
            consider(_required(av[2], P))
        elif op is P.ATOMIC_GROUP:
            consider(_required(av, P))
    consider(frozenset({"".join(run)}))
    return best


def _regex(value: object, where: str) -> re.Pattern:
    if isinstance(value, (list, tuple)):
        value = "|".join(f"(?:{v})" for v in value)
    if not isinstance(value, str) or not value:
        raise CatalogError(f"{where}: expected a non-empty pattern")
    try:
        return re.compile(value)
    except re.error as e:
        raise CatalogError(f"{where}: bad pattern {value!r}: {e}") from e


def _trigger(raw: object, where: str, default_gap: int) -> Trigger:
    if isinstance(raw, str):
        raw = {"pattern": raw}
    if not isinstance(raw, dict) or "pattern" not in raw:
        raise CatalogError(f"{where}: a trigger is a pattern string or a mapping with 'pattern'")
    unknown = set(raw) - {"pattern", "side", "confidence", "context", "max_gap"}
    if unknown:
        raise CatalogError(f"{where}: unknown trigger keys {sorted(unknown)}")
    side = raw.get("side", "before")
    conf = raw.get("confidence", "high")
    if side not in SIDES:
        raise CatalogError(f"{where}: side must be one of {SIDES}")
    if conf not in CONFIDENCES:
        raise CatalogError(f"{where}: confidence must be one of {CONFIDENCES}")
    ctx = _regex(raw["context"], f"{where}.context") if raw.get("context") else None
    gap = raw.get("max_gap", default_gap)
    if not isinstance(gap, int) or gap < 0:
        raise CatalogError(f"{where}: max_gap must be a non-negative integer")
    return Trigger(_regex(raw["pattern"], where), side, conf, ctx, gap)


def _indicator(raw: object, n: int, default_gap: int) -> Indicator:
    if not isinstance(raw, dict):
        raise CatalogError(f"indicator #{n}: expected a mapping")
    code = raw.get("code", f"#{n}")
    missing = [k for k in REQUIRED if not raw.get(k)]
    if missing:
        raise CatalogError(f"indicator {code}: missing {missing}")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", str(code)):
        raise CatalogError(f"indicator {code}: code must be snake_case")
    kind = raw["kind"]
    if kind not in KINDS:
        raise CatalogError(f"indicator {code}: kind must be one of {KINDS}")
    if (kind == "rate") != (raw["unit"] == "%"):
        raise CatalogError(f"indicator {code}: a rate has unit '%' and only a rate does")
    units = tuple(raw.get("units") or ([] if kind == "rate" else [raw["unit"]]))
    if kind == "rate":
        units = ("%",)
    triggers = tuple(_trigger(t, f"indicator {code} trigger {k}", default_gap)
                     for k, t in enumerate(raw.get("triggers") or []))
    if not triggers:
        raise CatalogError(f"indicator {code}: needs at least one trigger")
    exclude = _regex(raw["exclude"], f"indicator {code}.exclude") if raw.get("exclude") else None
    derive = None
    if raw.get("derive"):
        d = raw["derive"]
        if kind != "rate" or not isinstance(d, dict) or set(d) != {"numerator", "denominator"}:
            raise CatalogError(f"indicator {code}: derive needs kind rate and numerator + denominator")
        derive = Derivation(str(d["numerator"]), str(d["denominator"]))
    return Indicator(
        code=str(code), name_zh=str(raw["name_zh"]), name_en=str(raw["name_en"]), unit=str(raw["unit"]),
        area=str(raw["area"]), kind=kind, units=units, triggers=triggers, exclude=exclude,
        priority=int(raw.get("priority", 1)), core=bool(raw.get("core", False)), derive=derive,
    )


def parse_catalog(data: object) -> Catalog:
    """Validate the parsed YAML document and build the catalogue."""
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        raise CatalogError("the catalogue needs a top-level 'indicators' list")
    gap = int((data.get("defaults") or {}).get("max_gap", 12))
    indicators = tuple(_indicator(r, n, gap) for n, r in enumerate(data["indicators"]))
    codes = [i.code for i in indicators]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise CatalogError(f"duplicate indicator codes: {dupes}")
    for i in indicators:
        if i.derive and not {i.derive.numerator, i.derive.denominator} <= set(codes):
            raise CatalogError(f"indicator {i.code}: derive refers to an unknown code")
    return Catalog(indicators)


def load_catalog(path: Optional[Path | str] = None) -> Catalog:
    """Read and validate the catalogue; path defaults to etl/catalog/indicators.yaml."""
    p = Path(path) if path else DEFAULT_PATH
    with p.open(encoding="utf-8") as fh:
        return parse_catalog(yaml.safe_load(fh))
