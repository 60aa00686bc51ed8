"""The PDFium reader: its bounds, characters it must not lose, and agreement with the pdfminer reader before it."""
from __future__ import annotations

import io
import threading
import zlib

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from bench.pdf_baseline import read_pdf_pdfminer
from etl.boilerplate import strip_boilerplate
from etl.errors import ReportError
from etl.normalize import normalize_text
from etl.read import read_document
from etl.read.pdf import MAX_PDF_CHARS, MAX_PDF_PAGES, read_pdf
from etl.read.pdf_fonts import box_font
from tests.fixtures.read.builders import make_pdf, raw_pdf, seed_paragraphs


def _error(data: bytes) -> ReportError:
    with pytest.raises(ReportError) as caught:
        read_pdf(data)
    return caught.value


def many_characters_pdf(pages: int, lines: int, per_line: int) -> bytes:
    """`pages` pages sharing one Flate-compressed content stream of `lines` lines of `per_line` letters."""
    text = b"".join(b"BT /F1 8 Tf 20 %d Td (%s) Tj ET\n" % (800 - 8 * i, b"x" * per_line) for i in range(lines))
    stream = zlib.compress(text)
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
          b" /Contents 4 0 R >>"] * pages,
    ])


def test_a_small_file_with_too_many_characters_is_refused():
    # 47 KB: 300 pages of 7,600 letters each, 2.3 million in all.
    data = many_characters_pdf(300, 95, 80)
    assert len(data) < 60_000
    error = _error(data)
    assert error.code == "too_large" and f"{MAX_PDF_CHARS:,} characters" in error.en and "字符" in error.zh
    assert "page 2" in error.en  # stopped on the page that crossed the limit, not after reading them all


def test_characters_under_the_limit_are_read():
    text = read_pdf(many_characters_pdf(3, 95, 80))
    assert text.count("x") == 3 * 95 * 80


def test_page_limit_is_checked_before_reading_pages():
    error = _error(many_characters_pdf(MAX_PDF_PAGES + 1, 1, 1))
    assert error.code == "too_large" and str(MAX_PDF_PAGES) in error.en


def _cjk_canvas():
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    return out, canvas.Canvas(out)


def test_a_lone_character_on_its_own_line_is_kept():
    # PDFium measures glyphs; with no font for 宋体 a one-character text object had no width and was dropped.
    out, pdf = _cjk_canvas()
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(72, 700, "依托三级综治中心平台，全力推动矛盾纠纷多元化解")
    pdf.drawString(72, 680, "。")
    pdf.drawString(72, 660, "二")
    pdf.showPage()
    pdf.save()
    data = out.getvalue()
    # The first line runs to the right margin (the widest on the page), so the '。' wrapped below continues it.
    assert read_pdf(data).split("\n") == ["依托三级综治中心平台，全力推动矛盾纠纷多元化解。", "二"] == (
        read_pdf_pdfminer(data).split("\n"))


def test_the_stand_in_font_is_a_truetype_font():
    data = box_font()
    assert data[:4] == b"\x00\x01\x00\x00" and all(tag in data for tag in (b"cmap", b"glyf", b"head", b"loca"))


_TO_UNICODE = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def\n"
               b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
               b"3 beginbfchar <0001> <4E2D> <0002> <D840DC00> <0003> <6587> endbfchar\n"
               b"endcmap CMapName currentdict /CMap defineresource pop end end")


def _type0_pdf(content: bytes, to_unicode: bool) -> bytes:
    font = b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [6 0 R]"
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R /F2 8 0 R >> >>"
        b" /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        font + (b" /ToUnicode 7 0 R >>" if to_unicode else b" >>"),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo"
        b" << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000"
        b" /FontDescriptor << /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -141 1000 859]"
        b" /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 700 /StemV 80 >> >>",
        b"<< /Length %d >>\nstream\n" % len(_TO_UNICODE) + _TO_UNICODE + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def test_characters_beyond_the_bmp_survive():
    data = _type0_pdf(b"BT /F1 12 Tf 72 700 Td <0001000200030001> Tj ET", to_unicode=True)
    assert read_pdf(data) == "中\U00020000文中"


def test_a_few_unmapped_glyphs_are_dropped_like_pdfminers_cid_tokens():
    # Two glyphs from a font without a ToUnicode map among 60 readable letters: dropped, the rest kept.
    content = (b"BT /F2 12 Tf 72 700 Td (Administrative reconsideration cases handled this year: 35.) Tj ET\n"
               b"BT /F1 12 Tf 72 680 Td <03E803E9> Tj ET")
    assert read_pdf(_type0_pdf(content, to_unicode=False)) == (
        "Administrative reconsideration cases handled this year: 35.")


def test_reading_from_threads_gives_the_same_text():
    # PDFium is not thread-safe; the Import page may read two uploads at once.
    data = [make_pdf(list(seed_paragraphs())[:n]) for n in (8, 16, 24)]
    expected = [read_pdf(d) for d in data]
    results: dict[int, str] = {}

    def work(index: int) -> None:
        for _ in range(3):
            results[index] = read_pdf(data[index % 3])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[i] == expected[i % 3] for i in range(6))


def _stored(raw: str) -> str:
    return strip_boilerplate(normalize_text(raw))


@pytest.mark.parametrize("size", [9, 10.5, 12, 14])
def test_same_stored_text_as_the_pdfminer_reader(size):
    # What read_pdf returns may differ in spaces (PDFium keeps the seed's NBSPs and collapses runs of spaces);
    # what the warehouse stores must not.
    data = make_pdf(seed_paragraphs(), size=size)
    assert _stored(read_pdf(data)) == _stored(read_pdf_pdfminer(data)) == read_document(data, "a.pdf").text
