"""Helpers of etl/warehouse.py that need no DuckDB import: the write-watching connection and fast DataFrames."""
from __future__ import annotations

import re
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
