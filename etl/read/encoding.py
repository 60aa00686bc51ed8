"""Turn the bytes of a .txt/.html file into str: BOM, strict UTF-8, strict GB18030, then a detector guess."""
from __future__ import annotations

import codecs
import re

from etl.errors import ReportError

# Control bytes other than \t \n \f \r do not occur in real text files.
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0C, 0x0D)) + b"\x7f"
MAX_CONTROL_RATIO = 0.02  # above this share of control bytes a .txt is treated as binary
MIN_PLAUSIBLE = 0.97  # share of CJK/ASCII/punctuation characters needed to accept a guessed decoding
MIN_CONTENT_RATIO = 0.3  # share of letters/digits/CJK among non-space characters for text to count as text

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# GB2312 and GBK are subsets of GB18030, so a page that declares either is decoded (and reported) as GB18030.
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "gb18030": "gb18030",
            "utf8": "utf-8", "utf-8": "utf-8", "big5": "big5", "big5-hkscs": "big5hkscs", "utf-16": "utf-16"}


def _binary_error() -> ReportError:
    return ReportError("binary", "文件内容是二进制数据而不是文本（含大量空字节或控制字符）",
                       "The file holds binary data, not text (many NUL or control bytes)")


def _undecodable_error() -> ReportError:
    return ReportError("undecodable", "无法识别文件的文字编码（不是 UTF-8、GB18030/GBK 或 UTF-16）",
                       "Cannot determine the text encoding (not UTF-8, GB18030/GBK or UTF-16)")


# Characters one expects in a Chinese government report: ASCII and common whitespace, CJK ideographs (with
# extension A) and punctuation, full-width forms, general punctuation through maths (“” — … ℃ Ⅱ → ≤), box
# drawing and shapes (■ ○), enclosed numbers (① ㈠), and Latin-1 symbols (° ± · × ÷) but not Latin-1
# letters, which are what mojibake is made of.
_IMPLAUSIBLE = re.compile(
    "[^\n\r\t\f\x20-\x7e\u4e00-\u9fff\u3400-\u4dbf\u3000-\u303f\uff01-\uff5e\uffe0-\uffe6"
    "\u2000-\u22ff\u2500-\u25ff\u2460-\u24ff\u3200-\u32ff\u00a0-\u00bf\u00d7\u00f7]+")
_NOT_WORD = re.compile(r"[\W_]+")  # \w covers letters, digits and CJK ideographs (str.isalnum)


def plausibility(text: str) -> float:
    """Share of characters one expects in a Chinese government report (1.0 for empty text)."""
    if not text:
        return 1.0
    return len(_IMPLAUSIBLE.sub("", text)) / len(text)


def content_ratio(text: str) -> float:
    """Share of letters, digits and ideographs among the non-space characters."""
    non_space = sum(map(len, text.split()))  # str.split and \s agree on whitespace; split is quicker
    if not non_space:
        return 1.0
    return len(_NOT_WORD.sub("", text)) / non_space


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    # Only worth trying when NUL bytes are present: ASCII in UTF-16 always has a zero byte, and real Chinese
    # UTF-16 without a BOM is rare enough that a plausibility gate on the result is the whole test.
    if len(data) % 2 or len(data) < 2:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        text = _strict(data, codec)
        if text is not None and plausibility(text) >= 0.99:
            return text, "utf-16"
    return None


def _guess(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    text = str(best)
    if plausibility(text) < MIN_PLAUSIBLE:
        return None
    return text, best.encoding.lower().replace("_", "-")


def canonical_codec(name: str) -> str | None:
    """Map a declared charset label (e.g. from <meta charset>) to the codec we decode with, or None."""
    label = name.strip().lower()
    if label in _ALIASES:
        return _ALIASES[label]
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode text bytes, returning (text, encoding name). Raises ReportError 'binary' or 'undecodable'.

    Order: byte-order mark → declared charset (HTML meta) → strict UTF-8 → strict GB18030 → charset-normalizer.
    The detector comes last because it mislabels short Chinese text; its answer is only kept when the
    result looks like Chinese/ASCII text.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            codec = {"utf-8": "utf-8-sig", "utf-16": "utf-16", "utf-32": "utf-32"}[name]
            text = _strict(data, codec)
            if text is None:
                raise _undecodable_error()
            return text, name
    if b"\x00" in data:
        found = _bomless_utf16(data)
        if found is None:
            raise _binary_error()
        return found
    # One pass deleting the control bytes counts them all (data.count per byte value made 28 passes).
    if data and (len(data) - len(data.translate(None, _CONTROL_BYTES))) / len(data) > MAX_CONTROL_RATIO:
        raise _binary_error()
    declared_codec = canonical_codec(declared) if declared else None
    # A declared UTF-16/32 on a page without a BOM is a known authoring mistake (browsers ignore it too).
    if declared_codec and not declared_codec.startswith(("utf-16", "utf-32")):
        text = _strict(data, declared_codec)
        # Single-byte codecs decode anything, so a declared one must also produce plausible text.
        if text is not None and (declared_codec in ("utf-8", "gb18030") or plausibility(text) >= MIN_PLAUSIBLE):
            return text, declared_codec
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    # GB18030 accepts most byte strings, so its result must also read like Chinese text; otherwise the bytes
    # may be in another legacy encoding the detector knows (BOM-less UTF-16 was handled above: real reports
    # contain digits or line breaks, whose UTF-16 form has NUL bytes).
    text = _strict(data, "gb18030")
    if text is not None and plausibility(text) >= MIN_PLAUSIBLE:
        return text, "gb18030"
    found = _guess(data)
    if found is None:
        raise _undecodable_error()
    return found
