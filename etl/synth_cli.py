"""`python -m etl synth --n N --out DIR --seed S [--formats txt,html]`: write a synthetic corpus with its truth."""
from __future__ import annotations

import sys
import time
from pathlib import Path


def _cmd_synth(args) -> int:
    from etl.synth import generate, parse_formats

    try:
        formats = parse_formats(args.formats)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.n < 0:
        print("error: --n must be 0 or more", file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"error: --out is not a folder: {out}", file=sys.stderr)
        return 2
    start = time.perf_counter()

    def progress(done: int) -> None:
        if not args.quiet:
            rate = done / max(time.perf_counter() - start, 1e-9)
            print(f"\r{done}/{args.n} reports  {rate:.0f}/s", end="", file=sys.stderr, flush=True)

    counts = generate(args.n, out, seed=args.seed, formats=formats, progress=progress, workers=max(1, args.workers))
    elapsed = time.perf_counter() - start
    if not args.quiet and args.n:
        print(file=sys.stderr)
    shares = ", ".join(f"{fmt}/{enc or '-'} {k}" for (fmt, enc), k in sorted(counts.items(), key=lambda x: -x[1]))
    rate = args.n / max(elapsed, 1e-9)
    print(f"wrote {args.n} synthetic reports to {out} in {elapsed:.1f} s ({rate:.0f}/s): {shares}")
    print(f"ground truth: {out / 'truth.jsonl'}  manifest: {out / 'manifest.csv'}")
    return 0


def register(subparsers) -> None:
    """Add the `synth` command to the `python -m etl` parser."""
    p = subparsers.add_parser("synth", help="write a synthetic corpus (reports + truth.jsonl + manifest.csv)")
    p.add_argument("--n", type=int, required=True, help="number of reports")
    p.add_argument("--out", required=True, help="output folder (created when missing)")
    p.add_argument("--seed", type=int, default=0, help="random seed: the same seed gives the same bytes")
    p.add_argument("--formats", help="comma-separated subset of html,txt,docx,pdf (default: all, in realistic shares)")
    p.add_argument("--workers", type=int, default=1, help="writer processes (the output is the same for any number)")
    p.add_argument("--quiet", action="store_true", help="no progress line")
    p.set_defaults(func=_cmd_synth)
