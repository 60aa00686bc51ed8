"""Fetched report pages: charset, title, publication date, body, pagination and attachment links."""
from __future__ import annotations

import datetime as dt
import html
import re
import warnings
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import PurePosixPath
from typing import Optional
from urllib.parse import unquote, urljoin, urlsplit

ATTACHMENT_EXTS = (".docx", ".pdf", ".doc", ".wps")
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]+)", re.I)
_CT_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", re.I)
# GB2312 and GBK pages are decoded as GB18030, their superset, so a rare character never fails the decode.
_CODEC_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
                  "gb_2312-80": "gb18030", "utf8": "utf-8"}
# Servers that send no real charset often default to Latin-1; a Chinese page is never actually Latin-1.
_LATIN = ("latin-1", "latin1", "iso-8859-1", "iso8859-1", "windows-1252", "cp1252", "ascii", "us-ascii")
# Arrow-only links ('>', '»') are left out on purpose: carousels and menus use them too.
_NEXT_TEXTS = ("下一页", "下页", "下一頁", "后一页", "next", "next page")
_CREATE_PAGE = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([^'\"]+)['\"]"
                          r"\s*,\s*['\"]([^'\"]+)['\"]")
# Containers that the common government CMSs (TRS, Hanweb, ...) put the article body in, checked in order.
_CONTENT_SELECTORS = ("#UCAP-CONTENT", "#zoom", ".TRS_Editor", ".TRS_UEDITOR", "#Zoom", ".pages_content",
                      ".article-content", ".article_content", "#article", ".zw", "#zw", ".content", "#content",
                      "article")
_META_TITLES = ("ArticleTitle", "og:title", "title")
_META_DATES = ("PubDate", "pubdate", "publishdate", "firstpublishedtime", "article:published_time", "dc.date",
               "DC.Date", "date")
_DATE = re.compile(r"(20\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_LABELLED_DATE = re.compile(r"(?:发布日期|发布时间|发文日期|成文日期|日期|时间)\s*[:：]?\s*(20\d{2}\s*[-/.年]\s*\d{1,2}"
                            r"\s*[-/.月]\s*\d{1,2})")
_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜| - |—|－)\s*")
_NORM_DROP = re.compile(r"[\s\u3000《》“”\"'()（）【】\[\]:：,，.。、·\-—_]+")
_ATTACHMENT_PREFIX = re.compile(r"^(附件|附|下载)\s*\d*\s*[:：.、]?\s*")
MIN_BODY_CHARS = 200  # a chosen container shorter than this is probably not the body: keep the whole page


def header_charset(content_type: str) -> Optional[str]:
    m = _CT_CHARSET.search(content_type or "")
    return m.group(1) if m else None


def meta_charset(data: bytes) -> Optional[str]:
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def _codec(label: Optional[str]) -> Optional[str]:
    import codecs

    if not label:
        return None
    label = label.strip().lower()
    label = _CODEC_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name.replace("_", "-")
    except LookupError:
        return None


def decode_page(data: bytes, content_type: str = "") -> tuple[str, str]:
    """(text, codec) of a fetched page: valid UTF-8, then the HTTP header charset, the <meta> charset, detection."""
    high = not data.isascii()
    if high:
        # Chinese text in GBK is practically never valid UTF-8, so valid UTF-8 settles it whatever a
        # misconfigured server or template declares (GB18030 would decode UTF-8 bytes into mojibake).
        try:
            return data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            pass
    for label in (header_charset(content_type), meta_charset(data)):
        codec = _codec(label)
        if not codec or codec.startswith(("utf-16", "utf-32")) or (high and label.strip().lower() in _LATIN):
            continue
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue  # a wrong label: fall through to the next hint rather than produce mojibake
    for codec in ("utf-8", "gb18030"):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best), best.encoding.replace("_", "-")
    return data.decode("gb18030", "replace"), "gb18030"


@dataclass(frozen=True)
class Link:
    url: str
    text: str


@dataclass(frozen=True)
class Page:
    """What one fetched HTML page contributes to a report."""

    url: str
    title: str
    published: Optional[str]  # YYYY-MM-DD
    body_html: str  # the article body, pagination bars removed
    body_chars: int
    next_url: Optional[str]
    attachments: tuple[Link, ...]
    refresh_url: Optional[str] = None  # <meta http-equiv="refresh" content="0;url=..."> target


def _soup(markup: str):
    from bs4 import BeautifulSoup

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bs4 warns on XML-looking pages; the lxml parse is still right
        return BeautifulSoup(markup, "lxml")


def _text(node) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ")).strip() if node is not None else ""


def _meta(soup, names: tuple[str, ...]) -> Optional[str]:
    for name in names:
        tag = soup.find("meta", attrs={"name": name}) or soup.find("meta", attrs={"property": name})
        if tag and tag.get("content", "").strip():
            return tag["content"].strip()
    return None


def find_title(soup) -> str:
    """The report title: a <meta> title, else a heading or <title> part naming a 报告, else the best guess."""
    meta = _meta(soup, _META_TITLES)
    if meta:
        return meta
    full = _text(soup.find("title"))
    # '…年度报告_某某区人民政府': the part before the site name is the report title.
    head = _TITLE_SPLIT.split(full, maxsplit=1)[0] if full else ""
    headings = [t for t in (_text(tag) for tag in soup.find_all(["h1", "h2", "h3"], limit=12)) if 6 <= len(t) <= 120]
    # Site banners are headings too, so a heading must name a report or appear in <title> to win.
    for pick in ([h for h in headings if "报告" in h], [head] if "报告" in head else [],
                 [h for h in headings if _norm(h) and _norm(h) in _norm(full)], [head] if len(head) >= 6 else [],
                 headings):
        if pick:
            return pick[0]
    return head


def _iso(m: re.Match) -> Optional[str]:
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def find_published(soup) -> Optional[str]:
    """The publication date the page shows: a <meta> date first, then a labelled stamp like 发布时间:2023-02-15."""
    meta = _meta(soup, _META_DATES)
    if meta and (m := _DATE.search(meta)) and (iso := _iso(m)):
        return iso
    for m in _LABELLED_DATE.finditer(_text(soup.body or soup)):
        if (iso := _iso(_DATE.search(m.group(1)))):
            return iso
    return None


def _content(soup):
    for sel in _CONTENT_SELECTORS:
        node = soup.select_one(sel)
        if node is not None and len(_text(node)) >= MIN_BODY_CHARS:
            return node
    # No known container: the element holding the most paragraph text is the body (readability in brief).
    scores: dict[int, tuple[int, object]] = {}
    for p in soup.find_all(["p", "br"]):
        parent = p.parent
        if parent is None:
            continue
        n = len(_text(p)) if p.name == "p" else len(str(p.previous_sibling or "").strip())
        old = scores.get(id(parent), (0, parent))
        scores[id(parent)] = (old[0] + n, parent)
    if scores:
        score, node = max(scores.values(), key=lambda s: s[0])
        if score >= MIN_BODY_CHARS:
            return node
    return soup.body or soup


def _is_pager(node) -> bool:
    text = _text(node)
    # '首页' alone also occurs in report prose (网站首页), so it only counts next to 尾页/末页.
    return len(text) < 200 and ("下一页" in text or "上一页" in text
                                or ("首页" in text and ("尾页" in text or "末页" in text)))


def _links(soup, base: str) -> list[Link]:
    out = []
    for a in soup.find_all("a", href=True):
        href = a["href"].strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = urljoin(base, href).split("#", 1)[0]
        if urlsplit(url).scheme in ("http", "https"):
            out.append(Link(url, _text(a) or (a.get("title") or "").strip()))
            if a.get("title") and a.get("title").strip() not in out[-1].text:
                out.append(Link(url, a["title"].strip()))
    return out


def _stem_and_index(url: str) -> list[tuple[str, int, str]]:
    """Ways to read a page URL as (stem, page index, extension): 'index_2.html' → ('index', 2, '.html')."""
    path = PurePosixPath(urlsplit(url).path)
    name, ext = path.stem, path.suffix
    out = [(name, 0, ext)]
    m = re.match(r"^(.*)_(\d{1,3})$", name)
    if m:
        out.insert(0, (m.group(1), int(m.group(2)), ext))
    return out


def _folder(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.netloc, parts.path.rsplit("/", 1)[0]


def _next_url(soup, url: str, links: list[Link]) -> Optional[str]:
    for link in links:
        # A report's own pages live in its folder; a 下一页 elsewhere belongs to a listing, not to this report.
        if link.text.strip().lower() in _NEXT_TEXTS and _folder(link.url) == _folder(url) and link.url != url:
            return link.url
    # TRS pages build their pager in JavaScript: createPageHTML(count, current, "name", "ext").
    m = _CREATE_PAGE.search(str(soup))
    if m:
        count, current, name, ext = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
        return urljoin(url, f"{name}_{current + 1}.{ext}") if current + 1 < count else None
    # A numbered pager without a 下一页 link: the sibling with the next index, if the page links to it.
    targets = {link.url for link in links}
    for stem, index, ext in _stem_and_index(url):
        candidate = urljoin(url, f"{stem}_{index + 1}{ext}")
        if candidate in targets:
            return candidate
    return None


def attachment_ext(link: Link) -> Optional[str]:
    """'.docx', '.pdf', '.doc' or '.wps' when the link's address or its text names such a file, else None."""
    for name in (unquote(urlsplit(link.url).path), link.text):
        suffix = PurePosixPath(name.strip()).suffix.lower()
        if suffix in ATTACHMENT_EXTS:
            return suffix
    return None


def parse_page(markup: str, url: str) -> Page:
    soup = _soup(markup)
    base_tag = soup.find("base", href=True)
    links = _links(soup, urljoin(url, base_tag["href"].strip()) if base_tag else url)
    title = find_title(soup)
    published = find_published(soup)
    next_url = _next_url(soup, url, links)
    body = _content(soup)
    for tag in body.find_all(["script", "style", "noscript", "form", "iframe"]):
        tag.decompose()
    for tag in body.find_all(["div", "p", "ul", "table", "span", "center", "nav"]):
        if not tag.decomposed and _is_pager(tag):
            tag.decompose()
    # Some CMSs serve files from download.jsp?id=…, so the link text may be the only hint of a file.
    attachments = tuple(link for link in links if attachment_ext(link))
    return Page(url=url, title=title, published=published, body_html=body.decode_contents(),
                body_chars=len(_text(body)), next_url=next_url, attachments=attachments,
                refresh_url=_refresh_url(soup, url))


def _refresh_url(soup, url: str) -> Optional[str]:
    tag = soup.find("meta", attrs={"http-equiv": re.compile("^refresh$", re.I)})
    m = re.search(r"url\s*=\s*['\"]?([^'\";]+)", tag.get("content", ""), re.I) if tag else None
    return urljoin(url, m.group(1).strip()) if m else None


def _norm(s: str) -> str:
    s = unquote(s).strip()
    s = _ATTACHMENT_PREFIX.sub("", s)
    for ext in ATTACHMENT_EXTS:
        if s.lower().endswith(ext):
            s = s[: -len(ext)]
    return _NORM_DROP.sub("", s).lower()


def title_matches(link_text: str, title: str) -> bool:
    """Whether an attachment's link text (or file name) names the same report as the page title."""
    a, b = _norm(link_text), _norm(title)
    if not a or not b:
        return False
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 6 and short in long_:
        return True
    return SequenceMatcher(None, a, b).ratio() >= 0.8


def matching_attachments(page: Page) -> list[Link]:
    """Attachments named like the report, .docx first then .pdf then the legacy formats, without repeats."""
    seen, out = set(), []
    for link in page.attachments:
        name = PurePosixPath(unquote(urlsplit(link.url).path)).name
        if link.url not in seen and (title_matches(link.text, page.title) or title_matches(name, page.title)):
            seen.add(link.url)
            out.append(link)
    order = {ext: i for i, ext in enumerate(ATTACHMENT_EXTS)}
    return sorted(out, key=lambda link: order.get(attachment_ext(link) or "", len(order)))


def merge_pages(pages: list[Page]) -> bytes:
    """One UTF-8 HTML file holding the report title and every page's body in order (what ingest reads)."""
    title = html.escape(pages[0].title)
    # The title goes in once: as a heading only when the body does not already open with it.
    opening = _text(_soup(pages[0].body_html))[:300]
    heading = f"<h1>{title}</h1>\n" if pages[0].title and pages[0].title not in opening else ""
    parts = [f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}</title>'
             f'<meta name="source-url" content="{html.escape(pages[0].url)}"></head>\n<body>\n{heading}']
    for i, page in enumerate(pages, 1):
        parts.append(f'<div class="page" data-page="{i}" data-url="{html.escape(page.url)}">\n{page.body_html}\n'
                     "</div>\n")
    parts.append("</body></html>\n")
    return "".join(parts).encode("utf-8")
