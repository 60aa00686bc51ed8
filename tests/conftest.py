"""Shared fixtures: a real warehouse built once per test session from the sample reports."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_REPORTS = ROOT / "data" / "reports"


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """A DuckDB warehouse built with the real ingest from data/reports (the five seeds)."""
    from etl.ingest import ingest

    db = tmp_path_factory.mktemp("wh") / "sample.duckdb"
    summary = ingest([str(SAMPLE_REPORTS)], str(db), workers=1, progress=False)
    assert summary.failed == [] and summary.check_failures == {}, summary
    return db
