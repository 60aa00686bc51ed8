"""Parsing one report: bytes → text → metadata, outline and facts. A pure function of its inputs."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from etl.errors import ReportError
from etl.records import ParsedReport

# Bump when parsing changes in a way that `rebuild` should pick up; stored with every report.
PARSER_VERSION = "2026.11.2"


@dataclass(frozen=True)
class ParseContext:
    """What parsing needs loaded once per process: gazetteer, indicator catalogue, tokenizer and stopwords."""

    gazetteer: Any
    catalog: Any
    tokenizer: Any = None  # etl.segment.Tokenizer; None skips term counting
    stopwords: frozenset[str] = frozenset()  # general stopwords only: the genre list is a view-time switch

    @classmethod
    def load(cls) -> ParseContext:
        from etl.catalog import load_catalog
        from etl.regions import Gazetteer
        from etl.segment import Tokenizer, load_stopwords

        return cls(gazetteer=Gazetteer.load(), catalog=load_catalog(), tokenizer=Tokenizer.load(),
                   stopwords=load_stopwords())


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_report(data: bytes, file_name: str, ctx: ParseContext, manifest_row: dict | None = None,
                 source: str = "real") -> ParsedReport:
    """Read and parse one file. Raises ReportError for input that cannot become a report."""
    from etl.read import read_document

    doc = read_document(data, file_name)
    return parse_text(doc.text, file_name, content_hash(data), doc.fmt, doc.encoding, ctx, manifest_row, source)


def parse_text(text: str, file_name: str, digest: str, fmt: str, encoding: str | None, ctx: ParseContext,
               manifest_row: dict | None = None, source: str = "real") -> ParsedReport:
    """Parse already-read text (also what `rebuild` runs over the stored texts)."""
    from etl.facts import extract_facts
    from etl.metadata import apply_manifest, extract_metadata
    from etl.outline import parse_outline

    if not text.strip():
        raise ReportError("empty", "文件没有可读文字", "the file holds no readable text")
    meta = extract_metadata(text, file_name, ctx.gazetteer)
    if manifest_row:
        meta = apply_manifest(meta, manifest_row)
    sections = parse_outline(text)
    facts, checks = extract_facts(text, sections, meta.value("year"), ctx.catalog)
    terms, tokens = (), 0
    if ctx.tokenizer is not None:
        from etl.terms import count_terms

        counted = count_terms(text, ctx.tokenizer, ctx.stopwords)
        terms, tokens = counted.terms, counted.tokens
    return ParsedReport(
        file_name=file_name, content_hash=digest, fmt=fmt, encoding=encoding, raw_text=text, meta=meta,
        sections=sections, facts=tuple(facts), checks=tuple(checks), source=source, terms=terms,
        token_count=tokens,
    )
