"""Writes and keyword lookups at scale (issue 16): per-report write cost at 1k / 10k / 100k reports, KWIC and
keyword-sentence latency at the largest size, warehouse size against its raw text, and an end-to-end `etl ingest`
(2 workers, peak RSS) and `etl rebuild` of a synthetic corpus, scaled to 100,000 reports.

The warehouses are built by replication (bench/scale.py) from a small parsed corpus; a batch of freshly parsed
reports is then written into each, as ingest does, so the cost of one more batch is timed against the size the
warehouse already has. Parsing is the same per report at any size (it never reads the warehouse), so ingest
time per report at size N = parse time per report + write time per report at N.
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scale import replicate_warehouse  # noqa: E402

TARGET_FLAT = 1.5  # per-report ingest time at the largest size / at the smallest
TARGET_P95_MS = 250.0
TARGET_100K_S = 180.0  # ingest of 100,000 reports with 2 workers, and rebuild of them: under 3 minutes each
TARGET_RSS_MB = 2048
# Terms looked up: a jieba token, a substring that is no token, one character, a phrase of several tokens,
# a term found nowhere.
LOOKUPS = ("行政执法", "政执", "法", "全面推进依法行政", "量子纠缠态")


def parse_corpus(folder: Path, n: int) -> tuple[list, float]:
    """(parsed reports, parse seconds per report) of the first `n` files of `folder`."""
    from etl.pipeline import ParseContext, parse_report

    ctx = ParseContext.load()
    files = sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".html", ".docx", ".pdf"))[:n]
    t0 = time.perf_counter()
    reps = [parse_report(p.read_bytes(), p.name, ctx) for p in files]
    return reps, (time.perf_counter() - t0) / max(len(reps), 1)


def fresh(reps: list, tag: str, same_keys: bool = False) -> list:
    """Copies of `reps` with new content (so new report ids); with `same_keys` under their own source keys (a
    new version of each source), otherwise under new keys."""
    out = []
    for r in reps:
        digest = hashlib.sha256(f"{r.content_hash}#{tag}".encode()).hexdigest()
        key = r.file_name if same_keys else f"{tag}/{r.file_name}"
        out.append(dataclasses.replace(r, content_hash=digest, source_key=key,
                                       raw_text=r.raw_text + f"\n{tag}"))
    return out


def time_writes(db: Path, reps: list, rounds: int, replace: bool = False) -> float:
    """Seconds per report of writing `rounds` batches of new reports into `db` (a copy; `db` is untouched); with
    `replace`, of writing `reps` again over themselves (stored already: what `etl rebuild` writes)."""
    from etl.ingest import PARSER_VERSION
    from etl.warehouse import Warehouse

    work = db.with_suffix(".w.duckdb")
    shutil.copyfile(db, work)
    try:
        with Warehouse.open(work, read_only=False) as wh:
            wh.write_batch([(r, None) for r in fresh(reps, "warm")], PARSER_VERSION)  # first-touch costs
            t0 = time.perf_counter()
            for k in range(rounds):
                wh.write_batch([(r, None) for r in (reps if replace else fresh(reps, f"b{k}"))], PARSER_VERSION)
            return (time.perf_counter() - t0) / (rounds * len(reps))
    finally:
        for p in work.parent.glob(work.name + "*"):
            p.unlink()


def lookup_latency(db: Path, repeats: int) -> dict[str, tuple[float, float]]:
    """p50, p95 ms of kw_kwic and kw_sentences over LOOKUPS, unfiltered and filtered to one province."""
    from etl.warehouse import Warehouse
    from ui.keyword_data import KWIC_LIMIT, KWIC_WIDTH, SENTENCE_LIMIT

    out = {}
    with Warehouse.open(db) as wh:
        province = wh.con.execute("SELECT province FROM reports WHERE province IS NOT NULL "
                                  "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        for name, extra in (("kw_kwic", {"width": KWIC_WIDTH, "limit": KWIC_LIMIT}),
                            ("kw_sentences", {"limit": SENTENCE_LIMIT})):
            times, each = [], {}
            for _ in range(repeats):
                for term in LOOKUPS:
                    for flt in ({}, {"provinces": [province]}):
                        t0 = time.perf_counter()
                        wh.query(name, {**flt, **extra, "term": term})
                        times.append((time.perf_counter() - t0) * 1000)
                        each.setdefault(f"{term} {'one province' if flt else 'unfiltered'}", []).append(times[-1])
            times.sort()
            out[name] = (statistics.median(times), times[max(0, int(round(0.95 * len(times))) - 1)])
            print(f"  {name} medians: " + ", ".join(f"{k} {statistics.median(v):.0f}"
                                                      for k, v in sorted(each.items(), key=lambda kv: -max(kv[1]))))
    return out


def sizes(db: Path) -> tuple[float, float]:
    """(warehouse MB, raw text MB in UTF-8)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        text = con.execute("SELECT sum(strlen(raw_text)) FROM reports").fetchone()[0] / 1e6
    finally:
        con.close()
    return db.stat().st_size / 1e6, text


def end_to_end(corpus: Path, work: Path, n: int, workers: int = 2) -> dict:
    """Wall seconds and peak RSS of `etl ingest` of `corpus` (n reports) into a new warehouse, then of `etl rebuild`
    of that warehouse."""
    from bench.peak_rss import run_with_peak_rss

    db = work / f"e2e-{n}.duckdb"
    for p in work.glob(db.name + "*"):
        p.unlink()
    empty = work / "empty"
    empty.mkdir(exist_ok=True)
    out = {}
    for step, cmd in (("fixed", ["ingest", str(empty), "--db", str(work / "e2e-empty.duckdb"), "--quiet"]),
                      ("ingest", ["ingest", str(corpus), "--db", str(db), "--quiet", "--workers", str(workers)]),
                      ("rebuild", ["rebuild", "--db", str(db), "--quiet"])):
        t0 = time.perf_counter()
        proc, kib = run_with_peak_rss([sys.executable, "-m", "etl", *cmd], cwd=ROOT, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"etl {step} exited {proc.returncode}")
        out[step] = (time.perf_counter() - t0, kib // 1024)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=300, help="synthetic reports parsed (the replication base)")
    ap.add_argument("--batch", type=int, default=200, help="reports per written batch (ingest writes 200)")
    ap.add_argument("--rounds", type=int, default=3, help="batches timed at each size")
    ap.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    ap.add_argument("--repeats", type=int, default=4, help="rounds of lookups at the largest size")
    ap.add_argument("--work", default=str(ROOT / "bench" / "out"))
    ap.add_argument("--ingest", type=int, default=3000, help="synthetic reports ingested and rebuilt end to end "
                    "(0: skip); the times are scaled to 100,000 by the per-report rate")
    args = ap.parse_args(argv)

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"synth-{args.n}"
    if not corpus.exists():
        subprocess.run([sys.executable, "-m", "etl", "synth", "--n", str(args.n), "--out", str(corpus),
                        "--seed", "7"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    base = work / f"base-{args.n}.duckdb"
    if not base.exists():
        subprocess.run([sys.executable, "-m", "etl", "ingest", str(corpus), "--db", str(base), "--quiet",
                        "--workers", "2"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    reps, parse_s = parse_corpus(corpus, args.batch)
    print(f"parse: {parse_s * 1000:.1f} ms per report ({len(reps)} reports, 1 process)")
    per_report, writes, rewrites = {}, {}, {}
    for size in args.sizes:
        db = work / f"scaled-{size}.duckdb"
        if not db.exists():
            replicate_warehouse(base, db, size)
        write_s = time_writes(db, reps, args.rounds)
        per_report[size], writes[size] = parse_s + write_s, write_s
        rewrites[size] = time_writes(db, reps, args.rounds, replace=True)
        print(f"{size:>7,} reports: write {write_s * 1000:.1f} ms per report, ingest (parse + write) "
              f"{per_report[size] * 1000:.1f} ms per report; rewrite of a stored report (rebuild) "
              f"{rewrites[size] * 1000:.1f} ms")
    lo, hi = min(args.sizes), max(args.sizes)
    ratio = per_report[hi] / per_report[lo]
    print(f"write time per report {hi:,} / {lo:,}: {writes[hi] / writes[lo]:.2f}x (the part that can grow)")
    print(f"rewrite time per stored report {hi:,} / {lo:,}: {rewrites[hi] / rewrites[lo]:.2f}x (deleting a stored "
          f"report's rows scans each child table: no index on report_id)")
    print(f"ingest time per report {hi:,} / {lo:,}: {ratio:.2f}x (target <= {TARGET_FLAT}x, flat)")
    lat = lookup_latency(work / f"scaled-{hi}.duckdb", args.repeats)
    for name, (p50, p95) in lat.items():
        verdict = "met" if p95 < TARGET_P95_MS else "MISSED"
        print(f"{name} at {hi:,} reports: p50 {p50:.0f} ms, p95 {p95:.0f} ms (target p95 < {TARGET_P95_MS:.0f} ms) "
              f"{verdict}")
    mb, text_mb = sizes(work / f"scaled-{hi}.duckdb")
    print(f"warehouse file at {hi:,} reports: {mb:.0f} MB for {text_mb:.0f} MB of raw text "
          f"({mb / text_mb:.2f}x, target <= 1.00x)")
    if args.ingest:
        e2e_corpus = work / f"synth-{args.ingest}"
        if not e2e_corpus.exists():
            subprocess.run([sys.executable, "-m", "etl", "synth", "--n", str(args.ingest), "--out", str(e2e_corpus),
                            "--seed", "11"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        e2e = end_to_end(e2e_corpus, work, args.ingest)
        scale = 100_000 / args.ingest
        fixed = e2e.pop("fixed")[0]  # start-up, dictionary, schema, checks, swap: paid once per run
        print(f"fixed cost of one etl run (empty folder): {fixed:.1f} s")
        for step, (secs, rss) in e2e.items():
            est = fixed + (secs - fixed) * scale
            verdict = "met" if est < TARGET_100K_S else "MISSED"
            print(f"etl {step} of {args.ingest:,} reports ({'2 workers' if step == 'ingest' else 'default workers'}): "
                  f"{secs:.1f} s, peak RSS {rss} MB; at 100,000 reports by its rate: {est:.0f} s "
                  f"(target < {TARGET_100K_S:.0f} s) {verdict}")
        rss = e2e["ingest"][1]
        print(f"ingest peak RSS {rss} MB at {args.ingest:,} reports (target < {TARGET_RSS_MB} MB at 100,000; "
              f"{'met' if rss < TARGET_RSS_MB else 'MISSED'} here)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
