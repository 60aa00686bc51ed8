"""Plain-text reports: decode the bytes and refuse binary noise that merely carries a .txt name."""
from __future__ import annotations

from etl.errors import ReportError
from etl.read.encoding import MIN_CONTENT_RATIO, content_ratio, decode_bytes


def check_is_text(text: str) -> None:
    """Raise 'empty' for blank text and 'binary' when few characters are letters, digits or ideographs."""
    if not text.strip():
        raise ReportError("empty", "文件为空或只有空白", "The file is empty or holds only whitespace")
    if content_ratio(text) < MIN_CONTENT_RATIO:
        raise ReportError("binary", "文件内容不像文本（汉字和字母极少），可能是二进制文件",
                          "The content does not look like text (hardly any Chinese characters or letters)")


def read_txt(data: bytes) -> tuple[str, str]:
    """Return (text, encoding) of a .txt file; raises ReportError 'binary', 'undecodable' or 'empty'."""
    text, encoding = decode_bytes(data)
    check_is_text(text)
    return text, encoding
