"""CLI: `python -m etl corrections export|import|attention|fold`: merge several reviewers' corrections through CSV
files, list the ones a rebuild left without their fact, text or report, fold the store into the warehouse."""
from __future__ import annotations

import sys
from pathlib import Path

from etl.corrections import (
    Correction,
)
from etl.review_exchange import existing_corrections, export_corrections, import_corrections  # noqa: F401


def describe_conflict(incoming: Correction, standing: Correction) -> str:
    where = incoming.field if incoming.target == "report" else \
        f"{incoming.indicator}@{incoming.char_start}-{incoming.char_end}"
    return (f"{incoming.report_id} {where}: {incoming.reviewer} {incoming.action} {_values(incoming)} "
            f"vs {standing.reviewer} {standing.action} {_values(standing)} (uid {incoming.uid})")


def _values(c: Correction) -> str:
    if c.action == "override":
        return repr(c.new_text)
    if c.action in ("edit", "add"):
        return f"{c.new_value:g} {c.new_unit} {c.new_indicator}"
    return ""


def _cmd_export(args) -> int:
    if not Path(args.db).is_file():
        print(f"error: no such warehouse: {args.db}", file=sys.stderr)
        return 2
    n = export_corrections(args.db, args.out)
    print(f"exported {n} correction(s) to {args.out}")
    return 0


def _cmd_import(args) -> int:
    args.infile = args.infile or args.csv
    if not args.infile:
        print("error: name the corrections CSV (FILE.csv or --in FILE.csv)", file=sys.stderr)
        return 2
    for p, what in ((args.db, "warehouse"), (args.infile, "file")):
        if not Path(p).is_file():
            print(f"error: no such {what}: {p}", file=sys.stderr)
            return 2
    try:
        plan, bad = import_corrections(args.db, args.infile)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"imported: {len(plan.new)}  already present: {len(plan.duplicates)}  conflicts: {len(plan.conflicts)}"
          f"  invalid: {len(bad)}")
    for incoming, standing in plan.conflicts:
        print(f"  CONFLICT {describe_conflict(incoming, standing)}")
    for line, err in bad:
        print(f"  INVALID line {line}: {err}")
    return 1 if plan.conflicts or bad else 0


def _cmd_attention(args) -> int:
    """Corrections that no longer apply as made (their report, text or fact changed): kept, listed, never dropped."""
    from etl.warehouse import Warehouse

    if not Path(args.db).is_file():
        print(f"error: no such warehouse: {args.db}", file=sys.stderr)
        return 2
    with Warehouse.open(args.db, read_only=True) as wh:
        attn = wh.query("review_attention")
        total = len(wh.query("review_corrections"))
    print(f"corrections: {total}  needing attention: {len(attn)}  (store: {wh.store})")
    for r in attn.to_dict("records"):
        where = r["field"] if r["target"] == "report" else f"{r['indicator']}@{r['char_start']}-{r['char_end']}"
        print(f"  {r['problem']}: {r['report_id']} {where} {r['action']} by {r['reviewer']} (uid {r['uid']})")
    return 1 if len(attn) else 0


def _cmd_fold(args) -> int:
    """Copy the corrections store into the warehouse file (one copy-and-swap, like an ingest): readers then
    serve the warehouse's own effective tables and overlay nothing until the next save."""
    from etl.warehouse import writing

    if not Path(args.db).is_file():
        print(f"error: no such warehouse: {args.db}", file=sys.stderr)
        return 2
    with writing(args.db) as wh:
        n = len(wh.query("review_corrections"))
    print(f"the warehouse holds all {n} correction(s) of {wh.store}")
    return 0


def register(subparsers) -> None:
    """Add `corrections export` and `corrections import` to the etl command line."""
    cor = subparsers.add_parser("corrections", help="export or import reviewers' corrections (CSV)")
    sub = cor.add_subparsers(dest="corrections_command", required=True)
    exp = sub.add_parser("export", help="write every correction to a CSV (UTF-8 with BOM)")
    exp.add_argument("--db", required=True)
    exp.add_argument("--out", required=True, help="FILE.csv")
    exp.set_defaults(func=_cmd_export)
    imp = sub.add_parser("import", help="merge a corrections CSV; conflicts are listed, never overwritten")
    imp.add_argument("--db", required=True)
    imp.add_argument("csv", nargs="?", help="FILE.csv")
    imp.add_argument("--in", dest="infile", help="FILE.csv (the same, as an option)")
    imp.set_defaults(func=_cmd_import)
    att = sub.add_parser("attention", help="list corrections whose report, text or fact changed (exit 1 if any)")
    att.add_argument("--db", required=True)
    att.set_defaults(func=_cmd_attention)
    fold = sub.add_parser("fold", help="copy the corrections store into the warehouse file (e.g. nightly)")
    fold.add_argument("--db", required=True)
    fold.set_defaults(func=_cmd_fold)
