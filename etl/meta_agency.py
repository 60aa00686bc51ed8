"""Agency-type catalogue: classify agency names, score a department's work, and build canonical names."""
from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

_CATALOG = Path(__file__).parent / "catalog" / "agency_types.csv"
LEVEL_COLUMN = {"county": "county_name", "municipal": "municipal_name", "provincial": "provincial_name"}


@dataclass(frozen=True)
class AgencyType:
    code: str
    name_zh: str
    cues: tuple[str, ...]  # words in an agency's own name
    work_cues: tuple[str, ...]  # words describing the department's work in the report body
    names: dict  # level -> canonical name suffix (司法局 / 司法厅)


@functools.lru_cache(maxsize=1)
def agency_types() -> tuple[AgencyType, ...]:
    with _CATALOG.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))

    def split(s: Optional[str]) -> tuple[str, ...]:
        return tuple(x for x in (s or "").split("|") if x)

    def with_ting(cues: tuple[str, ...]) -> tuple[str, ...]:
        # A provincial department is a 厅 where the city's is a 局 (审计局 / 审计厅).
        return cues + tuple(c[:-1] + "厅" for c in cues if c.endswith("局") and c[:-1] + "厅" not in cues)

    return tuple(
        AgencyType(r["code"], r["name_zh"], with_ting(split(r["cues"])), split(r.get("work_cues")),
                   {lvl: r.get(col) or "" for lvl, col in LEVEL_COLUMN.items()})
        for r in rows)


def _by_code() -> dict[str, AgencyType]:
    return {t.code: t for t in agency_types()}


_GOV_NAME = re.compile(r"(人民政府|政府|管委会|管理委员会|[省市县区州旗盟]委)$")
# A department's name ends in one of these; 党委/区委 are Party committees, not departments.
DEPT_SUFFIX = r"(?:分局|局|厅|委员会|办公室|中心|办事处)"  # 街道办事处: a district's office, type other


def type_codes() -> frozenset[str]:
    """Every agency type code of the catalogue."""
    return frozenset(_by_code())


def classify_name(name: str) -> Optional[str]:
    """Type code for an agency name (司法局 -> justice, 人民政府 -> government); None if unrecognised."""
    if not name:
        return None
    name = official_name(name)  # 区政府办 is the government's office (人民政府办公室), not the government
    if _GOV_NAME.search(name) or re.search(r"(人民政府|[省市县区]委、)", name):
        # A joint Party-committee + government report is the government's report.
        if not re.search(DEPT_SUFFIX + "$", name) or name.endswith(("管理委员会",)):
            return "government"
    best: Optional[tuple[int, str]] = None
    probe = name.replace("人民政府", "□□□□")  # 民政 inside 人民政府广顺街道办事处 is no civil-affairs cue
    for t in agency_types():
        if t.code == "government":
            continue
        for cue in t.cues:
            pos = probe.rfind(cue)
            if pos >= 0 and (best is None or pos + len(cue) > best[0]):
                best = (pos + len(cue), t.code)  # the cue nearest the end names the agency (X局Y分局)
    if best:
        return best[1]
    return "other" if re.search(DEPT_SUFFIX + "$", name) else None


# Words after which a department names its own line of work: 结合发展改革工作实际, 全市交通运输系统, 城管业务.
_SELF_ANCHOR = re.compile(r"工作实际|系统|业务|职能|主责主业")
_SELF_WEIGHT = 3


def score_work(text: str) -> list[tuple[int, str]]:
    """Work-cue hits per department type, best first; cues just before a self-anchor count triple."""
    windows = " ".join(text[max(0, m.start() - 8):m.start()] for m in _SELF_ANCHOR.finditer(text))
    scores = []
    for t in agency_types():
        if not t.work_cues:
            continue
        n = sum(text.count(c) + _SELF_WEIGHT * windows.count(c) for c in t.work_cues)
        if n:
            scores.append((n, t.code))
    return sorted(scores, reverse=True)


def all_cues() -> frozenset[str]:
    """Every name and work cue; a county stem that is one of these words (公安, 教育) names no place."""
    return frozenset(c for t in agency_types() for c in t.cues + t.work_cues)


@functools.lru_cache(maxsize=1)
def _short_forms() -> tuple[tuple[str, str], ...]:
    path = Path(__file__).parent / "catalog" / "agency_short_forms.csv"
    with path.open(encoding="utf-8") as fh:
        rows = [(r["short"], r["full"]) for r in csv.DictReader(fh)]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def official_name(name: str) -> str:
    """The name as it is officially written: a joint Party committee + government report is the government's
    (LABELLING.md), and short forms of the body (市场监管局, 管委会) are written out."""
    joint = re.match(r"^(?:中共)?[^、]{2,30}?[省市县区州旗盟]?委、(?P<gov>(?:中共)?[^、]{2,30}人民政府)$", name)
    if joint:
        name = joint.group("gov")
    for short, full in _short_forms():
        if name.endswith(short) and not name.endswith(full):
            return name[: -len(short)] + full
    return name


def canonical_name(code: str, level: Optional[str]) -> Optional[str]:
    """The usual name of this type of agency at this level (发展和改革局 for a county)."""
    t = _by_code().get(code)
    if t is None or not level:
        return None
    return t.names.get(level) or None


def name_matches(code: str, name: str) -> bool:
    """True when an agency name carries a cue of this type (used to find the reporter's own name)."""
    t = _by_code().get(code)
    return bool(t) and any(c in name for c in t.cues + t.work_cues[:2])
