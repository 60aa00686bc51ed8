"""Jobs for the supervised-worker tests: importable, so spawned workers can run them."""
from __future__ import annotations

import os
import time


def job(spec: tuple[str, int]) -> int:
    kind, value = spec
    if kind == "hang":
        time.sleep(600)
    if kind == "crash":
        os._exit(3)  # dies as a segfault in C code would: no exception, no reply
    if kind == "memory":
        return len(bytearray(3 * 2**30))  # past the cap
    return value * 2


def dies_on_start() -> None:
    """An initialiser that kills its worker before it is ready (a broken interpreter or import)."""
    os._exit(4)
