"""The province tile grid (etl/catalog/province_tiles.csv): one equal square per province-level unit, placed
roughly as on the map, so that a region view needs no boundaries."""
from __future__ import annotations

import csv
import functools
from pathlib import Path

TILES_CSV = Path(__file__).parent / "catalog" / "province_tiles.csv"


@functools.lru_cache(maxsize=1)
def load_tiles(path: Path | str = TILES_CSV) -> tuple[dict, ...]:
    """(province, short_zh, name_en, col, row) per unit; ValueError when two share a name or a square."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = [{**r, "col": int(r["col"]), "row": int(r["row"])} for r in csv.DictReader(fh)]
    names = [r["province"] for r in rows]
    places = [(r["col"], r["row"]) for r in rows]
    if len(set(names)) != len(names) or len(set(places)) != len(places):
        raise ValueError(f"{Path(path).name}: every province needs its own name and its own square")
    return tuple(rows)
