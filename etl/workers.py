"""Supervised parser processes: a time limit per job and a memory cap per worker; one that hangs, runs out of
memory or dies is replaced, and only its job fails, never the batch."""
from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Optional

_MAX_EARLY_DEATHS = 3


class WorkerStartError(RuntimeError):
    """Parser processes die before they can take a job (a broken interpreter or import): no file is to blame."""


@dataclass(frozen=True)
class Limits:
    """Per-job wall time and per-worker address space. From the environment: PARSE_TIMEOUT (seconds, default
    30) and PARSE_MEMORY_MB (default 2048; 0 turns the cap off)."""

    seconds: float = 30.0
    memory_bytes: Optional[int] = 2048 * 2**20

    @classmethod
    def from_env(cls) -> Limits:
        seconds = float(os.environ.get("PARSE_TIMEOUT", "30"))
        mb = int(os.environ.get("PARSE_MEMORY_MB", "2048"))
        return cls(seconds, mb * 2**20 if mb > 0 else None)


def _worker_main(conn: Connection, fn: Callable, init: Optional[Callable], memory: Optional[int]) -> None:
    """One worker: cap the address space, load what parsing needs, then run jobs until told to stop."""
    if memory:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if init:
        init()
    conn.send(("ready", None))
    while True:
        msg = conn.recv()
        if msg is None:
            return
        idx, job = msg
        try:
            result = ("ok", fn(job))
        except MemoryError:  # the cap was hit in Python code: this job is too big, the worker is fine
            result = ("too_complex", None)
        conn.send((idx, result))


class _Worker:
    def __init__(self, ctx, fn: Callable, init: Optional[Callable], memory: Optional[int]):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, fn, init, memory), daemon=True)
        self.proc.start()
        child.close()
        self.ready = False
        self.job: Optional[tuple[int, float]] = None  # (index, start time) of the job it runs

    def stop(self, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except (BrokenPipeError, OSError):
                kill = True
        if kill:
            self.proc.kill()
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def supervised_map(fn: Callable[[Any], Any], jobs: Iterable[Any], workers: int,
                   failed: Callable[[Any, str], Any], init: Optional[Callable] = None,
                   limits: Limits = Limits(), window: int = 64) -> Iterator[Any]:
    """fn over jobs in `workers` spawned processes, yielding results in job order.

    A job past `limits.seconds` is reported as failed(job, 'timeout'), one that exhausts the memory cap or kills
    its worker as failed(job, 'too_complex'); the worker is replaced and the rest go on. At most `window` jobs
    are ahead of the first unfinished one, so results the caller has not taken yet never pile up.
    """
    ctx = mp.get_context("spawn")  # a fresh interpreter: no copy of the caller's memory under the cap
    jobs = list(jobs)
    pool = [_Worker(ctx, fn, init, limits.memory_bytes) for _ in range(max(1, workers))]
    todo = deque(range(len(jobs)))
    done: dict[int, Any] = {}
    nxt = 0
    early_deaths = 0  # workers in a row that died before they were ready: the interpreter cannot start them
    try:
        while nxt < len(jobs):
            for w in pool:
                if w.ready and w.job is None and todo and todo[0] < nxt + window:
                    idx = todo.popleft()
                    w.conn.send((idx, jobs[idx]))
                    w.job = (idx, time.monotonic())
            busy = [w for w in pool if w.job is not None]
            deadlines = [w.job[1] + limits.seconds for w in busy]
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            for conn in wait([w.conn for w in pool], timeout=timeout):
                w = next(x for x in pool if x.conn is conn)
                try:
                    idx, outcome = conn.recv()
                except (EOFError, OSError):  # the worker died: killed by the kernel, a crash in C code
                    if w.job is not None:
                        done[w.job[0]] = failed(jobs[w.job[0]], "too_complex")
                    elif not w.ready:
                        early_deaths += 1
                        if early_deaths >= _MAX_EARLY_DEATHS:  # replacing them forever would hang the batch
                            raise WorkerStartError(
                                f"{early_deaths} parser workers in a row died while starting") from None
                    pool[pool.index(w)] = _replace(w, ctx, fn, init, limits)
                    continue
                if idx == "ready":
                    w.ready = True
                    early_deaths = 0
                    continue
                status, value = outcome
                done[idx] = value if status == "ok" else failed(jobs[idx], status)
                w.job = None
            now = time.monotonic()
            for i, w in enumerate(pool):
                if w.job is not None and now - w.job[1] > limits.seconds:
                    done[w.job[0]] = failed(jobs[w.job[0]], "timeout")
                    pool[i] = _replace(w, ctx, fn, init, limits)
            while nxt in done:
                yield done.pop(nxt)
                nxt += 1
    finally:
        for w in pool:
            w.stop(kill=w.job is not None)


def _replace(w: _Worker, ctx, fn: Callable, init: Optional[Callable], limits: Limits) -> _Worker:
    w.stop(kill=True)
    return _Worker(ctx, fn, init, limits.memory_bytes)
