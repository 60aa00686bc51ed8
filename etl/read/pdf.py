"""PDF reports: text through PDFium (pypdfium2, C), page numbers dropped, lines broken mid-sentence joined again.

PDFium lays out each page's characters into lines ('\r\n' between them); the right edge of each line decides
whether the line wraps on into the next one. Work is bounded: at most MAX_PDF_PAGES pages and MAX_PDF_CHARS
characters are read, and the file size is capped before this (etl.read.MAX_FILE_BYTES).
"""
from __future__ import annotations

import ctypes
import math
import re
import threading
from dataclasses import dataclass
from itertools import repeat

from etl.errors import ReportError
from etl.read.pdf_fonts import install

MAX_PDF_PAGES = 500  # more pages → 'too_large' (annual reports run to a few dozen pages)
FULL_LINE_SLACK = 3.5  # characters (in line heights) a wrapped line may stop short of the right margin
MAX_PDF_CHARS = 2_000_000  # characters over all pages → 'too_large' (a 500-page report holds about 1 million)
CID_RATIO = 0.1  # share of characters without a Unicode mapping (pdfminer's (cid:NN)) above which text is unusable
UNMAPPED_SAMPLE = 8  # check every 8th character for a missing Unicode mapping before checking them all

# A paragraph ends at these (full-width and, after normalisation elsewhere, half-width forms).
_TERMINAL = "。！？；：!?;:…"
_CLOSERS = "”’」』)）】》\"'"
_PAGE_NUMBER = re.compile(
    r"^([-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}"
    r"|[Pp]age\s*\d{1,4}(\s*of\s*\d{1,4})?)$")
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
_LINE = re.compile(r"[^\r\n]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LOCK = threading.Lock()


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


_ready = False


def _pdfium():
    """pypdfium2 and its raw bindings, with the stand-in system font installed (once per process)."""
    import pypdfium2
    import pypdfium2.raw as raw

    global _ready
    if not _ready:
        # Text needs no glyph outlines: a one-glyph stand-in replaces the system fonts (see etl/read/pdf_fonts.py),
        # which made Chinese PDFs that do not embed their fonts 10× slower to read.
        install(raw)
        _ready = True
    return pypdfium2, raw


def _open(pdfium, raw, data: bytes):
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (raw.FPDF_ERR_PASSWORD, raw.FPDF_ERR_SECURITY):
            raise ReportError("pdf_encrypted", "PDF 已加密（需要密码才能打开），请提供未加密的版本",
                              "The PDF is encrypted (a password is needed to open it): supply an unencrypted copy",
                              ) from None
        raise _corrupt(f"PDFium error {exc.err_code}") from None


def _valid(code: int) -> str:
    return chr(code) if 0 < code < 0x110000 else "\ufffd"


def _page_text(raw, textpage, count: int) -> str:
    """The page's characters, one per index of PDFium's character list (line breaks are generated '\\r\\n')."""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = raw.FPDFText_GetText(textpage, 0, count, buffer) - 1  # less the NUL
    if written == count:
        text = ctypes.string_at(buffer, 2 * count).decode("utf-16-le", "surrogatepass")
        if len(text) == count:
            return text
        # A character outside the BMP takes two entries of the list, one per surrogate: keep them apart so
        # indices still line up; _line_text pairs them again.
        return "".join(map(chr, buffer[:count]))
    unicode = raw.FPDFText_GetUnicode
    return "".join(_valid(unicode(textpage, index)) for index in range(count))


def _unmapped(raw, textpage, text: str, starts: list[int]) -> set[int]:
    """Indices of characters PDFium could not map to Unicode (a font without a ToUnicode map).

    Checking every character costs a third of the reading time, so a sample is checked first (every 8th
    character and every line's first), and the whole page only if the sample finds one.
    """
    error = raw.FPDFText_HasUnicodeMapError
    sample = [*range(0, len(text), UNMAPPED_SAMPLE), *starts]
    if not any(map(error, repeat(textpage, len(sample)), sample)):
        return set()
    return {index for index in range(len(text)) if error(textpage, index)}


def _line_text(text: str, start: int, end: int, unmapped: set[int]) -> str:
    chunk = text[start:end]
    if unmapped:
        chunk = "".join(ch for index, ch in enumerate(chunk, start) if index not in unmapped)
    if _SURROGATE.search(chunk):
        chunk = chunk.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return chunk.strip()


def _count(indices: set[int], start: int, end: int) -> int:
    return sum(start <= i < end for i in indices) if indices else 0


def _page_lines(raw, textpage, text: str, tally: list[int]) -> list[tuple[str, float, float]]:
    """(text, right edge, height) of every text line on one page, page numbers removed.

    `tally` adds up [unmapped characters, other non-space characters] over the lines kept.
    """
    spans = [match.span() for match in _LINE.finditer(text) if not match.group().isspace()]
    unmapped = _unmapped(raw, textpage, text, [start for start, _ in spans])
    box, matrix = raw.FS_RECTF(), raw.FS_MATRIX()
    lines = []
    for start, end in spans:
        line = _line_text(text, start, end, unmapped)
        if not line:
            tally[0] += _count(unmapped, start, end)  # a line of unmapped characters only
            continue
        # Measured on the last character, as pdfminer measured lines: the right edge of its box, and as the line
        # height the font size scaled by the text matrix.
        raw.FPDFText_GetLooseCharBox(textpage, end - 1, box)
        raw.FPDFText_GetMatrix(textpage, end - 1, matrix)
        height = raw.FPDFText_GetFontSize(textpage, end - 1) * math.hypot(matrix.c, matrix.d)
        lines.append((line, box.right, height, _count(unmapped, start, end)))
    last = len(lines) - 1
    kept = []
    for index, (line, right, height, missing) in enumerate(lines):
        if is_page_number(line, index in (0, last)):
            continue
        tally[0] += missing
        tally[1] += len(line) - line.count(" ")
        kept.append((line, right, height))
    return kept


def _extract(data: bytes) -> list[Line]:
    with _LOCK:  # PDFium is not thread-safe; the Import page may read two uploads at once
        pdfium, raw = _pdfium()
        document = _open(pdfium, raw, data)
        try:
            return _read_pages(raw, document)
        finally:
            document.close()


def _read_pages(raw, document) -> list[Line]:
    count = len(document)
    if count > MAX_PDF_PAGES:
        raise ReportError("too_large", f"PDF 页数超过 {MAX_PDF_PAGES} 页上限",
                          f"The PDF has more than {MAX_PDF_PAGES} pages (the limit)")
    if not count:
        raise _corrupt("没有页面 / no pages")
    pages, chars, tally = [], 0, [0, 0]
    for index in range(count):
        page = document[index]
        textpage = page.get_textpage()
        try:
            handle = textpage.raw
            n = raw.FPDFText_CountChars(handle)
            chars += max(n, 0)
            if chars > MAX_PDF_CHARS:
                raise ReportError("too_large", f"PDF 文字超过 {MAX_PDF_CHARS:,} 个字符上限（读到第 {index + 1} 页）",
                                  f"The PDF holds more than {MAX_PDF_CHARS:,} characters (the limit; reached on "
                                  f"page {index + 1})")
            if n > 0:
                pages.append(_page_lines(raw, handle, _page_text(raw, handle, n), tally))
        finally:
            textpage.close()
            page.close()
    unmapped, mapped = tally
    if unmapped > CID_RATIO * (unmapped + mapped):
        raise ReportError("pdf_cid",
                          "PDF 字体缺少 Unicode 映射，文字只能提取为 (cid:NN) 乱码，请导出带文字层的 PDF 或进行 OCR",
                          "The PDF fonts lack a Unicode map, so text comes out as (cid:NN): export it again or OCR it")
    return mark_full_lines(pages)


def read_pdf(data: bytes) -> str:
    """Text of a PDF, one paragraph per line."""
    if b"%PDF-" not in data[:1024]:
        raise _corrupt("缺少 %PDF- 文件头 / no %PDF- header")
    try:
        lines = _extract(data)
    except ReportError:
        raise
    # The reader contract allows ReportError only: PdfiumError (a page that will not load) and anything else
    # a damaged file provokes become 'corrupt_pdf'.
    except Exception as exc:  # noqa: BLE001
        raise _corrupt(type(exc).__name__) from None
    # GB fonts draw the interpunct of names and titles (美好生活·民法典相伴) with one glyph for U+00B7 and U+30FB;
    # pdfminer read both back as U+00B7 through the Adobe-GB1 character collection, PDFium keeps the code drawn.
    text = join_lines(lines).replace("\u30fb", "\u00b7")
    if not text.strip():
        raise no_text_error()
    return text
