"""Shared fixtures: a real warehouse built once per test session from the sample reports."""
from __future__ import annotations

import shutil
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


@pytest.fixture
def db(sample_db, tmp_path) -> Path:
    """A writable copy of the sample warehouse, for tests that correct, rebuild or damage it."""
    path = tmp_path / "wh.duckdb"
    shutil.copyfile(sample_db, path)
    return path


@pytest.fixture
def navigation_mode(monkeypatch):
    """Keep AppTest in st.navigation mode on every run, as a live server is after the first request.

    AppTest resets PagesManager.uses_pages_directory before each run, and when page files are switched to
    directly its reruns would execute the page file alone (legacy mode), skipping app.py.
    """
    from streamlit.runtime.pages_manager import PagesManager

    init = PagesManager.__init__

    def patched(self, *args, **kwargs):
        init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", patched)


def open_routed(page: str, params: dict | None = None):
    """An AppTest of the router (app.py) with `params` in the URL, switched to `page` (a views/ file), no error."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at
