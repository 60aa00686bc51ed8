"""Scale a parsed warehouse up by replication, so query latency can be measured at 10^4–10^5 reports."""
from __future__ import annotations

import math
import shutil
from pathlib import Path

import duckdb


def replicate_warehouse(base: Path, out: Path, size: int) -> None:
    """Write `out` with `size` reports: copies of `base`'s reports under new ids and agency names.

    Copy k of a report keeps its region, level, type, year, text, sections, facts and terms, and gets the
    agency name suffixed with '#k', so rankings and coverage see distinct agencies. Parsing 100,000 reports
    end to end is measured separately (ETL throughput); this isolates the query side.
    """
    shutil.copyfile(base, out)
    con = duckdb.connect(str(out))
    try:
        n = con.execute("SELECT count(*) FROM reports").fetchone()[0]
        copies = math.ceil(size / n)
        tables = [t for (t,) in con.execute(
            "SELECT DISTINCT c.table_name FROM duckdb_columns() c JOIN duckdb_tables() t USING (table_name) "
            "WHERE c.column_name = 'report_id' AND c.table_name NOT IN ('reports', 'ingest_log_t')").fetchall()]
        con.execute("BEGIN")
        con.execute("CREATE TEMP TABLE k AS SELECT range AS k FROM range(1, ?)", [copies])
        con.execute("""
            INSERT INTO reports SELECT * EXCLUDE (k) REPLACE (
                substr(md5(report_id || '#' || k), 1, 16) AS report_id,
                sha256(content_hash || '#' || k) AS content_hash,
                file_name || '#' || k AS file_name,
                source_key || '#' || k AS source_key,
                CASE WHEN agency IS NULL THEN NULL ELSE agency || '#' || k END AS agency)
            FROM reports, k""")
        for t in tables:
            con.execute(f"INSERT INTO {t} SELECT * EXCLUDE (k) "
                        f"REPLACE (substr(md5(report_id || '#' || k), 1, 16) AS report_id) FROM {t}, k "
                        "WHERE report_id IN (SELECT report_id FROM reports WHERE file_name NOT LIKE '%#%')")
        # Trim to the exact size (drop the surplus copies of the last round).
        con.execute("CREATE TEMP TABLE drop_ids AS SELECT report_id FROM reports "
                    "ORDER BY (file_name LIKE '%#%'), file_name OFFSET ?", [size])
        for t in [*tables, "reports"]:
            con.execute(f"DELETE FROM {t} WHERE report_id IN (SELECT report_id FROM drop_ids)")
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    from etl.warehouse import Warehouse

    with Warehouse.open(out, read_only=False) as wh:
        refresh = getattr(wh, "refresh_aggregates", None)
        if refresh:
            refresh()
