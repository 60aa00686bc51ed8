"""read_document: one report in every format and encoding gives one text; every bad file gives its error code."""
from __future__ import annotations

import io
import random
import zipfile
from functools import lru_cache

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from etl.errors import ReportError
from etl.read import MAX_FILE_BYTES, Document, detect_format, read_document
from etl.read.pdf import Line, is_page_number, join_lines, mark_full_lines
from tests.fixtures.read.builders import SEED, cid_pdf, make_docx, make_html, make_pdf, png_bytes, seed_paragraphs


@lru_cache(maxsize=1)
def expected_text() -> str:
    return read_document(SEED.read_bytes(), SEED.name).text


def error_of(data: bytes, name: str) -> ReportError:
    with pytest.raises(ReportError) as caught:
        read_document(data, name)
    return caught.value


# --- one report, every format -------------------------------------------------------------------------------

def test_seed_txt_is_read_as_stored_text():
    doc = read_document(SEED.read_bytes(), SEED.name)
    assert doc.fmt == "txt" and doc.encoding == "utf-8"
    lines = doc.text.split("\n")
    assert lines[0] == "清远市司法局2021年法治政府建设年度报告"
    assert lines[1] == "时间:2022-02-07 17:01:57 来源:本网"
    assert lines[3] == "一、推进法治政府建设的主要举措和成效"
    assert lines[11:14:2] == ["二、存在问题", "三、下一步工作计划"]
    assert len(lines) == 15 and lines[-1].endswith("以坚实的法治保障推动我市高质量发展。")
    assert "扫一扫" not in doc.text and "访问量" not in doc.text


@pytest.mark.parametrize("codec, encoding", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8"), ("gb18030", "gb18030"), ("gbk", "gb18030"),
    ("utf-16", "utf-16"), ("utf-16-le", "utf-16"), ("utf-16-be", "utf-16"), ("utf-32", "utf-32"),
])
def test_every_text_encoding_gives_the_same_text(codec, encoding):
    raw = SEED.read_text(encoding="utf-8").replace("\u00a0", " ")  # GBK has no NBSP; normalisation drops it anyway
    doc = read_document(raw.encode(codec), "report.TXT")
    assert doc == Document(expected_text(), "txt", encoding)


def test_crlf_and_fullwidth_variants_give_the_same_text():
    raw = SEED.read_text(encoding="utf-8").replace("\n", "\r\n").replace(",", "，").replace("2021", "２０２１")
    assert read_document(raw.encode("gb18030"), "a.txt").text == expected_text()


def test_html_gives_the_same_text():
    paragraphs = seed_paragraphs()
    data = make_html(paragraphs, title=paragraphs[1])
    assert read_document(data, "report.htm") == Document(expected_text(), "html", "utf-8")


def test_html_title_with_site_suffix_is_not_repeated():
    data = make_html(["某某局2021年法治政府建设年度报告", "2021年以来,我局坚持依法行政。"],
                     title="某某局2021年法治政府建设年度报告_某某市人民政府门户网站")
    assert read_document(data, "a.html").text == "某某局2021年法治政府建设年度报告\n2021年以来,我局坚持依法行政。"


def test_html_title_is_added_when_the_body_lacks_it():
    data = make_html(["2021年以来,我局坚持依法行政。"], title="某某局2021年法治政府建设年度报告")
    assert read_document(data, "a.html").text == "某某局2021年法治政府建设年度报告\n2021年以来,我局坚持依法行政。"


def test_docx_gives_the_same_text():
    assert read_document(make_docx(seed_paragraphs()), "report.DOCX") == Document(expected_text(), "docx", None)


def test_pdf_gives_the_same_text():
    data = make_pdf(seed_paragraphs())
    assert read_document(data, "report.Pdf") == Document(expected_text(), "pdf", None)


# --- HTML safety and structure --------------------------------------------------------------------------------

def test_html_scripts_styles_and_handlers_never_reach_text():
    page = """<html><head><title>测试报告</title><style>p { color: red } /*样式*/</style>
    <script>document.write('脚本文字')</script><script type="text/template">模板文字</script></head>
    <body onload="alert('载入')"><!-- 注释文字 --><noscript>请启用脚本</noscript><template>模板</template>
    <nav><a href="/">首页</a> <a href="/gk">政务公开</a></nav><h1 onclick="alert('点击')">测试报告</h1>
    <p>第一段<img src="x.png" onerror="alert('错误')" alt="">正文。<a href="javascript:alert(1)"
    onmouseover="steal()">链接</a></p>
    <iframe srcdoc="<p>内嵌</p>"></iframe><svg><text>矢量</text></svg>
    <select><option>选项</option></select><button onclick="x()">按钮</button>
    <table><tr><th>项目</th><td>数量</td></tr><tr><td>行政复议</td><td>35件</td></tr></table>
    <div>上<br>下</div><pre>预
格式</pre></body></html>"""
    doc = read_document(page.encode("utf-8"), "a.html")
    assert doc.text == "测试报告\n第一段正文。链接\n项目 数量\n行政复议 35件\n上\n下\n预\n格式"


def test_html_meta_charset_is_honoured():
    page = "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head>" \
           "<body><p>法治政府建设年度报告</p></body></html>"
    doc = read_document(page.encode("gb2312"), "a.html")
    assert (doc.text, doc.encoding) == ("法治政府建设年度报告", "gb18030")
    big5 = "<html><head><meta charset='big5'></head><body><p>法治政府建設年度報告。</p></body></html>"
    assert read_document(big5.encode("big5"), "b.htm").text == "法治政府建設年度報告。"


def test_html_meta_charset_that_lies_falls_back_to_detection():
    page = "<html><head><meta charset='utf-8'></head><body><p>法治政府建设年度报告</p></body></html>"
    doc = read_document(page.encode("gbk"), "a.html")
    assert (doc.text, doc.encoding) == ("法治政府建设年度报告", "gb18030")


def test_html_source_line_breaks_inside_chinese_are_not_spaces():
    page = "<p>法治政府\n    建设年度报告, word\n wrap</p>"
    assert read_document(page.encode("utf-8"), "a.html").text == "法治政府建设年度报告, word wrap"


def test_deeply_nested_html_is_read_without_recursion():
    depth = 20000
    page = "<div>" * depth + "法治政府建设年度报告" + "</div>" * depth
    assert read_document(page.encode("gb18030"), "deep.html") == Document("法治政府建设年度报告", "html", "gb18030")


def test_html_title_is_the_first_title_and_svg_titles_are_not_text():
    page = ("<html><head><title>某县2023年法治政府建设年度报告_某县人民政府</title></head><body>"
            "<svg><title>图标</title></svg><p>一、主要举措</p><pre>甲\n乙</pre><table><tr><td>1</td><td>2</td></tr>"
            "</table><!-- 注释 --><script>alert(1)</script>尾</body></html>")
    assert read_document(page.encode("utf-8"), "a.html").text == (
        "某县2023年法治政府建设年度报告_某县人民政府\n一、主要举措\n甲\n乙\n1 2\n尾")


def test_html_with_only_chrome_is_empty():
    page = "<html><head><title></title><script>x()</script></head><body><div>扫一扫在手机打开当前页</div></body></html>"
    assert error_of(page.encode("utf-8"), "a.html").code == "empty"


# --- DOCX -----------------------------------------------------------------------------------------------------

def test_docx_tables_come_in_document_order():
    data = make_docx(["一、主要数据"], table=[["项目", "数量"], ["行政复议案件", "35件"]])
    document = docx.Document(io.BytesIO(data))
    document.add_paragraph("二、存在问题")
    out = io.BytesIO()
    document.save(out)
    assert read_document(out.getvalue(), "a.docx").text == "一、主要数据\n项目 数量\n行政复议案件 35件\n二、存在问题"


# --- PDF layout helpers ---------------------------------------------------------------------------------------

def test_join_lines_rejoins_wrapped_chinese_and_keeps_headings():
    lines = [Line("一、主要举措和成效", False), Line("2021年,我局坚持以习近平新时代中国特色", True),
             Line("社会主义思想为指导,扎实推进法治政府建设。", True), Line("(一)加强组织领导", False),
             Line("完成 English words that", True), Line("wrap across lines;", True), Line("末行没有标点", False)]
    assert join_lines(lines).split("\n") == [
        "一、主要举措和成效", "2021年,我局坚持以习近平新时代中国特色社会主义思想为指导,扎实推进法治政府建设。",
        "(一)加强组织领导", "完成 English words that wrap across lines;", "末行没有标点"]


def test_short_lines_on_a_page_of_headings_are_not_full():
    body = [("2021年,我局坚持以习近平新时代中国特色", 523.0, 10.5), ("社会主义思想为指导,扎实推进。", 400.0, 10.5)]
    headings = [("一、主要举措", 135.0, 10.5), ("二、存在问题", 135.0, 10.5)]
    lines = mark_full_lines([body, headings, body])
    assert [line.full for line in lines] == [True, False, False, False, True, False]


def test_pdf_paragraph_continues_across_a_page_break():
    text = read_document(make_pdf(seed_paragraphs()), "a.pdf").text
    assert "共建清城区、英德市、佛冈县3个知识产权" in text  # page 1 ends after '知识产', page 2 starts '权'
    assert "- 1 -" not in text and "- 2 -" not in text


@pytest.mark.parametrize("text, edge, expected", [
    ("- 3 -", False, True), ("— 12 —", False, True), ("第 3 页", False, True), ("第3页 共12页", False, True),
    ("3/12", False, True), ("7", True, True), ("7", False, False), ("2021年", True, False),
    ("-3-5", True, False),
])
def test_page_numbers(text, edge, expected):
    assert is_page_number(text, edge) is expected


# --- every error code -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["old.doc", "OLD.DOC", "report.wps"])
def test_legacy_word_formats_are_refused(name):
    error = error_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), name)
    assert (error.code, error.zh, error.en) == ("unsupported_format", "不支持旧版 .doc/.wps 格式，请另存为 .docx",
                                                "Legacy .doc/.wps is not supported: save it as .docx")


@pytest.mark.parametrize("name", ["sheet.xlsx", "README", "archive.zip"])
def test_other_extensions_are_refused(name):
    assert error_of(b"data", name).code == "unsupported_format"


def test_detect_format_is_case_insensitive():
    assert [detect_format(n) for n in ("a.TXT", "dir/b.Htm", "c.HTML", "x.y.DocX", "C:\\d\\e.PDF")] == [
        "txt", "html", "html", "docx", "pdf"]


def test_too_large():
    error = error_of(b"a" * (MAX_FILE_BYTES + 1), "big.txt")
    assert error.code == "too_large" and "20 MB" in error.en


@pytest.mark.parametrize("data, name", [
    (b"", "a.txt"), (b"   \r\n\t\n", "a.txt"), ("\u3000\n ".encode("utf-16"), "a.txt"), (b"", "a.docx"),
    (b"", "a.pdf"), (b"\n\n", "a.html"),
])
def test_empty(data, name):
    error = error_of(data, name)
    assert (error.code, error.zh) == ("empty", "文件为空或只有空白")


def test_binary_noise_with_a_txt_name():
    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(4000))
    error = error_of(noise, "report.txt")
    assert error.code == "binary" and "NUL" in error.en


def test_control_bytes_are_binary():
    assert error_of(b"\x01\x02\x03\x04report\x05\x06\x07\x08" * 20, "a.txt").code == "binary"


def test_decoded_text_without_letters_is_binary():
    error = error_of(b"!!!!@@@@####$$$$%%%%^^^^&&&&****" * 4, "a.txt")
    assert error.code == "binary" and "Chinese characters or letters" in error.en


@pytest.mark.parametrize("data", [
    bytes([0x80, 0xFF]) * 100,
    "法治政府".encode()[:-1] + b"\xff\xfe\xfd" * 20 + "建设".encode("gb18030"),
    "café résumé naïve".encode("latin-1"),
])
def test_undecodable(data):
    error = error_of(data, "a.txt")
    assert error.code == "undecodable" and "GB18030" in error.en


def test_truncated_docx():
    data = make_docx(["法治政府建设年度报告"])
    for cut in (data[: len(data) // 2], data[:-40]):
        assert error_of(cut, "a.docx").code == "corrupt_docx"


def test_zip_that_is_not_a_docx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "法治政府建设年度报告")
    error = error_of(out.getvalue(), "a.docx")
    assert error.code == "corrupt_docx" and "word/document.xml" in error.en


def test_docx_with_broken_xml():
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(make_docx(["正文"]))) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info.filename)
            target.writestr(info, body[:50] if info.filename == "word/document.xml" else body)
    assert error_of(out.getvalue(), "a.docx").code == "corrupt_docx"


def test_zip_bomb_docx():
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(make_docx(["正文"]))) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr("word/media/padding.bin", bytes(51 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < 1024 * 1024  # small on disk, 51 MB inflated
    error = error_of(data, "a.docx")
    assert error.code == "zip_bomb" and "50 MB" in error.en


def test_image_only_docx():
    document = docx.Document()
    document.add_picture(io.BytesIO(png_bytes()))
    out = io.BytesIO()
    document.save(out)
    error = error_of(out.getvalue(), "scan.docx")
    assert error.code == "no_text" and "OCR" in error.en


def test_scanned_pdf():
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.rect(50, 50, 300, 300, fill=1)
    pdf.drawImage(ImageReader(io.BytesIO(png_bytes())), 100, 400, 200, 150)
    pdf.drawCentredString(300, 40, "- 1 -")  # a page number alone is not text
    pdf.showPage()
    pdf.save()
    error = error_of(out.getvalue(), "scan.pdf")
    assert error.code == "pdf_no_text" and "scan" in error.en and "OCR" in error.en and "扫描件" in error.zh


def test_encrypted_pdf():
    data = make_pdf(["法治政府建设年度报告。"], encrypt=StandardEncryption("secret"))
    assert error_of(data, "a.pdf").code == "pdf_encrypted"


def test_cid_pdf():
    error = error_of(cid_pdf(), "a.pdf")
    assert error.code == "pdf_cid" and "(cid:NN)" in error.en


@pytest.mark.parametrize("mangle", [
    lambda d: d[: len(d) // 2], lambda d: d[:300], lambda d: b"%PDF-1.4\n" + bytes(range(256)) * 8,
    lambda d: b"<html>not a pdf</html>", lambda d: d.replace(b"/Type /Page", b"/Type /Junk"),
])
def test_corrupt_pdf(mangle):
    data = mangle(make_pdf(["法治政府建设年度报告。"]))
    assert error_of(data, "a.pdf").code == "corrupt_pdf"


def test_pdf_page_limit():
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for _ in range(501):
        pdf.drawString(72, 700, "x")
        pdf.showPage()
    pdf.save()
    error = error_of(out.getvalue(), "long.pdf")
    assert error.code == "too_large" and "500" in error.en


def test_every_error_has_specific_bilingual_reason():
    samples = [(b"", "a.txt"), (b"x", "a.doc"), (bytes([0x80, 0xFF]) * 50, "a.txt"), (cid_pdf(), "a.pdf"),
               (b"PK\x03\x04junk", "a.docx"), (b"junk", "a.pdf")]
    for data, name in samples:
        error = error_of(data, name)
        assert error.zh and error.en and error.zh != error.en
        assert any("\u4e00" <= ch <= "\u9fff" for ch in error.zh)
        assert error.reason == f"{error.zh} / {error.en}"


# --- properties -----------------------------------------------------------------------------------------------

NAMES = st.sampled_from(["a.txt", "a.html", "a.docx", "a.pdf"])


def _document_or_report_error(data: bytes, name: str) -> None:
    try:
        doc = read_document(data, name)
    except ReportError as error:
        assert error.code and error.zh and error.en
    else:
        assert isinstance(doc, Document) and doc.text and doc.text == doc.text.strip()


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000), NAMES)
def test_arbitrary_bytes_give_a_document_or_a_report_error(data, name):
    _document_or_report_error(data, name)


@settings(max_examples=40, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["pdf", "docx"]), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)),
                                                   min_size=1, max_size=8))
def test_damaged_real_files_give_a_document_or_a_report_error(kind, edits):
    data = bytearray(_small_file(kind))
    for position, value in edits:
        data[position % len(data)] = value
    _document_or_report_error(bytes(data), f"a.{kind}")


@lru_cache(maxsize=2)
def _small_file(kind: str) -> bytes:
    paragraphs = ["法治政府建设年度报告", "2021年,我局坚持依法行政,办理行政复议案件35件。"]
    return make_pdf(paragraphs) if kind == "pdf" else make_docx(paragraphs, table=[["项目", "数量"]])


@settings(max_examples=100, deadline=2000)
@given(st.text(max_size=400), st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_any_text_file_reads_or_is_refused(text, codec):
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:
        return
    _document_or_report_error(data, "a.txt")
