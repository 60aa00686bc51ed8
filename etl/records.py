"""Typed records passed between the parsing layers and the warehouse (no I/O here)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

# Where a metadata value came from; NULL values have source None.
META_SOURCES = ("title", "body", "manifest", "inferred")
META_FIELDS = ("agency", "agency_type", "level", "province", "city", "county", "year", "published", "url")
PARTS = ("achievements", "problems", "first_responsible", "next_year_plan")


@dataclass(frozen=True)
class MetaField:
    """One metadata value with its provenance; value None means unknown."""

    value: Optional[object] = None
    source: Optional[str] = None  # one of META_SOURCES, None when value is None
    evidence: Optional[str] = None  # short text that settled it, for the report reader


@dataclass(frozen=True)
class ReportMeta:
    """Metadata of one report. Every field is a MetaField; unknown stays MetaField()."""

    agency: MetaField = field(default_factory=MetaField)
    agency_type: MetaField = field(default_factory=MetaField)
    level: MetaField = field(default_factory=MetaField)
    province: MetaField = field(default_factory=MetaField)
    city: MetaField = field(default_factory=MetaField)
    county: MetaField = field(default_factory=MetaField)
    year: MetaField = field(default_factory=MetaField)
    published: MetaField = field(default_factory=MetaField)  # ISO date string 'YYYY-MM-DD'
    url: MetaField = field(default_factory=MetaField)
    title: Optional[str] = None  # the report title line when one was found

    def value(self, name: str):
        return getattr(self, name).value


@dataclass(frozen=True)
class Section:
    """One heading of the outline; start/end are character offsets of the section in the stored text."""

    seq: int
    depth: int  # 1 = 一、 ; 2 = (一) ; 3 = 1. ; 4 = 一是
    heading: str
    part: Optional[str]  # one of PARTS for depth-1 sections that match; None otherwise
    start: int
    end: int


@dataclass(frozen=True)
class Fact:
    """One indicator value stated (or derived) in a report, with its evidence span."""

    indicator: str
    value: float
    unit: str
    approx: bool
    evidence: str  # the sentence the number came from (exact substring of the stored text)
    evidence_start: int  # offset of the evidence sentence in the stored text
    char_start: int  # offset of the number itself in the stored text
    char_end: int
    method: str = "reported"  # 'reported' or 'derived'
    confidence: str = "high"  # 'high', 'medium' or 'low'
    rule: str = ""  # the catalogue pattern / rule that produced it


@dataclass(frozen=True)
class CheckFailure:
    """A rate that disagrees with the rate computed from its counts."""

    indicator: str
    reported: float
    computed: float
    detail: str


@dataclass(frozen=True)
class ParsedReport:
    """Everything parsing produces for one file: a pure function of (bytes, name, manifest row)."""

    file_name: str
    content_hash: str  # sha256 of the raw bytes
    fmt: str  # txt, html, docx, pdf
    encoding: Optional[str]
    raw_text: str  # the normalised, boilerplate-stripped text that offsets point into
    meta: ReportMeta
    sections: tuple[Section, ...]
    facts: tuple[Fact, ...]
    checks: tuple[CheckFailure, ...] = ()
    source: str = "real"  # 'real' or 'synthetic'
    terms: tuple[tuple[str, int], ...] = ()  # (term, count) after the domain dictionary and stopwords
    token_count: int = 0  # all tokens of the text, stopwords included: the base for per-token rates
    # Where the report came from (its URL, or its path under the ingested folder); set by ingest, which knows
    # the folder. Without it the file name stands in (a report written directly, e.g. in tests).
    source_key: Optional[str] = None
