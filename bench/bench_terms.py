"""Term counting vs bare rjieba.cut over the same texts in the same run (target ≤ 1.5×); jieba.lcut for reference."""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Runnable as a script from anywhere: the repo root holds the etl package.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET = 1.5


def _timed(fns: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Best CPU seconds of each function over `repeat` rounds, interleaved so that load from other processes
    on the shared box hits every contender alike."""
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeat):
        for name, fn in fns.items():
            t = time.process_time()
            fn()
            best[name] = min(best[name], time.process_time() - t)
    return best


def load_texts(folder: Path, copies: int) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    return texts * copies


def run(texts: list[str], repeat: int = 3, with_jieba: bool = True) -> dict[str, float]:
    """MB/s of each engine and the ratio count_terms / bare cut (the same dictionary loaded in both)."""
    import rjieba

    from etl.segment import JiebaTokenizer, Tokenizer, load_stopwords
    from etl.terms import count_terms

    tk, stop = Tokenizer.load(), load_stopwords()
    bare = rjieba.Jieba()
    for e in tk.entries:  # the same words, so both sides segment the same way
        bare.add_word(e.word, e.freq, e.tag)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    out = {"mb": mb, **_timed({"bare_s": lambda: [bare.cut(t) for t in texts],
                               "ours_cut_s": lambda: [tk.cut(t) for t in texts],
                               "terms_s": lambda: [count_terms(t, tk, stop) for t in texts]}, repeat)}
    if with_jieba:
        jb = JiebaTokenizer.load()
        out.update(_timed({"jieba_s": lambda: [jb.cut(t) for t in texts]}, 1))
    out["ratio"] = out["terms_s"] / out["bare_s"]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--folder", default=str(ROOT / "data" / "reports"))
    ap.add_argument("--copies", type=int, default=40, help="repeat the sample texts to get a measurable size")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-jieba", action="store_true", help="skip pure-Python jieba (slow)")
    args = ap.parse_args(argv)
    r = run(load_texts(Path(args.folder), args.copies), args.repeat, not args.no_jieba)
    print(f"text: {r['mb']:.2f} MB in {args.copies}× the sample reports (best of {args.repeat}, CPU time)")
    print(f"bare rjieba.cut          {r['mb'] / r['bare_s']:8.1f} MB/s")
    print(f"Tokenizer.cut            {r['mb'] / r['ours_cut_s']:8.1f} MB/s")
    print(f"count_terms              {r['mb'] / r['terms_s']:8.1f} MB/s")
    if "jieba_s" in r:
        print(f"jieba.lcut (reference)   {r['mb'] / r['jieba_s']:8.2f} MB/s")
    verdict = "ok" if r["ratio"] <= TARGET else "OVER TARGET"
    print(f"count_terms / bare cut   {r['ratio']:8.2f}×  (target ≤ {TARGET}×: {verdict})")
    return 0 if r["ratio"] <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
