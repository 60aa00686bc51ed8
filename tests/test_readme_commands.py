"""Every `python -m etl` command line the README shows is accepted by the CLI, and the offline ones run."""
from __future__ import annotations

import re
import shlex
import shutil

import pytest

from etl.cli import build_parser, main

from .conftest import ROOT, SAMPLE_REPORTS

README = (ROOT / "README.md").read_text(encoding="utf-8")
# `python -m etl …` lines in code blocks and inline code, options in [brackets] and comments dropped.
LINES = sorted({re.sub(r"\s*\[[^\]]*\]", "", m.group(1)).split("#")[0].strip().replace(" …", "")
                for m in re.finditer(r"python -m etl ([^`\n]+)", README)})


def _argv(line: str, tmp) -> list[str]:
    """The README's placeholders made concrete under `tmp`."""
    words = {"FILE": str(tmp / "w.duckdb"), "PATH...": str(SAMPLE_REPORTS), "DIR": str(tmp / "out"),
             "N": "3", "S": "1", "URL...": "https://example.gov.cn/a.html", "CSV": str(tmp / "m.csv"),
             "K": "1", "data/warehouse.duckdb": str(tmp / "w.duckdb"), "/tmp/w.duckdb": str(tmp / "w.duckdb")}
    return [words.get(w, w) for w in shlex.split(line)]


def test_the_readme_shows_commands():
    assert len(LINES) >= 12 and any(line.startswith("corrections import") for line in LINES)


@pytest.mark.parametrize("line", LINES)
def test_every_readme_command_line_parses(line, tmp_path):
    # Regression: the README said `corrections import --db FILE corrections.csv` while the CLI wanted --in.
    args = build_parser().parse_args(_argv(line, tmp_path))
    assert callable(args.func)


RUN = ["ingest PATH... --db FILE", "check --db FILE", "rebuild --db FILE",
       "export facts --db FILE --out facts.xlsx", "export-parquet --db FILE --out DIR",
       "corrections export --db FILE --out corrections.csv",
       "corrections import --db FILE corrections.csv", "quality"]


def test_the_offline_commands_run_in_order(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(SAMPLE_REPORTS, tmp_path / "reports")
    for line in RUN:
        assert any(line in shown for shown in LINES), f"README does not show: {line}"
        assert main(_argv(line, tmp_path)) == 0, line
    out = capsys.readouterr().out
    assert "ingested: 5  unchanged: 0  failed: 0" in out and "all data checks pass" in out
    assert "imported: 0  already present: 0  conflicts: 0  invalid: 0" in out
    assert "== real-test: " in out and "== openings: 23 reports" in out
