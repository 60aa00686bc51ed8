"""Batch jobs that finish: a hanging, crashing or memory-hungry file fails alone and its worker is replaced."""
from __future__ import annotations

import shutil
import time

import pytest

import etl.ingest as ingest_module
from etl.errors import ReportError
from etl.ingest import ingest, rebuild
from etl.warehouse import Warehouse
from etl.workers import Limits, WorkerStartError, supervised_map

from .conftest import SAMPLE_REPORTS
from .workers_jobs import dies_on_start, job


def test_a_hang_a_crash_and_a_memory_blowup_fail_alone_in_order():
    jobs = [("ok", 1), ("hang", 0), ("ok", 2), ("crash", 0), ("ok", 3), ("memory", 0), ("ok", 4), ("ok", 5)]
    started = time.monotonic()
    got = list(supervised_map(job, jobs, 2, lambda j, kind: ("failed", kind),
                              limits=Limits(seconds=3, memory_bytes=1 << 30)))
    assert got == [2, ("failed", "timeout"), 4, ("failed", "too_complex"), 6, ("failed", "too_complex"), 8, 10]
    assert time.monotonic() - started < 60  # the hang was cut at its limit, not waited out


def test_workers_that_die_while_starting_stop_the_batch_instead_of_hanging_it():
    started = time.monotonic()
    with pytest.raises(WorkerStartError, match="died while starting"):
        list(supervised_map(job, [("ok", 1), ("ok", 2)], 2, lambda j, kind: ("failed", kind), init=dies_on_start))
    assert time.monotonic() - started < 60


def test_a_parser_that_hangs_is_logged_as_timeout_and_the_batch_goes_in(tmp_path, monkeypatch):
    corpus = tmp_path / "c"
    shutil.copytree(SAMPLE_REPORTS, corpus)
    real = ingest_module.parse_report

    def hangs_on_one(data, name, *args, **kwargs):
        if name.startswith("002_"):
            while True:  # a pathological file: the parser never returns
                pass
        return real(data, name, *args, **kwargs)

    monkeypatch.setattr(ingest_module, "parse_report", hangs_on_one)
    monkeypatch.setenv("PARSE_TIMEOUT", "2")
    db = tmp_path / "w.duckdb"
    summary = ingest([str(corpus)], str(db), workers=1, progress=False)
    assert (len(summary.ingested), [n for n, _ in summary.failed]) == (4, ["002_47242c5338189b52.txt"])
    assert summary.failed[0][1] == "解析超时(超过 2 秒) / parsing took longer than 2 s"
    with Warehouse.open(db) as wh:
        assert wh.con.execute("SELECT status, code FROM ingest_log WHERE file_name LIKE '002_%'").fetchall() == [
            ("failed", "timeout")]


def test_rebuild_logs_a_failed_report_and_goes_on(sample_db, tmp_path, monkeypatch):
    # Regression: rebuild stopped on the first unexpected exception, while ingest logged it and went on.
    db = tmp_path / "w.duckdb"
    shutil.copyfile(sample_db, db)
    real = ingest_module.parse_text

    def breaks_on_one(text, name, *args, **kwargs):
        if name.startswith("003_"):
            raise RuntimeError("a parser bug")
        return real(text, name, *args, **kwargs)

    monkeypatch.setattr(ingest_module, "parse_text", breaks_on_one)
    summary = rebuild(str(db), progress=False, workers=1)
    assert (len(summary.ingested), summary.exit_code) == (4, 1)
    assert summary.failed == [("003_fe77d5667680b206.txt",
                               "解析出错:RuntimeError / parser error: RuntimeError: a parser bug")]
    with Warehouse.open(db) as wh:
        assert wh.con.execute("SELECT count(*) FROM reports").fetchone() == (5,)  # the old rows stay
        assert wh.con.execute("SELECT code FROM ingest_log WHERE status = 'failed'").fetchall() == [("internal",)]


def test_the_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PARSE_TIMEOUT", "12.5")
    monkeypatch.setenv("PARSE_MEMORY_MB", "0")
    assert Limits.from_env() == Limits(12.5, None)
    assert isinstance(ingest_module._failed_job(("p", "x.pdf"), "too_complex")[1], ReportError)
