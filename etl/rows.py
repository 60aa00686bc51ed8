"""ParsedReport → warehouse rows, table by table (pure: the warehouse only loads what this returns)."""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from etl.metadata import WORK_CUES
from etl.outline import part_flags
from etl.records import META_FIELDS, ParsedReport

# Fields whose absence sends a report to review: without them it cannot be ranked against its peers.
REVIEW_FIELDS = ("agency", "agency_type", "level", "province", "year")
GUESSED_TYPE = "agency_type_guessed"  # the review reason for a type inferred from work cues alone


def report_id_of(content_hash: str) -> str:
    """Reports are keyed by content: the id is the first 16 hex digits of the SHA-256 of the raw bytes."""
    return content_hash[:16]


def on_time(year: int | None, published: date | None) -> bool | None:
    """Published before 1 April of the following year (2019 督察规定, Article 24); NULL without a date."""
    if year is None or published is None:
        return None
    return published < date(int(year) + 1, 4, 1)


def report_rows(rep: ParsedReport, parser_version: str, manifest_row: dict | None,
                now: datetime) -> dict[str, list[dict[str, Any]]]:
    """The rows of every table for one report, keyed by table name."""
    rid = report_id_of(rep.content_hash)
    meta = rep.meta
    row: dict[str, Any] = {
        "report_id": rid, "content_hash": rep.content_hash, "file_name": rep.file_name,
        "source_key": rep.source_key or rep.file_name, "fmt": rep.fmt,
        "encoding": rep.encoding, "source": rep.source, "raw_text": rep.raw_text,
        "char_count": len(rep.raw_text), "title": meta.title,
    }
    evidence = {}
    for name in META_FIELDS:
        fld = getattr(meta, name)
        value = fld.value
        if name == "published" and isinstance(value, str):
            value = date.fromisoformat(value)
        if name == "year" and value is not None:
            value = int(value)
        row[name] = value
        row[f"{name}_src"] = fld.source if value is not None else None
        if fld.evidence and value is not None:
            evidence[name] = fld.evidence
    unknown = [f for f in REVIEW_FIELDS if row[f] is None]
    # A type guessed from the work described (and any name built from it) is a guess: it goes to review too.
    if row["agency_type"] is not None and evidence.get("agency_type", "").startswith(WORK_CUES):
        unknown.append(GUESSED_TYPE)
    row["meta_evidence"] = json.dumps(evidence, ensure_ascii=False)
    row.update(part_flags(rep.raw_text, rep.sections))
    row["on_time"] = on_time(row["year"], row["published"])
    row["needs_review"] = bool(unknown)
    row["review_reasons"] = ",".join(unknown)
    row["parser_version"] = parser_version
    row["ingested_at"] = now
    row["manifest_json"] = json.dumps(manifest_row, ensure_ascii=False) if manifest_row else None
    return {
        "reports": [row],
        "sections": [dict(report_id=rid, seq=s.seq, depth=s.depth, heading=s.heading, part=s.part,
                          char_start=s.start, char_end=s.end) for s in rep.sections],
        "facts": [dict(report_id=rid, seq=i, indicator=f.indicator, value=float(f.value), unit=f.unit,
                       approx=bool(f.approx), evidence=f.evidence, evidence_start=f.evidence_start,
                       char_start=f.char_start, char_end=f.char_end, method=f.method, confidence=f.confidence,
                       rule=f.rule) for i, f in enumerate(rep.facts)],
        "fact_checks": [dict(report_id=rid, indicator=c.indicator, reported=float(c.reported),
                             computed=float(c.computed), detail=c.detail) for c in rep.checks],
        "terms": [dict(report_id=rid, term=t, n=int(n)) for t, n in rep.terms],
        "report_tokens": [dict(report_id=rid, tokens=int(rep.token_count))],
    }
