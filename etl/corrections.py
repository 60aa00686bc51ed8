"""Reviewers' corrections as records: building, validating, CSV export/import and conflict detection (no DuckDB)."""
from __future__ import annotations

import csv
import math
import os
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields, replace
from dataclasses import field as _field  # 'field' is also a Correction attribute
from datetime import UTC, date, datetime, timedelta
from typing import Any

from etl.cells import is_formula_like
from etl.numbers import parse_number
from etl.records import META_FIELDS

FACT_ACTIONS = ("confirm", "reject", "edit", "add", "withdraw")
REPORT_ACTIONS = ("override", "withdraw")
LEVELS = ("provincial", "municipal", "county")


@dataclass(frozen=True)
class Correction:
    """One row of the corrections table. A fact target is (report_id, indicator, char_start, char_end)."""

    report_id: str
    content_hash: str
    target: str  # 'report' or 'fact'
    action: str
    reviewer: str
    reason: str = ""
    field: str | None = None
    indicator: str | None = None
    char_start: int | None = None
    char_end: int | None = None
    new_text: str | None = None
    new_value: float | None = None
    new_unit: str | None = None
    new_indicator: str | None = None
    old_text: str = ""
    evidence: str = ""
    evidence_start: int | None = None
    span_text: str | None = None
    created_at: datetime = _field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None))
    uid: str = _field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def key(self) -> tuple:
        """The item this correction is about; corrections to the same key compete (latest wins)."""
        if self.target == "report":
            return (self.report_id, "report", self.field)
        return (self.report_id, "fact", self.indicator, self.char_start, self.char_end)

    @property
    def outcome(self) -> tuple:
        """What the correction decides, for comparing two reviewers' work on one item."""
        if self.action in ("edit", "add"):
            return ("set", self.new_value, self.new_unit, self.new_indicator)
        if self.action == "override":
            return ("override", self.new_text)
        return (self.action,)

    def params(self) -> dict[str, Any]:
        """The correction as a row: bound parameters of etl/commands/add_correction.sql, a store row."""
        return asdict(self)


CSV_COLUMNS = tuple(f.name for f in fields(Correction))


def _clean_reviewer(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValueError("审核人姓名不能为空 / the reviewer's name is required")
    return name[:80]


def check_meta_value(fld: str, text: str | None) -> str | None:
    """Normalise a metadata override; raise ValueError when the value cannot go into that field."""
    if fld not in META_FIELDS:
        raise ValueError(f"unknown field {fld!r}")
    text = (text or "").strip() or None
    if text is None:
        return None
    if fld == "year":
        if not text.isdigit() or not 1990 <= int(text) <= 2100:
            raise ValueError("年份应为 1990–2100 / the year must be 1990-2100")
        return str(int(text))
    if fld == "published":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError("日期格式应为 YYYY-MM-DD / the date must be YYYY-MM-DD") from None
    if fld == "level" and text not in LEVELS:
        raise ValueError(f"层级应为 {', '.join(LEVELS)} / the level must be one of {', '.join(LEVELS)}")
    return text


def meta_override(report: dict, fld: str, new_text: str | None, reviewer: str, reason: str = "") -> Correction:
    """Override one metadata field of a report (a v_reports row); old_text records what was extracted."""
    old = report.get(f"extracted_{fld}", report.get(fld))
    return Correction(report_id=report["report_id"], content_hash=report["content_hash"], target="report",
                      action="override", field=fld, new_text=check_meta_value(fld, new_text),
                      old_text=_text(old), reviewer=_clean_reviewer(reviewer), reason=reason.strip())


def fact_action(fact: dict, content_hash: str, raw_text: str, action: str, reviewer: str, reason: str = "",
                new_value: float | None = None, new_unit: str | None = None,
                new_indicator: str | None = None) -> Correction:
    """Confirm, reject, edit or withdraw a fact (a v_facts row); the target is its span and original indicator."""
    if action not in ("confirm", "reject", "edit", "withdraw"):
        raise ValueError(f"unknown action {action!r}")
    start, end = int(fact["char_start"]), int(fact["char_end"])
    key_indicator = fact.get("key_indicator") or fact["indicator"]
    if action == "edit":
        new_value = _finite(new_value)
        new_unit = (new_unit or "").strip() or str(fact["unit"])
        new_indicator = (new_indicator or "").strip() or str(fact["indicator"])
    else:
        new_value = new_unit = new_indicator = None
    return Correction(report_id=fact["report_id"], content_hash=content_hash, target="fact", action=action,
                      indicator=key_indicator, char_start=start, char_end=end, new_value=new_value,
                      new_unit=new_unit, new_indicator=new_indicator,
                      old_text=f"{_text(fact['value'])} {fact['unit']}", evidence=str(fact["evidence"]),
                      evidence_start=int(fact["evidence_start"]), span_text=raw_text[start:end],
                      reviewer=_clean_reviewer(reviewer), reason=reason.strip())


def locate(raw_text: str, sent_start: int, sent_end: int, number_text: str, occurrence: int = 1) -> tuple[int, int]:
    """The span of the `occurrence`-th `number_text` inside the sentence raw_text[sent_start:sent_end]."""
    number_text = number_text.strip()
    if not number_text:
        raise ValueError("请输入原文中的数字 / type the number as it appears in the text")
    pos = sent_start - 1
    for _ in range(max(1, occurrence)):
        pos = raw_text.find(number_text, pos + 1, sent_end)
        if pos < 0:
            raise ValueError(f"句中找不到“{number_text}” / {number_text!r} is not in the sentence")
    # Verify the span, so a correction never points at text other than what the reviewer typed.
    assert raw_text[pos:pos + len(number_text)] == number_text
    return pos, pos + len(number_text)


def add_fact(report_id: str, content_hash: str, raw_text: str, sent_start: int, sent_end: int, number_text: str,
             indicator: str, unit: str, reviewer: str, reason: str = "", value: float | None = None,
             occurrence: int = 1) -> Correction:
    """A missing fact, placed by a sentence and the number as typed; its value is parsed unless given."""
    start, end = locate(raw_text, sent_start, sent_end, number_text, occurrence)
    value = parse_number(number_text) if value is None else value
    if not indicator or not (unit or "").strip():
        raise ValueError("请选择指标和单位 / pick an indicator and a unit")
    return Correction(report_id=report_id, content_hash=content_hash, target="fact", action="add",
                      indicator=indicator, char_start=start, char_end=end, new_value=_finite(value),
                      new_unit=unit.strip(), new_indicator=indicator, evidence=raw_text[sent_start:sent_end],
                      evidence_start=sent_start, span_text=raw_text[start:end],
                      reviewer=_clean_reviewer(reviewer), reason=reason.strip())


def _finite(v) -> float:
    try:
        out = float(v)
    except (TypeError, ValueError):
        raise ValueError("数值无效 / not a number") from None
    if not math.isfinite(out):
        raise ValueError("数值无效 / not a number")
    return out


def _text(v) -> str:
    """A value as the reviewer saw it, comparable with CAST(field AS VARCHAR) in review_attention.sql."""
    if v is None:
        return ""
    try:
        if v != v:  # NaN and NaT
            return ""
    except (TypeError, ValueError):  # pandas NA refuses to be a bool
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


MAX_OFFSET = 20 * 2**20  # no report text is longer than the 20 MB file it came from
MAX_REASON = 4000  # characters: a reason is a sentence or two, not a document
MAX_TEXT = 100_000  # evidence and other copied text


def validate(c: Correction) -> None:
    """The table's CHECK constraints and sane bounds, in Python: an import says which row is wrong before
    writing, and one hostile row (an offset past any text, a 128 KB reason, a date in 9999) never gets in."""
    if len(c.uid) != 32 or len(c.report_id) != 16 or len(c.content_hash) != 64 \
            or not c.content_hash.startswith(c.report_id):
        raise ValueError("bad uid, report_id or content_hash")
    if c.reviewer != _clean_reviewer(c.reviewer) or any(not ch.isprintable() for ch in c.reviewer):
        raise ValueError("审核人姓名无效 / the reviewer's name has control characters or is too long")
    for offset in (c.char_start, c.char_end, c.evidence_start):
        if offset is not None and not 0 <= offset <= MAX_OFFSET:
            raise ValueError("位置超出范围 / an offset lies outside any report text")
    if len(c.reason or "") > MAX_REASON or any(len(v or "") > MAX_TEXT for v in (
            c.evidence, c.span_text, c.old_text, c.new_text)):
        raise ValueError("理由或文本过长 / the reason or a text is too long")
    now = datetime.now(UTC).replace(tzinfo=None)
    if not datetime(2000, 1, 1) <= c.created_at <= now + timedelta(days=1):
        raise ValueError("时间不合理 / created_at is not a plausible time (not in the future)")
    if c.target == "report":
        if c.action not in REPORT_ACTIONS or c.field not in META_FIELDS:
            raise ValueError(f"bad report correction {c.action!r} on {c.field!r}")
        if c.action == "override":
            check_meta_value(c.field, c.new_text)
    elif c.target == "fact":
        if c.action not in FACT_ACTIONS or not c.indicator or c.char_start is None or c.char_end is None \
                or c.char_start < 0 or c.char_end <= c.char_start or not c.span_text:
            raise ValueError(f"bad fact correction {c.action!r}")
        if c.action in ("edit", "add") and (c.new_value is None or not c.new_unit or not c.new_indicator):
            raise ValueError(f"{c.action} needs a value, a unit and an indicator")
        if c.action == "add" and (not c.evidence or c.evidence_start is None):
            raise ValueError("add needs its evidence sentence")
    else:
        raise ValueError(f"bad target {c.target!r}")


def save(wh, corrections: Iterable[Correction], origin: str = "review") -> int:
    """Append corrections to the corrections store of the Warehouse `wh` (etl/corrections_store.py), in one
    transaction; returns how many. The warehouse file is not written: a read-only `wh` (the app's) shows them
    through its overlay at its next read. A writable one (inside `writing`) also mirrors them at once.

    Every edited or added number is checked like an extracted one first (etl/correction_rules.py): a value that
    breaks a rule raises ValueError with the reason, and nothing is written.
    """
    from etl import corrections_store

    corrections = list(corrections)
    ranges: dict[str, tuple] = {}
    for c in corrections:
        validate(c)
        problem = value_problem_in(wh, c, ranges)
        if problem:
            raise ValueError(problem)
    if not corrections:
        return 0
    ids = corrections_store.append(wh.store, [c.params() for c in corrections], origin=origin)
    if not wh.read_only:
        wh.insert_rows("add_corrections", [{**c.params(), "correction_id": i} for c, i in zip(corrections, ids,
                                                                                              strict=True)])
    return len(corrections)


def value_problem_in(wh, c: Correction, ranges: dict[str, tuple] | None = None) -> str | None:
    """The rule an edited or added number breaks in this warehouse, or None (other actions carry no number).
    `ranges` caches each indicator's corpus range across the rows of one import."""
    if c.target != "fact" or c.action not in ("edit", "add"):
        return None
    from etl.correction_rules import value_problem

    ranges = {} if ranges is None else ranges
    if c.new_indicator not in ranges:
        largest, n = wh.query("indicator_range", {"indicator": c.new_indicator}).iloc[0]
        ranges[c.new_indicator] = (None if largest != largest else float(largest), int(n))
    return value_problem(c.new_indicator, float(c.new_value), c.new_unit, _catalog(), ranges[c.new_indicator])


_CATALOG: list = [None, None]  # (mtime_ns of the catalogue file, the parsed catalogue)


def _catalog():
    """The indicator catalogue, parsed once per version of its file: parsing costs ~40 ms, and an import of
    10,000 edits checks 10,000 values (589 s at 100,000 reports before this cache)."""
    from etl.catalog import DEFAULT_PATH, load_catalog

    mtime = DEFAULT_PATH.stat().st_mtime_ns
    if _CATALOG[0] != mtime:
        _CATALOG[:] = [mtime, load_catalog()]
    return _CATALOG[1]


# ---- CSV -------------------------------------------------------------------------------------------------
def write_csv(rows: Iterable[dict], path: str | os.PathLike) -> int:
    """Corrections (dicts with CSV_COLUMNS) to CSV, UTF-8 with BOM so Excel reads Chinese; returns the count."""
    n = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        w.writeheader()
        for row in rows:
            w.writerow({k: _guard(_cell(row.get(k))) if k in _TEXTS else _cell(row.get(k)) for k in CSV_COLUMNS})
            n += 1
    return n


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if hasattr(v, "to_pydatetime"):  # pandas Timestamp
        return v.to_pydatetime().isoformat(sep=" ")
    if isinstance(v, float):
        return repr(v)
    return str(v)


_INTS = ("char_start", "char_end", "evidence_start")
# Free-text columns: report text and what reviewers typed. Excel runs a cell starting with = + - @ as a formula,
# so such cells get a leading apostrophe; so does one that already starts with it, which makes the guard
# reversible and the evidence round-trips exactly (drift detection compares it with the report text).
_TEXTS = ("reviewer", "reason", "new_text", "old_text", "evidence", "span_text", "indicator", "new_indicator",
          "new_unit")
def _guard(cell: str) -> str:
    return "'" + cell if is_formula_like(cell) or cell.startswith("'") else cell


def _unguard(cell):
    return cell[1:] if isinstance(cell, str) and cell.startswith("'") else cell


def from_row(row: dict) -> Correction:
    """One CSV (or query) row → Correction; empty cells are NULLs. Raises ValueError on a malformed row."""
    def get(k):
        v = row.get(k)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return None
        return v if not isinstance(v, str) or v != "" else None

    kw: dict[str, Any] = {}
    for k in CSV_COLUMNS:
        v = get(k)
        if k in _INTS:
            v = None if v is None else int(v)
        elif k == "new_value":
            v = None if v is None else _finite(v)
        elif k == "created_at":
            if v is None:
                raise ValueError("created_at is missing")
            v = v if isinstance(v, datetime) else datetime.fromisoformat(str(v))
            v = v.replace(tzinfo=None)
        elif k in ("old_text", "evidence", "reason"):
            v = "" if v is None else str(v)
        elif v is not None:
            v = str(v)
        kw[k] = v
    if kw.get("uid") is None:
        raise ValueError("uid is missing")
    c = Correction(**kw)
    validate(c)
    return c


def read_csv(path: str | os.PathLike) -> tuple[list[Correction], list[tuple[int, str]]]:
    """Corrections from a CSV, and (line number, error) for every row that is not a valid correction."""
    good, bad = [], []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = set(CSV_COLUMNS) - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing columns {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            try:
                good.append(from_row({k: _unguard(v) if k in _TEXTS else v for k, v in row.items()}))
            except (ValueError, TypeError) as err:
                bad.append((line, str(err)))
    return good, bad


@dataclass
class ImportPlan:
    """What an import would do: new rows, rows already present, and conflicts (shown, never written)."""

    new: list[Correction] = _field(default_factory=list)
    duplicates: list[Correction] = _field(default_factory=list)
    conflicts: list[tuple[Correction, Correction]] = _field(default_factory=list)  # (incoming, standing)


def plan_import(existing: Iterable[Correction], incoming: Iterable[Correction]) -> ImportPlan:
    """Merge another reviewer's corrections into ours.

    A row already here (same uid) is a duplicate. Each item has a standing decision (its latest correction)
    and the reviewers who hold it (who made it or later agreed with it). An incoming row that decides
    something else, from a reviewer who does not hold the standing decision, is a conflict: it is shown
    with the standing one and neither is overwritten. Agreeing, or revising one's own decision, is not.
    """
    plan = ImportPlan()
    uids: set[str] = set()
    standing: dict[tuple, Correction] = {}
    holders: dict[tuple, set[str]] = {}

    def accept(c: Correction) -> None:
        prev = standing.get(c.key)
        same = prev is not None and prev.outcome == c.outcome
        holders[c.key] = (holders[c.key] | {c.reviewer}) if same else {c.reviewer}
        standing[c.key] = c
        uids.add(c.uid)

    for c in sorted(existing, key=lambda c: c.created_at):
        accept(c)
    for c in sorted(incoming, key=lambda c: (c.created_at, c.uid)):
        if c.uid in uids:
            plan.duplicates.append(c)
            continue
        prev = standing.get(c.key)
        if prev is not None and prev.outcome != c.outcome and c.reviewer not in holders[c.key]:
            plan.conflicts.append((c, prev))
            continue
        accept(c)
        plan.new.append(c)
    return plan


def withdrawal(c: Correction, reviewer: str, reason: str = "") -> Correction:
    """A 'withdraw' of the item `c` is about: cancels it and every earlier correction of that item."""
    return replace(c, action="withdraw", new_text=None, new_value=None, new_unit=None, new_indicator=None,
                   reviewer=_clean_reviewer(reviewer), reason=reason.strip(), uid=uuid.uuid4().hex,
                   created_at=datetime.now(UTC).replace(tzinfo=None))


def with_time(c: Correction, when: datetime) -> Correction:
    """A copy made at another time (tests and imports of hand-made rows)."""
    return replace(c, created_at=when)
