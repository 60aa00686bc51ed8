"""manifest.csv: the columns, reading in any common encoding, and each row's values checked before any write."""
from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ("file", "agency", "agency_type", "level", "province", "city", "county", "year", "published",
                    "url", "source")
_LEVELS = {"provincial": "provincial", "municipal": "municipal", "county": "county",
           "省级": "provincial", "省": "provincial", "市级": "municipal", "地市级": "municipal", "市": "municipal",
           "县级": "county", "区县级": "county", "县区级": "county", "县": "county", "区": "county"}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_MAX_TEXT = 200


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("manifest.csv 编码无法识别(应为 UTF-8 或 GBK) / manifest.csv is neither UTF-8 nor GBK")


def read_manifest(path: str | os.PathLike) -> dict[str, dict[str, str]]:
    """manifest.csv rows keyed by file name (base name), with empty cells dropped and values normalised.

    A row whose value cannot be used keeps the reason under '_error' instead of its values, so that only its
    file fails, with that reason, and the rest of the batch goes in.
    """
    text = _decode(Path(path).read_bytes())
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "file" not in reader.fieldnames:
        raise ValueError(f"{path}: a manifest needs a 'file' column")
    out = {}
    for row in reader:
        name = (row.get("file") or "").strip()
        if not name:
            continue
        cells = {k: v.strip() for k, v in row.items()
                 if k in MANIFEST_COLUMNS and k != "file" and isinstance(v, str) and v.strip()}
        try:
            out[Path(name).name] = checked_row(cells)
        except ValueError as err:
            out[Path(name).name] = {"_error": str(err)}
    return out


def checked_row(cells: dict[str, str]) -> dict[str, str]:
    """The row's values in the warehouse's forms, or ValueError naming the bad value (Chinese / English)."""
    from etl.meta_agency import type_codes

    row = dict(cells)
    for k, v in row.items():
        if len(v) > _MAX_TEXT:
            raise ValueError(f"manifest 的 {k} 太长 / manifest {k} is longer than {_MAX_TEXT} characters")
    if "published" in row:
        m = _DATE.match(row["published"])
        if not m or not (1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31):
            raise ValueError(f"manifest 的 published 应为 YYYY-MM-DD:{row['published']!r} / "
                             f"manifest published must be a date like 2021-03-01, not {row['published']!r}")
        row["published"] = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    if "year" in row:
        if not re.fullmatch(r"\d{4}", row["year"]) or not 1990 <= int(row["year"]) <= 2100:
            raise ValueError(f"manifest 的 year 应为 1990–2100 的年份:{row['year']!r} / "
                             f"manifest year must be a year from 1990 to 2100, not {row['year']!r}")
    if "level" in row:
        if row["level"] not in _LEVELS:
            raise ValueError(f"manifest 的 level 应为 provincial、municipal 或 county:{row['level']!r} / "
                             f"manifest level must be provincial, municipal or county, not {row['level']!r}")
        row["level"] = _LEVELS[row["level"]]
    if "agency_type" in row and row["agency_type"] not in type_codes():
        raise ValueError(f"manifest 的 agency_type 不是已知类型:{row['agency_type']!r} / "
                         f"manifest agency_type is not a known type code: {row['agency_type']!r}")
    if "source" in row and row["source"] not in ("real", "synthetic"):
        raise ValueError(f"manifest 的 source 应为 real 或 synthetic:{row['source']!r} / "
                         f"manifest source must be real or synthetic, not {row['source']!r}")
    return row
