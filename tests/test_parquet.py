"""Parquet export: every public view written partitioned by year and read back identical."""
from __future__ import annotations

import subprocess
import sys

import duckdb

from .conftest import ROOT


def test_export_parquet_round_trip(sample_db, tmp_path):
    out = tmp_path / "pq"
    run = subprocess.run([sys.executable, "-m", "etl", "export-parquet", "--db", str(sample_db), "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (out / "v_reports").iterdir()) == [
        "year=2019", "year=2020", "year=2021", "year=2024"]
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        for view, key in (("v_reports", "report_id"), ("v_facts", "report_id, seq"),
                          ("v_sections", "report_id, seq")):
            cols = [c for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [view]
            ).fetchall() if c != "year"]
            select = ", ".join(cols)
            want = con.execute(f"SELECT {select} FROM {view} ORDER BY {key}").fetchall()
            got = con.execute(
                f"SELECT {select} FROM read_parquet(?, hive_partitioning = true) ORDER BY {key}",
                [str(out / view / "**" / "*.parquet")]).fetchall()
            assert got == want, view
        years = con.execute("SELECT DISTINCT year FROM read_parquet(?, hive_partitioning = true) ORDER BY 1",
                            [str(out / "v_facts" / "**" / "*.parquet")]).fetchall()
        assert years == [(2019,), (2021,), (2024,)]
    finally:
        con.close()
