"""One stand-in font for every font a PDF does not embed, so PDFium reads text without loading real glyphs.

PDFium measures every character's glyph, even when only the text is wanted. For a font the PDF does not embed
(宋体 in many government PDFs), it substitutes an installed one: here the 20 MB Noto CJK collection, whose
glyphs cost more than the rest of the reading together. With no system fonts at all, the built-in Latin fonts
stand in, their empty glyph for 汉字 gives a one-character text object no width, and PDFium drops it (a lone
'。' wrapped onto its own line disappears). This stand-in is a TrueType font of one glyph, a full em square,
that every character maps to: each character keeps a box, and measuring it costs next to nothing. The text
itself comes from the PDF's encodings and ToUnicode maps, never from a font file.
"""
from __future__ import annotations

import ctypes
import struct

_UNITS = 1000
_ASCENT, _DESCENT = 880, -120


def _table_checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}L", padded)) & 0xFFFFFFFF


def box_font() -> bytes:
    """A TrueType font whose every character is one glyph: a square 1 em wide, from descent to ascent."""
    glyph = struct.pack(">hhhhhH", 1, 0, _DESCENT, _UNITS, _ASCENT, 3)  # one contour, its bounds, last point 3
    glyph += struct.pack(">H", 0) + bytes([1, 1, 1, 1])  # no instructions; four on-curve points
    glyph += struct.pack(">4h", 0, _UNITS, 0, -_UNITS) + struct.pack(">4h", _DESCENT, 0, _ASCENT - _DESCENT, 0)
    glyph += b"\0" * (-len(glyph) % 4)
    # A Unicode (3,10) format-13 cmap ("many to one"): every code point maps to glyph 1. Glyph 0 (.notdef) is the
    # same square; PDFium treats a character that maps to .notdef as having no glyph.
    subtable = struct.pack(">HHLLL", 13, 0, 28, 0, 1) + struct.pack(">LLL", 0, 0x10FFFF, 1)
    tables = {
        b"cmap": struct.pack(">HHHHL", 0, 1, 3, 10, 12) + subtable,
        b"glyf": glyph * 2,
        b"head": struct.pack(">LLLLHHqqhhhhHHhhh", 0x00010000, 0x00010000, 0, 0x5F0F3CF5, 3, _UNITS, 0, 0,
                             0, _DESCENT, _UNITS, _ASCENT, 0, 8, 2, 0, 0),
        b"hhea": struct.pack(">LhhhHhhhhhh4hhH", 0x00010000, _ASCENT, _DESCENT, 0, _UNITS, 0, 0, _UNITS, 1, 0, 0,
                             0, 0, 0, 0, 0, 1),
        b"hmtx": struct.pack(">Hhh", _UNITS, 0, 0),  # one advance for both glyphs, a side bearing for glyph 1
        b"loca": struct.pack(">HHH", 0, len(glyph) // 2, len(glyph)),
        b"maxp": struct.pack(">LHHHHHHHHHHHHHH", 0x00010000, 2, 4, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0),
        b"post": struct.pack(">LLhhLLLLL", 0x00030000, 0, 0, 0, 0, 0, 0, 0, 0),
    }
    count = len(tables)
    entry = count.bit_length() - 1
    out = struct.pack(">LHHHH", 0x00010000, count, 16 << entry, entry, count * 16 - (16 << entry))
    offset = 12 + 16 * count
    body = b""
    for tag in sorted(tables):
        data = tables[tag]
        out += tag + struct.pack(">LLL", _table_checksum(data), offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    return out + body


class _StandIn:
    """The FPDF_SYSFONTINFO callbacks: every font request gets the box font."""

    def __init__(self, raw):
        self.data = box_font()
        self.info = raw.FPDF_SYSFONTINFO()
        self.info.version = 1
        callbacks = {"Release": self.release, "EnumFonts": self.enum_fonts, "MapFont": self.map_font,
                     "GetFont": self.get_font, "GetFontData": self.get_font_data, "GetFaceName": self.get_face_name,
                     "GetFontCharset": self.get_font_charset, "DeleteFont": self.delete_font}
        for name, callback in callbacks.items():
            setattr(self.info, name, type(getattr(self.info, name))(callback))

    def release(self, _info):
        pass

    def enum_fonts(self, _info, _mapper):
        pass  # no installed fonts to list: every request goes to map_font

    def map_font(self, _info, _weight, _italic, _charset, _pitch, _face, exact):
        if exact:
            exact[0] = 0
        return 1  # a handle; there is only one font

    def get_font(self, _info, _face):
        return 1

    def get_font_data(self, _info, _font, table, buffer, size):
        if table:  # a single table ('ttcf' asks whether this is a collection): answer with the whole font only
            return 0
        if buffer and size >= len(self.data):
            ctypes.memmove(buffer, self.data, len(self.data))
        return len(self.data)

    def get_face_name(self, _info, _font, buffer, size):
        name = b"BoxStandIn\0"
        if buffer and size >= len(name):
            ctypes.memmove(buffer, name, len(name))
        return len(name)

    def get_font_charset(self, _info, _font):
        return 1  # DEFAULT_CHARSET

    def delete_font(self, _info, _font):
        pass


_installed: _StandIn | None = None


def install(raw) -> None:
    """Make the box font PDFium's only system font (once per process; the callbacks must stay alive)."""
    global _installed
    if _installed is None:
        _installed = _StandIn(raw)
        raw.FPDF_SetSystemFontInfo(_installed.info)
