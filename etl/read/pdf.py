"""PDF reports: pdfminer.six layout text, page numbers dropped, lines broken mid-sentence joined again."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from itertools import islice

from etl.errors import ReportError

MAX_PDF_PAGES = 500  # more pages → 'too_large' (annual reports run to a few dozen pages)
FULL_LINE_SLACK = 3.5  # characters (in line heights) a wrapped line may stop short of the right margin
CID_RATIO = 0.1  # share of characters printed as (cid:NN) above which the text is unusable

# A paragraph ends at these (full-width and, after normalisation elsewhere, half-width forms).
_TERMINAL = "。！？；：!?;:…"
_CLOSERS = "”’」』)）】》\"'"
_PAGE_NUMBER = re.compile(
    r"^([-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}"
    r"|[Pp]age\s*\d{1,4}(\s*of\s*\d{1,4})?)$")
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
_CID = re.compile(r"\(cid:\d+\)")


@dataclass(frozen=True)
class Line:
    """One text line as laid out on the page; `full` means it runs to the right margin of the text column."""

    text: str
    full: bool


def no_text_error() -> ReportError:
    """The error for a PDF whose pages carry no text layer (scans)."""
    return ReportError("pdf_no_text", "PDF 中没有可提取的文字（可能是扫描件或图片），请先进行 OCR 文字识别",
                       "The PDF has no extractable text (probably a scan or images): run OCR on it first")


def _corrupt(detail: str) -> ReportError:
    return ReportError("corrupt_pdf", f"无法解析 PDF 文件（文件损坏或不是 PDF：{detail}）",
                       f"Cannot parse the PDF (damaged or not a PDF: {detail})")


def is_page_number(text: str, first_or_last: bool) -> bool:
    """'- 3 -', '第 3 页', '3/12' anywhere on a page; a bare '3' only as the first or last line of a page."""
    text = text.strip()
    return bool(_PAGE_NUMBER.match(text)) or (first_or_last and bool(_BARE_NUMBER.match(text)))


def _ends_paragraph(text: str) -> bool:
    stripped = text.rstrip().rstrip(_CLOSERS)
    return not stripped or stripped[-1] in _TERMINAL


def join_lines(lines: list[Line]) -> str:
    """Rejoin wrapped lines: a full-width line that does not end in 。；：！？ continues onto the next line.

    Short lines (headings, a paragraph's last line) always end their paragraph.
    """
    out: list[str] = []
    current = ""
    for index, line in enumerate(lines):
        text = line.text.strip()
        if not text:
            continue
        # Latin words broken across lines need their space back; Chinese never had one.
        if current and current[-1].isascii() and current[-1].isalnum() and text[0].isascii() and text[0].isalpha():
            current += " "
        current += text
        last = index == len(lines) - 1
        if last or not line.full or _ends_paragraph(text):
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return "\n".join(out)


def _raw_lines(layout) -> list[tuple[str, float, float]]:
    """(text, right edge, height) of every text line on one laid-out page, page numbers removed."""
    from pdfminer.layout import LTTextContainer, LTTextLine

    raw = []
    for box in layout:
        if not isinstance(box, LTTextContainer):
            continue
        children = [box] if isinstance(box, LTTextLine) else [c for c in box if isinstance(c, LTTextLine)]
        for line in children:
            text = line.get_text().strip()
            if text:
                raw.append((text, line.x1, line.height))
    last = len(raw) - 1
    return [item for index, item in enumerate(raw) if not is_page_number(item[0], index in (0, last))]


def mark_full_lines(pages: list[list[tuple[str, float, float]]]) -> list[Line]:
    """Decide for every line whether it runs to the right margin of the text column.

    The margin is the widest line of the page, but never less than the median page margin, so a page that holds
    only short lines (headings, a closing paragraph) does not count them as full.
    """
    margins = sorted(max(x1 for _, x1, _ in page) for page in pages if page)
    typical = margins[len(margins) // 2] if margins else 0.0
    lines = []
    for page in pages:
        if not page:
            continue
        right = max(typical, max(x1 for _, x1, _ in page))
        # Left-aligned Chinese text keeps punctuation off line starts (避头尾) by pulling characters down, which
        # leaves up to about three characters of slack before the right edge of the column.
        lines.extend(Line(text, x1 >= right - FULL_LINE_SLACK * max(height, 1.0)) for text, x1, height in page)
    return lines


def _open(data: bytes):
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser

    try:
        return PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise ReportError("pdf_encrypted", "PDF 已加密（需要密码才能打开），请提供未加密的版本",
                          "The PDF is encrypted (a password is needed to open it): supply an unencrypted copy",
                          ) from None


def _extract(data: bytes) -> list[Line]:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    document = _open(data)
    pages = list(islice(PDFPage.create_pages(document), MAX_PDF_PAGES + 1))
    if len(pages) > MAX_PDF_PAGES:
        raise ReportError("too_large", f"PDF 页数超过 {MAX_PDF_PAGES} 页上限",
                          f"The PDF has more than {MAX_PDF_PAGES} pages (the limit)")
    if not pages:
        raise _corrupt("没有页面 / no pages")
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    laid_out = []
    for page in pages:
        interpreter.process_page(page)
        laid_out.append(_raw_lines(device.get_result()))
    return mark_full_lines(laid_out)


def _check_cid(text: str) -> str:
    tokens = len(_CID.findall(text))
    if not tokens:
        return text
    rest = len(re.sub(r"\s", "", _CID.sub("", text)))
    if tokens > CID_RATIO * (tokens + rest):
        raise ReportError("pdf_cid",
                          "PDF 字体缺少 Unicode 映射，文字只能提取为 (cid:NN) 乱码，请导出带文字层的 PDF 或进行 OCR",
                          "The PDF fonts lack a Unicode map, so text comes out as (cid:NN): export it again or OCR it")
    # A few stray unmapped glyphs (bullets, symbols) are dropped rather than stored as markup.
    return _CID.sub("", text)


def read_pdf(data: bytes) -> str:
    """Text of a PDF, one paragraph per line."""
    if b"%PDF-" not in data[:1024]:
        raise _corrupt("缺少 %PDF- 文件头 / no %PDF- header")
    try:
        lines = _extract(data)
    except ReportError:
        raise
    # pdfminer reports damaged files through many exception types (PSEOF, PDFSyntaxError, KeyError, TypeError,
    # RecursionError…); the reader contract allows ReportError only.
    except Exception as exc:  # noqa: BLE001
        raise _corrupt(type(exc).__name__) from None
    text = _check_cid(join_lines(lines))
    if not text.strip():
        raise no_text_error()
    return text
