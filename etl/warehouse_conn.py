"""Helpers of etl/warehouse.py that need no DuckDB import: the write-watching connection and fast DataFrames."""
from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Any

# Statements that cannot change data: run directly on Warehouse.con, they leave the effective tables fresh.
_READ_SQL = re.compile(r"\s*(SELECT|WITH|FROM|EXPLAIN|PRAGMA|DESCRIBE|SHOW|SUMMARIZE|CHECKPOINT|USE)\b", re.I)


class WatchedConnection:
    """A writable connection as callers see it (Warehouse.con): SQL that bypasses the write methods and may
    change data marks the effective tables stale, so the next query, check or close refreshes them."""

    def __init__(self, con: Any, wh: Any):
        self._con = con
        self._wh = wh

    def execute(self, sql: str, *args, **kwargs):
        if not _READ_SQL.match(sql):
            self._wh._stale = True
        return self._con.execute(sql, *args, **kwargs)

    def executemany(self, sql: str, *args, **kwargs):
        self._wh._stale = True
        return self._con.executemany(sql, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._con, name)


def frame(cur: Any, table: Any):
    """A result as pandas, exactly as DuckDB's df() makes it, but faster for text: df() builds one Python object
    per string, which dominated the time of wide results (report_list), while Arrow converts text columns
    directly. Every other column still goes through df(), so its dtype (nullable ints, dates) stays the same."""
    import pandas as pd
    import pyarrow as pa

    names = table.column_names
    # df() leaves a text column without any value as object dtype: such columns take the df() path too.
    text = {i for i, f in enumerate(table.schema) if (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))
            and table.column(i).null_count < len(table)}
    if not text or len(set(names)) < len(names):
        return cur.from_arrow(table).df()
    rest = [i for i in range(len(names)) if i not in text]
    parts = table.select(sorted(text)).to_pandas()
    if rest:
        parts = pd.concat([parts, cur.from_arrow(table.select(rest)).df()], axis=1)
    return parts[names]


def names_param(sql: str, name: str) -> bool:
    # $year must not count as naming $year_from: match whole parameter names only.
    return re.search(rf"\${re.escape(name)}\b", sql) is not None


def memory_config() -> dict[str, str]:
    # DuckDB takes up to 80% of RAM by default; the term-key check alone held 2.4 GB at 100,000 reports.
    # With a limit it spills to disk instead (same results, ~15% slower there). WAREHOUSE_MEMORY overrides.
    return {"memory_limit": os.environ.get("WAREHOUSE_MEMORY", "1GB")}


def sql_string(text: str) -> str:
    # ATTACH takes no bound parameters; a file path is quoted as an SQL string literal instead.
    return "'" + text.replace("'", "''") + "'"


def child_table(name: str) -> str:
    # Table names come from the schema or from code, never from users; still, refuse anything odd.
    if not name.replace("_", "").isalnum():
        raise ValueError(f"bad table name {name!r}")
    return name




def remove_stale_temps(path: Path) -> None:
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
