"""term_totals kept in step with the terms rows, write by write (issue 16).

Recounting every terms row after each 200-report batch made a large ingest quadratic. Instead a write subtracts
the counts of the reports it deletes (read from their terms rows before they go) and adds those of the rows it
inserts (read from the batch itself), so a batch costs the same at 1,000 or 100,000 reports. The full recount
(schema_terms_refresh.sql) stays for `refresh_aggregates`; tests/test_term_totals.py holds both equal.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

DELTA_SQL = Path(__file__).parent / "schema_terms_delta.sql"


def subtract_reports(con: Any, ids: list[str]) -> list[str]:
    """Delete the terms rows of the reports `ids` and take their counts out of term_totals, in the caller's
    transaction (it deletes the reports' other rows); returns the ids among `ids` that are stored. Most ids of an
    ingest are new: one look at `reports` says so, and the caller then skips deleting from every child table (a
    scan that grows with the warehouse). The terms rows come back from the DELETE itself: one scan of the
    largest table, not two."""
    if not ids:
        return []
    stored = [r for (r,) in con.execute("SELECT report_id FROM reports WHERE list_contains(?, report_id)",
                                        [list(ids)]).fetchall()]
    if stored:
        gone = con.sql("DELETE FROM terms WHERE list_contains($ids, report_id) RETURNING report_id, term, n",
                       params={"ids": stored}).to_arrow_table()
        con.register("_gone_terms", gone)
        try:
            _apply(con, "_gone_terms", -1, {})
        finally:
            con.unregister("_gone_terms")
    return stored


def add_rows(con: Any, relation: str) -> None:
    """Add the terms rows (report_id, term, n) of `relation`, a registered batch just inserted into terms."""
    _apply(con, relation, 1, {})


def _apply(con: Any, rows: str, sign: int, params: dict[str, Any]) -> None:
    sql = DELTA_SQL.read_text(encoding="utf-8").replace("{{rows}}", rows)
    con.execute(sql, {"sign": sign, **params})
