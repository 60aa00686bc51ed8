"""HTML reports: decode (honouring <meta charset>), parse with BeautifulSoup+lxml, keep visible text only."""
from __future__ import annotations

import re
import warnings

from etl.read.encoding import decode_bytes
from etl.read.txt import check_is_text

# Tags whose content is never report text (code, styling, embedded objects, form controls, site menus).
DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "applet", "svg", "math",
             "canvas", "select", "textarea", "button", "audio", "video", "map", "frameset", "frame", "nav")
BLOCK_TAGS = ("address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
              "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
              "h6", "header", "hr", "li", "main", "ol", "p", "pre", "section", "summary", "table", "tbody",
              "tfoot", "thead", "tr", "ul", "title")
CELL_TAGS = ("td", "th")
# U+2029 (paragraph separator) marks block boundaries through the whitespace collapse below; normalize_text
# turns it into a line break afterwards.
_BREAK = "\u2029"
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
# A source line break between two Chinese characters is hard-wrapping in the HTML file, not a word gap.
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’《》"
_CJK_WRAP = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_CJK}])")
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)


def declared_charset(data: bytes) -> str | None:
    """The charset named by a <meta> tag in the first 4 KB, if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def _visible_text(root) -> str:
    """Walk the tree with an explicit stack (deeply nested pages must not hit the recursion limit or the
    quadratic cost of editing the tree), marking block boundaries with _BREAK."""
    from bs4 import CData, NavigableString, Tag

    parts: list[str] = []
    # (node, inside <pre>); a plain str (not a bs4 string) in the node slot is text to emit when a tag closes.
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, in_pre = stack.pop()
        if type(node) is str:
            parts.append(node)
        elif isinstance(node, Tag):
            name = node.name
            if name in DROP_TAGS or name == "head":
                continue
            if name == "br":
                parts.append(_BREAK)
                continue
            if name in BLOCK_TAGS:
                parts.append(_BREAK)
                stack.append((_BREAK, in_pre))
            elif name in CELL_TAGS:
                stack.append((" ", in_pre))
            in_pre = in_pre or name == "pre"
            stack.extend((child, in_pre) for child in reversed(node.contents))
        # Comments, doctypes, declarations and processing instructions are NavigableString subclasses too.
        elif type(node) in (NavigableString, CData):
            parts.append(node.replace("\n", _BREAK) if in_pre else node)
    return "".join(parts)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one block element per line; nothing in it is ever executed."""
    from bs4 import BeautifulSoup

    with warnings.catch_warnings():
        # Pages that look like XML or like a file name/URL make bs4 warn; the parse is still what we want.
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(markup, "lxml")
    title_tag = soup.find("title")
    title = _HTML_SPACE.sub(" ", title_tag.get_text()).strip() if title_tag else ""
    body = _HTML_SPACE.sub(" ", _CJK_WRAP.sub("", _visible_text(soup))).replace(_BREAK, "\n")
    return _with_title(title, body)


_TITLE_SUFFIX = re.compile(r"\s*(_|\||｜| - |—|－)\s*")


def _with_title(title: str, body: str) -> str:
    from etl.normalize import normalize_text

    if not title:
        return body
    flat = normalize_text(body)
    # Page titles often append the site name ('…年度报告_清远市司法局'); the part before it counts as the title.
    head = _TITLE_SUFFIX.split(title, maxsplit=1)[0]
    if normalize_text(title) in flat or (len(head) >= 6 and normalize_text(head) in flat):
        return body
    return title + "\n" + body


def read_html(data: bytes) -> tuple[str, str]:
    """Return (visible text, encoding) of an .html/.htm file."""
    markup, encoding = decode_bytes(data, declared_charset(data))
    check_is_text(markup)
    text = html_to_text(markup)
    return text, encoding
