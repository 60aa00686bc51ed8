"""bench/bench_scale_terms.py runs end to end on a tiny corpus and prints every figure with its target (no timing
is asserted)."""
from __future__ import annotations

import re
import subprocess
import sys

from .conftest import ROOT


def test_scale_bench_prints_every_figure(tmp_path):
    proc = subprocess.run([sys.executable, "bench/bench_scale_terms.py", "--work", str(tmp_path), "--n", "12",
                           "--batch", "6", "--rounds", "1", "--sizes", "20", "30", "--repeats", "1", "--ingest", "8"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    for pattern in (r"ingest time per report 30 / 20: [\d.]+x \(target <= 1.5x, flat\)",
                    r"kw_kwic at 30 reports: p50 \d+ ms, p95 \d+ ms \(target p95 < 250 ms\)",
                    r"kw_sentences at 30 reports: p50 \d+ ms, p95 \d+ ms \(target p95 < 250 ms\)",
                    r"warehouse file at 30 reports: .*target <= 1.00x\)",
                    r"etl ingest of 8 reports \(2 workers\): .* \(target < 180 s\)",
                    r"etl rebuild of 8 reports .* \(target < 180 s\)",
                    r"ingest peak RSS \d+ MB"):
        assert re.search(pattern, out), pattern
