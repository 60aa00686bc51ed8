"""Briefings (导出简报): the .docx opened with python-docx, its first page drawn by LibreOffice, and the button on
every page of the app producing a document of what the page shows."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.test_queries import build_demo_warehouse
from ui.briefing import (
    MAX_ROWS,
    PNG_HEIGHT,
    PNG_SCALE,
    PNG_WIDTH,
    WIDE_TABLE,
    Section,
    build_briefing,
    cell_text,
    figure_size,
)
from ui.charts import compliance_bars

ARTIFACTS = ROOT / "tests" / "artifacts"
TITLE = "法治年报观察简报：总览"
FILTERS = {"省份": "广东省", "年份": "2020–2022"}
NOTE = "来源：数据仓库 demo.duckdb（2026-12-01 更新）· 报告 7 份 · 已审核 43% · 导出于 2026-12-08"
TABLE = pd.DataFrame({"机构": ["深圳市宝安区司法局", '=HYPERLINK("http://x")', "长沙市人民政府"],
                      "年份": [2020, 2021, 2022], "行政复议（件）": [1234.0, 56.5, None]})
TABLE_CELLS = [["机构", "年份", "行政复议（件）"], ["深圳市宝安区司法局", "2020", "1234"],
               ["'=HYPERLINK(\"http://x\")", "2021", "56.5"], ["长沙市人民政府", "2022", "—"]]


def _sections() -> list[Section]:
    bars = compliance_bars({"机构职能": 0.8, "依法行政": 0.5, "按时发布": None}, title="合规情况")
    tall = go.Figure(go.Scatter(x=[2020, 2021, 2022], y=[3, 1, 2], name="宝安区")).update_layout(height=600,
                                                                                                  title="趋势")
    return [Section("合规情况", bars, TABLE, NOTE), Section("调解案件趋势", figure=tall, note=NOTE),
            Section("仅一张表", table=pd.DataFrame({"项目": ["按时发布"], "占比": ["50%"]}), note="来源：另一条")]


def images(doc) -> list[bytes]:
    """The pictures in document order."""
    blobs = []
    for shape in doc.inline_shapes:
        rid = shape._inline.graphic.graphicData.pic.blipFill.blip.get(qn("r:embed"))
        blobs.append(doc.part.related_parts[rid].blob)
    return blobs


def stub_render(figures) -> list[bytes]:
    """A fast stand-in for kaleido: a grey PNG of the size the real renderer would make."""
    out = []
    for fig in figures:
        w, h = figure_size(fig)
        buf = io.BytesIO()
        Image.new("RGB", (w * PNG_SCALE, h * PNG_SCALE), "#888888").save(buf, "PNG")
        out.append(buf.getvalue())
    return out


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    """One briefing rendered for real (kaleido with Debian's chromium)."""
    return build_briefing(TITLE, FILTERS, _sections(), subtitle="生成于 2026-12-08 10:00，数据仓库 demo.duckdb")


def test_the_document_has_the_title_filters_headings_tables_notes_and_charts(docx_bytes):
    doc = Document(io.BytesIO(docx_bytes))
    styled = [(p.style.name, p.text) for p in doc.paragraphs if p.text]
    assert styled[0] == ("Title", TITLE)
    assert ("Normal", "筛选条件：省份：广东省；年份：2020–2022") in styled
    assert [x for s, x in styled if s == "Heading 1"] == ["合规情况", "调解案件趋势", "仅一张表"]
    assert [x for s, x in styled if s == "Caption"] == [NOTE, NOTE, "来源：另一条"]
    assert doc.core_properties.title == TITLE
    # Real Word tables, Chinese headers, exact cells: numbers as written, a blank as —, a formula made inert.
    assert [[c.text for c in r.cells] for r in doc.tables[0].rows] == TABLE_CELLS
    assert [[c.text for c in r.cells] for r in doc.tables[1].rows] == [["项目", "占比"], ["按时发布", "50%"]]
    assert all(run.bold for run in doc.tables[0].rows[0].cells[0].paragraphs[0].runs)
    # Each chart is a readable PNG of the size it was drawn at (scale 2), and not blank.
    pngs = images(doc)
    assert len(pngs) == 2
    for png, height in zip(pngs, (PNG_HEIGHT, 600), strict=True):
        img = Image.open(io.BytesIO(png))
        img.load()
        assert img.format == "PNG" and img.size == (PNG_WIDTH * PNG_SCALE, height * PNG_SCALE)
        colours = img.convert("RGB").getcolors(maxcolors=1 << 20)
        assert len(colours) > 20  # anti-aliased text and lines, not one flat colour
    bars = Image.open(io.BytesIO(pngs[0])).convert("RGB")
    blue = sum(n for n, rgb in bars.getcolors(maxcolors=1 << 20) if rgb == (0x00, 0x68, 0xC9))
    assert blue > 0.05 * bars.width * bars.height  # the bars in Streamlit's first colour, not the black placeholder


def test_cells_are_plain_text_and_long_tables_are_cut_with_a_note():
    assert cell_text("a\x00b\x0bc") == "abc"
    assert cell_text("+86 10 1234") == "'+86 10 1234" and cell_text("@sum") == "'@sum"
    assert cell_text(float("nan")) == "—" and cell_text(None) == "—" and cell_text(True) == "是"
    assert cell_text(0.125) == "0.12" and cell_text(pd.Timestamp("2024-03-31")) == "2024-03-31"
    long = pd.DataFrame({"序号": range(MAX_ROWS + 5)})
    doc = Document(io.BytesIO(build_briefing("长表", "全部", [Section("长表", table=long)], render=stub_render)))
    assert len(doc.tables[0].rows) == MAX_ROWS + 1
    assert any(f"前 {MAX_ROWS} 行，共 {MAX_ROWS + 5} 行" in p.text for p in doc.paragraphs)
    # The page hook passes only the first rows and the full length.
    doc = Document(io.BytesIO(build_briefing("长表", "全部", [Section("长表", table=long.head(MAX_ROWS), rows=12345)],
                                             render=stub_render)))
    assert any(f"前 {MAX_ROWS} 行，共 12,345 行" in p.text for p in doc.paragraphs)
    # A wide table turns its pages to landscape; the narrow section after it turns them back.
    wide = pd.DataFrame({f"列{i}": [i] for i in range(WIDE_TABLE + 1)})
    doc = Document(io.BytesIO(build_briefing("宽表", "全部", [Section("宽表", table=wide), Section("窄表", table=long)],
                                             render=stub_render)))
    assert [s.orientation for s in doc.sections] == [WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]  # title on the first
    doc = Document(io.BytesIO(build_briefing("宽表", "全部", [Section("窄表", table=long), Section("宽表", table=wide)],
                                             render=stub_render)))
    assert [s.orientation for s in doc.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE]


def test_a_chart_that_cannot_be_drawn_leaves_a_line_and_the_tables(monkeypatch):
    def broken(figures):
        raise RuntimeError("no chromium")

    doc = Document(io.BytesIO(build_briefing(TITLE, FILTERS, _sections(), render=broken)))
    assert images(doc) == []
    assert sum("未能在服务器上绘制" in p.text and "no chromium" in p.text for p in doc.paragraphs) == 2
    assert [[c.text for c in r.cells] for r in doc.tables[0].rows] == TABLE_CELLS


def test_english_words_in_english_mode():
    doc = Document(io.BytesIO(build_briefing("Briefing", {"Province": "All"}, [], language="en",
                                             render=stub_render)))
    texts = [p.text for p in doc.paragraphs]
    assert "Filters: Province: All" in texts and "This page has no chart or table to export." in texts


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice is not installed (Debian: apt-get install libreoffice-writer; "
                           "`make system-deps` does it as root)")
def test_libreoffice_draws_the_first_page(docx_bytes, tmp_path):
    import pypdfium2

    src = tmp_path / "briefing.docx"
    src.write_bytes(docx_bytes)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=180)
    pdf = pypdfium2.PdfDocument(str(tmp_path / "briefing.pdf"))
    page = pdf[0]
    text = page.get_textpage().get_text_range()
    assert TITLE in text and "筛选条件" in text and "深圳市宝安区司法局" in text  # CJK text, not boxes
    img = page.render(scale=1.5).to_pil().convert("RGB")
    ARTIFACTS.mkdir(exist_ok=True)
    img.save(ARTIFACTS / "briefing_page1.png")  # look at it: title, filters, the bar chart, the table, the note
    colours = img.getcolors(maxcolors=1 << 22)
    white = sum(n for n, rgb in colours if min(rgb) > 245)
    assert white < 0.97 * img.width * img.height, "the first page is blank"
    blue = sum(n for n, rgb in colours if rgb[2] > 150 and rgb[0] < 60)
    assert blue > 0.01 * img.width * img.height, "the chart is not on the first page"


# ---- the button on every page ----------------------------------------------------------------------------------
def _pages() -> list[tuple[str, str]]:
    import ast

    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PAGES":
            return [(f, key) for f, key, _url, _icon in ast.literal_eval(node.value)]
    raise AssertionError("app.py has no PAGES")


@pytest.fixture
def deferred(monkeypatch, tmp_path):
    """The demo warehouse, a fast renderer, and the deferred download callables by file id."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    import ui.briefing

    monkeypatch.setenv("WAREHOUSE", str(build_demo_warehouse(tmp_path / "demo.duckdb")))
    monkeypatch.setattr(ui.briefing, "render_pngs", stub_render)
    calls: dict[str, object] = {}
    add = MediaFileManager.add_deferred

    def capture(self, data, *args, **kwargs):
        file_id = add(self, data, *args, **kwargs)
        calls[file_id] = data
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", capture)
    return calls


def _briefing(at: AppTest, calls: dict, label: str):
    buttons = [b for b in at.get("download_button") if b.proto.label == label]
    assert len(buttons) == 1, [b.proto.label for b in at.get("download_button")]
    return Document(io.BytesIO(calls[buttons[0].proto.deferred_file_id]()))


@pytest.mark.usefixtures("navigation_mode")
def test_every_page_has_the_button_and_it_writes_the_page_s_charts_and_tables(deferred):
    from ui.i18n import t

    today = date.today()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    for i, (page, key) in enumerate(_pages()):
        if i:
            at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        doc = _briefing(at, deferred, "导出简报 (Word)")
        assert doc.paragraphs[0].text == f"法治年报观察简报：{t(key, 'zh')}", page
        assert any(p.text.startswith("筛选条件：") for p in doc.paragraphs), page
        charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
        captioned = [c for c in charts if "来源" in c["layout"].get("title", {}).get("subtitle", {}).get("text", "")]
        # Every chart drawn through ui.page.plot carries its source and date, and is in the briefing; the
        # Regions tile grid (no toolbar, so no caption on screen) is in it too.
        assert len(images(doc)) == len(captioned) + (page == "views/regions.py"), page
        for chart, element in zip(charts, at.get("plotly_chart"), strict=True):
            if chart in captioned:
                assert today.isoformat() in chart["layout"]["title"]["subtitle"]["text"]
                config = json.loads(element.proto.config)
                assert config["toImageButtonOptions"]["filename"].endswith(f"{today:%Y%m%d}")
        notes = [p.text for p in doc.paragraphs if p.style.name == "Caption" and p.text.startswith("来源")]
        assert len(notes) == len([p for p in doc.paragraphs if p.style.name == "Heading 1"]), page
        if page in ("views/regions.py", "views/assessment.py"):
            assert doc.tables, page
        if page == "views/overview.py":
            assert len(captioned) == 2 and len(doc.tables) == 2
            assert doc.tables[1].rows[0].cells[0].text == "项目"
            assert "报告 7 份" in notes[0] and "demo.duckdb" in notes[0]


@pytest.mark.usefixtures("navigation_mode")
def test_the_english_briefing(deferred):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    doc = _briefing(at, deferred, "Export briefing (Word)")
    assert doc.paragraphs[0].text == "Rule-of-law report briefing: Overview"
    assert any(p.text.startswith("Filters: ") for p in doc.paragraphs)
    assert any(p.text.startswith("Source: warehouse demo.duckdb") for p in doc.paragraphs)
    assert doc.tables[1].rows[0].cells[0].text == "Item"


# ---- in a real browser: the sidebar button and the chart toolbar's PNG ---------------------------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from tests.live_app import demo_server

    yield from demo_server(tmp_path_factory, "briefing")


def test_the_button_and_the_chart_png_in_chromium(server, tmp_path):
    from urllib.parse import quote

    from playwright.sync_api import sync_playwright

    from tests.live_app import ARGS, CHROMIUM

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            page.goto(f"{server}/trends?province={quote('广东省')}&indicator=mediation_cases",
                      wait_until="domcontentloaded")
            page.wait_for_selector(".js-plotly-plot .main-svg .scatterlayer", timeout=20_000)
            button = page.get_by_role("button", name="导出简报 (Word)")
            button.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "briefing_button.png"))  # the button under the filters
            with page.expect_download(timeout=120_000) as got:
                button.click()
            assert got.value.suggested_filename == f"briefing-trends-{date.today():%Y%m%d}.docx"
            got.value.save_as(tmp_path / "trends.docx")
            # The chart toolbar's PNG: a dated file name, and the source note drawn in the picture.
            page.locator(".js-plotly-plot").first.hover()
            with page.expect_download(timeout=30_000) as png:
                page.locator('.modebar-btn[data-title="Download plot as a PNG"]').first.click()
            assert png.value.suggested_filename == f"fazhi-tr_chart-{date.today():%Y%m%d}.png"
            png.value.save_as(ARTIFACTS / "briefing_toolbar_chart.png")
        finally:
            browser.close()
    doc = Document(tmp_path / "trends.docx")
    assert doc.paragraphs[0].text == "法治年报观察简报：趋势"
    assert any(p.text.startswith("筛选条件：") and "省份：广东省" in p.text for p in doc.paragraphs)
    pngs = images(doc)
    assert len(pngs) == 1 and Image.open(io.BytesIO(pngs[0])).size == (PNG_WIDTH * PNG_SCALE, PNG_HEIGHT * PNG_SCALE)
    assert doc.tables and doc.tables[0].rows[0].cells[0].text == "机关"
    assert Image.open(ARTIFACTS / "briefing_toolbar_chart.png").format == "PNG"


@pytest.mark.usefixtures("navigation_mode")
def test_without_a_warehouse_the_briefing_says_there_is_nothing(deferred, monkeypatch, tmp_path):
    monkeypatch.setenv("WAREHOUSE", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    for page in ("views/overview.py", "views/import_page.py"):
        if page != "views/overview.py":
            at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        doc = _briefing(at, deferred, "导出简报 (Word)")
        assert "本页没有可导出的图表或表格。" in [p.text for p in doc.paragraphs], page


def test_a_chart_and_the_table_after_it_make_one_section():
    from ui.briefing_page import sections

    def fig(title=""):
        return go.Figure(go.Bar(x=[1], y=[1])).update_layout(title=title)

    df = pd.DataFrame({"agency": ["甲"], "link": ["report?x"], "年份": [2020]})
    items = [("chart", fig("高频词（出现次数）")), ("table", df, "高频词", None), ("chart", fig("调解纠纷")),
             ("table", df, "趋势", None), ("table", df, "仅表", None), ("chart", fig())]
    got = sections(items, {}, "来源：页面")
    assert [s.heading for s in got] == ["高频词（出现次数）", "趋势：调解纠纷", "仅表", "图 4"]
    assert [s.figure is not None for s in got] == [True, True, False, True]
    assert got[0].table.columns.tolist() == ["机关", "年份"]  # col.* labels, the link column dropped
    assert {s.note for s in got} == {"来源：页面"}
