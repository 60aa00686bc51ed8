"""The only module that talks to DuckDB: schema, writes, data checks and named queries, bound parameters only."""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import duckdb

from etl.records import ParsedReport

_HERE = Path(__file__).parent
SCHEMA_SQL = _HERE / "schema.sql"
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
FILTER_DEFAULTS: dict[str, Any] = {
    "year_from": None, "year_to": None, "provinces": [], "cities": [], "levels": [], "agency_types": [],
    "agencies": [],
}
_META_COLUMNS = ("agency", "agency_type", "level", "province", "city", "county", "year", "published", "url")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def report_id_of(content_hash: str) -> str:
    """Reports are keyed by content: the id is the first 16 hex digits of the SHA-256 of the raw bytes."""
    return content_hash[:16]


class Warehouse:
    """One DuckDB connection with the project's schema. Open read-only for the app, writable for ingest."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str, read_only: bool):
        self.con = con
        self.path = path
        self.read_only = read_only

    # ---- opening ---------------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike, read_only: bool = True) -> "Warehouse":
        """Open a warehouse file. A writable open creates the schema when it is missing."""
        path = str(path)
        con = duckdb.connect(path, read_only=read_only)
        wh = cls(con, path, read_only)
        if not read_only:
            wh.init_schema()
        return wh

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.con.close()

    def __enter__(self) -> "Warehouse":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def init_schema(self) -> None:
        self.con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
        extra = _HERE / "schema_terms.sql"
        if extra.exists():
            self.con.execute(extra.read_text(encoding="utf-8"))

    # ---- writing ---------------------------------------------------------------------------------------
    def set_indicators(self, rows: list[dict]) -> None:
        """Replace the indicator catalogue table (code, name_zh, name_en, unit, area, kind)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute("DELETE FROM indicators")
            self.con.executemany(
                "INSERT INTO indicators VALUES (?, ?, ?, ?, ?, ?)",
                [(r["code"], r["name_zh"], r["name_en"], r["unit"], r["area"], r["kind"]) for r in rows],
            )
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def known_hashes(self) -> set[str]:
        return {h for (h,) in self.con.execute("SELECT content_hash FROM reports").fetchall()}

    def write_report(self, rep: ParsedReport, parser_version: str, manifest_row: dict | None = None,
                     extra_rows: dict[str, list[tuple]] | None = None) -> str:
        """Insert or replace one report with its sections and facts, all in one transaction.

        `extra_rows` maps a child table name (from the schema) to rows to insert after the report, e.g. terms.
        """
        rid = report_id_of(rep.content_hash)
        self.con.execute("BEGIN TRANSACTION")
        try:
            self._delete_report(rid)
            self._insert_report(rid, rep, parser_version, manifest_row)
            if rep.sections:
                self.con.executemany(
                    "INSERT INTO sections VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(rid, s.seq, s.depth, s.heading, s.part, s.start, s.end) for s in rep.sections],
                )
            if rep.facts:
                self.con.executemany(
                    "INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(rid, i, f.indicator, f.value, f.unit, f.approx, f.evidence, f.evidence_start,
                      f.char_start, f.char_end, f.method, f.confidence, f.rule) for i, f in enumerate(rep.facts)],
                )
            if rep.checks:
                self.con.executemany(
                    "INSERT INTO fact_checks VALUES (?, ?, ?, ?, ?)",
                    [(rid, c.indicator, c.reported, c.computed, c.detail) for c in rep.checks],
                )
            for table, rows in (extra_rows or {}).items():
                if rows:
                    marks = ", ".join("?" * (len(rows[0]) + 1))
                    self.con.executemany(f"INSERT INTO {_child_table(table)} VALUES ({marks})",
                                         [(rid, *row) for row in rows])
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        return rid

    def delete_report(self, rid: str) -> None:
        """Remove one report and everything that hangs off it, in one transaction."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            self._delete_report(rid)
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def _delete_report(self, rid: str) -> None:
        for table in self._child_tables():
            self.con.execute(f"DELETE FROM {table} WHERE report_id = ?", [rid])
        self.con.execute("DELETE FROM reports WHERE report_id = ?", [rid])

    def _child_tables(self) -> list[str]:
        rows = self.con.execute(
            "SELECT DISTINCT table_name FROM duckdb_columns() WHERE column_name = 'report_id' "
            "AND table_name <> 'reports' AND table_name <> 'ingest_log_t' "
            "AND table_name NOT LIKE 'v\\_%' ESCAPE '\\' AND database_name = current_database()"
        ).fetchall()
        views = {v for (v,) in self.con.execute("SELECT view_name FROM duckdb_views()").fetchall()}
        return [_child_table(t) for (t,) in rows if t not in views]

    def _insert_report(self, rid: str, rep: ParsedReport, parser_version: str, manifest_row: dict | None) -> None:
        meta = rep.meta
        flags = rep_flags(rep)
        unknown = [f for f in ("agency", "agency_type", "level", "province", "year") if meta.value(f) is None]
        row: dict[str, Any] = {
            "report_id": rid, "content_hash": rep.content_hash, "file_name": rep.file_name, "fmt": rep.fmt,
            "encoding": rep.encoding, "source": rep.source, "raw_text": rep.raw_text,
            "char_count": len(rep.raw_text), "title": meta.title,
        }
        evidence = {}
        for name in _META_COLUMNS:
            fld = getattr(meta, name)
            value = fld.value
            if name == "published" and isinstance(value, str):
                value = date.fromisoformat(value)
            row[name] = value
            row[f"{name}_src"] = fld.source if value is not None else None
            if fld.evidence:
                evidence[name] = fld.evidence
        row["meta_evidence"] = json.dumps(evidence, ensure_ascii=False)
        row.update(flags)
        row["on_time"] = on_time(meta.value("year"), row["published"])
        row["needs_review"] = bool(unknown)
        row["review_reasons"] = ",".join(unknown)
        row["parser_version"] = parser_version
        row["ingested_at"] = _now()
        row["manifest_json"] = json.dumps(manifest_row, ensure_ascii=False) if manifest_row else None
        cols = list(row)
        self.con.execute(
            f"INSERT INTO reports ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [row[c] for c in cols],
        )

    def log(self, file_name: str, status: str, reason: str | None = None, code: str | None = None,
            report_id: str | None = None) -> None:
        self.con.execute(
            "INSERT INTO ingest_log_t (file_name, status, reason, code, report_id, logged_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [file_name, status, reason, code, report_id, _now()],
        )

    def stored_reports(self) -> Iterator[tuple]:
        """(report_id, content_hash, file_name, fmt, encoding, raw_text, manifest_json, source) for rebuild."""
        cur = self.con.cursor()
        cur.execute("SELECT report_id, content_hash, file_name, fmt, encoding, raw_text, manifest_json, source "
                    "FROM reports ORDER BY report_id")
        while True:
            rows = cur.fetchmany(500)
            if not rows:
                break
            yield from rows

    # ---- checks and queries ----------------------------------------------------------------------------
    def run_checks(self) -> dict[str, list[tuple]]:
        """Run every data check in etl/checks/*.sql; each returns the rows that break its rule."""
        failures = {}
        for path in sorted(CHECKS_DIR.glob("*.sql")):
            rows = self.con.execute(path.read_text(encoding="utf-8")).fetchall()
            if rows:
                failures[path.stem] = rows
        return failures

    def query(self, name: str, params: dict[str, Any] | None = None):
        """Run the named query etl/queries/<name>.sql with bound parameters; returns a pandas DataFrame.

        Filter parameters missing from `params` take FILTER_DEFAULTS when the query uses {{report_filter}}.
        """
        sql = (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")
        bound = dict(params or {})
        if "{{report_filter}}" in sql:
            sql = sql.replace("{{report_filter}}", REPORT_FILTER)
            for key, default in FILTER_DEFAULTS.items():
                bound.setdefault(key, default)
        # Bind only what the statement names: DuckDB rejects unused named parameters.
        bound = {k: v for k, v in bound.items() if f"${k}" in sql}
        cur = self.con.cursor()
        try:
            return cur.execute(sql, bound).df()
        finally:
            cur.close()

    def scalar(self, sql_name: str, params: dict[str, Any] | None = None):
        """First cell of a named query."""
        df = self.query(sql_name, params)
        return None if df.empty else df.iat[0, 0]


def _child_table(name: str) -> str:
    # Table names come from the schema or from code, never from users; still, refuse anything odd.
    if not name.replace("_", "").isalnum():
        raise ValueError(f"bad table name {name!r}")
    return name


def rep_flags(rep: ParsedReport) -> dict[str, bool]:
    from etl.outline import part_flags

    return part_flags(rep.raw_text, rep.sections)


def on_time(year: int | None, published: date | None) -> bool | None:
    """Published before 1 April of the following year (2019 督察规定, Article 24); NULL without a date."""
    if year is None or published is None:
        return None
    return published < date(int(year) + 1, 4, 1)


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
        _remove_stale_temps(path)
        tmp = Path(f"{path}.tmp-{os.getpid()}")
        if path.exists():
            shutil.copyfile(path, tmp)
        wh = Warehouse.open(tmp, read_only=False)
        try:
            yield wh
            wh.con.execute("CHECKPOINT")
            wh.close()
            os.replace(tmp, path)
        except BaseException:
            wh.close()
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            with contextlib.suppress(FileNotFoundError):
                Path(f"{tmp}.wal").unlink()
            raise


def _remove_stale_temps(path: Path) -> None:
    """Temp files left by a killed writer (we hold the lock, so no live writer owns one)."""
    for stale in path.parent.glob(path.name + ".tmp-*"):
        with contextlib.suppress(OSError):
            stale.unlink()


def file_signature(path: str | os.PathLike) -> tuple[int, int] | None:
    """(inode, mtime_ns) of the warehouse file: changes when a writer swaps a new file in."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns)
