"""Bytes of a report file → one clean text (normalised, boilerplate stripped) that all offsets point into."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from etl.boilerplate import strip_boilerplate
from etl.errors import ReportError
from etl.normalize import normalize_text
from etl.read.docx import MAX_DOCX_UNCOMPRESSED  # 50 MB inflated → 'zip_bomb'
from etl.read.pdf import MAX_PDF_PAGES  # more pages → 'too_large'

__all__ = ["Document", "read_document", "detect_format", "MAX_FILE_BYTES", "MAX_DOCX_UNCOMPRESSED", "MAX_PDF_PAGES"]

MAX_FILE_BYTES = 20 * 1024 * 1024  # larger files are rejected with 'too_large' before any parsing

FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}
LEGACY_FORMATS = (".doc", ".wps")


@dataclass(frozen=True)
class Document:
    """The stored text of one file, its format (txt/html/docx/pdf) and the text encoding (None for docx/pdf)."""

    text: str
    fmt: str
    encoding: Optional[str]


def _extension(file_name: str) -> str:
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return "." + base.rsplit(".", 1)[-1] if "." in base else ""


def detect_format(file_name: str) -> str:
    """Format from the file extension (case-insensitive); ReportError 'unsupported_format' otherwise."""
    ext = _extension(file_name)
    if ext in FORMATS:
        return FORMATS[ext]
    if ext in LEGACY_FORMATS:
        raise ReportError("unsupported_format", "不支持旧版 .doc/.wps 格式，请另存为 .docx",
                          "Legacy .doc/.wps is not supported: save it as .docx")
    shown = ext or "(无扩展名 / no extension)"
    raise ReportError("unsupported_format", f"不支持的文件类型 {shown}，仅支持 .txt、.html/.htm、.docx、.pdf",
                      f"Unsupported file type {shown}: only .txt, .html/.htm, .docx and .pdf are read")


def read_document(data: bytes, file_name: str) -> Document:
    """Read one report file. Raises ReportError (and nothing else) for input that cannot become a report.

    The returned text is normalised (etl.normalize) and stripped of page chrome (etl.boilerplate): it is the
    text the warehouse stores and every character offset points into. Limits: MAX_FILE_BYTES (20 MB) for any
    file, MAX_DOCX_UNCOMPRESSED (50 MB inflated) for .docx, MAX_PDF_PAGES (500) for .pdf.

    Error codes: too_large, empty, unsupported_format, binary, undecodable, corrupt_docx, zip_bomb, no_text,
    pdf_no_text, pdf_encrypted, pdf_cid, corrupt_pdf.
    """
    fmt = detect_format(file_name)
    if len(data) > MAX_FILE_BYTES:
        raise ReportError("too_large", f"文件过大（{len(data) / 1048576:.1f} MB），上限为 20 MB",
                          f"File too large ({len(data) / 1048576:.1f} MB); the limit is 20 MB")
    if not data.strip():
        raise ReportError("empty", "文件为空或只有空白", "The file is empty or holds only whitespace")
    # Readers are imported lazily so a txt-only run never pays for pdfminer/python-docx imports.
    encoding: Optional[str] = None
    if fmt == "txt":
        from etl.read.txt import read_txt
        raw, encoding = read_txt(data)
    elif fmt == "html":
        from etl.read.html import read_html
        raw, encoding = read_html(data)
    elif fmt == "docx":
        from etl.read.docx import read_docx
        raw = read_docx(data)
    else:
        from etl.read.pdf import read_pdf
        raw = read_pdf(data)
    text = strip_boilerplate(normalize_text(raw))
    if not text:
        if fmt == "docx":
            from etl.read.docx import no_text_error
            raise no_text_error()
        if fmt == "pdf":
            from etl.read.pdf import no_text_error as pdf_no_text_error
            raise pdf_no_text_error()
        raise ReportError("empty", "文件没有正文（只有空白或网页导航内容）",
                          "The file has no body text (only whitespace or page navigation)")
    return Document(text=text, fmt=fmt, encoding=encoding)
