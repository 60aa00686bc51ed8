"""The pdfminer.six PDF reader that etl/read/pdf.py used before PDFium: the baseline of bench/bench_pdf.py.

Same post-processing as the product (page numbers dropped, wrapped lines joined, the same errors), so the two
readers can be compared text for text. pdfminer.six stays in requirements.txt for this benchmark only.
"""
from __future__ import annotations

import io
import re
from itertools import islice

from etl.errors import ReportError
from etl.read.pdf import CID_RATIO, MAX_PDF_PAGES, _corrupt, is_page_number, join_lines, mark_full_lines, no_text_error

_CID = re.compile(r"\(cid:\d+\)")


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


def _open(data: bytes):
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser

    try:
        return PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise ReportError("pdf_encrypted", "PDF 已加密（需要密码才能打开），请提供未加密的版本",
                          "The PDF is encrypted (a password is needed to open it): supply an unencrypted copy",
                          ) from None


def _extract(data: bytes):
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
    return _CID.sub("", text)


def read_pdf_pdfminer(data: bytes) -> str:
    """Text of a PDF through pdfminer.six, one paragraph per line (the reader before PDFium)."""
    if b"%PDF-" not in data[:1024]:
        raise _corrupt("缺少 %PDF- 文件头 / no %PDF- header")
    try:
        lines = _extract(data)
    except ReportError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise _corrupt(type(exc).__name__) from None
    text = _check_cid(join_lines(lines))
    if not text.strip():
        raise no_text_error()
    return text
