"""Corrections from the store (etl/corrections_store.py) in the warehouse's views, without writing the warehouse.

The warehouse holds a mirror of the corrections, copied at every ETL write (`sync_mirror`), and effective
tables materialised against it. A reader (a read-only Warehouse: its own in-memory DuckDB with the file
attached as `wh`) keeps up with what was saved since:

- Nothing new in the store (the common case after an ingest): the warehouse's views serve as they are.
- Otherwise the reader loads the store into `memory.main.corrections`, re-creates the correction-dependent
  views of schema.sql in `memory`, computes the effective rows of the reports whose corrections differ from
  the mirror (`ovl_*`), and puts `memory.main` first on the search path: v_reports, v_facts_extracted and
  v_facts are then the warehouse's materialised rows for every other report plus the overlay rows. Each
  later save costs one read of the new store rows and a refresh of the reports they touch.

One place decides both the warehouse's effective rows and the overlay's: the view definitions in schema.sql.
"""
from __future__ import annotations

import re
import sqlite3
import threading
from pathlib import Path
from typing import Any

from etl import corrections_store as store

SCHEMA_SQL = Path(__file__).parent / "schema.sql"
# schema.sql's views that read `corrections`, directly or through each other, in dependency order.
LIVE_VIEWS = ("v_report_overrides", "v_reports_live", "v_fact_corrections", "v_facts_extracted_live", "v_facts_live")
# (public view, the warehouse's materialised table, the live view it is materialised from)
PUBLIC = (("v_reports", "reports_eff", "v_reports_live"),
          ("v_facts_extracted", "facts_extracted_eff", "v_facts_extracted_live"),
          ("v_facts", "facts_eff", "v_facts_live"))
SEARCH_PATH = "SET search_path = 'memory.main,wh.main'"
# What the live views read, narrowed to the reports being refreshed (see Overlay._refresh).
SCOPED = (("reports", "wh.main.reports"), ("facts", "wh.main.facts"), ("corrections", "memory.main.corrections"))


def view_sql(name: str) -> str:
    """The CREATE OR REPLACE VIEW statement of `name` in schema.sql (statements there end with ';' + newline)."""
    m = re.search(rf"^CREATE OR REPLACE VIEW {name} AS\n.*?;\n", SCHEMA_SQL.read_text(encoding="utf-8"), re.S | re.M)
    if m is None:
        raise LookupError(f"schema.sql declares no view {name}")
    return m.group(0)


class Overlay:
    """The store's corrections applied to a read-only Warehouse's views; `sync()` before each read."""

    def __init__(self, con: Any, store_file: Path):
        self.con = con  # the Warehouse's main connection (in-memory DuckDB, the file attached as `wh`)
        self.store = Path(store_file)
        self.seen = -1  # the largest store id applied; -1: never looked
        self.active = False
        self._lock = threading.Lock()

    def sync(self) -> None:
        top = store.version(self.store)
        if top == self.seen:
            return
        with self._lock:
            if top == self.seen:
                return
            if self.active:
                self._apply(store.read(self.store, after=self.seen))
            else:
                self._first()

    def prepare(self, cur: Any) -> None:
        """Point a new cursor at the attached file, and at the overlay first (search paths are per connection)."""
        cur.execute("USE wh")
        if self.active:
            cur.execute(SEARCH_PATH)

    # ---- internals ------------------------------------------------------------------------------------------
    def _mirror(self) -> tuple[int, int] | None:
        """(count, largest id) of the warehouse's mirror, None for a warehouse without the review schema."""
        has = self.con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'wh' "
                               "AND table_name IN ('corrections', 'facts_eff')").fetchall()[0][0]
        if has < 2:
            return None
        n, top = self.con.execute("SELECT count(*), COALESCE(max(correction_id), 0) FROM wh.main.corrections"
                                  ).fetchall()[0]
        return int(n), int(top)

    def _first(self) -> None:
        mirror = self._mirror()
        if mirror is None:
            self.seen = store.version(self.store)
            return
        if mirror[0] and store.count(self.store) < mirror[0]:
            # Corrections only the warehouse holds (one made before the store existed): move them in.
            try:
                push_missing(self.store, self.con.sql("SELECT * FROM wh.main.corrections").to_arrow_table())
            except (OSError, sqlite3.Error):  # no writable store here: serve the warehouse as it is
                self.seen = store.version(self.store)
                return
        top = store.version(self.store)
        if (store.count(self.store), top) == mirror:
            self.seen = top  # the warehouse already shows every correction: serve it as it is
            return
        rows = store.read(self.store)
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("USE memory")
            con.execute(SEARCH_PATH)
            con.execute("CREATE OR REPLACE TABLE memory.main.corrections AS SELECT * FROM wh.main.corrections LIMIT 0")
            for name in LIVE_VIEWS:
                con.execute(view_sql(name))
            con.execute("CREATE OR REPLACE TABLE memory.main.dirty (report_id VARCHAR PRIMARY KEY)")
            for public, table, _ in PUBLIC:
                # The overlay table has the warehouse table's columns, so the union is positional: a query that
                # reads three columns reads three columns of each side.
                cols = ", ".join(f'"{c}"' for (c,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE database_name = 'wh' AND table_name = ? "
                    "ORDER BY column_index", [table]).fetchall())
                con.execute(f"CREATE OR REPLACE TABLE memory.main.ovl_{table} AS SELECT * FROM wh.main.{table} LIMIT 0")
                con.execute(f"CREATE OR REPLACE VIEW memory.main.{public} AS SELECT {cols} FROM wh.main.{table} "
                            "WHERE report_id NOT IN (SELECT report_id FROM memory.main.dirty) "
                            f"UNION ALL SELECT {cols} FROM memory.main.ovl_{table}")
            con.register("_new", store.arrow(rows))
            con.execute("INSERT INTO memory.main.corrections BY NAME SELECT * FROM _new")
            con.unregister("_new")
            # Reports whose corrections differ from the warehouse's mirror, either way.
            ids = [r for (r,) in con.execute(
                "SELECT DISTINCT report_id FROM ((SELECT uid, correction_id, report_id FROM memory.main.corrections "
                "EXCEPT SELECT uid, correction_id, report_id FROM wh.main.corrections) UNION ALL "
                "(SELECT uid, correction_id, report_id FROM wh.main.corrections "
                "EXCEPT SELECT uid, correction_id, report_id FROM memory.main.corrections))").fetchall()]
            self._refresh(ids)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            con.execute("USE wh")
            con.execute("SET search_path = ''")
            raise
        self.active = True
        self.seen = max([top, *(r["correction_id"] for r in rows)])

    def _apply(self, rows: list[dict]) -> None:
        if not rows:
            return
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            con.register("_new", store.arrow(rows))
            con.execute("INSERT INTO memory.main.corrections BY NAME SELECT * FROM _new")
            con.unregister("_new")
            self._refresh(sorted({r["report_id"] for r in rows}))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        self.seen = max(r["correction_id"] for r in rows)

    def _refresh(self, ids: list[str]) -> None:
        """Recompute the overlay rows of the reports `ids` (inside the caller's transaction).

        The live views run over temporary copies of just these reports' rows: temporary tables come first in
        name resolution, even inside views, and belong to this connection only (cursors never see them). Each
        live view's result is kept the same way for the views built on it, so each is computed once, and a
        save costs the size of its report, not of the warehouse."""
        if not ids:
            return
        con = self.con
        # The ids as a table: `IN (SELECT ...)` is a hash join, where list_contains($ids, ...) would compare every
        # row with every id (10,000 imported corrections times 3 million facts).
        con.execute("CREATE OR REPLACE TEMP TABLE _ids AS SELECT DISTINCT unnest($ids) AS report_id", {"ids": ids})
        made = ["_ids"]
        in_ids = "report_id IN (SELECT report_id FROM temp.main._ids)"
        try:
            con.execute("INSERT OR IGNORE INTO memory.main.dirty SELECT report_id FROM temp.main._ids")
            for name, source in SCOPED:
                con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {source} WHERE {in_ids}")
                made.append(name)
            con.execute("CREATE OR REPLACE TEMP TABLE v_fact_corrections AS "
                        "SELECT * FROM memory.main.v_fact_corrections")
            made.append("v_fact_corrections")
            for _, table, live in PUBLIC:
                con.execute(f"DELETE FROM memory.main.ovl_{table} WHERE {in_ids}")
                con.execute(f"INSERT INTO memory.main.ovl_{table} BY NAME SELECT * FROM memory.main.{live}")
                if live != PUBLIC[-1][2]:  # the last one feeds no other
                    con.execute(f"CREATE OR REPLACE TEMP TABLE {live} AS SELECT * FROM memory.main.ovl_{table} "
                                f"WHERE {in_ids}")
                    made.append(live)
        finally:
            for name in made:
                con.execute(f"DROP TABLE IF EXISTS temp.main.{name}")


def push_missing(store_file: Path, mirror) -> int:
    """Append the rows of `mirror` (an Arrow table of warehouse corrections) whose uid the store lacks."""
    for attempt in (1, 2):
        have = {r["uid"] for r in store.read(store_file)}
        missing = [r for r in mirror.to_pylist() if r["uid"] not in have]
        try:
            return len(store.append(store_file, missing, origin="warehouse"))
        except sqlite3.IntegrityError:  # another process moved the same rows in meanwhile: look again
            if attempt == 2:
                raise
    return 0


def sync_mirror(wh: Any, store_file: Path) -> list[str]:
    """Make a writable warehouse's `corrections` equal the store (after moving warehouse-only rows into it), and
    refresh the effective rows of the reports that changed; returns their ids."""
    con = wh._db
    n, top = con.execute("SELECT count(*), COALESCE(max(correction_id), 0) FROM corrections").fetchall()[0]
    if n == 0 and not store_file.exists():
        return []
    if n > store.count(store_file):
        push_missing(store_file, con.sql("SELECT * FROM corrections").to_arrow_table())
    if (store.count(store_file), store.version(store_file)) == (n, top):
        return []
    rows = store.read(store_file)
    with wh._transaction():
        con.register("_store", store.arrow(rows))
        try:
            ids = [r for (r,) in con.execute(
                "SELECT DISTINCT report_id FROM ((SELECT uid, correction_id, report_id FROM _store "
                "EXCEPT SELECT uid, correction_id, report_id FROM corrections) UNION ALL "
                "(SELECT uid, correction_id, report_id FROM corrections "
                "EXCEPT SELECT uid, correction_id, report_id FROM _store))").fetchall()]
            con.execute("DELETE FROM corrections c WHERE NOT EXISTS (SELECT 1 FROM _store s "
                        "WHERE s.uid = c.uid AND s.correction_id = c.correction_id)")
            con.execute("INSERT INTO corrections BY NAME SELECT * FROM _store s WHERE NOT EXISTS (SELECT 1 "
                        "FROM corrections c WHERE s.uid = c.uid AND s.correction_id = c.correction_id)")
        finally:
            con.unregister("_store")
        # Refreshing a few reports is quick; past a few hundred ($ids is compared row by row), all at once is quicker.
        wh._refresh_effective(sorted(ids) if len(ids) <= 200 else None, terms=False)
    return ids
