"""A varied PDF corpus for bench/bench_pdf.py, made from synthetic report texts when no real PDFs are at hand.

Half the files come from the generator's own PDF renderer (etl/synth_render.py); the others are laid out here
with varied font sizes, margins, line spacing, page-number styles (- 3 -, 第 3 页, 3/12, a bare 3, none),
centred titles, indented or flush paragraphs, one to four reports per file (2 to 12 pages), and in some
files ASCII runs (digits, Latin) set in an embedded TrueType font beside the non-embedded STSong-Light, as Word
does with Times New Roman inside 宋体 text.
"""
from __future__ import annotations

import io
import random
import tempfile
from pathlib import Path

FONT = "STSong-Light"
LATIN_FILE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
NO_LINE_START = "，。、；：！？”）》,.;:)"
PAGE_NUMBERS = ("- {n} -", "第 {n} 页", "{n}/{total}", "{n}", "第{n}页 共{total}页", None)


def _fonts() -> str | None:
    """Register the fonts; the name of the embedded Latin font, or None where DejaVu Sans is not installed."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    if not LATIN_FILE.exists():
        return None
    if "Latin" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Latin", str(LATIN_FILE)))
    return "Latin"


def _runs(text: str, latin: str | None) -> list[tuple[str, str]]:
    """(font, text) runs: ASCII in the Latin font when there is one, everything else in STSong-Light."""
    if not latin:
        return [(FONT, text)]
    runs: list[tuple[str, str]] = []
    for ch in text:
        font = latin if ch.isascii() and ch != " " else FONT
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


def _width(text: str, size: float, latin: str | None) -> float:
    from reportlab.pdfbase import pdfmetrics

    return sum(pdfmetrics.stringWidth(run, font, size) for font, run in _runs(text, latin))


def _wrap(paragraph: str, size: float, width: float, latin: str | None) -> list[str]:
    """Greedy lines that keep closing punctuation off line starts (避头尾), as word processors do."""
    lines, start = [], 0
    while start < len(paragraph):
        n = 1
        while start + n < len(paragraph) and _width(paragraph[start:start + n + 1], size, latin) <= width:
            n += 1
        while n > 1 and start + n < len(paragraph) and paragraph[start + n] in NO_LINE_START:
            n -= 1
        lines.append(paragraph[start:start + n])
        start += n
    return lines


def layout_pdf(rng: random.Random, paragraphs: list[str]) -> bytes:
    """One report laid out with a layout drawn from `rng`; the first paragraph is the centred title."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    latin = _fonts() if rng.random() < 0.4 else None
    size = rng.choice([9, 10.5, 12, 14, 16])
    margin = rng.choice([54, 72, 90])
    leading = size * rng.choice([1.4, 1.6, 1.8])
    style = rng.choice(PAGE_NUMBERS)
    indent = rng.choice(["\u3000\u3000", ""])
    width, height = A4
    # Lay out first, so the page count is known for '3/12' styles.
    pages: list[list[tuple[float, float, float, str]]] = [[]]
    y = height - margin
    for index, paragraph in enumerate(paragraphs):
        title = index == 0
        psize = size + 4 if title else size
        text = paragraph if title else indent + paragraph
        for line in _wrap(text, psize, width - 2 * margin, latin):
            if y < margin + 20:
                pages.append([])
                y = height - margin
            x = (width - _width(line, psize, latin)) / 2 if title else margin
            pages[-1].append((x, y, psize, line))
            y -= leading * (psize / size)
        y -= size * rng.choice([0, 0, 0.6])
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    for number, page in enumerate(pages, 1):
        for x, y, psize, line in page:
            text = pdf.beginText(x, y)
            for font, run in _runs(line, latin):
                text.setFont(font, psize)
                text.textOut(run)
            pdf.drawText(text)
        if style:
            pdf.setFont(FONT, 9)
            pdf.drawCentredString(width / 2, margin / 2, style.format(n=number, total=len(pages)))
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def make_corpus(n: int, seed: int, folder: Path) -> list[tuple[str, bytes]]:
    """`n` PDFs (name, bytes): about half from etl.synth's renderer, the rest laid out by layout_pdf."""
    from etl.read import read_document
    from etl.synth import generate

    rng = random.Random(seed)
    files: list[tuple[str, bytes]] = []
    own = n // 2
    if n - own:
        generate(n - own, folder / "synth", seed=seed, formats=("pdf",))
        files += [(p.name, p.read_bytes()) for p in sorted((folder / "synth").glob("*.pdf"))]
    if own:
        generate(own * 2, folder / "texts", seed=seed + 1, formats=("txt",))
        texts = [read_document(p.read_bytes(), p.name).text for p in sorted((folder / "texts").glob("*.txt"))]
        for index in range(own):
            paragraphs = []
            for _ in range(rng.choice([1, 1, 2, 3, 4])):
                paragraphs += rng.choice(texts).split("\n")
            files.append((f"layout{index:04d}.pdf", layout_pdf(rng, paragraphs)))
    return files


if __name__ == "__main__":  # write a corpus to look at: python bench/pdf_corpus.py OUT [N]
    import sys

    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in make_corpus(int(sys.argv[2]) if len(sys.argv) > 2 else 20, 5, Path(tmp)):
            (target / name).write_bytes(data)
