"""The corrections store: reviewers' corrections in a WAL-mode SQLite file beside the warehouse.

Corrections are small, frequent and concurrent writes; the warehouse is a large analytical file replaced by
copy-and-swap. So a save appends one row here (a few milliseconds, whatever the warehouse size) and never
touches the warehouse. SQLite in WAL mode lets any number of processes read while one appends, and queues
writers on its lock (busy timeout) instead of failing them; the Python standard library ships it, so
`make run` needs nothing more. The log is append-only (triggers refuse UPDATE and DELETE): every row is an
audit record of who decided what, when (created_at) and when it reached this store (saved_at, origin).

The warehouse keeps a mirror of this table (`corrections`), copied at each ETL write so its materialised
effective tables include the corrections of that moment; readers overlay what was saved since
(etl/warehouse_overlay.py).
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# The columns shared with the warehouse's `corrections` table (schema.sql), in its order.
COLUMNS = ("correction_id", "uid", "report_id", "content_hash", "target", "field", "indicator", "char_start",
           "char_end", "action", "new_text", "new_value", "new_unit", "new_indicator", "old_text", "evidence",
           "evidence_start", "span_text", "reviewer", "reason", "created_at")
BUSY_MS = 30_000  # a writer waits this long for another's transaction before giving up

SCHEMA = """
CREATE TABLE IF NOT EXISTS corrections (
    correction_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    uid            TEXT NOT NULL UNIQUE CHECK (length(uid) = 32),
    report_id      TEXT NOT NULL CHECK (length(report_id) = 16),
    content_hash   TEXT NOT NULL CHECK (length(content_hash) = 64 AND substr(content_hash, 1, 16) = report_id),
    target         TEXT NOT NULL CHECK (target IN ('report', 'fact')),
    field          TEXT CHECK (field IN ('agency', 'agency_type', 'level', 'province', 'city', 'county', 'year',
                                         'published', 'url')),
    indicator      TEXT CHECK (length(indicator) > 0),
    char_start     INTEGER CHECK (char_start >= 0),
    char_end       INTEGER,
    action         TEXT NOT NULL CHECK (action IN ('override', 'confirm', 'reject', 'edit', 'add', 'withdraw')),
    new_text       TEXT,
    new_value      REAL,
    new_unit       TEXT,
    new_indicator  TEXT,
    old_text       TEXT NOT NULL DEFAULT '',
    evidence       TEXT NOT NULL DEFAULT '',
    evidence_start INTEGER CHECK (evidence_start >= 0),
    span_text      TEXT,
    reviewer       TEXT NOT NULL CHECK (length(trim(reviewer)) > 0),
    reason         TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,               -- when the reviewer decided (ISO, UTC)
    saved_at       TEXT NOT NULL,               -- when this store received it (ISO, UTC)
    origin         TEXT NOT NULL CHECK (origin IN ('review', 'import', 'warehouse')),
    CHECK ((target = 'report' AND field IS NOT NULL AND indicator IS NULL AND action IN ('override', 'withdraw'))
        OR (target = 'fact' AND field IS NULL AND indicator IS NOT NULL AND char_end > char_start
            AND length(span_text) > 0 AND action <> 'override')),
    CHECK (action NOT IN ('edit', 'add') OR (new_value IS NOT NULL AND length(new_unit) > 0
                                             AND length(new_indicator) > 0)),
    CHECK (action <> 'add' OR (length(evidence) > 0 AND evidence_start IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS corrections_report ON corrections (report_id);
CREATE TRIGGER IF NOT EXISTS corrections_no_update BEFORE UPDATE ON corrections
BEGIN SELECT RAISE(ABORT, 'corrections are append-only: add a withdraw instead'); END;
CREATE TRIGGER IF NOT EXISTS corrections_no_delete BEFORE DELETE ON corrections
BEGIN SELECT RAISE(ABORT, 'corrections are append-only: add a withdraw instead'); END;
"""


def store_path(warehouse: str | os.PathLike) -> Path:
    """The store of the warehouse at `warehouse`: data/warehouse.duckdb -> data/warehouse.corrections.sqlite."""
    p = Path(warehouse)
    return p.with_name(p.stem + ".corrections.sqlite")


@contextlib.contextmanager
def connect(path: str | os.PathLike, create: bool = True) -> Iterator[sqlite3.Connection]:
    """A connection in WAL mode with the schema in place; autocommit, so callers BEGIN themselves."""
    path = Path(path)
    if not create and not path.exists():
        raise FileNotFoundError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False)
    try:
        con.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        if con.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            con.execute("PRAGMA journal_mode = WAL")  # persistent: set once per file
        con.execute("PRAGMA synchronous = NORMAL")  # WAL: durable across a process crash, fsync at checkpoints
        if con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'corrections_no_delete'").fetchone()[0] == 0:
            con.executescript(SCHEMA)
        yield con
    finally:
        con.close()


def _iso(v: Any) -> str:
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if hasattr(v, "to_pydatetime"):  # pandas Timestamp
        return v.to_pydatetime().isoformat(sep=" ")
    return str(v)


def _now() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")


_INSERT_COLUMNS = (*COLUMNS, "saved_at", "origin")
_INSERT = (f"INSERT INTO corrections ({', '.join(_INSERT_COLUMNS)}) "
           f"VALUES ({', '.join('?' for _ in _INSERT_COLUMNS)})")


def append(path: str | os.PathLike, rows: Iterable[dict], origin: str = "review") -> list[int]:
    """Append corrections (dicts with COLUMNS; correction_id optional) in ONE transaction; returns their ids.

    A row carrying a correction_id keeps it when it is above every id in the store (a warehouse's corrections
    moving into a new store), else gets the next one: ids only grow, so a reader that has seen every id up to
    N has seen every row saved before it. A uid already present raises sqlite3.IntegrityError, and nothing is
    written.
    """
    rows = list(rows)
    if not rows:
        return []
    saved = _now()
    with connect(path) as con:
        con.execute("BEGIN IMMEDIATE")  # take the write lock now: no upgrade deadlock between two writers
        try:
            ids: list[int] = []
            top = con.execute("SELECT COALESCE(max(correction_id), 0) FROM corrections").fetchone()[0]
            for r in rows:
                values = [r.get(c) for c in COLUMNS]
                values[COLUMNS.index("created_at")] = _iso(r["created_at"])
                cid = r.get("correction_id")
                values[0] = int(cid) if cid is not None and int(cid) > top else None
                ids.append(con.execute(_INSERT, [*values, saved, origin]).lastrowid)
                top = max(top, ids[-1])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return ids


def version(path: str | os.PathLike) -> int:
    """The largest id in the store (0 when there is none): grows with every save, so it keys caches."""
    if not Path(path).exists():
        return 0
    with connect(path) as con:
        return int(con.execute("SELECT COALESCE(max(correction_id), 0) FROM corrections").fetchone()[0])


def corrections_version(warehouse: str | os.PathLike) -> int:
    """The version of the store beside the warehouse at `warehouse`."""
    return version(store_path(warehouse))


def count(path: str | os.PathLike) -> int:
    if not Path(path).exists():
        return 0
    with connect(path) as con:
        return int(con.execute("SELECT count(*) FROM corrections").fetchone()[0])


def read(path: str | os.PathLike, after: int = 0, extra: bool = False) -> list[dict]:
    """Corrections with an id above `after`, oldest id first, as dicts (created_at as a datetime).
    With `extra`, saved_at and origin too (the audit columns only the store keeps)."""
    if not Path(path).exists():
        return []
    cols = (*COLUMNS, "saved_at", "origin") if extra else COLUMNS
    with connect(path) as con:
        cur = con.execute(f"SELECT {', '.join(cols)} FROM corrections WHERE correction_id > ? "
                          "ORDER BY correction_id", [after])
        out = [dict(zip(cols, row, strict=True)) for row in cur]
    for r in out:
        r["created_at"] = datetime.fromisoformat(r["created_at"])
    return out


def arrow(rows: list[dict]):
    """Store rows as an Arrow table typed like the warehouse's `corrections` table."""
    import pyarrow as pa

    types = {"correction_id": pa.int64(), "char_start": pa.int32(), "char_end": pa.int32(),
             "evidence_start": pa.int32(), "new_value": pa.float64(), "created_at": pa.timestamp("us")}
    schema = pa.schema([(c, types.get(c, pa.string())) for c in COLUMNS])
    return pa.Table.from_pylist([{c: r.get(c) for c in COLUMNS} for r in rows], schema=schema)
