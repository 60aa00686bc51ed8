"""Ingest: files on disk → parsed reports (in worker processes) → one writer loading the warehouse."""
from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from etl.errors import ReportError
from etl.manifest import MANIFEST_COLUMNS, MANIFEST_NAME, read_manifest  # noqa: F401  (re-exported)
from etl.pipeline import PARSER_VERSION, ParseContext, content_hash, parse_report, parse_text
from etl.records import META_FIELDS, ParsedReport
from etl.rows import report_id_of
from etl.warehouse import Warehouse, writing
from etl.workers import Limits, supervised_map

DOCUMENT_SUFFIXES = frozenset({".txt", ".text", ".htm", ".html", ".shtml", ".xhtml", ".docx", ".pdf", ".doc", ".wps"})
# Checked before reading, so a huge file never enters memory; the readers enforce the same cap on bytes.
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass
class IngestSummary:
    """What one ingest did, file by file."""

    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file name, bilingual reason)
    replaced: list[tuple[str, str, str]] = field(default_factory=list)  # (source key, old report id, new one)
    check_failures: dict[str, list[tuple]] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.check_failures else 0


class SourceFile(NamedTuple):
    """One file to ingest: where it is, the key that names its source, its manifest row and the folder it was
    found under (a link must not lead out of it)."""

    path: Path
    key: str
    manifest_row: dict[str, str] | None
    root: Path


def collect_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Every report file under `paths`, in a stable order.

    In folders, only document extensions are taken (legacy .doc/.wps too, so that they get a clear reason);
    manifests, sidecars, ground truth and hidden files are left alone. A file named explicitly is always taken.
    """
    return [f for f, _, _ in _walk(paths)]


def _walk(paths: Iterable[str | os.PathLike]) -> Iterator[tuple[Path, str, Path]]:
    """(file, source key, root folder) triples. The key is the file's path below the folder that holds the
    ingested root, so `a/index.txt` and `b/index.txt` are two sources whether they come in one batch or two,
    and a file named on its own gets the same key as when its folder is ingested."""
    for p in map(Path, paths):
        if not p.is_dir():
            yield p, f"{p.absolute().parent.name}/{p.name}", p.absolute().parent.resolve()
            continue
        root = p.resolve().name
        for f in sorted(p.rglob("*")):
            # Hidden folders (the fetcher's .raw/ snapshots, .git) hold no reports of their own.
            rel = f.relative_to(p)
            # Links and special files are taken only to be checked, and refused with a reason, in ingest.
            if (f.is_symlink() or not f.is_dir()) and not any(part.startswith(".") for part in rel.parts) \
                    and f.suffix.lower() in DOCUMENT_SUFFIXES:
                yield f, f"{root}/{rel.as_posix()}", p.resolve()


def collect_sources(paths: Iterable[str | os.PathLike], manifest: str | None = None) -> list[SourceFile]:
    """Every file to ingest with its source key and manifest row.

    A folder's manifest.csv describes the files of that folder only. An explicit `manifest` (by base name)
    applies to every file and wins. A manifest URL is the source key: it names the source better than a path.
    """
    explicit = read_manifest(manifest) if manifest else {}
    folder_rows: dict[Path, dict[str, dict[str, str]]] = {}
    out = []
    for f, key, root in _walk(paths):
        folder = f.absolute().parent
        if folder not in folder_rows:
            m = folder / MANIFEST_NAME
            folder_rows[folder] = read_manifest(m) if m.is_file() else {}
        row = {**folder_rows[folder].get(f.name, {}), **explicit.get(f.name, {})} or None
        out.append(SourceFile(f, (row or {}).get("url") or key, row, root))
    return out


# ---- the worker side: a pure function of the file ----------------------------------------------------------
_worker_ctx: list[ParseContext] = []  # one per worker process, set by the pool initializer


def _init_worker() -> None:
    _worker_ctx.append(ParseContext.load())


def _parse_file(job: tuple[str, str, dict | None, bytes | None]) -> tuple[str, ParsedReport | ReportError]:
    path, name, manifest_row, data = job
    ctx = _worker_ctx[0]
    try:
        if data is None:
            data = Path(path).read_bytes()
        source = (manifest_row or {}).get("source", "real")
        meta_row = {k: v for k, v in (manifest_row or {}).items() if k != "source"}
        return name, parse_report(data, name, ctx, meta_row or None, source=source)
    except ReportError as err:
        return name, err
    except Exception as exc:  # a parser bug must not take the batch down; it is logged with its type
        return name, _internal_error(exc)


def _internal_error(exc: Exception) -> ReportError:
    return ReportError("internal", f"解析出错:{type(exc).__name__}",
                       f"parser error: {type(exc).__name__}: {exc}"[:300])


def _parse_all(jobs: list, workers: int,
               fn: Callable = _parse_file) -> Iterator[tuple[str, ParsedReport | ReportError]]:
    """fn over the jobs, in order: in this process, or in `workers` supervised processes.

    Every file has a time limit (PARSE_TIMEOUT) and, in worker processes, a memory cap (PARSE_MEMORY_MB): a
    file past either is logged as `timeout` or `too_complex`, its worker is replaced, and the batch goes on.
    """
    if not jobs:
        return  # an unchanged corpus: nothing to parse, so no dictionaries to load
    limits = Limits.from_env()
    if workers <= 1 or len(jobs) < 4:
        if not _worker_ctx:
            _init_worker()
        for job in jobs:
            yield _in_process(fn, job, limits)
        return
    yield from supervised_map(fn, jobs, workers, _failed_job, init=_init_worker, limits=limits)


def _failed_job(job: tuple, kind: str) -> tuple[str, ReportError]:
    name = job[1]
    limits = Limits.from_env()
    if kind == "timeout":
        return name, ReportError("timeout", f"解析超时(超过 {limits.seconds:g} 秒)",
                                 f"parsing took longer than {limits.seconds:g} s")
    return name, ReportError("too_complex", "文件过于复杂:解析时内存不足或进程崩溃",
                             "too complex: parsing ran out of memory or crashed")


def _in_process(fn: Callable, job: tuple, limits: Limits) -> tuple[str, ParsedReport | ReportError]:
    """One job here; in the main thread a SIGALRM enforces the time limit (Streamlit runs pages in other threads,
    where no alarm can be set: uploads there are small and single)."""
    if threading.current_thread() is not threading.main_thread():
        return fn(job)

    def expired(signum, frame):
        raise _Expired

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, limits.seconds)
    try:
        return fn(job)
    except _Expired:
        return _failed_job(job, "timeout")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


class _Expired(BaseException):
    """Raised by the alarm; a BaseException so the parser's own `except Exception` cannot swallow it."""


class _BatchWriter:
    """Collects parsed reports and log lines; flushes them in one transaction per batch."""

    def __init__(self, wh: Warehouse, summary: IngestSummary, batch_size: int = 200):
        self.wh = wh
        self.summary = summary
        self.batch_size = batch_size
        self.pending: list[tuple[ParsedReport, dict | None]] = []
        self.logs: list[tuple] = []
        # source key -> (report id, file name, agency, year) of the report it holds now
        self.sources = {key: rest for key, *rest in wh.con.execute(
            "SELECT source_key, report_id, file_name, agency, year FROM reports").fetchall()}
        self.replaced: list[str] = []
        self.written: list[str] = []  # report ids this run wrote: what the data checks look at

    def add(self, name: str, result: ParsedReport | ReportError, key: str | None = None) -> None:
        key = key or name
        if isinstance(result, ReportError):
            self.log(name, "failed", result.reason, result.code, key=key)
            self.summary.failed.append((name, result.reason))
        else:
            rid = report_id_of(result.content_hash)
            old = self.sources.get(key)
            note = None
            if old and old[0] != rid:
                # A new version of the same source replaces the old report, and says which one it was.
                self.replaced.append(old[0])
                what = " ".join(str(v) for v in (old[2], old[3]) if v is not None) or old[1]
                note = f"替换同一来源的旧版本 {old[0]}({what}) / replaces the earlier version {old[0]} ({what})"
                self.summary.replaced.append((key, old[0], rid))
            self.sources[key] = (rid, name, None, None)
            self.pending.append((dataclasses.replace(result, source_key=key), _manifest_of(result)))
            self.log(name, "ingested", note, "replaced" if note else None, rid, key)
            self.summary.ingested.append(name)
        if len(self.pending) >= self.batch_size:
            self.flush()

    def log(self, name: str, status: str, reason: str | None, code: str | None, rid: str | None = None,
            key: str | None = None) -> None:
        self.logs.append((name, status, reason, code, rid, key))

    def flush(self) -> None:
        if self.pending:
            self.written += self.wh.write_batch(self.pending, PARSER_VERSION, delete_first=self.replaced)
        self.wh.log_many(self.logs)
        self.pending, self.logs, self.replaced = [], [], []


def ingest(paths: list[str], db: str, manifest: str | None = None, workers: int | None = None,
           progress: bool = True, on_progress: Callable[[int, int], None] | None = None,
           batch_size: int = 200) -> IngestSummary:
    """Ingest files and folders into the warehouse at `db` (created when missing).

    A report is its content (hash) from a source (URL, or path under the ingested folder): two different files
    of the same name are two reports, a new version of one source replaces the old (the summary names both),
    and the same bytes under a second name are one report. A file that cannot be read is logged in ingest_log
    with its reason; the others still go in. Reports are written in batches, each batch in one transaction, and
    the finished warehouse is swapped in atomically (see warehouse.writing).
    """
    workers = workers or os.cpu_count() or 1
    sources = collect_sources(paths, manifest)
    summary = IngestSummary()
    # A batch whose data checks fail is thrown away whole (writing() keeps the old file); the summary says why.
    with contextlib.suppress(ChecksFailed), writing(db) as wh:
        _load_catalog_table(wh)
        known = wh.known_sources()  # content hash -> source key
        out = _BatchWriter(wh, summary, batch_size)
        jobs, keys = [], []
        for f, key, row, root in sources:
            name = f.name
            refused = _refuse(f, root) or _bad_manifest_row(row)
            if refused:
                out.add(name, refused, key)
                continue
            if f.stat().st_size > MAX_FILE_BYTES:
                out.add(name, ReportError("too_large", f"文件超过 {MAX_FILE_BYTES // 2**20} MB 上限",
                                          f"file exceeds the {MAX_FILE_BYTES // 2**20} MB limit"), key)
                continue
            try:
                data = f.read_bytes()
            except OSError as err:  # no read permission, a file removed meanwhile: this file fails, not the batch
                out.add(name, _unreadable(err), key)
                continue
            digest = content_hash(data)
            if digest in known:
                same = known[digest]
                reason = None if same == key else f"与 {same} 内容相同 / same content as {same}"
                out.log(name, "unchanged", reason, None if same == key else "duplicate", report_id_of(digest), key)
                summary.unchanged.append(name)
                continue
            known[digest] = key
            jobs.append((str(f), name, row, data if workers <= 1 else None))
            keys.append(key)
        bar = _progress_bar(len(jobs), progress)
        for done, ((name, result), key) in enumerate(zip(_parse_all(jobs, workers), keys, strict=True), 1):
            out.add(name, result, key)
            bar.update(1)
            if on_progress:
                on_progress(done, len(jobs))
        out.flush()
        bar.close()
        _checked(wh, summary, out.written)
    return summary


class ChecksFailed(Exception):
    """Raised inside the writer so that a batch whose data checks fail is thrown away, never swapped in."""


def _checked(wh: Warehouse, summary: IngestSummary, ids: list[str] | None) -> None:
    summary.check_failures = wh.run_checks(ids)
    if summary.check_failures:
        summary.ingested.clear()  # nothing of this batch reaches the warehouse
        raise ChecksFailed(", ".join(summary.check_failures))


def _bad_manifest_row(row: dict | None) -> ReportError | None:
    """A manifest row whose values failed their checks fails its file only, with the reason."""
    if row and "_error" in row:
        zh, _, en = row["_error"].partition(" / ")
        return ReportError("bad_manifest", zh, en or zh)
    return None


def _unreadable(err: OSError) -> ReportError:
    return ReportError("unreadable", f"无法读取文件:{err.strerror}", f"cannot read the file: {err.strerror}")


def _refuse(f: Path, root: Path) -> ReportError | None:
    """Why this path is not read at all: a link out of its folder, or not a regular file (a FIFO would block)."""
    try:
        if f.is_symlink() and not f.resolve().is_relative_to(root):
            return ReportError("outside_root", "链接指向导入目录之外,已跳过",
                               "a link that leads outside the ingested folder: skipped")
        mode = f.stat().st_mode
    except OSError as err:
        return _unreadable(err)
    if not stat.S_ISREG(mode):
        return ReportError("not_a_file", "不是普通文件(管道、设备等),已跳过",
                           "not a regular file (a pipe, a device): skipped")
    return None


def _manifest_of(rep: ParsedReport) -> dict | None:
    fields = {n: getattr(rep.meta, n).value for n in META_FIELDS if getattr(rep.meta, n).source == "manifest"}
    return fields or None


def _load_catalog_table(wh: Warehouse) -> None:
    from etl.catalog import load_catalog

    wh.set_indicators(load_catalog().table_rows())


def _reparse(job: tuple) -> tuple[str, ParsedReport | ReportError]:
    import json

    digest, name, fmt, encoding, text, manifest_json, source, key = job
    try:
        rep = parse_text(text, name, digest, fmt, encoding, _worker_ctx[0],
                         json.loads(manifest_json) if manifest_json else None, source)
        return name, dataclasses.replace(rep, source_key=key)
    except ReportError as err:
        return name, err
    except Exception as exc:  # as in ingest: one report's parser bug is logged, the rebuild goes on
        return name, _internal_error(exc)


def rebuild(db: str, progress: bool = True, workers: int | None = None) -> IngestSummary:
    """Re-parse every stored text with the current code, keeping manifest overrides."""
    workers = workers or os.cpu_count() or 1
    summary = IngestSummary()
    # A batch whose data checks fail is thrown away whole (writing() keeps the old file); the summary says why.
    with contextlib.suppress(ChecksFailed), writing(db) as wh:
        _load_catalog_table(wh)
        jobs = [row[1:] for row in wh.stored_reports()]
        out = _BatchWriter(wh, summary)
        bar = _progress_bar(len(jobs), progress)
        for (name, result), job in zip(_parse_all(jobs, workers, _reparse), jobs, strict=True):
            if isinstance(result, ReportError):
                # The stored report stays as it was; the failure is logged and the rebuild goes on.
                summary.failed.append((name, result.reason))
                out.log(name, "failed", result.reason, result.code, report_id_of(job[0]), job[7])
            else:
                out.pending.append((result, _manifest_of(result)))
                summary.ingested.append(name)
                if len(out.pending) >= out.batch_size:
                    out.flush()
            bar.update(1)
        out.flush()
        bar.close()
        _checked(wh, summary, None)
    return summary


def _progress_bar(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="report", disable=not enabled or total == 0, file=sys.stderr,
                dynamic_ncols=True, smoothing=0.1)
