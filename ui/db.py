"""The cached query layer: one read-only warehouse connection per file version, results cached by parameters."""
from __future__ import annotations

import json
import os
from typing import Any

import pandas as pd
import streamlit as st

from etl.warehouse import Warehouse, corrections_version, file_signature


def warehouse_path() -> str:
    """The warehouse the app serves: $WAREHOUSE, else data/warehouse.duckdb."""
    return os.environ.get("WAREHOUSE", "data/warehouse.duckdb")


@st.cache_resource(max_entries=2)
def _open(path: str, signature: tuple[int, int]) -> Warehouse:
    # Keyed by the file signature: when an ingest swaps a new file in, the next call opens it, and the
    # query cache below (also keyed by signature) stops serving the old results.
    return Warehouse.open(path, read_only=True)


def current_signature() -> tuple[int, int] | None:
    return file_signature(warehouse_path())


def _warehouse() -> Warehouse | None:
    sig = current_signature()
    if sig is None:
        return None
    return _open(warehouse_path(), sig)


def warehouse() -> Warehouse | None:
    """The process's read-only warehouse (shared by every session), None when there is none yet."""
    return _warehouse()


@st.cache_data(max_entries=512, show_spinner=False)
def _cached(name: str, params_json: str, path: str, signature: tuple[int, int], corrections: int) -> pd.DataFrame:
    # `corrections` (the corrections store's version) keys results too: a save in any session or process
    # gives every session fresh results at its next read, without clearing anyone's cache.
    wh = _open(path, signature)
    return wh.query(name, json.loads(params_json))


def run_query(name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    """Run etl/queries/<name>.sql with bound `params`; an empty DataFrame when there is no warehouse yet."""
    sig = current_signature()
    if sig is None:
        return pd.DataFrame()
    return _cached(name, json.dumps(params or {}, sort_keys=True, ensure_ascii=False, default=str),
                   warehouse_path(), sig, corrections_version(warehouse_path()))


def warehouse_exists() -> bool:
    return current_signature() is not None


def refresh() -> None:
    """Drop every cached result and connection, e.g. after the Import page swapped a new warehouse in."""
    _cached.clear()
    _open.clear()
