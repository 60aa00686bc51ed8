"""Corrections at scale (issue 14, item 2): how long a save takes to reach the reviewer and every other session,
five reviewers saving at once for a minute, and a 10,000-row corrections CSV import, on a warehouse of
100,000 reports. Each figure is printed beside its target.

The warehouse is built once per --work folder: --base synthetic reports parsed end to end, replicated to
--reports (bench/scale.py), each copy given a content hash that starts with its report id as real ones do.
Every run starts from a fresh corrections store beside a copy of it.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ("overview_counts", "best_facts", "rank_base", "coverage", "report_list", "review_queue", "review_facts",
           "review_progress", "compare_areas", "quality_low_conf", "indicators", "review_attention")


def build(work: Path, reports: int, base: int) -> Path:
    """The scaled warehouse (cached in `work`)."""
    import duckdb

    from bench.scale import replicate_warehouse

    scaled = work / f"scaled-{reports}.duckdb"
    if scaled.exists():
        return scaled
    corpus, base_db = work / f"synth-{base}", work / f"base-{base}.duckdb"
    if not (corpus / "truth.jsonl").exists():
        subprocess.run([sys.executable, "-m", "etl", "synth", "--n", str(base), "--out", str(corpus), "--seed", "7"],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    if not base_db.exists():
        subprocess.run([sys.executable, "-m", "etl", "ingest", str(corpus), "--db", str(base_db), "--quiet",
                        "--workers", "2"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    tmp = scaled.with_suffix(".building")
    replicate_warehouse(base_db, tmp, reports)
    con = duckdb.connect(str(tmp))
    try:  # a correction names its report by id and content hash; the replicas' hashes must start with the id
        for table in ("reports", "reports_eff"):
            con.execute(f"UPDATE {table} SET content_hash = report_id || substr(content_hash, 17) "
                        "WHERE NOT starts_with(content_hash, report_id)")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    tmp.rename(scaled)
    return scaled


def fresh_copy(scaled: Path, work: Path) -> Path:
    from etl.corrections_store import store_path

    db = work / "run.duckdb"
    shutil.copyfile(scaled, db)
    for p in db.parent.glob(store_path(db).name + "*"):
        p.unlink()
    return db


def signature(path: Path) -> tuple:
    st = os.stat(path)
    return st.st_ino, st.st_size, st.st_mtime_ns


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def a_correction(wh, rng: random.Random, who: str, texts: dict | None = None):
    """A confirm or reject of a random extracted fact, made as the Review page makes it."""
    from etl import corrections as C

    while True:
        rid = wh.con.execute("SELECT report_id FROM reports USING SAMPLE 1 ROWS").fetchall()[0][0]
        facts = wh.query("review_facts", {"report_id": rid})
        facts = facts[facts["status"] != "added"]
        if len(facts):
            break
    fact = facts.iloc[rng.randrange(len(facts))].to_dict()
    rep = wh.query("review_report", {"report_id": rid}).iloc[0]
    text = wh.query("report_text", {"report_id": rid}).iat[0, 0]
    action = rng.choice(("confirm", "reject"))
    return C.fact_action(fact, rep["content_hash"], text, action, who, "bench"), fact


def status_of(wh, c) -> str:
    df = wh.query("review_facts", {"report_id": c.report_id})
    row = df[(df["key_indicator"] == c.indicator) & (df["char_start"] == c.char_start)]
    return str(row["status"].iloc[0])


def latency(db: Path, saves: int, seed: int = 1) -> dict:
    """Save, then read as the reviewer (the same app server) and as another server (its own connection)."""
    from etl import corrections as C
    from etl.warehouse import Warehouse

    rng = random.Random(seed)
    mine, other = Warehouse.open(db), Warehouse.open(db)
    out: dict[str, list[float]] = {"save": [], "reviewer": [], "other": []}
    want = {"confirm": "confirmed", "reject": "rejected"}
    for _ in range(saves):
        c, _fact = a_correction(mine, rng, "测速")
        t0 = time.perf_counter()
        C.save(mine, [c])
        t1 = time.perf_counter()
        assert status_of(mine, c) == want[c.action]
        t2 = time.perf_counter()
        assert status_of(other, c) == want[c.action]
        t3 = time.perf_counter()
        out["save"].append(t1 - t0)
        out["reviewer"].append(t2 - t0)
        out["other"].append((t1 - t0) + (t3 - t2))  # the other session reads as soon as the save returns
    mine.close()
    return {k: [1000 * x for x in v] for k, v in out.items()} | {"other_wh": other}


def page_queries(db: Path, overlaid, repeats: int) -> dict[str, tuple[float, float]]:
    """p95 ms of page queries on the warehouse as built, and with the store's corrections overlaid."""
    from bench.typical import params_for
    from etl.warehouse import Warehouse

    plain = Warehouse.open(db, store=db.parent / "no-corrections.sqlite")
    res = {}
    context = {"report_id": plain.con.execute("SELECT min(report_id) FROM reports").fetchall()[0][0]}  # as run.py
    for name in QUERIES:
        sql = (ROOT / "etl" / "queries" / f"{name}.sql").read_text(encoding="utf-8")
        params = params_for(sql, context)
        plain.query(name, params), overlaid.query(name, params)  # once untimed, as bench/run.py
        times: dict[str, list[float]] = {"plain": [], "overlay": []}
        for _ in range(repeats):
            for key, wh in (("plain", plain), ("overlay", overlaid)):
                t = time.perf_counter()
                wh.query(name, params)
                times[key].append(1000 * (time.perf_counter() - t))
        res[name] = (pct(times["plain"], 0.95), pct(times["overlay"], 0.95))
    plain.close()
    return res


def _reviewer(db: str, who: str, start: float, seconds: float, seed: int, out) -> None:
    from etl import corrections as C
    from etl.warehouse import Warehouse

    rng = random.Random(seed)
    uids, failures, times = [], [], []
    with Warehouse.open(db) as wh:
        while time.time() < start:
            time.sleep(0.01)
        while time.time() < start + seconds:
            c, _ = a_correction(wh, rng, who)
            t = time.perf_counter()
            try:
                C.save(wh, [c])
                status_of(wh, c)  # the page reads the report again after a save
                uids.append(c.uid)
                times.append(1000 * (time.perf_counter() - t))
            except Exception as err:  # noqa: BLE001  (counted and printed)
                failures.append(repr(err))
    out.put((who, uids, failures, times))


def reviewers(db: Path, n: int, seconds: float) -> dict:
    from etl import corrections_store as S
    from etl.warehouse import Warehouse

    before = S.read(S.store_path(db))
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    start = time.time() + 5
    procs = [ctx.Process(target=_reviewer, args=(str(db), f"审核员{k}", start, seconds, k, out)) for k in range(n)]
    for p in procs:
        p.start()
    results = [out.get(timeout=seconds + 300) for _ in procs]
    for p in procs:
        p.join()
    saved = [u for r in results for u in r[1]]
    stored = [r["uid"] for r in S.read(S.store_path(db))][len(before):]
    with Warehouse.open(db) as wh:
        shown = set(wh.query("review_corrections")["uid"])
    return {"saved": len(saved), "failed": sum(len(r[2]) for r in results),
            "errors": [e for r in results for e in r[2]],
            "lost": len(set(saved) - set(stored)) + len(set(saved) - shown),
            "duplicated": len(stored) - len(set(stored)), "unexpected": len(set(stored) - set(saved)),
            "per_reviewer": [len(r[1]) for r in results], "times": [t for r in results for t in r[3]]}


def import_csv(db: Path, rows: int, work: Path) -> dict:
    """Write `rows` corrections of distinct facts to a CSV, then import it into a fresh store."""
    from etl import corrections as C
    from etl.review_exchange import import_corrections
    from etl.warehouse import Warehouse

    made = []
    with Warehouse.open(db, store=work / "no-corrections.sqlite") as wh:
        sample = wh.con.execute(
            "SELECT f.report_id, r.content_hash, f.indicator, f.char_start, f.char_end, f.value, f.unit, f.evidence, "
            "f.evidence_start, substring(r.raw_text, f.char_start + 1, f.char_end - f.char_start) AS span "
            f"FROM facts f JOIN reports r USING (report_id) USING SAMPLE {int(rows)} ROWS").fetchall()
    for i, (rid, h, ind, s, e, value, unit, ev, ev_s, span) in enumerate(sample):
        edit = i % 2 == 0
        made.append(C.Correction(report_id=rid, content_hash=h, target="fact", action="edit" if edit else "confirm",
                                 reviewer="导入", indicator=ind, char_start=s, char_end=e,
                                 new_value=value if edit else None, new_unit=unit if edit else None,
                                 new_indicator=ind if edit else None, old_text=f"{value:g} {unit}", evidence=ev,
                                 evidence_start=ev_s, span_text=span, reason="bench"))
    path = work / "import.csv"
    C.write_csv([c.params() for c in made], path)
    t = time.perf_counter()
    plan, bad = import_corrections(str(db), str(path))
    seconds = time.perf_counter() - t
    t = time.perf_counter()
    with Warehouse.open(db) as wh:  # what a session pays once to overlay 10,000 new corrections
        n_shown = len(wh.query("review_corrections"))
        first_read = time.perf_counter() - t
    return {"rows": len(made), "imported": len(plan.new), "refused": len(bad), "seconds": seconds,
            "first_read": first_read, "shown": n_shown}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--base", type=int, default=300, help="synthetic reports parsed, then replicated")
    ap.add_argument("--work", default=str(ROOT / "bench" / "out" / "corrections"))
    ap.add_argument("--saves", type=int, default=30, help="timed saves for the latency figure")
    ap.add_argument("--reviewers", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--import-rows", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=10, help="runs of each page query")
    args = ap.parse_args(argv)

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    scaled = build(work, args.reports, args.base)
    print(f"warehouse: {scaled} ({scaled.stat().st_size / 2**20:.0f} MB, {args.reports:,} reports; "
          f"{time.perf_counter() - t:.0f} s to build or find); load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")

    db = fresh_copy(scaled, work)
    sig = signature(db)
    lat = latency(db, args.saves)
    print(f"\n1. A correction, saved and read back ({args.saves} saves of random facts)")
    for key, label in (("save", "save (checks + append to the store)"),
                       ("reviewer", "save -> the reviewer's next read shows it"),
                       ("other", "save -> another session/server's next read shows it")):
        v = lat[key]
        print(f"   {label:55s} p50 {statistics.median(v):6.1f} ms  p95 {pct(v, .95):6.1f} ms  "
              f"max {max(v):6.1f} ms   (target < 300 ms)")
    pages = page_queries(db, lat["other_wh"], args.repeats)
    worst = max(pages.items(), key=lambda kv: kv[1][1])
    print(f"   page queries with {args.saves} corrected reports overlaid, p95 ms (as built -> overlaid): "
          + ", ".join(f"{k} {a:.0f}->{b:.0f}" for k, (a, b) in pages.items()))
    print(f"   slowest overlaid p95: {worst[0]} {worst[1][1]:.0f} ms (target < 250 ms)")
    lat["other_wh"].close()

    r = reviewers(db, args.reviewers, args.seconds)
    print(f"\n2. {args.reviewers} reviewers saving at once for {args.seconds:.0f} s (one process each)")
    print(f"   saves {r['saved']} ({', '.join(map(str, r['per_reviewer']))}), failed {r['failed']}, lost {r['lost']}, "
          f"duplicated {r['duplicated']}, unexpected {r['unexpected']}   (target: 0 failed, 0 lost, 0 duplicated)")
    if r["times"]:
        print(f"   save + read back under contention: p50 {statistics.median(r['times']):.0f} ms, "
              f"p95 {pct(r['times'], .95):.0f} ms")
    for e in r["errors"][:5]:
        print(f"   error: {e}")

    saves_kept_it = signature(db) == sig
    db = fresh_copy(scaled, work)
    sig2 = signature(db)
    imp = import_csv(db, args.import_rows, work)
    print(f"\n3. A corrections CSV of {imp['rows']:,} rows imported into a fresh store")
    print(f"   {imp['seconds']:.2f} s (target < 10 s): imported {imp['imported']:,}, refused {imp['refused']}")
    print(f"   first read after it (a session overlays {imp['shown']:,} corrections): {imp['first_read']:.2f} s")

    same = saves_kept_it and signature(db) == sig2
    print(f"\nwarehouse file unchanged by every save and the import (inode, size, mtime): {same}")
    return 0 if r["failed"] == r["lost"] == r["duplicated"] == 0 and same else 1


if __name__ == "__main__":
    raise SystemExit(main())
