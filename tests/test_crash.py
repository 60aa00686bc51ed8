"""Crash safety: an ingest killed with SIGKILL mid-batch leaves only whole reports, and a re-run completes it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import duckdb

from .conftest import ROOT, SAMPLE_REPORTS


def _make_batch(folder, n: int) -> None:
    """n distinct reports: the sample reports with a numbered closing line (distinct content hashes)."""
    seeds = sorted(SAMPLE_REPORTS.glob("*.txt"))
    for i in range(n):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8")
        (folder / f"r{i:04d}.txt").write_text(text + f"\n(第{i}份)\n", encoding="utf-8")


def _counts(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        reports = con.execute("SELECT count(*), count(DISTINCT file_name) FROM reports").fetchone()
        no_sections = con.execute(
            "SELECT count(*) FROM reports r WHERE NOT EXISTS (SELECT 1 FROM sections s WHERE s.report_id = r.report_id)"
        ).fetchone()[0]
        orphans = con.execute("SELECT count(*) FROM facts WHERE report_id NOT IN (SELECT report_id FROM reports)"
                              ).fetchone()[0]
        return reports, no_sections, orphans
    finally:
        con.close()


def test_sigkill_mid_ingest_then_rerun(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    _make_batch(folder, 120)
    db = tmp_path / "w.duckdb"
    # A first, finished ingest of part of the corpus: the kill must not damage it.
    first = sorted(folder.glob("*.txt"))[:10]
    cmd = [sys.executable, "-m", "etl", "ingest", "--db", str(db), "--quiet", "--workers", "1"]
    assert subprocess.run([*cmd[:4], *map(str, first), *cmd[4:]], cwd=ROOT, capture_output=True).returncode == 0
    assert _counts(db) == ((10, 10), 0, 0)

    proc = subprocess.Popen([*cmd[:4], str(folder), *cmd[4:]], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    tmp = tmp_path / f"w.duckdb.tmp-{proc.pid}"
    deadline = time.monotonic() + 60
    # Kill once the writer has started writing its copy (mid-batch), not before.
    while time.monotonic() < deadline and not (tmp.exists() and tmp.stat().st_size > 0):
        time.sleep(0.02)
    time.sleep(0.5)
    assert proc.poll() is None, "ingest finished before it could be killed; make the batch bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    # Only whole reports: the ten from the finished run, each with its sections, no orphans.
    assert _counts(db) == ((10, 10), 0, 0)

    rerun = subprocess.run([*cmd[:4], str(folder), *cmd[4:]], cwd=ROOT, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert rerun.stdout.splitlines()[0] == "ingested: 110  unchanged: 10  failed: 0"
    assert _counts(db) == ((120, 120), 0, 0)
    assert not list(tmp_path.glob("w.duckdb.tmp-*"))
