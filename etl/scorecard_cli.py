"""`python -m etl score --db FILE --scheme ID|FILE.yaml --year Y --out FILE.xlsx [filters]`: a scorecard to XLSX."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.scorecard_scheme import SchemeError, load_scheme, scheme_path, shipped_ids


def register(subparsers) -> None:
    p = subparsers.add_parser("score", help="score the reports of one year with an assessment scheme, to XLSX")
    p.add_argument("--db", required=True, help="warehouse file")
    p.add_argument("--scheme", required=True,
                   help=f"a shipped scheme ({', '.join(shipped_ids())}) or a scheme .yaml file")
    p.add_argument("--year", type=int, required=True, help="the report year to score")
    p.add_argument("--out", required=True, help="output .xlsx (sheets totals, items, 说明)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="headers and statuses (default zh)")
    for flag in ("province", "city", "level", "agency-type", "agency"):
        p.add_argument(f"--{flag}", action="append", default=[], help="repeat for several values")
    p.set_defaults(func=run, year_from=None, year_to=None)


def run(args: argparse.Namespace) -> int:
    from etl.cli_export import filters_of
    from etl.scorecard_inputs import compute
    from etl.scorecard_xlsx import scorecard_xlsx
    from etl.warehouse import Warehouse

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        print("error: --out must end in .xlsx", file=sys.stderr)
        return 2
    if not Path(args.db).is_file():
        print(f"error: no such warehouse: {args.db}", file=sys.stderr)
        return 2
    try:
        path = scheme_path(args.scheme)
        scheme = load_scheme(path)
    except SchemeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    filters = filters_of(args)
    with Warehouse.open(args.db, read_only=True) as wh:
        card = compute(wh.query, scheme, filters, args.year)
        synthetic = int(wh.query("synthetic_count", {**filters, "year_from": args.year, "year_to": args.year})
                        .iat[0, 0])
    shown = {k: (", ".join(map(str, v)) if isinstance(v, list) else v) for k, v in filters.items()
             if v not in (None, [])}
    notes = {"年度 / Year": str(args.year),
             "筛选条件 / Filters": "; ".join(f"{k}={v}" for k, v in shown.items()) or "无 / none",
             "仓库 / Warehouse": Path(args.db).name,
             "报告数 / Reports": str(len(card["totals"])),
             "合成数据 / Synthetic rows": (f"含 {synthetic} 份合成（非真实）报告，不能用于评估 / includes {synthetic} "
                                       "synthetic reports: not for assessment") if synthetic else "无 / none"}
    data = scorecard_xlsx(scheme, path.read_text(encoding="utf-8"), card["totals"], card["items"], notes,
                          card["reports"], lang=args.lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)  # never leave a half-written file under the requested name
    totals = card["totals"]
    for row in totals.itertuples(index=False):
        total = "—" if pd_isna(row.total) else f"{row.total:g}"
        print(f"{row.peer_group}\t#{'' if pd_isna(row.rank) else row.rank}/{row.peers}\t{row.agency}\t{total}"
              f"/{row.max_total:g}\tmissing {row.missing}")
    print(f"scored {len(totals)} reports of {args.year} with {scheme.id} → {out}")
    return 0


def pd_isna(v) -> bool:
    import pandas as pd

    return v is None or bool(pd.isna(v))
