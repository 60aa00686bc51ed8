"""The benchmarks run end to end on a tiny corpus (CI proves they work; no timing is asserted)."""
from __future__ import annotations

import re
import subprocess
import sys

from .conftest import ROOT


def test_bench_runs_and_reports_every_figure(tmp_path):
    results = tmp_path / "results.md"
    proc = subprocess.run([sys.executable, "bench/run.py", "--n", "12", "--scale", "30", "--repeats", "1",
                           "--work", str(tmp_path / "work"), "--results", str(results)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = results.read_text(encoding="utf-8")
    sections = re.findall(r"^## (.+)$", text, re.M)
    assert sections == ["ETL throughput", "Extraction on the synthetic corpus", "Query latency at 30 reports",
                        "Page load at 30 reports (headless chromium, navigation → first Plotly chart)"]
    assert re.search(r"^\| ingest, 1 worker\(s\) \| [\d.]+ \| \d+ \| [\d.]+ \| [\d.]+ \| \d+ \|$", text, re.M)
    assert re.search(r"^\| ingest, 2 worker\(s\) \|", text, re.M)
    for figure in ("bare `rjieba.cut`", "Fixed cost of one ingest", "ETL 1 worker / bare rjieba",
                   "ETL 2 workers / 1 worker", "Re-ingest of the unchanged corpus", "Warehouse file",
                   "Facts (core indicators, reported): precision", "metadata accuracy over 12 files",
                   "App server peak RSS"):
        assert figure in text, figure
    timed = set(re.findall(r"^\| (\w+) \| [\d.]+ \| [\d.]+ \|$", text, re.M))
    pages = {"overview", "trends", "rankings", "keywords"}
    queries = {p.stem for p in (ROOT / "etl" / "queries").glob("*.sql") if not p.stem.startswith("export_")}
    assert timed == queries | pages  # pages: a new-tab and an in-app time each


def test_pdf_bench_runs_and_reports_every_figure():
    proc = subprocess.run([sys.executable, "bench/bench_pdf.py", "--n", "4", "--repeat", "1"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert re.search(r"^4 PDFs, \d+ pages, [\d.]+ MB", out, re.M)
    for reader in ("pdfminer", "pdfium"):
        assert re.search(rf"^  {reader} +[\d.]+ s +[\d.]+ MB/s +[\d.]+ pages/s$", out, re.M), reader
    assert re.search(r"^pdfium / pdfminer throughput ratio: [\d.]+x \(target >= 10x\)$", out, re.M)
    assert re.search(r"^identical text from read_pdf: \d of 4 files; identical stored text: \d of 4$", out, re.M)
