"""`python -m etl export {reports,facts,terms} --db FILE --out FILE.{csv,xlsx} [filters]`: the dashboard's exports."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.warehouse import FILTER_DEFAULTS, Warehouse

TABLES = {"reports": "export_reports", "facts": "export_facts", "terms": "export_terms"}


def register(subparsers) -> None:
    p = subparsers.add_parser("export", help="export reports, facts or terms to CSV or XLSX, with filters")
    p.add_argument("table", choices=sorted(TABLES))
    p.add_argument("--db", required=True, help="warehouse file")
    p.add_argument("--out", required=True, help="output file: .csv (UTF-8 with BOM) or .xlsx (with a 说明 sheet)")
    p.add_argument("--year-from", type=int)
    p.add_argument("--year-to", type=int)
    for flag in ("province", "city", "level", "agency-type", "agency"):
        p.add_argument(f"--{flag}", action="append", default=[], help="repeat for several values")
    p.add_argument("--plain-utf8", action="store_true", help="CSV without the BOM")
    p.set_defaults(func=run)


def filters_of(args: argparse.Namespace) -> dict:
    out = dict(FILTER_DEFAULTS)
    out.update(year_from=args.year_from, year_to=args.year_to, provinces=args.province, cities=args.city,
               levels=args.level, agency_types=args.agency_type, agencies=args.agency)
    return out


def run(args: argparse.Namespace) -> int:
    from etl.export_files import to_csv_bytes, to_xlsx_bytes

    out = Path(args.out)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        print("error: --out must end in .csv or .xlsx", file=sys.stderr)
        return 2
    if not Path(args.db).is_file():
        print(f"error: no such warehouse: {args.db}", file=sys.stderr)
        return 2
    filters = filters_of(args)
    with Warehouse.open(args.db, read_only=True) as wh:
        try:
            df = wh.query(TABLES[args.table], filters)
        except Exception as exc:  # e.g. terms before the keyword tables exist
            print(f"error: cannot export {args.table}: {exc}".splitlines()[0], file=sys.stderr)
            return 1
        if out.suffix.lower() == ".csv":
            data = to_csv_bytes(df, bom=not args.plain_utf8)
        else:
            sources = wh.query("export_reports", filters)["file_name"].tolist()
            codes = sorted(df["indicator"].unique().tolist()) if "indicator" in df else []
            defs = wh.query("indicator_defs", {"codes": codes}) if codes else None
            shown = {k: (", ".join(map(str, v)) if isinstance(v, list) else v) for k, v in filters.items()
                     if v not in (None, [])}
            data = to_xlsx_bytes(df, {"title": args.table, "filters": shown or {"filters": "none / 无"},
                                      "sources": sources, "indicators": defs, "warehouse": Path(args.db).name})
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)  # never leave a half-written file under the requested name
    print(f"exported {len(df)} rows to {out}")
    return 0
