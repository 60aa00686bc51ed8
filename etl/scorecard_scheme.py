"""Assessment schemes (etl/catalog/schemes/*.yaml): pydantic models, loading, and a clear error for a bad file."""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Annotated, Literal, Optional, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

SCHEMES_DIR = Path(__file__).parent / "catalog" / "schemes"
PARTS = ("achievements", "problems", "first_responsible", "next_year_plan")
FLAGS = (*PARTS, "four_parts", "on_time")
# The 纲要 areas a heading can be assigned to (etl/queries/scorecard_areas.sql, as compare_areas.sql).
AREAS = ("disputes", "enforcement", "decisions", "rules", "oversight", "functions", "legal_services", "education")
PEER_FIELDS = ("level", "agency_type", "province")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class SchemeError(ValueError):
    """A scheme file is malformed; the message names the file, the item and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- what an item reads ----------------------------------------------------------------------------------------
class IndicatorSource(_Strict):
    """The report's value for one catalogue indicator (the warehouse's best fact, review corrections applied)."""
    kind: Literal["indicator"]
    code: str


class RateSource(_Strict):
    """A rate: a rate indicator as stated, or 100 × numerator / denominator from two count indicators, or both
    (the stated rate first, computed from the counts when the report states no rate)."""
    kind: Literal["rate"]
    code: Optional[str] = None
    numerator: Optional[str] = None
    denominator: Optional[str] = None

    @model_validator(mode="after")
    def _one_form(self):
        if self.code is None and self.numerator is None and self.denominator is None:
            raise ValueError("a rate reads `code` (a rate indicator), or `numerator` and `denominator`, or all three")
        if (self.numerator is None) != (self.denominator is None):
            raise ValueError("a computed rate needs both `numerator` and `denominator`")
        return self


class ComplianceSource(_Strict):
    """A compliance flag: one of the four required parts, all four, or publication before 1 April."""
    kind: Literal["compliance"]
    flag: Literal["achievements", "problems", "first_responsible", "next_year_plan", "four_parts", "on_time"]


class CoverageSource(_Strict):
    """Coverage of the 纲要 areas: one area's share of the text (%), or how many areas have a heading (0–8)."""
    kind: Literal["coverage"]
    measure: Literal["area_share", "areas_covered"]
    area: Optional[str] = None

    @model_validator(mode="after")
    def _area(self):
        if self.measure == "area_share" and self.area not in AREAS:
            raise ValueError(f"area_share needs `area`, one of {', '.join(AREAS)} (got {self.area!r})")
        if self.measure == "areas_covered" and self.area is not None:
            raise ValueError("areas_covered counts every area: drop `area`")
        return self


Source = Annotated[Union[IndicatorSource, RateSource, ComplianceSource, CoverageSource],
                   Field(discriminator="kind")]


# ---- how an item scores ----------------------------------------------------------------------------------------
class Step(_Strict):
    at: float
    share: float = Field(ge=0, le=1)  # of the item's weight


class ThresholdsRule(_Strict):
    """The best step reached: value ≥ at (higher is better) or ≤ at (lower is better); none reached scores 0."""
    kind: Literal["thresholds"]
    steps: list[Step] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self):
        ats = [s.at for s in self.steps]
        if len(set(ats)) != len(ats):
            raise ValueError("two steps share one `at`")
        return self


class LinearRule(_Strict):
    """Full weight at `hi` (or `lo` when lower is better), none at the other bound, linear between, clamped."""
    kind: Literal["linear"]
    lo: float
    hi: float

    @model_validator(mode="after")
    def _order(self):
        if not self.lo < self.hi:
            raise ValueError(f"`lo` ({self.lo:g}) must be below `hi` ({self.hi:g})")
        return self


class RankRule(_Strict):
    """Position among the peer group's stated values: best full weight, worst none, ties share the middle."""
    kind: Literal["rank"]


class PresentRule(_Strict):
    """Full weight when the flag holds (or the indicator is stated), none when it does not."""
    kind: Literal["present"]


Rule = Annotated[Union[ThresholdsRule, LinearRule, RankRule, PresentRule], Field(discriminator="kind")]


class Item(_Strict):
    id: str
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    source: Source
    rule: Rule
    weight: float = Field(gt=0)
    direction: Literal["higher", "lower"] = "higher"
    # missing: the item shows as missing and adds nothing (the total says how many are missing);
    # zero: a missing value scores 0, and the item says so.
    missing: Literal["missing", "zero"] = "missing"
    note_zh: str = ""
    note_en: str = ""

    @model_validator(mode="after")
    def _fits(self):
        if not _ID.match(self.id):
            raise ValueError(f"item id {self.id!r} must be snake_case (a-z, 0-9, _)")
        if self.source.kind == "compliance" and self.rule.kind != "present":
            raise ValueError("a compliance flag is yes or no: its rule must be `present`")
        if self.rule.kind == "present" and self.direction != "higher":
            raise ValueError("a `present` rule rewards presence: direction must be `higher`")
        return self


class Scheme(_Strict):
    id: str
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    basis_zh: str = ""
    basis_en: str = ""
    peer_group: list[Literal["level", "agency_type", "province"]] = ["level", "agency_type"]
    max_score: Optional[float] = None  # when given, the weights must add up to it
    items: list[Item] = Field(min_length=1)

    @model_validator(mode="after")
    def _whole(self):
        if not _ID.match(self.id):
            raise ValueError(f"scheme id {self.id!r} must be snake_case (a-z, 0-9, _)")
        ids = [i.id for i in self.items]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"item ids must be unique: {', '.join(dup)} repeated")
        total = sum(i.weight for i in self.items)
        if self.max_score is not None and abs(total - self.max_score) > 1e-9:
            raise ValueError(f"the weights add up to {total:g}, not max_score {self.max_score:g}")
        return self

    @property
    def total_weight(self) -> float:
        return sum(i.weight for i in self.items)

    def codes(self) -> list[str]:
        """Every indicator code the scheme reads."""
        out = []
        for i in self.items:
            s = i.source
            out += [c for c in (getattr(s, "code", None), getattr(s, "numerator", None),
                                getattr(s, "denominator", None)) if c]
        return sorted(set(out))


def _where(loc: tuple, data: object) -> str:
    """'items[2] (admin_review).rule.lo' from a pydantic error location."""
    parts, node = [], data
    for p in loc:
        if isinstance(p, int):
            label = f"[{p}]"
            if isinstance(node, list) and p < len(node) and isinstance(node[p], dict) and node[p].get("id"):
                label += f" ({node[p]['id']})"
            parts.append(label)
            node = node[p] if isinstance(node, list) and p < len(node) else None
        else:
            if p in ("indicator", "rate", "compliance", "coverage", "thresholds", "linear", "rank", "present"):
                continue  # the union's tag, already named by the field before it
            parts.append(("." if parts else "") + str(p))
            node = node.get(p) if isinstance(node, dict) else None
    return "".join(parts) or "(file)"


def parse_scheme(data: object, where: str = "scheme", codes: Optional[dict[str, str]] = None) -> Scheme:
    """Validate parsed YAML; `codes` (indicator code → kind) checks the indicators against the catalogue."""
    if not isinstance(data, dict):
        raise SchemeError(f"{where}: a scheme is a mapping with id, names and items")
    try:
        scheme = Scheme.model_validate(data)
    except ValidationError as exc:
        lines = [f"  {_where(e['loc'], data)}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()]
        raise SchemeError(f"{where}: invalid scheme\n" + "\n".join(lines)) from None
    if codes is not None:
        problems = []
        for n, item in enumerate(scheme.items):
            s = item.source
            for field in ("code", "numerator", "denominator"):
                code = getattr(s, field, None)
                if code is None:
                    continue
                if code not in codes:
                    problems.append(f"  items[{n}] ({item.id}).source.{field}: unknown indicator {code!r}")
                elif s.kind == "rate" and field == "code" and codes[code] != "rate":
                    problems.append(f"  items[{n}] ({item.id}).source.code: {code!r} is a {codes[code]}, not a rate")
                elif field in ("numerator", "denominator") and codes[code] != "count":
                    problems.append(f"  items[{n}] ({item.id}).source.{field}: {code!r} is not a count")
        if problems:
            raise SchemeError(f"{where}: invalid scheme\n" + "\n".join(problems))
    return scheme


def catalogue_kinds() -> dict[str, str]:
    from etl.catalog import load_catalog

    return {i.code: i.kind for i in load_catalog().indicators}


MAX_SCHEME_BYTES = 200_000
MAX_NODES = 20_000  # a scheme has a few hundred; aliases that multiply a document are refused before loading


def read_scheme_text(text: str, where: str = "scheme", check_codes: bool = True) -> Scheme:
    """Parse and validate scheme YAML given as text (a file, an upload): SchemeError names what is wrong."""
    if len(text.encode("utf-8")) > MAX_SCHEME_BYTES:
        raise SchemeError(f"{where}: larger than {MAX_SCHEME_BYTES // 1000} KB: not a scheme")
    try:
        stack, seen = [yaml.compose(text, Loader=yaml.SafeLoader)], 0
        while stack:  # count every visit, so an alias counts each time it is used
            node = stack.pop()
            seen += 1
            if seen > MAX_NODES:
                raise SchemeError(f"{where}: more than {MAX_NODES} YAML nodes (aliases?): not a scheme")
            if isinstance(node, yaml.MappingNode):
                stack += [n for pair in node.value for n in pair]
            elif isinstance(node, yaml.SequenceNode):
                stack += node.value
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SchemeError(f"{where}: cannot read the scheme: {exc}".splitlines()[0]) from None
    return parse_scheme(data, where, catalogue_kinds() if check_codes else None)


def load_scheme(path: Path | str, check_codes: bool = True) -> Scheme:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemeError(f"{path.name}: cannot read the scheme: {exc}".splitlines()[0]) from None
    return read_scheme_text(text, path.name, check_codes)


def scheme_path(scheme_id: str) -> Path:
    """The file of a shipped scheme by id, or a path given as such."""
    p = Path(scheme_id)
    if p.suffix in (".yaml", ".yml") and p.is_file():
        return p
    found = SCHEMES_DIR / f"{scheme_id}.yaml"
    if not _ID.match(scheme_id) or not found.is_file():
        raise SchemeError(f"no such scheme: {scheme_id} (shipped: {', '.join(shipped_ids())})")
    return found


@functools.lru_cache(maxsize=8)
def shipped(scheme_id: str) -> Scheme:
    return load_scheme(scheme_path(scheme_id))


def shipped_ids() -> list[str]:
    return sorted(p.stem for p in SCHEMES_DIR.glob("*.yaml"))


def scheme_text(scheme_id: str) -> str:
    return scheme_path(scheme_id).read_text(encoding="utf-8")


def rule_text(item: Item, lang: str = "zh") -> str:
    """The scoring rule in words, e.g. '≥ 1000: 100%; ≥ 500: 50%' or 'linear 0–100'."""
    r, zh = item.rule, lang == "zh"
    cmp = "≥" if item.direction == "higher" else "≤"
    if r.kind == "thresholds":
        steps = sorted(r.steps, key=lambda s: s.at, reverse=item.direction == "higher")
        text = "; ".join(f"{cmp} {s.at:g}: {100 * s.share:g}%" for s in steps)
    elif r.kind == "linear":
        a, b = (r.lo, r.hi) if item.direction == "higher" else (r.hi, r.lo)
        text = (f"线性：{a:g} 得 0，{b:g} 得满分" if zh else f"linear: {a:g} scores 0, {b:g} full")
    elif r.kind == "rank":
        text = ("同组排名：最好满分，最差 0" if zh else "rank in peer group: best full, worst 0") \
            + ("（越低越好）" if zh and item.direction == "lower" else
               " (lower is better)" if item.direction == "lower" else "")
    else:
        text = "有则满分，无则 0" if zh else "present: full, absent: 0"
    if item.missing == "zero":
        text += "；缺失按 0 分计" if zh else "; missing scores 0"
    return text
