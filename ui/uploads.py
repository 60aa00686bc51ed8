"""Uploaded files → a temp folder the ingest can read: names sanitised, types and manifest checked."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from etl.fetch import import_urls  # noqa: F401  (the Import page runs the ETL through here)
from etl.ingest import ingest  # noqa: F401

ALLOWED = (".txt", ".html", ".htm", ".docx", ".pdf")
MANIFEST = "manifest.csv"
MAX_NAME_BYTES = 200  # well under the 255-byte limit of ext4 and most file systems
MAX_NAME = 120


def safe_name(name: str) -> str:
    """A file name with no directory part, no control characters and no path separators.

    'a/../../etc/passwd' → 'passwd'; '..\\x.txt' → 'x.txt'; names that end up empty or dotted get a neutral
    name so they can still be reported. The extension is kept because the reader picks the format by it.
    """
    name = unicodedata.normalize("NFC", str(name))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")  # control, format, unassigned
    name = name.strip().lstrip(".").strip()
    if not name:
        name = "upload"
    # File systems limit a name to 255 bytes, not characters: 104 Chinese characters already raise ENAMETOOLONG.
    while len(name) > MAX_NAME or len(name.encode("utf-8")) > MAX_NAME_BYTES:
        stem, dot, ext = name.rpartition(".")
        if dot and len(ext) <= 8 and stem:
            name = stem[:-1] + "." + ext
        else:
            name = name[:-1]
    return name


def stage(files: list[tuple[str, bytes]], folder: Path) -> tuple[list[Path], Path | None, list[tuple[str, str]]]:
    """Write uploads into `folder`. Returns (report paths, manifest path or None, rejected (name, reason))."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    manifest: Path | None = None
    rejected: list[tuple[str, str]] = []
    used: set[str] = set()
    for raw_name, data in files:
        name = safe_name(raw_name)
        if name.lower() == MANIFEST:
            manifest = folder / "_manifest" / MANIFEST  # outside the report folder: not read as a report
            manifest.parent.mkdir(exist_ok=True)
            manifest.write_bytes(data)
            continue
        if not name.lower().endswith(ALLOWED):
            rejected.append((name, "不支持的文件类型 / unsupported file type"))
            continue
        if name in used:  # two uploads with one name: the second would overwrite the first
            rejected.append((name, "重复的文件名 / duplicate file name"))
            continue
        used.add(name)
        # The folder name becomes the source key ("upload/<name>"): a re-upload of one name is a new version.
        path = folder / "upload" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        paths.append(path)
    return paths, manifest, rejected
