"""Single-process parse throughput per stage, against bare rjieba.cut over the same texts in the same process."""
from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

# Runnable as a script from anywhere: the repo root holds the etl package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
EXTENSIONS = (".txt", ".html", ".htm", ".docx", ".pdf")


def _load_files(folder: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.suffix.lower() in EXTENSIONS]


def _each(fn: Callable, calls: Iterable[tuple]) -> None:
    for args in calls:
        fn(*args)


def _timed(fn: Callable[[], object], repeat: int) -> float:
    """Best CPU seconds of `repeat` runs: CPU time, because the 2-core box is usually shared."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def run(files: list[tuple[str, bytes]], repeat: int = 1) -> dict[str, float]:
    """Seconds per stage over all files, plus 'mb' (UTF-8 megabytes of the stored texts)."""
    import rjieba

    from etl.boilerplate import strip_boilerplate
    from etl.facts import extract_facts
    from etl.metadata import extract_metadata
    from etl.normalize import normalize_text
    from etl.outline import parse_outline
    from etl.pipeline import ParseContext, parse_report
    from etl.read import read_document
    from etl.read.encoding import decode_bytes

    ctx = ParseContext.load()
    docs = [read_document(data, name) for name, data in files]
    texts = [d.text for d in docs]
    names = [name for name, _ in files]
    metas = [extract_metadata(t, n, ctx.gazetteer) for t, n in zip(texts, names, strict=True)]
    outlines = [parse_outline(t) for t in texts]
    txt = [data for name, data in files if name.endswith(".txt")]
    decoded = [decode_bytes(d)[0] for d in txt]
    normalised = [normalize_text(s) for s in decoded]
    # Each stage keeps no results: a growing heap makes the garbage collector dearer for later stages.
    stages = {
        "decode (txt)": lambda: _each(decode_bytes, ((d,) for d in txt)),
        "normalize (txt)": lambda: _each(normalize_text, ((s,) for s in decoded)),
        "boilerplate (txt)": lambda: _each(strip_boilerplate, ((s,) for s in normalised)),
        "read_document": lambda: _each(read_document, ((data, name) for name, data in files)),
        "metadata": lambda: _each(extract_metadata, ((t, n, ctx.gazetteer) for t, n in zip(texts, names, strict=True))),
        "outline": lambda: _each(parse_outline, ((t,) for t in texts)),
        "facts": lambda: _each(extract_facts, ((t, s, m.value("year"), ctx.catalog)
                                               for t, s, m in zip(texts, outlines, metas, strict=True))),
        "parse_report": lambda: _each(parse_report, ((data, name, ctx) for name, data in files)),
        "rjieba.cut": lambda: _each(rjieba.cut, ((t,) for t in texts)),
    }
    out = {name: _timed(fn, repeat) for name, fn in stages.items()}
    out["mb"] = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    out["mb_txt"] = sum(len(s.encode("utf-8")) for s in normalised) / 1e6
    return out


def _generate(folder: Path, args) -> list[tuple[str, bytes]]:
    from etl.synth import generate, parse_formats

    generate(args.n, folder, seed=args.seed, formats=parse_formats(args.formats))
    return _load_files(folder)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dir", help="folder of report files (default: generate a synthetic corpus)")
    p.add_argument("--n", type=int, default=300, help="reports to generate when --dir is not given")
    p.add_argument("--seed", type=int, default=2)
    p.add_argument("--formats", default="txt", help="formats to generate (default txt)")
    p.add_argument("--repeat", type=int, default=1, help="runs per stage; the best is kept")
    args = p.parse_args(argv)
    if args.dir:
        files = _load_files(Path(args.dir))
    else:
        with tempfile.TemporaryDirectory(prefix="bench_parse_") as tmp:
            files = _generate(Path(tmp), args)
    r = run(files, args.repeat)
    mb, cut = r["mb"], r["rjieba.cut"]
    print(f"{len(files)} files, {mb:.2f} MB of stored text (UTF-8), CPU seconds, best of {args.repeat}")
    for name, sec in r.items():
        if name in ("mb", "mb_txt"):
            continue
        size = r["mb_txt"] if name.endswith("(txt)") else mb
        print(f"  {name:<20} {sec:7.3f} s  {size / max(sec, 1e-9):8.2f} MB/s")
    print(f"parse_report / rjieba.cut throughput ratio: {cut / max(r['parse_report'], 1e-9):.3f} (target >= 0.5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
