"""Fetch reports from the web into a folder `ingest` reads: pages merged in order, attachments preferred."""
from __future__ import annotations

import csv
import hashlib
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from etl.fetch_html import MIN_BODY_CHARS, Link, Page, decode_page, matching_attachments, merge_pages, parse_page
from etl.fetch_http import Download, FetchError, FetchOptions, PoliteClient
from etl.fetch_store import MANIFEST_COLUMNS, Store, extension, safe_name, slug

MAX_PAGES = 50  # a report split over more pages than this is a pager gone wrong (e.g. a listing)
MAX_ATTACHMENTS = 3
MAX_FORWARDS = 3  # <meta http-equiv="refresh"> hops followed before a page counts as the report
READABLE = (".docx", ".pdf", ".html", ".txt")  # what etl.read can turn into a report
# ASCII ',' and ';' stay inside addresses (';jsessionid=', query values); the full-width ones separate.
_SPLIT = re.compile(r"[\s，；、]+")


@dataclass(frozen=True)
class FetchJob:
    """One address to fetch, with metadata from an input manifest (agency, year, ...) to pass on."""

    url: str
    meta: dict[str, str] = field(default_factory=dict)
    file: Optional[str] = None  # wanted report file name; its extension follows what was fetched


@dataclass
class FetchSummary:
    """What a fetch run did, address by address."""

    fetched: list[tuple[str, str]] = field(default_factory=list)  # (url, report file)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, "code: 中文 / English")
    notes: list[tuple[str, str]] = field(default_factory=list)  # (url, remark), e.g. an unreadable attachment
    files: list[Path] = field(default_factory=list)  # report files of fetched and skipped addresses, for ingest

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def lines(self) -> list[str]:
        out = [f"fetched: {len(self.fetched)}  skipped: {len(self.skipped)}  failed: {len(self.failed)}"]
        out += [f"  FAILED {url}: {reason}" for url, reason in self.failed]
        out += [f"  skipped {url}: {reason}" for url, reason in self.skipped]
        out += [f"  note {url}: {note}" for url, note in self.notes]
        return out


def parse_url_list(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """(addresses, rejected) from pasted text or a list file: one or more per line, '#' starts a comment."""
    urls, bad = [], []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):  # only whole-line comments: '#' inside an address is a fragment
            continue
        for token in _SPLIT.split(line):
            token = token.strip().strip("<>\"'“”‘’")
            if not token:
                continue
            parts = urlsplit(token)
            if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
                bad.append((token, FetchError("bad_url", "not an http(s) address").bilingual))
            elif token not in urls:
                urls.append(token)
    return urls, bad


def jobs_from_manifest(path: str | Path) -> list[FetchJob]:
    """Jobs from a CSV with a `url` column; its file and metadata columns travel into DIR/manifest.csv."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "url" not in reader.fieldnames:
            raise ValueError(f"{path}: a fetch manifest needs a 'url' column")
        jobs, seen = [], set()
        for row in reader:
            url = (row.get("url") or "").strip()
            if not url or url in seen:
                continue
            seen.add(url)
            meta = {k: v.strip() for k, v in row.items()
                    if k in MANIFEST_COLUMNS and k not in ("file", "url") and v and v.strip()}
            jobs.append(FetchJob(url, meta, (row.get("file") or "").strip() or None))
        return jobs


def fetch_reports(jobs: Iterable[FetchJob | str], out: str | Path, options: FetchOptions | None = None,
                  refresh: bool = False, progress: bool = True,
                  on_progress: Callable[[int, int], None] | None = None, transport=None) -> FetchSummary:
    """Fetch every job into `out`; a failure is recorded with its reason and the batch goes on."""
    jobs = [FetchJob(j) if isinstance(j, str) else j for j in jobs]
    store = Store(out)
    summary = FetchSummary()
    bar = _progress_bar(len(jobs), progress)
    with PoliteClient(options or FetchOptions(), transport=transport) as client:
        for done, job in enumerate(jobs, 1):
            bar.set_postfix_str(job.url[-40:], refresh=False)
            present = None if refresh else store.fetched(job.url)
            if present:
                summary.skipped.append((job.url, f"already fetched as {present} (--refresh fetches again)"))
                summary.files.append(store.out / present)
            else:
                try:
                    name = _fetch_one(client, store, job, summary)
                except FetchError as err:
                    summary.failed.append((job.url, err.bilingual))
                except OSError as err:  # a full disk or a permission problem fails this address, not the batch
                    summary.failed.append((job.url, FetchError("disk", str(err)).bilingual))
                except Exception as exc:  # a parsing bug on one odd page must not stop the batch either
                    summary.failed.append((job.url, FetchError("internal", f"{type(exc).__name__}: {exc}"[:300])
                                           .bilingual))
                else:
                    summary.fetched.append((job.url, name))
                    summary.files.append(store.out / name)
            bar.update(1)
            if on_progress:
                on_progress(done, len(jobs))
    bar.close()
    return summary


def _fetch_one(client: PoliteClient, store: Store, job: FetchJob, summary: FetchSummary) -> str:
    dl = client.get(job.url)
    stem = Path(safe_name(job.file)).stem if job.file else slug(job.url)
    raws: list[str] = []
    ext = extension(dl.final_url, dl.content_type, dl.body)
    if ext != ".html":  # the address is the document itself (a .pdf or .docx link)
        raws.append(store.rel(store.save_raw(dl, "document", report_stem=stem)))
        if ext not in READABLE:
            raise FetchError("unsupported", f"{dl.final_url} is a {ext} file, which ingest cannot read "
                                            "(save it as .docx)")
        return _finish(store, job, stem, ext, dl.body, None, dl, raws, "document")
    first = _page(store, dl, "page 1", stem, raws)
    seen = {job.url, dl.final_url}
    for _ in range(MAX_FORWARDS):
        # A near-empty page that only forwards (<meta http-equiv="refresh">) is a redirect in HTML clothing.
        if not first.refresh_url or first.refresh_url in seen or first.body_chars >= MIN_BODY_CHARS:
            break
        seen.add(first.refresh_url)
        dl = client.get(first.refresh_url)
        if extension(dl.final_url, dl.content_type, dl.body) != ".html":
            raws.append(store.rel(store.save_raw(dl, "document", report_stem=stem)))
            return _finish(store, job, stem, extension(dl.final_url, dl.content_type, dl.body), dl.body, None,
                           dl, raws, "document")
        first = _page(store, dl, "page 1", stem, raws)
        seen.add(dl.final_url)
    pages = [first]
    while pages[-1].next_url and pages[-1].next_url not in seen and len(pages) < MAX_PAGES:
        nxt = pages[-1].next_url
        seen.add(nxt)
        try:
            more = client.get(nxt)
        except FetchError as err:
            # Half a report would give wrong counts; the snapshots so far stay, and a re-run retries.
            raise FetchError(err.code, f"page {len(pages) + 1} ({nxt}): {err.reason}") from None
        if extension(more.final_url, more.content_type, more.body) != ".html":
            break
        seen.add(more.final_url)
        pages.append(_page(store, more, f"page {len(pages) + 1}", stem, raws))
    for link in _attachments(pages)[:MAX_ATTACHMENTS]:
        data, ext, note = _attachment(client, store, link, stem, raws)
        if data is not None:
            return _finish(store, job, stem, ext, data, pages, dl, raws, "attachment")
        summary.notes.append((job.url, note))
    kind = "page" if len(pages) == 1 else f"{len(pages)} pages merged"
    return _finish(store, job, stem, ".html", merge_pages(pages), pages, dl, raws, kind)


def _page(store: Store, dl: Download, role: str, stem: str, raws: list[str]) -> Page:
    text, encoding = decode_page(dl.body, dl.content_type)
    raws.append(store.rel(store.save_raw(dl, role, report_stem=stem, encoding=encoding)))
    return parse_page(text, dl.final_url)


def _attachments(pages: list[Page]) -> list[Link]:
    out, seen = [], set()
    for page in pages:
        for link in matching_attachments(page):
            if link.url not in seen:
                seen.add(link.url)
                out.append(link)
    return out


def _attachment(client: PoliteClient, store: Store, link: Link, stem: str,
                raws: list[str]) -> tuple[bytes | None, str, str]:
    """(bytes, extension, note): bytes None when the attachment cannot stand in for the page text."""
    try:
        dl = client.get(link.url)
    except FetchError as err:
        return None, "", f"attachment {link.url} not fetched ({err.code}: {err.reason}); kept the page text"
    raws.append(store.rel(store.save_raw(dl, "attachment", report_stem=stem, link_text=link.text)))
    ext = extension(dl.final_url, dl.content_type, dl.body)
    if ext not in (".docx", ".pdf"):
        return None, ext, f"attachment {link.url} is {ext}, which ingest cannot read; kept the page text"
    problem = _unreadable(dl.body, ext)
    if problem:
        return None, ext, f"attachment {link.url} unreadable ({problem}); kept the page text"
    return dl.body, ext, ""


def _unreadable(data: bytes, ext: str) -> str | None:
    try:
        from etl.read import read_document
    except ImportError:
        return None
    from etl.errors import ReportError

    try:
        read_document(data, "attachment" + ext)
    except ReportError as err:
        return err.reason
    except Exception as exc:  # a reader bug must not lose the page: fall back to the HTML text
        return f"{type(exc).__name__}: {exc}"[:200]
    return None


def _finish(store: Store, job: FetchJob, stem: str, ext: str, data: bytes, pages: list[Page] | None,
            first: Download, raws: list[str], kind: str) -> str:
    name = stem + ext
    owner = store.owner(name)
    if owner and owner != job.url:  # two addresses that fold to one file name: keep both apart
        name = f"{stem}_{hashlib.sha1(job.url.encode()).hexdigest()[:8]}{ext}"
    store.write_report(name, data, {"url": job.url, "final_url": first.final_url, "fetched_at": first.fetched_at,
                                    "status": first.status, "content_type": first.content_type, "kind": kind,
                                    "raw": raws})
    row = {"file": name, "url": job.url, **job.meta}
    published = next((p.published for p in pages or [] if p.published), None)
    if not row.get("published") and published:
        row["published"] = published
    store.record(row)
    return name


@dataclass
class ImportResult:
    """What the Import page shows after a pasted list of addresses: the fetch and the ingest summaries."""

    fetch: FetchSummary
    ingest: object | None = None  # etl.ingest.IngestSummary, None when nothing was there to ingest


def import_urls(text: str, out: str | Path, db: str | Path, *, options: FetchOptions | None = None,
                refresh: bool = False, on_progress: Callable[[str, int, int], None] | None = None,
                transport=None, workers: int | None = None) -> ImportResult:
    """Fetch the addresses pasted into `text` into `out`, then ingest the fetched reports into `db`.

    on_progress(stage, done, total) is called with stage 'fetch' then 'ingest'. Unparseable lines appear in
    result.fetch.failed; network failures never raise. Without `options`, loopback and private addresses are
    refused: anyone who can reach the app can paste an address, and it must not reach the server's own network.
    """
    urls, bad = parse_url_list(text)
    options = options or FetchOptions(allow_private=False)
    fetched = fetch_reports(urls, out, options, refresh=refresh, progress=False, transport=transport,
                            on_progress=(lambda d, t: on_progress("fetch", d, t)) if on_progress else None)
    fetched.failed[:0] = bad
    return ImportResult(fetched, ingest_fetched(fetched, db, progress=False, workers=workers, on_progress=(
        (lambda d, t: on_progress("ingest", d, t)) if on_progress else None)))


def ingest_fetched(summary: FetchSummary, db: str | Path, progress: bool = True,
                   on_progress: Callable[[int, int], None] | None = None, workers: int | None = None):
    """Ingest exactly the report files of a fetch (never the raw snapshots); None when there are none."""
    files = [str(f) for f in summary.files if f.is_file()]
    if not files:
        return None
    from etl.ingest import ingest

    return ingest(files, str(db), progress=progress, on_progress=on_progress, workers=workers)


def _progress_bar(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="url", disable=not enabled or total == 0, file=sys.stderr, dynamic_ncols=True)
