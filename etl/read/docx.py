"""Word .docx reports: paragraphs and tables in document order, with a zip-bomb guard before parsing."""
from __future__ import annotations

import io
import zipfile
import zlib

from etl.errors import ReportError

MAX_DOCX_UNCOMPRESSED = 50 * 1024 * 1024  # total uncompressed size of all zip members; more → 'zip_bomb'
MAX_DOCX_MEMBERS = 10_000  # a real .docx has a few dozen parts
MAX_DOCX_PARAGRAPHS = 200_000  # (and rows, runs of <w:p…>) a long report has a few thousand


def _corrupt(detail: str) -> ReportError:
    return ReportError("corrupt_docx", f"无法打开 .docx 文件（文件损坏或不完整：{detail}）",
                       f"Cannot open the .docx file (damaged or truncated: {detail})")


def no_text_error() -> ReportError:
    """The error for a .docx without any text (typically scanned pages pasted in as pictures)."""
    return ReportError("no_text", "该 .docx 文件中没有文字（可能只有图片或扫描件），请提供文字版或先进行 OCR",
                       "The .docx holds no text (probably only images or scans): supply a text version or OCR it")


def check_zip(data: bytes) -> None:
    """Open the zip directory only and refuse archives that are broken or would inflate beyond the limit."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            # Declared sizes come from the central directory: an archive that claims more than the limit is
            # refused without inflating anything.
            total = sum(info.file_size for info in infos)
            if total > MAX_DOCX_UNCOMPRESSED or len(infos) > MAX_DOCX_MEMBERS:
                raise _bomb(total)
            if "word/document.xml" not in {info.filename for info in infos}:
                raise _corrupt("缺少 word/document.xml / no word/document.xml")
            # Headers can lie, and python-docx inflates members fully: count the real bytes in 1 MB chunks
            # and stop as soon as the limit is passed.
            _inflate_within_limit(archive, infos)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, RuntimeError, zlib.error) as exc:
        raise _corrupt(type(exc).__name__) from None


def _bomb(total: int) -> ReportError:
    return ReportError("zip_bomb", f"该 .docx 解压后过大（超过 {total / 1048576:.0f} MB，上限 50 MB），疑似压缩炸弹",
                       f"The .docx inflates to over {total / 1048576:.0f} MB (limit 50 MB): likely a zip bomb")


def _inflate_within_limit(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    total = 0
    for info in infos:
        elements = 0
        tail = b""
        with archive.open(info) as member:
            while chunk := member.read(1 << 20):
                total += len(chunk)
                if total > MAX_DOCX_UNCOMPRESSED:
                    raise _bomb(total)
                if info.filename == "word/document.xml":
                    # Millions of empty paragraphs fit in a few KB zipped and take gigabytes as a parsed tree:
                    # count the elements before python-docx builds one.
                    elements += (tail + chunk).count(b"<w:p") - tail.count(b"<w:p")
                    tail = chunk[-4:]
                    if elements > MAX_DOCX_PARAGRAPHS:
                        raise _too_many_paragraphs()


def _too_many_paragraphs() -> ReportError:
    n = f"{MAX_DOCX_PARAGRAPHS:,}"
    return ReportError("too_complex", f"该 .docx 段落过多(超过 {n} 个),疑似构造的文件",
                       f"The .docx has over {n} paragraphs: likely a crafted file")


def _table_lines(table) -> list[str]:
    lines = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            # Horizontally merged cells come back once per grid column; keep each underlying cell once.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(_block_lines(cell)))
        lines.append(" ".join(c for c in cells if c))
    return lines


def _block_lines(container) -> list[str]:
    from docx.table import Table

    lines: list[str] = []
    for item in container.iter_inner_content():
        if isinstance(item, Table):
            lines.extend(_table_lines(item))
        else:
            lines.append(item.text)
    return lines


def read_docx(data: bytes) -> str:
    """Text of a .docx, one paragraph or table row per line."""
    check_zip(data)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        lines = _block_lines(document)
    # python-docx surfaces broken parts as assorted KeyError/ValueError/lxml/zlib errors; any of them means the
    # package is damaged, and the reader contract allows ReportError only.
    except Exception as exc:  # noqa: BLE001
        raise _corrupt(type(exc).__name__) from None
    return "\n".join(lines)
