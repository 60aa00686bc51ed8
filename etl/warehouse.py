"""The only module that talks to DuckDB: schema, writes, data checks and named queries, bound parameters only."""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from etl.corrections_store import corrections_version, store_path  # noqa: F401  (version re-exported for ui)
from etl.records import ParsedReport
from etl.rows import on_time, report_id_of, report_rows  # noqa: F401  (re-exported for callers)
from etl.warehouse_conn import (  # noqa: F401  (file_signature re-exported for ui/db.py)
    WatchedConnection,
    child_table,
    file_signature,
    frame,
    memory_config,
    names_param,
    remove_stale_temps,
    sql_string,
)
from etl.warehouse_overlay import Overlay, sync_mirror
from etl.warehouse_terms import add_rows, subtract_reports

_HERE = Path(__file__).parent
SCHEMA_SQL = _HERE / "schema.sql"
REFRESH_SQL = _HERE / "schema_refresh.sql"
TERMS_REFRESH_SQL = _HERE / "schema_terms_refresh.sql"
FALLBACK_SQL = _HERE / "schema_fallback.sql"
CHECKS_DIR = _HERE / "checks"
QUERIES_DIR = _HERE / "queries"

# The standard report filter, spliced into named queries where they write {{report_filter}}. It is a constant
# of this module: user values reach it only through the bound $parameters below, never through the text.
REPORT_FILTER = """(
    ($year_from IS NULL OR r.year >= $year_from) AND ($year_to IS NULL OR r.year <= $year_to)
    AND (len($provinces) = 0 OR list_contains($provinces, r.province))
    AND (len($cities) = 0 OR list_contains($cities, r.city))
    AND (len($levels) = 0 OR list_contains($levels, r.level))
    AND (len($agency_types) = 0 OR list_contains($agency_types, r.agency_type))
    AND (len($agencies) = 0 OR list_contains($agencies, r.agency))
)"""
# True when no filter is set ({{unfiltered}}): queries then read precomputed totals. DuckDB folds it once the
# parameters are bound, so the branch not taken costs nothing.
UNFILTERED = """(
    $year_from IS NULL AND $year_to IS NULL AND len($provinces) = 0 AND len($cities) = 0 AND len($levels) = 0
    AND len($agency_types) = 0 AND len($agencies) = 0
)"""
FILTER_DEFAULTS: dict[str, Any] = {
    "year_from": None, "year_to": None, "provinces": [], "cities": [], "levels": [], "agency_types": [],
    "agencies": [],
}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# The views other tools may read (the Parquet export writes these).
PUBLIC_VIEWS = ("v_reports", "v_facts", "v_sections", "v_terms", "ingest_log")
# Tables with a report_id that a re-parse must never delete: reviewers' work and the ingest history.
_KEPT_TABLES = frozenset({"reports", "corrections", "ingest_log_t"})
# The materialised effective tables and the live views they hold (schema.sql, schema_refresh.sql).
_EFFECTIVE = (("reports_eff", "v_reports_live"), ("facts_extracted_eff", "v_facts_extracted_live"),
              ("facts_eff", "v_facts_live"))


class Warehouse:
    """One DuckDB connection with the project's schema. Open read-only for the app, writable for ingest."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str, read_only: bool, store: Path | None = None):
        self._db = con  # the write methods use it directly: they refresh the effective tables themselves
        self.con = con if read_only else WatchedConnection(con, self)
        self.path = path
        self.read_only = read_only
        self._stale = False
        self._fallback = read_only and self._lacks_term_totals()
        self.store = Path(store) if store is not None else store_path(path)  # the corrections store
        self.overlay = Overlay(con, self.store) if read_only else None

    # ---- opening ---------------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike, read_only: bool = True, store: str | os.PathLike | None = None) -> Warehouse:
        """Open a warehouse file. A writable open creates the schema when it is missing and copies the corrections
        store (`store`, by default the one beside `path`) into its mirror; a read-only one overlays what the
        store holds beyond the mirror (etl/warehouse_overlay.py)."""
        path = str(path)
        if read_only:
            if not os.path.exists(path):
                raise FileNotFoundError(f"no warehouse at {path}")
            # DuckDB shares one database instance per path within a process, so a plain read-only connect would
            # keep serving the old file after an atomic swap: attaching into a private in-memory one does not.
            con = duckdb.connect(":memory:", config=memory_config())
            con.execute(f"ATTACH {sql_string(path)} AS wh (READ_ONLY)")
            con.execute("USE wh")
        else:
            con = duckdb.connect(path, config=memory_config())
        wh = cls(con, path, read_only, None if store is None else Path(store))
        if read_only:
            wh.overlay.sync()
        else:
            wh.init_schema()
            sync_mirror(wh, wh.store)
        return wh

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on this warehouse; cursors start in the default catalog, so point it at the attached file."""
        cur = self._db.cursor()
        if self.read_only:
            self.overlay.prepare(cur)  # USE wh, and the overlay's search path when corrections are overlaid
        if self._fallback:
            cur.execute(FALLBACK_SQL.read_text(encoding="utf-8"))
        return cur

    def _lacks_term_totals(self) -> bool:
        names = self._table_names()
        return "terms" in names and "term_totals" not in names

    def _table_names(self) -> set[str]:
        return {t for (t,) in self._db.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}

    def close(self) -> None:
        if not self.read_only:
            self._sync()
        with contextlib.suppress(Exception):
            self._db.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def init_schema(self) -> None:
        had = self._table_names()
        if "reports" in had and "source_key" not in {c for c, _ in self._columns("reports")}:
            self._migrate_source_keys()
        self._db.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
        # Feature schemas extend the core one; they run after it, in this order.
        for extra in ("schema_terms.sql", "schema_review.sql"):
            path = _HERE / extra
            if path.exists():
                self._db.execute(path.read_text(encoding="utf-8"))
        # An older warehouse gains the effective tables empty, or holds them with a former view's columns.
        changed = [t for t, v in _EFFECTIVE if self._columns(t) != self._columns(v)]
        for table, view in _EFFECTIVE:
            if table in changed:
                self._db.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {view} LIMIT 0")
        if changed:
            self._db.execute(SCHEMA_SQL.read_text(encoding="utf-8"))  # re-binds the public views to the tables
        if changed or not had.issuperset([*(t for t, _ in _EFFECTIVE), "term_totals"]):
            self.refresh_aggregates()

    def _migrate_source_keys(self) -> None:
        """A warehouse from before source keys: rebuild `reports` from the declared DDL (new column, the 'header'
        metadata source) with each report's file name as its key. Corrections hang off report ids: untouched."""
        ddl = re.search(r"CREATE TABLE IF NOT EXISTS reports \(.*?\n\);", SCHEMA_SQL.read_text(encoding="utf-8"),
                        re.S).group(0).replace("IF NOT EXISTS reports", "reports_migrating")
        with self._transaction():
            self._db.execute(ddl)
            # Old keys were file names and replaced each other, so they are unique already.
            self._db.execute("INSERT INTO reports_migrating BY NAME SELECT *, file_name AS source_key FROM reports")
            self._db.execute("DROP TABLE reports")
            self._db.execute("ALTER TABLE reports_migrating RENAME TO reports")
            self._db.execute("ALTER TABLE ingest_log_t ADD COLUMN IF NOT EXISTS source_key VARCHAR")

    def _columns(self, name: str) -> list[tuple]:
        return self._db.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
            "AND database_name = current_database() ORDER BY column_index", [name]).fetchall()

    # ---- the materialised effective tables ---------------------------------------------------------------
    def _refresh_effective(self, ids: list[str] | None, terms: bool = True) -> None:
        """Recompute the effective rows of `ids` (all when None) in the caller's transaction, and with `terms` and
        no `ids` the term totals (writes keep them in step: etl/warehouse_terms.py). Runs one statement at a time:
        DuckDB prepares one when parameters are bound (these files keep semicolons out of their comments)."""
        self._run_script(REFRESH_SQL, {"ids": ids})
        if terms and ids is None:
            self._run_script(TERMS_REFRESH_SQL, {})

    def _run_script(self, path: Path, params: dict[str, Any]) -> None:
        for stmt in path.read_text(encoding="utf-8").split(";"):
            if stmt.strip():
                self._db.execute(stmt, {k: v for k, v in params.items() if names_param(stmt, k)})

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """BEGIN … COMMIT, or ROLLBACK and re-raise: after a failed statement DuckDB accepts nothing else."""
        self._db.execute("BEGIN TRANSACTION")
        try:
            yield
            self._db.execute("COMMIT")
        except Exception:
            self._db.execute("ROLLBACK")
            raise

    def refresh_aggregates(self) -> None:
        """Recompute every materialised row in one transaction (after SQL that bypassed the write methods)."""
        with self._transaction():
            self._refresh_effective(None)
        self._stale = False

    def _sync(self) -> None:
        if self.read_only:
            self.overlay.sync()  # corrections saved since the last read
        elif self._stale:
            self.refresh_aggregates()

    # ---- writing ---------------------------------------------------------------------------------------
    def set_indicators(self, rows: list[dict]) -> None:
        """Replace the indicator catalogue table (code, name_zh, name_en, unit, area, kind)."""
        with self._transaction():
            self._db.execute("DELETE FROM indicators")
            self._db.executemany(
                "INSERT INTO indicators VALUES (?, ?, ?, ?, ?, ?)",
                [(r["code"], r["name_zh"], r["name_en"], r["unit"], r["area"], r["kind"]) for r in rows],
            )

    def known_sources(self) -> dict[str, str]:
        """content hash -> the source key of the report holding those bytes."""
        return dict(self._db.execute("SELECT content_hash, source_key FROM reports").fetchall())

    def write_report(self, rep: ParsedReport, parser_version: str, manifest_row: dict | None = None) -> str:
        """Insert or replace one report with its sections, facts and terms, all in one transaction."""
        return self.write_batch([(rep, manifest_row)], parser_version)[0]

    def write_batch(self, batch: list[tuple[ParsedReport, dict | None]], parser_version: str,
                    delete_first: list[str] | None = None) -> list[str]:
        """Insert or replace several reports in ONE transaction: all of them land, or none does.

        Rows are loaded table by table through Arrow, which is much faster than row-wise INSERTs.
        """
        import pyarrow as pa

        now = _now()
        tables: dict[str, list[dict]] = {}
        for rep, manifest_row in batch:
            for table, rows in report_rows(rep, parser_version, manifest_row, now).items():
                tables.setdefault(table, []).extend(rows)
        ids = [r["report_id"] for r in tables.get("reports", [])]
        touched = ids + list(delete_first or [])
        existing = set(self._child_tables()) | {"reports"}
        with self._transaction():
            self._delete_reports(touched)
            for table in ["reports", *sorted(t for t in tables if t != "reports")]:
                rows = tables[table]
                if not rows or table not in existing:
                    continue
                arrow = pa.Table.from_pylist(rows)
                self._db.register("_batch", arrow)
                try:
                    cols = ", ".join(child_table(c) for c in arrow.column_names)
                    self._db.execute(f"INSERT INTO {child_table(table)} ({cols}) SELECT {cols} FROM _batch")
                    if table == "terms":
                        add_rows(self._db, "_batch")
                finally:
                    # After a failed statement DuckDB refuses everything but ROLLBACK; the view goes with it.
                    with contextlib.suppress(duckdb.Error):
                        self._db.unregister("_batch")
            self._refresh_effective(touched)
        return ids

    def delete_report(self, rid: str) -> None:
        """Remove one report and everything that hangs off it, in one transaction."""
        with self._transaction():
            self._delete_reports([rid])
            self._refresh_effective([rid])

    def _delete_reports(self, ids: list[str]) -> None:
        ids = subtract_reports(self._db, ids)  # the stored ones, their terms rows gone: new ids cost no scan
        if not ids:
            return
        for table in [*(t for t in self._child_tables() if t != "terms"), "reports"]:
            self._db.execute(f"DELETE FROM {table} WHERE list_contains(?, report_id)", [ids])

    def _child_tables(self) -> list[str]:
        """Tables holding extracted rows per report: rewritten on re-parse. Corrections and the log are not."""
        rows = self._db.execute(
            "SELECT DISTINCT c.table_name FROM duckdb_columns() c JOIN duckdb_tables() t "
            "ON t.table_name = c.table_name AND t.schema_name = c.schema_name AND t.database_name = c.database_name "
            "WHERE c.column_name = 'report_id' AND c.database_name = current_database() ORDER BY 1"
        ).fetchall()
        return [child_table(t) for (t,) in rows if t not in _KEPT_TABLES]

    def log(self, file_name: str, status: str, reason: str | None = None, code: str | None = None,
            report_id: str | None = None) -> None:
        self._db.execute(
            "INSERT INTO ingest_log_t (file_name, status, reason, code, report_id, logged_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [file_name, status, reason, code, report_id, _now()],
        )

    def log_many(self, rows: list[tuple]) -> None:
        """Log lines (file_name, status, reason, code, report_id[, source_key]) in one statement."""
        if not rows:
            return
        import pyarrow as pa

        now = _now()
        arrow = pa.Table.from_pylist([dict(file_name=r[0], status=r[1], reason=r[2], code=r[3], report_id=r[4],
                                           source_key=r[5] if len(r) > 5 else None, logged_at=now)
                                      for r in rows],
                                     schema=pa.schema([("file_name", pa.string()), ("status", pa.string()),
                                                       ("reason", pa.string()), ("code", pa.string()),
                                                       ("report_id", pa.string()), ("source_key", pa.string()),
                                                       ("logged_at", pa.timestamp("us"))]))
        self._db.register("_logs", arrow)
        try:
            self._db.execute("INSERT INTO ingest_log_t (file_name, status, reason, code, report_id, source_key, "
                             "logged_at) SELECT file_name, status, reason, code, report_id, source_key, logged_at "
                             "FROM _logs")
        finally:
            self._db.unregister("_logs")

    def stored_reports(self) -> Iterator[tuple]:
        """(report_id, content_hash, file_name, fmt, encoding, raw_text, manifest_json, source, source_key)
        for rebuild."""
        cur = self.cursor()
        cur.execute("SELECT report_id, content_hash, file_name, fmt, encoding, raw_text, manifest_json, source, "
                    "source_key FROM reports ORDER BY report_id")
        while True:
            rows = cur.fetchmany(500)
            if not rows:
                break
            yield from rows

    # ---- checks and queries ----------------------------------------------------------------------------
    def run_checks(self, ids: list[str] | None = None) -> dict[str, list[tuple]]:
        """Run every data check in etl/checks/*.sql; each returns the rows that break its rule.

        With `ids`, the checks that read report text ($ids in their SQL) look only at those reports: an ingest
        checks what it wrote, not the whole warehouse again (`etl check` runs them on everything).
        """
        self._sync()
        failures = {}
        for path in sorted(CHECKS_DIR.glob("*.sql")):
            sql = path.read_text(encoding="utf-8")
            rows = self._db.execute(sql, {"ids": ids} if names_param(sql, "ids") else {}).fetchall()
            if rows:
                failures[path.stem] = rows
        return failures

    def query(self, name: str, params: dict[str, Any] | None = None):
        """Run the named query etl/queries/<name>.sql with bound parameters; returns a pandas DataFrame.

        Filter parameters missing from `params` take FILTER_DEFAULTS when the query uses {{report_filter}}.
        """
        sql = (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")
        bound = dict(params or {})
        if "{{report_filter}}" in sql or "{{unfiltered}}" in sql:
            sql = sql.replace("{{report_filter}}", REPORT_FILTER).replace("{{unfiltered}}", UNFILTERED)
            for key, default in FILTER_DEFAULTS.items():
                bound.setdefault(key, default)
        # Bind only what the statement names: DuckDB rejects unused named parameters.
        bound = {k: v for k, v in bound.items() if names_param(sql, k)}
        self._sync()
        cur = self.cursor()
        try:
            return frame(cur, cur.sql(sql, params=bound).to_arrow_table())
        finally:
            cur.close()

    def view_batches(self, view: str, with_year: bool = True, batch_rows: int = 100_000):
        """Stream a public view as Arrow record batches, with the report's year joined in when the view lacks it."""
        if view not in PUBLIC_VIEWS:
            raise ValueError(f"not a public view: {view!r}")
        cols = {c for (c,) in self._db.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [view]).fetchall()}
        if with_year and "year" not in cols and "report_id" in cols:
            sql = f"SELECT v.*, r.year FROM {view} v LEFT JOIN reports r USING (report_id)"
        else:
            sql = f"SELECT * FROM {view}"
        cur = self.cursor()
        return cur.sql(sql).to_arrow_reader(batch_rows)

    def execute(self, name: str, params: dict[str, Any] | None = None) -> None:
        """Run the named write statement etl/commands/<name>.sql with bound parameters, in one transaction."""
        sql = (_HERE / "commands" / f"{name}.sql").read_text(encoding="utf-8")
        bound = {k: v for k, v in (params or {}).items() if names_param(sql, k)}
        with self._transaction():
            self._db.execute(sql, bound)
            # Commands write corrections, which change the effective rows of their own report only.
            self._refresh_effective([bound["report_id"]] if bound.get("report_id") else None, terms=False)

    def insert_rows(self, name: str, rows: list[dict[str, Any]]) -> None:
        """Run etl/commands/<name>.sql once over `rows` registered as the relation `_rows` (through Arrow), in
        ONE transaction with one refresh of the reports they touch: a CSV of 10,000 corrections is one write."""
        if not rows:
            return
        import pyarrow as pa

        sql = (_HERE / "commands" / f"{name}.sql").read_text(encoding="utf-8")
        with self._transaction():
            self._db.register("_rows", pa.Table.from_pylist(rows))
            try:
                self._db.execute(sql)
            finally:
                with contextlib.suppress(duckdb.Error):
                    self._db.unregister("_rows")
            ids = sorted({r["report_id"] for r in rows if r.get("report_id")})
            self._refresh_effective(ids or None, terms=False)

    def scalar(self, sql_name: str, params: dict[str, Any] | None = None):
        """First cell of a named query."""
        return None if (df := self.query(sql_name, params)).empty else df.iat[0, 0]


# ---- the file swap that lets readers and one writer share a warehouse path ------------------------------
@contextlib.contextmanager
def writing(path: str | os.PathLike) -> Iterator[Warehouse]:
    """Open a writable copy of the warehouse at `path`; on success swap it in atomically.

    DuckDB allows one writing process or many reading ones per file, not both. So a writer works on
    `<path>.tmp-<pid>` (a copy of the current file) and `os.replace`s it over `path` when done. Readers keep
    the old file until they reopen; a crash leaves `path` untouched. A lock file serialises writers.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        remove_stale_temps(path)
        tmp = Path(f"{path}.tmp-{os.getpid()}")
        if path.exists():
            shutil.copyfile(path, tmp)
        wh = Warehouse.open(tmp, read_only=False, store=store_path(path))
        try:
            yield wh
            wh._sync()
            wh.con.execute("CHECKPOINT")
            wh.close()
            os.replace(tmp, path)
        except BaseException:
            wh._stale = False  # the copy is thrown away: nothing to refresh
            wh.close()
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            with contextlib.suppress(FileNotFoundError):
                Path(f"{tmp}.wal").unlink()
            raise


