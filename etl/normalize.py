"""Character-level clean-up of report text: one canonical form that every stored offset points into."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

# CJK Radicals Supplement (U+2E80–U+2EFF) has no NFKC decomposition, yet PDFs made from Chinese fonts often
# emit these look-alikes instead of the ordinary characters (⻓ for 长). Values follow Unicode's
# EquivalentUnifiedIdeograph.txt; radicals without a standalone equivalent are left alone.
RADICAL_SUPPLEMENT = {
    "⺁": "厂", "⺅": "亻", "⺆": "冂", "⺉": "刂", "⺊": "卜", "⺋": "㔾", "⺌": "小", "⺎": "兀", "⺏": "尣",
    "⺐": "尢", "⺒": "巳", "⺓": "幺", "⺔": "彑", "⺕": "彐", "⺖": "忄", "⺗": "心", "⺘": "扌", "⺙": "攵",
    "⺛": "旡", "⺜": "日", "⺝": "月", "⺞": "歺", "⺟": "母", "⺠": "民", "⺡": "氵", "⺢": "氺", "⺣": "灬",
    "⺤": "爫", "⺥": "爫", "⺦": "丬", "⺧": "牛", "⺨": "犭", "⺩": "王", "⺪": "疋", "⺫": "目", "⺬": "示",
    "⺭": "礻", "⺮": "竹", "⺯": "糹", "⺰": "纟", "⺱": "罓", "⺲": "罒", "⺳": "㓁", "⺶": "羊", "⺷": "羊",
    "⺹": "耂", "⺺": "肀", "⺻": "聿", "⺼": "肉", "⺽": "臼", "⺾": "艹", "⺿": "艹", "⻀": "艹", "⻁": "虎",
    "⻂": "衤", "⻃": "覀", "⻄": "西", "⻅": "见", "⻆": "角", "⻇": "角", "⻈": "讠", "⻉": "贝", "⻋": "车",
    "⻌": "辶", "⻍": "辶", "⻎": "辶", "⻏": "阝", "⻐": "钅", "⻑": "長", "⻒": "镸", "⻓": "长", "⻔": "门",
    "⻕": "阜", "⻖": "阝", "⻗": "雨", "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞", "⻝": "食",
    "⻟": "飠", "⻠": "饣", "⻢": "马", "⻣": "骨", "⻤": "鬼", "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦",
    "⻩": "黄", "⻪": "黾", "⻫": "斉", "⻬": "齐", "⻭": "歯", "⻮": "齿", "⻯": "竜", "⻰": "龙", "⻱": "龜",
    "⻲": "亀", "⻳": "龟",
}

# Characters that become an ordinary space: NBSP, ideographic space, the U+2000–200A spaces, narrow and
# medium mathematical spaces, plus tab/vertical tab/form feed (so runs collapse like any other space).
_SPACES = "\u00a0\u3000\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\t\v\f"
# Zero-width characters and the BOM carry no text; removing them keeps words contiguous. Bidirectional
# controls (embeddings, overrides, isolates, marks) go too: they could make a number display differently from
# what was extracted.
_ZERO_WIDTH = ("\u200b\u200c\u200d\u2060\ufeff\u00ad"
               "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c")


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    # Full-width ASCII forms (！ … ～) map to ASCII by a fixed offset; this is exactly the part of NFKC we
    # want, without NFKC's side effects on ①, ㈠, ½ and the like.
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0)
    # Kangxi radicals (U+2F00–U+2FD5) do have NFKC mappings to the ordinary ideographs.
    for code in range(0x2F00, 0x2FD6):
        table[code] = unicodedata.normalize("NFKC", chr(code))
    for radical, char in RADICAL_SUPPLEMENT.items():
        table[ord(radical)] = char
    for ch in _SPACES:
        table[ord(ch)] = " "
    for ch in _ZERO_WIDTH:
        table[ord(ch)] = ""
    # Line and paragraph separators are line breaks in disguise.
    table[0x2028] = "\n"
    table[0x2029] = "\n"
    table[0x85] = "\n"
    return table


_TABLE = _build_table()  # read-only after import
# str.translate looks every character up in the table, which costs more than the rest of normalisation.
# A report uses few of the mapped characters, so finding those with one character-class scan and
# replacing each with str.replace does the same job. That is only the same as translate because no
# replacement contains a mapped character (checked here), so a replaced character is never mapped twice.
_REPLACE = {chr(code): value for code, value in _TABLE.items()}
assert not any(ch in _REPLACE for value in _REPLACE.values() for ch in value)
_MAPPED = re.compile("[" + "".join(re.escape(ch) for ch in sorted(_REPLACE)) + "]")
_RUN_OF_SPACES = re.compile(r" {2,}")
# Remaining C0/C1 controls (except \n) are noise from broken converters; they would otherwise end up inside
# offsets and break display.
_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
# Whitespace around line breaks, blank lines included: what stripping every line and dropping the empty
# ones removes (\s and str.strip agree on what whitespace is).
_LINE_BREAK = re.compile(r"\s*\n\s*")


def _read_traditional() -> dict[str, str]:
    path = Path(__file__).parent / "catalog" / "dict" / "traditional_to_simplified.tsv"
    pairs = (line.rstrip("\n").split("\t") for line in path.open(encoding="utf-8") if not line.startswith("#"))
    return {t: s for t, s in pairs}


_TRADITIONAL = _read_traditional()  # read-only after import
_TRADITIONAL_CHAR = re.compile("[" + "".join(sorted(_TRADITIONAL)) + "]")
# Mirror sites republish reports in traditional characters. A text is converted (character for character, so
# lengths hold) only when traditional-only characters are frequent: a simplified report that quotes a name
# written the old way keeps it.
_TRADITIONAL_MIN, _TRADITIONAL_SHARE = 20, 0.03


def to_simplified(s: str) -> str:
    """Traditional characters → simplified, when the text is written in traditional characters."""
    found = _TRADITIONAL_CHAR.findall(s)
    if len(found) < _TRADITIONAL_MIN or len(found) < _TRADITIONAL_SHARE * len(s):
        return s
    return s.translate(str.maketrans({t: _TRADITIONAL[t] for t in set(found)}))


def normalize_text(s: str) -> str:
    """Return the canonical form of report text.

    Full-width ASCII → ASCII ('，'→',', '２０２０'→'2020'), odd spaces → ' ', zero-width characters removed,
    Kangxi/CJK-supplement radicals → ordinary ideographs, CR/CRLF → LF, runs of spaces collapsed, every line
    stripped and empty lines dropped (one line per paragraph), a text in traditional characters in simplified
    ones. Chinese punctuation such as 。、“”《》 and
    circled numbers are kept as they are. Pure and idempotent: normalize_text(normalize_text(s)) == normalize_text(s).
    """
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    for ch in set(_MAPPED.findall(s)):
        s = s.replace(ch, _REPLACE[ch])
    s = _CONTROLS.sub("", s)
    # Per line this was: collapse runs of spaces, strip, drop empty lines. Runs of spaces never span a
    # line break, so the same can be done on the whole text at once.
    s = _RUN_OF_SPACES.sub(" ", s)
    return to_simplified(_LINE_BREAK.sub("\n", s).strip())
