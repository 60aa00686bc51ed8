"""`python -m etl fetch`: download report pages into a folder (and optionally ingest them)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.fetch_http import MAX_BYTES, FetchOptions


def register(subparsers) -> None:
    """Add the `fetch` command to the `python -m etl` sub-command parser."""
    p = subparsers.add_parser(
        "fetch", help="download report pages (pagination merged, attachments preferred) into a folder",
        description="Fetch reports politely (robots.txt, one request per host per --rate seconds) into --out; "
                    "raw downloads go to OUT/.raw/ with .meta.json sidecars, report files and manifest.csv to OUT. "
                    "Exit 0: all fetched or skipped; 1: some failed; 2: bad usage.")
    p.add_argument("urls", nargs="*", metavar="URL", help="addresses of report pages or documents")
    p.add_argument("--list", dest="url_list", metavar="FILE", help="text file with one address per line")
    p.add_argument("--manifest", metavar="CSV", help="CSV with a url column (and optional file, agency, year, ...)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (e.g. data/reports)")
    p.add_argument("--ingest", action="store_true", help="ingest the fetched reports afterwards (needs --db)")
    p.add_argument("--db", metavar="FILE", help="warehouse for --ingest")
    p.add_argument("--refresh", action="store_true", help="fetch again addresses that were already fetched")
    p.add_argument("--rate", type=float, default=1.0, metavar="SECONDS", help="seconds between requests to one "
                   "host (default 1)")
    p.add_argument("--timeout", type=float, default=20.0, metavar="S", help="seconds to wait for an answer")
    p.add_argument("--retries", type=int, default=3, metavar="N", help="retries after timeouts and 5xx (default 3)")
    p.add_argument("--max-bytes", type=int, default=MAX_BYTES, metavar="N", help="size cap per download "
                   "(default 20 MB)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _usage(msg: str) -> int:
    print(f"error: {msg}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from etl.fetch import FetchJob, fetch_reports, ingest_fetched, jobs_from_manifest, parse_url_list

    sources = sum(bool(x) for x in (args.urls, args.url_list, args.manifest))
    if sources != 1:
        return _usage("give addresses, --list FILE or --manifest CSV (exactly one of them)")
    if args.ingest and not args.db:
        return _usage("--ingest needs --db FILE")
    if args.rate < 0 or args.timeout <= 0 or args.retries < 0 or args.max_bytes <= 0:
        return _usage("--rate and --retries must be >= 0, --timeout and --max-bytes > 0")
    rejected: list[tuple[str, str]] = []
    if args.manifest:
        if not Path(args.manifest).is_file():
            return _usage(f"no such manifest: {args.manifest}")
        try:
            jobs = jobs_from_manifest(args.manifest)
        except (ValueError, UnicodeDecodeError) as err:
            return _usage(str(err))
    else:
        if args.url_list:
            if not Path(args.url_list).is_file():
                return _usage(f"no such file: {args.url_list}")
            text = Path(args.url_list).read_text(encoding="utf-8-sig", errors="replace")
        else:
            text = "\n".join(args.urls)
        urls, rejected = parse_url_list(text)
        jobs = [FetchJob(u) for u in urls]
    if not jobs and not rejected:
        return _usage("no addresses to fetch")
    options = FetchOptions(rate=args.rate, timeout=args.timeout, retries=args.retries, max_bytes=args.max_bytes)
    summary = fetch_reports(jobs, args.out, options, refresh=args.refresh, progress=not args.quiet)
    summary.failed[:0] = rejected
    print("\n".join(summary.lines()))
    code = summary.exit_code
    if args.ingest:
        result = ingest_fetched(summary, args.db, progress=not args.quiet)
        if result is not None:
            from etl.summary import print_summary

            print_summary(result)
            code = max(code, result.exit_code)
    return code


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (`python -m etl.fetch_cli fetch ...`) until the main CLI registers the command."""
    parser = argparse.ArgumentParser(prog="python -m etl")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
