"""Render a synthetic report's lines as the bytes of a .txt, .html, .docx or .pdf file (deterministically)."""
from __future__ import annotations

import html
import io
import random
import zipfile

from etl.synth_body import Block

_HTML_SHELLS = (
    ('<!DOCTYPE html>\n<html>\n<head>\n<meta charset="{charset}">\n<title>{title}</title>\n'
     '<link rel="stylesheet" href="/css/article.css">\n<script src="/js/jquery.min.js"></script>\n</head>\n<body>\n'
     '<div class="header"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a></div>\n<div class="main">\n{body}\n'
     '</div>\n<script>var _hmt = _hmt || [];</script>\n</body>\n</html>\n'),
    ('<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n<title>{title}</title>\n'
     '<style>.TRS_Editor p{{text-indent:2em;line-height:2}}</style>\n</head>\n<body>\n<table width="100%">'
     '<tr><td>\n{body}\n</td></tr></table>\n</body>\n</html>\n'),
    ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="{charset}">\n'
     '<meta name="viewport" content="width=device-width">\n<title>{title}</title>\n</head>\n<body>\n'
     '<article class="article">\n{body}\n</article>\n</body>\n</html>\n'),
)
_INDENTS = ("\u3000\u3000", "    ", "", "")


def _text(block: Block) -> str:
    return html.escape(block.text, quote=False)


def render_txt(rng: random.Random, blocks: tuple[Block, ...]) -> tuple[bytes, str]:
    """Plain text: one paragraph a line, optional indents and blank lines; UTF-8 (some with BOM) or GB18030."""
    indent = rng.choice(_INDENTS)
    sep = "\n\n" if rng.random() < 0.4 else "\n"
    lines = [(indent + b.text if b.kind in ("p", "h2") else b.text) for b in blocks]
    text = sep.join(lines) + "\n"
    if rng.random() < 0.3:
        text = text.replace("\n", "\r\n")
    if rng.random() < 0.25:
        return text.encode("gb18030"), "gb18030"
    if rng.random() < 0.07:
        return b"\xef\xbb\xbf" + text.encode("utf-8"), "utf-8-sig"
    return text.encode("utf-8"), "utf-8"


def _html_body(rng: random.Random, blocks: tuple[Block, ...]) -> str:
    out = []
    in_content = False
    for b in blocks:
        if b.kind == "title":
            out.append(f'<h1 class="title">{_text(b)}</h1>')
        elif b.kind == "stamp":
            out.append(f'<div class="info"><span>{_text(b)}</span></div>')
        elif b.kind == "chrome":
            if in_content:
                out.append("</div>")
                in_content = False
            out.append(f'<div class="bar">{_text(b)}</div>')
        else:
            if not in_content:
                out.append('<div class="TRS_Editor" id="zoom">')
                in_content = True
            style = {"p": ' style="text-indent:2em"', "h2": ' style="text-indent:2em"',
                     "sign": ' style="text-align:right"'}.get(b.kind, "")
            text = _text(b)
            if b.kind == "h1":
                text = f"<strong>{text}</strong>"
            out.append(f"<p{style}>{text}</p>")
    if in_content:
        out.append("</div>")
    return "\n".join(out)


def render_html(rng: random.Random, blocks: tuple[Block, ...]) -> tuple[bytes, str]:
    """A government article page: UTF-8, or GBK/GB2312/GB18030 declared in a <meta> tag."""
    title = next((b.text for b in blocks if b.kind == "title"), "法治政府建设")
    charset = rng.choices(["utf-8", "gbk", "gb2312", "gb18030"], weights=[62, 20, 12, 6])[0]
    page = rng.choice(_HTML_SHELLS).format(charset=charset, title=html.escape(title, quote=False),
                                           body=_html_body(rng, blocks))
    if charset == "utf-8":
        return page.encode("utf-8"), "utf-8"
    try:
        codec = "gb2312" if charset == "gb2312" else "gbk" if charset == "gbk" else "gb18030"
        return page.encode(codec), codec
    except UnicodeEncodeError:
        page = page.replace(f"charset={charset}", "charset=gb18030", 1)
        page = page.replace(f'charset="{charset}"', 'charset="gb18030"', 1)
        return page.encode("gb18030"), "gb18030"


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so the same report gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    # Level 1: the second compression of the same parts is what makes .docx slow to write.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            dst.writestr(fixed, src.read(info.filename), compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out.getvalue()


def render_docx(rng: random.Random, blocks: tuple[Block, ...]) -> tuple[bytes, None]:
    """A Word document as offices attach it: centred title, body paragraphs, right-aligned signature."""
    import datetime as dt

    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    doc.core_properties.created = doc.core_properties.modified = dt.datetime(2020, 1, 1)
    doc.core_properties.author = doc.core_properties.last_modified_by = ""
    for b in blocks:
        if b.kind == "chrome":
            continue
        p = doc.add_paragraph()
        run = p.add_run(b.text)
        if b.kind == "title":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.bold = True
        elif b.kind == "sign":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif b.kind == "h1":
            run.bold = True
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip(buf.getvalue()), None


def _wrap(text: str, width: float) -> list[str]:
    """Break a paragraph into lines of at most `width` em (ASCII counts half)."""
    lines, cur, used = [], [], 0.0
    for ch in text:
        w = 0.5 if ord(ch) < 0x80 else 1.0
        if used + w > width and cur:
            lines.append("".join(cur))
            cur, used = [], 0.0
        cur.append(ch)
        used += w
    if cur:
        lines.append("".join(cur))
    return lines


def render_pdf(rng: random.Random, blocks: tuple[Block, ...]) -> tuple[bytes, None]:
    """A4 text PDF with the built-in CID font STSong-Light (no font file needed); invariant for determinism."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    width, height = A4
    size, margin = 12, 72
    per_line = (width - 2 * margin) / size
    y = height - margin
    for b in blocks:
        if b.kind == "chrome":
            continue
        c.setFont("STSong-Light", 16 if b.kind == "title" else size)
        indent = "\u3000\u3000" if b.kind in ("p", "h2") else ""
        for line in _wrap(indent + b.text, per_line):
            if y < margin:
                c.showPage()
                c.setFont("STSong-Light", size)
                y = height - margin
            x = (width - len(line) * 16) / 2 if b.kind == "title" else margin
            c.drawString(max(margin, x), y, line)
            y -= size * 1.8
        if b.kind in ("title", "stamp"):
            y -= size  # a blank gap under the centred title, as Word layouts have
    c.save()
    return buf.getvalue(), None


RENDERERS = {"txt": render_txt, "html": render_html, "docx": render_docx, "pdf": render_pdf}
