"""Run a command and measure the peak RSS of its process tree, free of the caller's own peak."""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

# Linux carries a process's peak RSS across fork and exec, so a command forked straight from a large process
# (pytest, the benchmark) would report at least that process's peak. A small launcher starts the command and
# reports the peak of the command's tree alone; the command inherits the launcher's stdout and stderr.
_LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_with_peak_rss(cmd: list[str], **run_kwargs) -> tuple[subprocess.CompletedProcess, int]:
    """subprocess.run(cmd, **run_kwargs) through the launcher; returns the result and the peak RSS in KiB."""
    with tempfile.TemporaryDirectory() as tmp:
        rss_file = Path(tmp) / "rss"
        proc = subprocess.run([sys.executable, "-c", _LAUNCHER, str(rss_file), *cmd], **run_kwargs)
        return proc, int(rss_file.read_text(encoding="utf-8"))
