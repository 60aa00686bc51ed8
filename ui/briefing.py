"""Briefings (简报): a Word document of a page's charts, tables and source notes, built without Streamlit.

`build_briefing(title, filters_text, sections)` is pure: it renders the Plotly figures to PNG on the server
(kaleido driving the system chromium; no download) and writes the tables as real Word tables, so tests can
open the bytes with python-docx. Text cells from reports are written as plain text, with the export guard for
cells a spreadsheet would run as formulas (a table copied from Word into Excel stays inert).
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import io
import os
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from etl.export_files import neutralise
from ui.i18n import t

PNG_WIDTH = 800      # CSS pixels of a chart image (its text stays legible at 17 cm); scale 2: 1600 px
PNG_SCALE = 2
PNG_HEIGHT = 450     # for a figure that sets no height of its own
MAX_ROWS = 60        # a briefing is read, not searched: longer tables are cut, and the note says so
IMAGE_WIDTH_CM = 17.0
IMAGE_MAX_HEIGHT_CM = 22.0   # on an A4 portrait page (charts stay on portrait pages)
WIDE_TABLE = 8               # a table with more columns goes on landscape pages
RENDER_TIMEOUT = 120
CJK_FONT = "Noto Sans CJK SC"  # fonts-noto-cjk on Debian; Word on Windows falls back to its own CJK font
# Streamlit's own template holds placeholder colours its front end swaps for the theme's; on the server the
# images use plotly_white with the colours Streamlit shows.
STREAMLIT_COLOURS = ["#0068c9", "#83c9ff", "#ff2b2b", "#ffabab", "#29b09d", "#7defa1", "#ff8700", "#ffd16a",
                     "#6d3fc0", "#d5dae5"]
# XML 1.0 forbids these control characters; python-docx would refuse the whole document.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Section:
    """One part of a briefing: a heading, a chart and/or a table (display headers), and its source note."""

    heading: str
    figure: object | None = None          # a plotly Figure
    table: pd.DataFrame | None = None
    note: str = ""
    rows: int | None = None               # the table's full length when `table` holds only its first rows


def figure_size(fig) -> tuple[int, int]:
    """The CSS size (width, height) a figure is rendered at: its own, or PNG_WIDTH × PNG_HEIGHT."""
    layout = getattr(fig, "layout", None)
    return int(getattr(layout, "width", None) or PNG_WIDTH), int(getattr(layout, "height", None) or PNG_HEIGHT)


def render_pngs(figures: Sequence) -> list[bytes]:
    """Every figure as PNG bytes, in one headless chromium session (kaleido). Raises when none can start."""
    if not figures:
        return []
    import kaleido
    import plotly.graph_objects as go
    import plotly.io as pio

    template = go.layout.Template(pio.templates["plotly_white"])
    template.layout.colorway = STREAMLIT_COLOURS
    figures = [go.Figure(f).update_layout(template=template) for f in figures]
    # $BROWSER_PATH (choreographer's own setting) first, then Debian's chromium on the PATH.
    browser = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")

    async def run() -> list[bytes]:
        # mathjax=False: kaleido would otherwise fetch MathJax from a CDN; plotly.js comes from the plotly package.
        kw = {"path": browser} if browser else {}
        async with kaleido.Kaleido(n=1, mathjax=False, **kw) as k:
            out = []
            for fig in figures:
                width, height = figure_size(fig)
                out.append(await k.calc_fig(fig, opts={"format": "png", "width": width, "height": height,
                                                       "scale": PNG_SCALE}))
            return out

    # A thread of its own: the caller (a Streamlit download) may already run an event loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result(timeout=RENDER_TIMEOUT)


def cell_text(value, language: str = "zh") -> str:
    """A table cell as plain text: numbers as written (two decimals at most), blanks as —, text guarded and XML-safe."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalars
    if isinstance(value, bool):
        return t("common.yes", language) if value else t("common.no", language)
    if isinstance(value, int):
        return str(value)  # no separators: a year is a number too (2020, not 2,020)
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return value.strftime("%Y-%m-%d")
    text = _XML_BAD.sub("", str(value))
    return str(neutralise(text)) if text else "—"


def _fonts(doc) -> None:
    """Body text in a CJK font (East Asian slot too), so Chinese neither falls back nor shows as boxes."""
    for name in ("Normal", "Title", "Heading 1", "Caption"):
        style = doc.styles[name]
        style.font.name = CJK_FONT
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), CJK_FONT)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
    doc.styles["Normal"].font.size = Pt(10.5)


def _note(doc, text: str) -> None:
    p = doc.add_paragraph(text, style="Caption")
    p.paragraph_format.space_after = Pt(12)
    for run in p.runs:
        run.font.size = Pt(8.5)
        run.font.italic = run.font.bold = False
        run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)


def _image(doc, png: bytes, fig, max_height_cm: float) -> None:
    width, height = figure_size(fig)
    if IMAGE_WIDTH_CM * height / width > max_height_cm:
        doc.add_picture(io.BytesIO(png), height=Cm(max_height_cm))
    else:
        doc.add_picture(io.BytesIO(png), width=Cm(IMAGE_WIDTH_CM))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _table(doc, df: pd.DataFrame, language: str, rows: int | None = None) -> None:
    shown = df.head(MAX_ROWS)
    total = max(rows or 0, len(df))
    table = doc.add_table(rows=1, cols=len(shown.columns))
    table.style = doc.styles["Table Grid"]
    size = Pt(8 if len(shown.columns) > 6 else 9)
    for cell, name in zip(table.rows[0].cells, shown.columns, strict=True):
        cell.text = cell_text(str(name), language)
        for run in cell.paragraphs[0].runs:
            run.font.bold, run.font.size = True, size
    # The header row repeats on every page the table runs over.
    table.rows[0]._tr.get_or_add_trPr().append(table.rows[0]._tr.makeelement(qn("w:tblHeader"), {}))
    for row in shown.itertuples(index=False):
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = cell_text(value, language)
            for run in cell.paragraphs[0].runs:
                run.font.size = size
    if total > len(shown):
        _note(doc, t("briefing.rows_cut", language, shown=len(shown), n=f"{total:,}"))


def _page(section, landscape: bool) -> None:
    """A4 with 2 cm margins, portrait or landscape."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Cm(29.7), Cm(21.0)) if landscape else (Cm(21.0), Cm(29.7))
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2.0)


def _lone_wide(section: Section) -> bool:
    return section.figure is None and section.table is not None and len(section.table.columns) > WIDE_TABLE


def _filters_words(filters_text: str | Mapping[str, str], language: str) -> str:
    if isinstance(filters_text, Mapping):
        sep = "；" if language == "zh" else "; "
        colon = "：" if language == "zh" else ": "
        return sep.join(f"{k}{colon}{v}" for k, v in filters_text.items())
    return str(filters_text)


def build_briefing(title: str, filters_text: str | Mapping[str, str], sections: Sequence[Section], *,
                   language: str = "zh", subtitle: str = "",
                   render: Callable[[Sequence], list[bytes]] | None = None) -> bytes:
    """The .docx bytes: title, the filters in words, then per section a heading, the chart image, the table
    and the source note. A chart that cannot be rendered leaves a line saying so, never a failed download.
    `render` (figures → PNG bytes) defaults to render_pngs."""
    doc = Document()
    _fonts(doc)
    # A lone wide table first: the title goes on its landscape page rather than alone on a portrait one.
    landscape = bool(sections) and _lone_wide(sections[0])
    _page(doc.sections[0], landscape)
    doc.core_properties.title = _XML_BAD.sub("", title)
    doc.core_properties.author = t("briefing.author", language)
    doc.core_properties.language = "zh-CN" if language == "zh" else "en"

    doc.add_heading(_XML_BAD.sub("", title), level=0)
    if subtitle:
        doc.add_paragraph(_XML_BAD.sub("", subtitle))
    filters = doc.add_paragraph()
    filters.add_run(t("briefing.filters", language)).bold = True
    filters.add_run(_XML_BAD.sub("", _filters_words(filters_text, language)) or t("filters.all", language))

    figures = [s.figure for s in sections if s.figure is not None]
    try:
        pngs = iter((render or render_pngs)(figures))
        failure = ""
    except Exception as exc:  # noqa: BLE001  (no chromium, a timeout: the tables still go out)
        pngs, failure = iter(()), f"{type(exc).__name__}: {exc}"[:300]
    if not sections:
        doc.add_paragraph(t("briefing.empty", language))
    for section in sections:
        wide = section.table is not None and len(section.table.columns) > WIDE_TABLE
        # A wide table goes on landscape pages (a lone one with its heading); charts stay on portrait ones.
        if landscape != _lone_wide(section):
            landscape = not landscape
            _page(doc.add_section(WD_SECTION.NEW_PAGE), landscape)
        doc.add_heading(_XML_BAD.sub("", section.heading), level=1)
        if section.figure is not None:
            png = next(pngs, None)
            if png is None:
                _note(doc, t("briefing.no_image", language, why=failure or "—"))
            else:
                _image(doc, png, section.figure, IMAGE_MAX_HEIGHT_CM)
        if section.table is not None and not section.table.empty:
            if wide and not landscape:  # after its chart
                landscape = True
                _page(doc.add_section(WD_SECTION.NEW_PAGE), landscape)
            _table(doc, section.table, language, section.rows)
        if section.note:
            _note(doc, _XML_BAD.sub("", section.note))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
