"""bench/bench_corrections.py runs end to end on a tiny warehouse and prints every figure (no timing asserted)."""
from __future__ import annotations

import re
import subprocess
import sys

from .conftest import ROOT


def test_corrections_bench_runs_and_reports_every_figure(tmp_path):
    proc = subprocess.run([sys.executable, "bench/bench_corrections.py", "--reports", "60", "--base", "12",
                           "--work", str(tmp_path), "--saves", "3", "--reviewers", "2", "--seconds", "2",
                           "--import-rows", "40", "--repeats", "1"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    for label in ("save (checks + append to the store)", "the reviewer's next read shows it",
                  "another session/server's next read shows it"):
        assert re.search(rf"{re.escape(label)}\s+p50 +[\d.]+ ms  p95 +[\d.]+ ms", out), label
    assert re.search(r"slowest overlaid p95: \w+ \d+ ms \(target < 250 ms\)", out)
    assert re.search(r"saves \d+ \(\d+, \d+\), failed 0, lost 0, duplicated 0, unexpected 0", out)
    assert re.search(r"^   [\d.]+ s \(target < 10 s\): imported 40, refused 0$", out, re.M)
    assert "warehouse file unchanged by every save and the import (inode, size, mtime): True" in out
