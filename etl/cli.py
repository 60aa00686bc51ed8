"""Command line: `python -m etl ingest|rebuild|export|check ...`. Exit 0 ok, 1 some files failed, 2 bad usage."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from etl.summary import print_summary


def _cmd_ingest(args) -> int:
    from etl.ingest import ingest

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"error: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    if args.manifest and not Path(args.manifest).is_file():
        print(f"error: no such manifest: {args.manifest}", file=sys.stderr)
        return 2
    summary = ingest(args.paths, args.db, manifest=args.manifest, workers=args.workers,
                     progress=not args.quiet)
    print_summary(summary)
    return summary.exit_code


def _cmd_rebuild(args) -> int:
    from etl.ingest import rebuild

    if not Path(args.db).is_file():
        print(f"error: no such warehouse: {args.db}", file=sys.stderr)
        return 2
    summary = rebuild(args.db, progress=not args.quiet)
    print_summary(summary)
    return summary.exit_code


def _cmd_check(args) -> int:
    from etl.warehouse import Warehouse

    with Warehouse.open(args.db, read_only=True) as wh:
        failures = wh.run_checks()
    for check, rows in failures.items():
        print(f"{check}: {len(rows)} row(s), e.g. {rows[0]}")
    print("all data checks pass" if not failures else "data checks FAILED")
    return 1 if failures else 0


def _cmd_export_parquet(args) -> int:
    from etl.parquet_export import export_parquet

    if not Path(args.db).is_file():
        print(f"error: no such warehouse: {args.db}", file=sys.stderr)
        return 2
    for view, n in export_parquet(args.db, args.out).items():
        print(f"{view}: {n} rows → {Path(args.out) / view}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m etl", description="法治年报观察 ETL: reports → DuckDB warehouse")
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="ingest report files or folders into a warehouse")
    ing.add_argument("paths", nargs="+", help="files or folders (.txt .html .htm .docx .pdf)")
    ing.add_argument("--db", required=True, help="warehouse file, created when missing")
    ing.add_argument("--manifest", help="manifest.csv overriding metadata (file,agency,...,url)")
    ing.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parser processes (default: cores)")
    ing.add_argument("--quiet", action="store_true", help="no progress bar")
    ing.set_defaults(func=_cmd_ingest)

    reb = sub.add_parser("rebuild", help="re-parse the stored texts with the current code")
    reb.add_argument("--db", required=True)
    reb.add_argument("--quiet", action="store_true")
    reb.set_defaults(func=_cmd_rebuild)

    chk = sub.add_parser("check", help="run the data checks (SQL that must return no rows)")
    chk.add_argument("--db", required=True)
    chk.set_defaults(func=_cmd_check)

    pq = sub.add_parser("export-parquet", help="write the public views as Parquet partitioned by year")
    pq.add_argument("--db", required=True)
    pq.add_argument("--out", required=True, help="output folder (one sub-folder per view)")
    pq.set_defaults(func=_cmd_export_parquet)

    from etl import cli_export, fetch_cli, quality_cli, review_cli, scorecard_cli, synth_cli

    for feature in (cli_export, synth_cli, fetch_cli, review_cli, quality_cli, scorecard_cli):
        feature.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
