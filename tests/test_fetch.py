"""Fetching against a local HTTP server on 127.0.0.1: charsets, pagination, attachments, errors, politeness."""
from __future__ import annotations

import argparse
import html
import io
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template

import pytest

from etl.fetch import FetchJob, fetch_reports, import_urls, jobs_from_manifest, parse_url_list
from etl.fetch_html import decode_page, parse_page, title_matches
from etl.fetch_http import USER_AGENT, FetchError, FetchOptions, PoliteClient
from etl.fetch_store import MANIFEST_COLUMNS, RAW_DIR

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEMPLATE = Template((FIXTURES / "fetch" / "page.html").read_text(encoding="utf-8"))
SEED = (FIXTURES / "seeds" / "002_47242c5338189b52.txt").read_text(encoding="utf-8").splitlines()
TITLE = SEED[0].strip()  # 中共白山市浑江区委白山市浑江区人民政府2019年法治政府建设工作报告
# Body paragraphs only: the seed's trailing editor lines (责任编辑, 初审/复审) are page chrome the reader strips.
PARAS = [p.strip() for p in SEED[1:] if len(p.strip()) > 20 and "编辑" not in p]
FAST = FetchOptions(rate=0, timeout=1.0, retries=2, backoff=0.01, max_bytes=200_000, trust_env=False)


def _page(body_paras, title=TITLE, date="2020-03-20", charset="utf-8", pager="", extra="", meta=True) -> str:
    return TEMPLATE.substitute(
        charset_meta=f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if meta else "",
        title=html.escape(title), pubdate_meta="", date_line=f"发布时间：{date}" if date else "",
        body="\n".join(f"<p>{html.escape(p)}</p>" for p in body_paras), pager=pager, extra=extra)


def _docx_bytes(title: str, paras: list[str]) -> bytes:
    import docx

    doc = docx.Document()
    doc.add_paragraph(title)
    for p in paras:
        doc.add_paragraph(p)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


@dataclass
class Site:
    """Routes of the test server: path → (status, headers, body); callables are answered fresh each time."""

    routes: dict = field(default_factory=dict)
    log: list = field(default_factory=list)  # (path, user agent) of every request
    flaky_left: int = 1

    def handle(self, path: str):
        if path == "/flaky.html" and self.flaky_left > 0:
            self.flaky_left -= 1
            return 500, {}, b"busy"
        route = self.routes.get(path)
        if route is None:
            return 404, {"Content-Type": "text/html"}, b"<h1>404</h1>"
        return route() if callable(route) else route


def _build_site() -> Site:
    s = Site()
    third = len(PARAS) // 3
    html_utf8 = {"Content-Type": "text/html; charset=utf-8"}
    s.routes["/robots.txt"] = (200, {"Content-Type": "text/plain"}, (FIXTURES / "fetch" / "robots.txt").read_bytes())
    s.routes["/utf8.html"] = (200, html_utf8, _page(PARAS).encode("utf-8"))
    # GBK: one page declares it only in <meta>, the other only in the HTTP header.
    s.routes["/gbk.html"] = (200, {"Content-Type": "text/html"}, _page(PARAS[:8], charset="gb2312").encode("gbk"))
    s.routes["/gbk-header.html"] = (200, {"Content-Type": "text/html; charset=GBK"},
                                    _page(PARAS[:8], meta=False, date="2020-04-01").encode("gbk"))
    pager = ('<div class="pager"><a href="index.html">1</a> <a href="index_1.html">2</a> '
             '<a href="index_2.html">3</a> {next}</div>')
    s.routes["/multi/index.html"] = (200, html_utf8, _page(
        PARAS[:third], pager=pager.format(next='<a href="index_1.html">下一页</a>')).encode("utf-8"))
    s.routes["/multi/index_1.html"] = (200, html_utf8, _page(
        PARAS[third:2 * third], pager=pager.format(next='<a href="index_2.html">下一页</a>')).encode("utf-8"))
    s.routes["/multi/index_2.html"] = (200, html_utf8, _page(PARAS[2 * third:], pager=pager.format(next=""))
                                       .encode("utf-8"))
    links = (f'<p>附件：<a href="/attach/report.docx">{TITLE}.docx</a></p>'
             '<p>附件2：<a href="/attach/form.pdf">行政复议申请书格式文本.pdf</a></p>')
    s.routes["/attach/page.html"] = (200, html_utf8, _page(["全文详见附件。"] + PARAS[:2], extra=links)
                                     .encode("utf-8"))
    s.routes["/attach/report.docx"] = (200, {"Content-Type": "application/vnd.openxmlformats-officedocument."
                                             "wordprocessingml.document"}, _docx_bytes(TITLE, PARAS))
    s.routes["/attach/form.pdf"] = (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 not the report")
    s.routes["/redirect/start"] = (302, {"Location": "/redirect/middle"}, b"")
    s.routes["/redirect/middle"] = (301, {"Location": "/redirect/final.html"}, b"")
    s.routes["/redirect/final.html"] = (200, html_utf8, _page(PARAS[:5], date="2020-05-06").encode("utf-8"))
    s.routes["/forward.html"] = (200, html_utf8, b'<html><head><meta http-equiv="refresh" content="0; '
                                 b'url=/utf8.html"></head><body>Loading</body></html>')
    s.routes["/loop/a"] = (302, {"Location": "/loop/b"}, b"")
    s.routes["/loop/b"] = (302, {"Location": "/loop/a"}, b"")
    s.routes["/flaky.html"] = (200, html_utf8, _page(PARAS[:4]).encode("utf-8"))
    s.routes["/private/secret.html"] = (200, html_utf8, _page(PARAS[:4]).encode("utf-8"))
    s.routes["/huge.html"] = (200, {"Content-Type": "text/html; charset=utf-8", "X-Stream": "1"},
                              b"<p>" + "法治".encode() * 200_000)
    s.routes["/huge-declared.html"] = (200, html_utf8, b"<p>" + b"x" * 300_000)
    return s


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        site: Site = self.server.site  # type: ignore[attr-defined]
        site.log.append((self.path, self.headers.get("User-Agent")))
        status, headers, body = site.handle(self.path)
        self.send_response(status)
        stream = headers.get("X-Stream")
        for k, v in headers.items():
            if k != "X-Stream":
                self.send_header(k, v)
        if not stream:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for i in range(0, len(body), 65536):
                self.wfile.write(body[i:i + 65536])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client aborted on the size cap

    def log_message(self, *args):
        pass


@pytest.fixture
def site(monkeypatch):
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.site = _build_site()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    yield base, server.site
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers: the timeout case."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock.getsockname()[1]
    sock.close()


def _sidecars(out: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / RAW_DIR).rglob("*.meta.json"))]


def _raw_for(out: Path, url: str) -> Path:
    """The raw snapshot whose sidecar names `url` (the only one in these tests)."""
    for side in (out / RAW_DIR).rglob("*.meta.json"):
        if json.loads(side.read_text(encoding="utf-8"))["url"] == url:
            return side.with_name(side.name[: -len(".meta.json")])
    raise AssertionError(f"no snapshot of {url}")


def _manifest(out: Path) -> dict[str, dict]:
    import csv

    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as fh:
        return {row["url"]: row for row in csv.DictReader(fh)}


def _text(path: Path) -> str:
    from etl.read import read_document

    return read_document(path.read_bytes(), path.name).text


# ---- the fetch part ------------------------------------------------------------------------------------------
def test_utf8_and_gbk_pages_saved_raw_with_sidecars(site, tmp_path):
    base, s = site
    urls = [f"{base}/utf8.html", f"{base}/gbk.html", f"{base}/gbk-header.html"]
    summary = fetch_reports(urls, tmp_path, FAST, progress=False)
    assert summary.failed == [] and len(summary.fetched) == 3
    sides = {d["url"]: d for d in _sidecars(tmp_path)}
    for url in urls:
        side = sides[url]
        path = url[len(base):]
        assert _raw_for(tmp_path, url).read_bytes() == s.routes[path][2]  # unchanged bytes
        assert side["final_url"] == url and side["status"] == 200
        assert side["content_type"] == s.routes[path][1]["Content-Type"]
        assert len(side["sha256"]) == 64 and side["fetched_at"].endswith("+00:00")
    assert sides[f"{base}/gbk.html"]["encoding"] == "gb18030"
    assert sides[f"{base}/gbk-header.html"]["encoding"] == "gb18030"
    rows = _manifest(tmp_path)
    assert rows[f"{base}/utf8.html"]["published"] == "2020-03-20"
    assert rows[f"{base}/gbk-header.html"]["published"] == "2020-04-01"
    # The merged report is UTF-8 and reads back as Chinese text, whatever the page's charset was.
    gbk_report = tmp_path / rows[f"{base}/gbk.html"]["file"]
    text = gbk_report.read_bytes().decode("utf-8")
    assert PARAS[3][:20] in html.unescape(text) and "网站地图" not in text and "统计代码" not in text
    assert all(ua == USER_AGENT for _, ua in s.log)
    assert [p for p, _ in s.log].count("/robots.txt") == 1


def test_pagination_merged_in_order(site, tmp_path):
    base, s = site
    summary = fetch_reports([f"{base}/multi/index.html"], tmp_path, FAST, progress=False)
    assert summary.failed == []
    report = tmp_path / summary.fetched[0][1]
    assert report.suffix == ".html" and report.parent == tmp_path
    text = html.unescape(report.read_text(encoding="utf-8"))
    first, middle, last = PARAS[0][:15], PARAS[len(PARAS) // 3][:15], PARAS[-1][:15]
    assert text.index(first) < text.index(middle) < text.index(last)
    assert "下一页" not in text and text.count(TITLE) == 2  # <title> and the heading, once each
    roles = sorted(d["role"] for d in _sidecars(tmp_path))
    assert roles == ["page 1", "page 2", "page 3"]
    # Only the merged report (and its provenance sidecar) sits in DIR; the raw pages are in the hidden folder.
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == sorted(
        ["manifest.csv", report.name, report.name + ".meta.json"])
    prov = json.loads((tmp_path / (report.name + ".meta.json")).read_text(encoding="utf-8"))
    assert prov["kind"] == "3 pages merged" and len(prov["raw"]) == 3 and prov["url"] == f"{base}/multi/index.html"


def test_failed_later_page_fails_the_report(site, tmp_path):
    base, s = site
    s.routes["/broken/index.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, _page(
        PARAS[:3], pager='<div><a href="index_1.html">下一页</a></div>').encode("utf-8"))
    summary = fetch_reports([f"{base}/broken/index.html"], tmp_path, FAST, progress=False)
    assert summary.failed[0][1].startswith("http_404: 网页不存在") and "/ page 2 (" in summary.failed[0][1]
    assert not (tmp_path / "manifest.csv").exists() and len(_sidecars(tmp_path)) == 1


def test_legacy_attachment_keeps_page_text(site, tmp_path):
    base, s = site
    s.routes["/doc/page.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, _page(
        PARAS[:6], extra=f'<p><a href="/doc/report.doc" title="{TITLE}">下载附件</a></p>').encode("utf-8"))
    s.routes["/doc/report.doc"] = (200, {"Content-Type": "application/msword"}, b"\xd0\xcf\x11\xe0" + b"\0" * 64)
    summary = fetch_reports([f"{base}/doc/page.html"], tmp_path, FAST, progress=False)
    assert summary.fetched[0][1].endswith(".html") and "ingest cannot read" in summary.notes[0][1]
    assert {d["role"] for d in _sidecars(tmp_path)} == {"page 1", "attachment"}


def test_docx_attachment_preferred(site, tmp_path):
    base, s = site
    summary = fetch_reports([f"{base}/attach/page.html"], tmp_path, FAST, progress=False)
    assert summary.failed == [] and summary.fetched[0][1].endswith(".docx")
    report = tmp_path / summary.fetched[0][1]
    assert report.read_bytes() == s.routes["/attach/report.docx"][2]
    assert "/attach/form.pdf" not in [p for p, _ in s.log]  # the unrelated attachment is not downloaded
    assert {d["role"] for d in _sidecars(tmp_path)} == {"page 1", "attachment"}
    assert _manifest(tmp_path)[f"{base}/attach/page.html"]["published"] == "2020-03-20"


def test_redirect_chain_and_loop(site, tmp_path):
    base, _ = site
    summary = fetch_reports([f"{base}/redirect/start", f"{base}/loop/a"], tmp_path, FAST, progress=False)
    assert [u for u, _ in summary.fetched] == [f"{base}/redirect/start"]
    side = _sidecars(tmp_path)[0]
    assert side["url"] == f"{base}/redirect/start" and side["final_url"] == f"{base}/redirect/final.html"
    assert side["redirects"] == [f"{base}/redirect/middle", f"{base}/redirect/final.html"]
    assert summary.failed[0][0] == f"{base}/loop/a" and summary.failed[0][1].startswith("redirect_loop")
    forwarded = fetch_reports([f"{base}/forward.html"], tmp_path / "c", FAST, progress=False)
    assert forwarded.fetched and PARAS[3][:15] in html.unescape(
        (tmp_path / "c" / forwarded.fetched[0][1]).read_text(encoding="utf-8"))
    capped = fetch_reports([f"{base}/redirect/start"], tmp_path / "b", FetchOptions(
        rate=0, max_redirects=1, trust_env=False), progress=False)
    assert capped.failed[0][1].startswith("too_many_redirects")


def test_errors_are_reported_not_fatal(site, tmp_path, silent_port):
    base, s = site
    slow = FetchOptions(rate=0, timeout=0.5, retries=1, backoff=0.01, max_bytes=200_000, trust_env=False)
    urls = [f"{base}/missing.html", f"{base}/flaky.html", f"{base}/private/secret.html", f"{base}/huge.html",
            f"{base}/huge-declared.html", f"http://127.0.0.1:{silent_port}/report.html",
            "http://127.0.0.1:1/refused.html", f"{base}/utf8.html"]
    summary = fetch_reports(urls, tmp_path, slow, progress=False)
    reasons = dict(summary.failed)
    assert reasons[f"{base}/missing.html"].startswith("http_404")
    assert [p for p, _ in s.log].count("/missing.html") == 1  # a 4xx is not retried
    assert reasons[f"{base}/private/secret.html"].startswith("robots")
    assert "/private/secret.html" not in [p for p, _ in s.log]
    assert reasons[f"{base}/huge.html"].startswith("too_large")
    assert reasons[f"{base}/huge-declared.html"].startswith("too_large")
    assert reasons[f"http://127.0.0.1:{silent_port}/report.html"].startswith("timeout")
    assert reasons["http://127.0.0.1:1/refused.html"].startswith("connect")
    assert {u for u, _ in summary.fetched} == {f"{base}/flaky.html", f"{base}/utf8.html"}
    assert [p for p, _ in s.log].count("/flaky.html") == 2  # 500, then success on the retry
    assert summary.exit_code == 1
    assert not any("huge" in p.name for p in tmp_path.rglob("*"))  # nothing half-downloaded is kept


def test_resumable_idempotent_and_snapshots_kept(site, tmp_path):
    base, s = site
    url = f"{base}/utf8.html"
    first = fetch_reports([url], tmp_path, FAST, progress=False)
    n_requests = len(s.log)
    again = fetch_reports([url], tmp_path, FAST, progress=False)
    assert again.fetched == [] and again.skipped[0][0] == url and again.files == first.files
    assert len(s.log) == n_requests  # nothing was requested
    same = fetch_reports([url], tmp_path, FAST, refresh=True, progress=False)
    assert same.fetched and len(_sidecars(tmp_path)) == 1  # identical bytes: the snapshot is reused
    old = s.routes["/utf8.html"]
    s.routes["/utf8.html"] = (200, old[1], _page(PARAS[:3], date="2020-03-21").encode("utf-8"))
    fetch_reports([url], tmp_path, FAST, refresh=True, progress=False)
    raws = sorted(p for p in (tmp_path / RAW_DIR).rglob("*.html"))
    assert len(raws) == 2 and {p.read_bytes() for p in raws} == {old[2], s.routes["/utf8.html"][2]}
    assert _manifest(tmp_path)[url]["published"] == "2020-03-21"
    assert len(_manifest(tmp_path)) == 1


def test_rate_limit_per_host(site):
    base, _ = site
    now = [0.0]
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds

    opts = FetchOptions(rate=1.0, timeout=1.0, retries=0, trust_env=False)
    with PoliteClient(opts, sleep=sleep, clock=lambda: now[0]) as client:
        client.get(f"{base}/utf8.html")  # robots.txt, then the page: one wait between them
        client.get(f"{base}/gbk.html")
    assert waits == [pytest.approx(1.0), pytest.approx(1.0)] and client.requests == 3


def test_private_addresses_refused_when_asked(site):
    base, s = site
    with PoliteClient(FetchOptions(allow_private=False, trust_env=False)) as client, \
            pytest.raises(FetchError) as err:
        client.get(f"{base}/utf8.html")
    assert err.value.code == "private_address" and s.log == []


def test_url_list_and_manifest_input(tmp_path):
    urls, bad = parse_url_list("# reports\nhttp://a.example/x.html  https://b.example/y.html\n\nftp://c/z\n"
                               "http://a.example/x.html\n")
    assert urls == ["http://a.example/x.html", "https://b.example/y.html"] and bad[0][0] == "ftp://c/z"
    csv_path = tmp_path / "in.csv"
    csv_path.write_text("url,agency,year,file\nhttp://a.example/x.html,某区司法局,2022,jiangsu.html\n",
                        encoding="utf-8")
    assert jobs_from_manifest(csv_path) == [FetchJob("http://a.example/x.html", {"agency": "某区司法局",
                                                                                "year": "2022"}, "jiangsu.html")]


def test_existing_manifest_rows_are_kept(site, tmp_path):
    base, _ = site
    (tmp_path / "manifest.csv").write_text("file,agency,note\nlocal.txt,某局,hand-made\n", encoding="utf-8")
    fetch_reports([f"{base}/utf8.html"], tmp_path, FAST, progress=False)
    import csv

    with open(tmp_path / "manifest.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["file"] == "local.txt" and rows[0]["note"] == "hand-made" and rows[0]["agency"] == "某局"
    assert rows[1]["url"] == f"{base}/utf8.html"


def test_ingest_of_the_folder_skips_raw_snapshots(site, tmp_path):
    from etl.ingest import collect_files

    base, _ = site
    summary = fetch_reports([f"{base}/multi/index.html"], tmp_path, FAST, progress=False)
    assert collect_files([str(tmp_path)]) == [tmp_path / summary.fetched[0][1]]


def test_manifest_columns_match_ingest():
    from etl.ingest import MANIFEST_COLUMNS as INGEST_COLUMNS

    assert MANIFEST_COLUMNS == INGEST_COLUMNS


def test_charset_and_parsing_helpers():
    gbk = "<html><head><meta charset='gbk'></head><body><p>法治政府</p></body></html>".encode("gbk")
    assert decode_page(gbk, "text/html; charset=ISO-8859-1") == (gbk.decode("gbk"), "gb18030")
    assert decode_page(gbk, "text/html")[1] == "gb18030"
    assert decode_page("<p>法治</p>".encode(), "text/html; charset=utf-8")[1] == "utf-8"
    assert decode_page("<p>法治政府建设</p>".encode(), "text/html; charset=gbk")[1] == "utf-8"  # wrong label
    assert decode_page("<p>法治政府建設</p>".encode("big5"), "text/html; charset=big5")[1] == "big5"
    dated = '<html><head><meta name="PubDate" content="2023-02-15 10:23"></head><body><p>x</p></body></html>'
    assert parse_page(dated, "http://x.example/a.html").published == "2023-02-15"
    assert title_matches(f"附件1：{TITLE}.docx", TITLE) and not title_matches("申请书格式文本.pdf", TITLE)
    trs = ('<html><body><div id="zoom"><p>' + "正文" * 120 + '</p></div>'
           '<script>createPageHTML(3, 0, "t20230215_1", "html");</script></body></html>')
    page = parse_page(trs, "http://x.example/a/t20230215_1.html")
    assert page.next_url == "http://x.example/a/t20230215_1_1.html"


# ---- the command line -------------------------------------------------------------------------------------------
def _cli(argv: list[str]) -> int:
    from etl.fetch_cli import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_exit_codes(site, tmp_path, capsys):
    base, _ = site
    out = str(tmp_path / "out")
    fast = ["--rate", "0", "--timeout", "1", "--retries", "0", "--quiet"]
    assert _cli(["fetch", f"{base}/utf8.html", "--out", out, *fast]) == 0
    assert _cli(["fetch", f"{base}/utf8.html", "--out", out, *fast]) == 0  # skipped counts as success
    assert "skipped: 1" in capsys.readouterr().out
    lst = tmp_path / "urls.txt"
    lst.write_text(f"{base}/gbk.html\n{base}/missing.html\n", encoding="utf-8")
    assert _cli(["fetch", "--list", str(lst), "--out", out, *fast]) == 1
    assert "FAILED" in capsys.readouterr().out
    given = tmp_path / "given.csv"
    given.write_text(f"url,agency,year\n{base}/redirect/final.html,浑江区人民政府,2019\n", encoding="utf-8")
    assert _cli(["fetch", "--manifest", str(given), "--out", out, *fast]) == 0
    row = _manifest(Path(out))[f"{base}/redirect/final.html"]
    assert (row["agency"], row["year"], row["published"]) == ("浑江区人民政府", "2019", "2020-05-06")
    assert _cli(["fetch", "--out", out]) == 2
    assert _cli(["fetch", f"{base}/utf8.html", "--list", str(lst), "--out", out]) == 2
    assert _cli(["fetch", f"{base}/utf8.html", "--out", out, "--ingest"]) == 2
    with pytest.raises(SystemExit) as exc:
        _cli(["fetch", f"{base}/utf8.html"])  # --out missing: argparse's own usage error
    assert exc.value.code == 2


# ---- fetch + ingest: url and published reach the warehouse --------------------------------------------------
def test_ingest_carries_url_and_published(site, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    base, _ = site
    db = tmp_path / "wh.duckdb"
    text = f"{base}/utf8.html\n{base}/multi/index.html\n{base}/attach/page.html\nnot-a-url\n"
    stages = []
    result = import_urls(text, tmp_path / "reports", db, options=FAST,
                         on_progress=lambda stage, done, total: stages.append(stage))
    assert len(result.fetch.fetched) == 3 and result.fetch.failed[0][0] == "not-a-url"
    assert result.ingest is not None and result.ingest.failed == [], result.ingest.failed
    assert stages[0] == "fetch" and stages[-1] == "ingest"
    with duckdb.connect(str(db), read_only=True) as con:
        rows = dict(con.execute("SELECT url, published FROM v_reports").fetchall())
        names = [r[0] for r in con.execute("SELECT file_name FROM v_reports").fetchall()]
    assert set(rows) == {f"{base}/utf8.html", f"{base}/multi/index.html", f"{base}/attach/page.html"}
    assert {str(v) for v in rows.values()} == {"2020-03-20"}
    assert len(names) == 3 and not any(n.startswith(".") for n in names)
    # The merged three-page report holds the text of all three pages.
    merged = next(p for p in (tmp_path / "reports").glob("*multi*.html"))
    assert PARAS[-1][:15] in _text(merged)


@pytest.mark.parametrize("address, private", [
    ("127.0.0.1", True), ("::1", True), ("::ffff:127.0.0.1", True), ("::127.0.0.1", True),
    ("::ffff:10.0.0.5", True), ("2002:7f00:1::", True), ("169.254.169.254", True), ("fe80::1", True),
    ("8.8.8.8", False), ("2001:4860:4860::8888", False), ("::ffff:8.8.8.8", False),
])
def test_every_spelling_of_a_private_address_is_private(address, private):
    # Regression: [::127.0.0.1] passed the check.
    from etl.fetch_http import not_global

    assert not_global(address) is private


def test_robots_txt_cannot_redirect_into_the_private_network(site, monkeypatch):
    # Regression: the robots.txt request followed redirects without the address check, so a public host could
    # make the server GET a loopback address. Here "localhost" plays the public host.
    import etl.fetch_http as fh

    base, s = site
    port = base.rsplit(":", 1)[1]
    s.routes["/robots.txt"] = (302, {"Location": f"http://127.0.0.1:{port}/private/secret.html"}, b"")
    monkeypatch.setattr(fh, "_is_private", lambda host: host == "127.0.0.1")
    with PoliteClient(FetchOptions(allow_private=False, trust_env=False, rate=0, retries=0)) as client:
        with pytest.raises(FetchError) as err:
            client.get(f"http://localhost:{port}/utf8.html")
    assert err.value.code == "private_address" and "/private/secret.html" not in [p for p, _ in s.log]


def test_a_double_gzip_bomb_is_cut_at_the_cap(site):
    # Regression: Content-Encoding "gzip, gzip" was decoded through both layers before the cap was checked
    # (7 KB -> 4.2 GB). Here 1 GiB of zeros, gzipped twice, is a few KB on the wire.
    import gzip
    import zlib

    base, s = site
    inner = zlib.compressobj(9, zlib.DEFLATED, 31)
    layer1 = b"".join(inner.compress(b"\0" * (1 << 24)) for _ in range(64)) + inner.flush()
    bomb = gzip.compress(layer1, 9)
    assert len(bomb) < 100_000
    s.routes["/bomb.html"] = (200, {"Content-Type": "text/html", "Content-Encoding": "gzip, gzip"}, bomb)
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with PoliteClient(FAST) as client, pytest.raises(FetchError) as err:
        client.get(f"{base}/bomb.html")
    assert err.value.code == "too_large"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KB: never inflated whole


def test_a_refused_connection_does_not_say_why(silent_port):
    import socket as sk

    port = sk.socket()
    port.bind(("127.0.0.1", 0))
    free = port.getsockname()[1]
    port.close()
    with PoliteClient(FetchOptions(trust_env=False, rate=0, retries=0, timeout=1.0)) as client, \
            pytest.raises(FetchError) as err:
        client.get(f"http://127.0.0.1:{free}/x.html")
    assert (err.value.code, err.value.reason) == (
        "connect", f"robots.txt unreachable (cannot connect to http://127.0.0.1:{free})")  # no "refused"


@pytest.mark.parametrize("bad", ["/etc/passwd", "../outside.txt", "sub/../../x.txt"])
def test_the_fetchers_manifest_never_names_a_file_outside_out(tmp_path, bad):
    # Regression: an absolute or ../ path in the output manifest was ingested, and deleted with --refresh.
    from etl.fetch_store import Store

    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "outside.txt"
    victim.write_text("keep me", encoding="utf-8")
    (out / "manifest.csv").write_text(f"file,url\n{bad},https://example.gov.cn/a.html\n"
                                      "ok.txt,https://example.gov.cn/b.html\n", encoding="utf-8")
    store = Store(out)
    assert [r["file"] for r in store.read_manifest()[1]] == ["ok.txt"]
    store.record({"file": "new.txt", "url": "https://example.gov.cn/a.html"})  # the URL a bad row named
    assert victim.read_text(encoding="utf-8") == "keep me"
