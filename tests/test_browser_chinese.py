"""Chinese first in a real browser: the text each page shows in chromium has no raw code or developer note, and
the uploader's built-in English is replaced by Chinese. Tables are drawn on a canvas, so their cells are checked
by the AppTest walk (tests/test_chinese_first.py), not here."""
from __future__ import annotations

import re

import pytest

from .live_app import chromium, demo_server
from .test_chinese_first import DEV, SNAKE

PAGES = ["overview", "trends", "rankings", "compare", "keywords", "report", "quality", "import", "review"]
# The page's visible text, without Material icon ligatures ("upload", "keyboard_arrow_down") and hidden helpers.
VISIBLE_TEXT = """() => {
  const main = document.querySelector('[data-testid="stMain"]').cloneNode(true);
  main.querySelectorAll('[data-testid="stIconMaterial"], [aria-hidden="true"] svg').forEach(e => e.remove());
  return main.innerText;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from demo_server(tmp_path_factory, "zh")


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(url, wait_until="domcontentloaded")
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=20_000)
    page.wait_for_timeout(500)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=20_000)
    page.wait_for_function("document.querySelectorAll('[data-testid=\"stSkeleton\"]').length == 0", timeout=20_000)
    page.wait_for_timeout(500)
    return page


@pytest.mark.parametrize("path", PAGES)
def test_no_code_in_the_text_a_chinese_reader_sees(server, browser, path):
    page = _open(browser, f"{server}/{path}")
    try:
        text = page.evaluate(VISIBLE_TEXT)
        text = re.sub(r"https?://\S+|[\w.-]+\.(?:txt|html?|docx|pdf|csv|xlsx|duckdb)\b", "", text)
        assert not SNAKE.findall(text) and not DEV.findall(text), (SNAKE.findall(text), DEV.findall(text))
    finally:
        page.close()


def test_the_uploader_reads_chinese(server, browser):
    page = _open(browser, f"{server}/import")
    try:
        zone = '[data-testid="stFileUploaderDropzone"]'
        button = page.locator(f"{zone} button [data-testid='stMarkdownContainer'] p").first
        assert button.evaluate("e => getComputedStyle(e, '::after').content") == '"选择文件"'
        assert button.evaluate("e => getComputedStyle(e).fontSize") == "0px"  # Streamlit's "Upload" is not shown
        note = page.locator(f"{zone} [data-testid='stFileUploaderDropzoneInstructions'] span").first
        assert "每个文件不超过 20 MB" in note.evaluate("e => getComputedStyle(e, '::after').content")
    finally:
        page.close()
    page = _open(browser, f"{server}/import?lang=en")
    try:
        assert page.get_by_text("Upload", exact=True).first.is_visible()  # English mode keeps Streamlit's words
    finally:
        page.close()
