"""Where fetches land: raw snapshots + sidecars under DIR/.raw/, report files and manifest.csv in DIR."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
from pathlib import Path, PurePosixPath
from typing import Optional
from urllib.parse import unquote, urlsplit

from etl.fetch_http import Download
from etl.manifest import MANIFEST_COLUMNS, MANIFEST_NAME  # one list: the columns ingest reads

RAW_DIR = ".raw"  # a hidden folder: raw pagination pages must never be ingested as reports of their own
SIDECAR = ".meta.json"
MANIFEST = MANIFEST_NAME

_UNSAFE = re.compile(r"[^\w.\-]+")
_CT_EXT = (("html", ".html"), ("pdf", ".pdf"), ("wordprocessingml", ".docx"), ("msword", ".doc"),
           ("wps", ".wps"), ("text/plain", ".txt"))
_KNOWN_EXTS = (".html", ".htm", ".shtml", ".pdf", ".docx", ".doc", ".wps", ".txt")


def slug(url: str, max_len: int = 90) -> str:
    """A file-name stem for a URL: host and path, unsafe characters folded to '_', a hash when shortened."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    stem = str(PurePosixPath(path).with_suffix("")) if PurePosixPath(path).suffix.lower() in _KNOWN_EXTS \
        else path
    text = _UNSAFE.sub("_", f"{parts.netloc or 'host'}_{stem}_{parts.query}").strip("_.")
    text = re.sub(r"_+", "_", text)
    if len(text) > max_len:
        text = text[: max_len - 9].rstrip("_.") + "_" + hashlib.sha1(url.encode()).hexdigest()[:8]
    return text or hashlib.sha1(url.encode()).hexdigest()[:12]


def _plain_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name and "\0" not in name


def extension(url: str, content_type: str, body: bytes) -> str:
    """The file extension a download deserves, from its bytes, then its content type, then its URL."""
    if body.startswith(b"%PDF"):
        return ".pdf"
    if body.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: legacy .doc or .wps
        return ".wps" if url.lower().endswith(".wps") else ".doc"
    suffix = PurePosixPath(unquote(urlsplit(url).path)).suffix.lower()
    if body.startswith(b"PK") and suffix != ".wps":
        return ".docx"
    ct = (content_type or "").lower()
    for key, ext in _CT_EXT:
        if key in ct:
            return ext
    if suffix in _KNOWN_EXTS:
        return ".html" if suffix in (".htm", ".shtml") else suffix
    return ".html" if body.lstrip()[:1] == b"<" else ".bin"


def safe_name(name: str) -> str:
    """A manifest-supplied file name reduced to a safe base name (no folders, no control characters)."""
    base = re.split(r"[\\/]", name.strip())[-1]
    return _UNSAFE.sub("_", base).strip("._") or "report"


class Store:
    """The output folder of a fetch run."""

    def __init__(self, out: str | os.PathLike):
        self.out = Path(out)
        self.raw = self.out / RAW_DIR
        self.out.mkdir(parents=True, exist_ok=True)

    def rel(self, path: Path) -> str:
        return path.relative_to(self.out).as_posix()

    # ---- raw snapshots -------------------------------------------------------------------------------------
    def save_raw(self, dl: Download, role: str, report: Optional[str] = None, **extra) -> Path:
        """Write the bytes unchanged plus `<file>.meta.json`; an identical earlier snapshot of the URL is reused."""
        folder = self.raw / _UNSAFE.sub("_", urlsplit(dl.url).netloc or "host")
        folder.mkdir(parents=True, exist_ok=True)
        stem, ext = slug(dl.url), extension(dl.final_url, dl.content_type, dl.body)
        digest = dl.sha256
        for side in folder.glob(f"{_glob_escape(stem)}*{SIDECAR}"):
            try:
                meta = json.loads(side.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            snap = side.with_name(side.name[: -len(SIDECAR)])
            if meta.get("url") == dl.url and meta.get("sha256") == digest and snap.is_file():
                return snap
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        candidates = [f"{stem}{ext}", f"{stem}.{stamp}{ext}"] + [f"{stem}.{stamp}-{i}{ext}" for i in range(2, 1000)]
        for name in candidates:
            path = folder / name
            try:
                with open(path, "xb") as fh:  # exclusive create: an earlier snapshot is never overwritten
                    fh.write(dl.body)
            except FileExistsError:
                continue
            sidecar = {"url": dl.url, "final_url": dl.final_url, "fetched_at": dl.fetched_at, "status": dl.status,
                       "content_type": dl.content_type, "sha256": digest, "bytes": len(dl.body),
                       "redirects": list(dl.redirects), "role": role, "report": report, **extra}
            _atomic_write(path.with_name(path.name + SIDECAR),
                          json.dumps(sidecar, ensure_ascii=False, indent=1).encode("utf-8"))
            return path
        raise OSError(f"no free snapshot name for {stem}{ext} in {folder}")

    # ---- report files and the manifest -------------------------------------------------------------------
    def write_report(self, name: str, data: bytes, provenance: dict) -> Path:
        """Write the file ingest reads, with `<name>.meta.json` naming the raw snapshots it was made from."""
        path = self.out / name
        _atomic_write(path, data)
        side = {**provenance, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        _atomic_write(path.with_name(name + SIDECAR), json.dumps(side, ensure_ascii=False, indent=1).encode())
        return path

    def read_manifest(self) -> tuple[list[str], list[dict[str, str]]]:
        path = self.out / MANIFEST
        if not path.is_file():
            return list(MANIFEST_COLUMNS), []
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            # A row naming anything but a plain file of this folder (an absolute or ../ path) is ignored: the
            # fetcher would otherwise ingest it, or delete it on --refresh.
            rows = [dict(r) for r in reader if _plain_name(r.get("file") or "")]
            columns = list(reader.fieldnames or [])
        extra = [c for c in columns if c not in MANIFEST_COLUMNS and c]
        return list(MANIFEST_COLUMNS) + extra, rows

    def owner(self, name: str) -> Optional[str]:
        """The URL the manifest records for report file `name`, if any."""
        for row in self.read_manifest()[1]:
            if row.get("file") == name:
                return (row.get("url") or "").strip() or None
        return None

    def fetched(self, url: str) -> Optional[str]:
        """The report file already fetched for `url` (present on disk), or None."""
        for row in self.read_manifest()[1]:
            if (row.get("url") or "").strip() == url and row.get("file") and (self.out / row["file"]).is_file():
                return row["file"]
        return None

    def record(self, row: dict[str, str]) -> None:
        """Add or replace the manifest row of row['file']; a previous report file of the same URL is retired."""
        columns, rows = self.read_manifest()
        url, name = row.get("url"), row["file"]
        kept = []
        for old in rows:
            if old.get("file") == name:
                continue
            if url and old.get("url") == url and old.get("file"):
                # The same page now yields another file (e.g. its .docx attachment appeared): drop the old
                # derived copy so ingest does not hold two versions. Raw snapshots stay in .raw/.
                (self.out / old["file"]).unlink(missing_ok=True)
                (self.out / (old["file"] + SIDECAR)).unlink(missing_ok=True)
                continue
            kept.append(old)
        kept.append({k: v for k, v in row.items() if v not in (None, "")})
        for k in row:
            if k not in columns:
                columns.append(k)
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
        _atomic_write(self.out / MANIFEST, buf.getvalue().encode("utf-8-sig"))


def _glob_escape(s: str) -> str:
    return re.sub(r"([\[\]*?])", r"[\1]", s)


def _atomic_write(path: Path, data: bytes) -> None:
    # A hidden temporary name: an ingest running meanwhile skips it, and os.replace never leaves half a file.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
