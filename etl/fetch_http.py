"""Polite HTTP downloads: honest User-Agent, robots.txt, per-host rate limit, retries, redirect and size caps."""
from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import socket
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

USER_AGENT = "FazhiObservatory/0.1 (+research; contact in README)"
MAX_BYTES = 20 * 1024 * 1024  # same cap as ingest: a bigger file could not be ingested anyway
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 lets crawlers ignore robots.txt content past 500 KiB
MAX_CRAWL_DELAY = 60.0  # a robots.txt Crawl-delay above this is capped, or one host could stall a batch for hours
MAX_DOWNLOAD_SECONDS = 300.0  # a server trickling bytes never trips the per-read timeout; this caps the total
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


# Chinese halves of the failure reasons, by code: officials read the summary in the Import page.
_ZH = {"timeout": "超时无响应", "connect": "无法连接（网络不通或地址有误）", "network": "网络传输出错",
       "robots": "网站的 robots.txt 不允许抓取", "too_large": "文件超过大小上限", "redirect_loop": "网址重定向循环",
       "too_many_redirects": "网址重定向次数过多", "bad_url": "不是有效的网址", "private_address": "不允许访问内网地址",
       "bad_encoding": "不支持的内容编码",
       "unsupported": "文件格式无法读取（请另存为 .docx）", "disk": "保存文件失败", "http_404": "网页不存在（404）",
       "http_429": "网站要求降低访问频率（429）", "internal": "程序内部错误"}


def zh_reason(code: str) -> str:
    """The Chinese reason for a failure code."""
    if code in _ZH:
        return _ZH[code]
    if code.startswith("http_5"):
        return f"网站服务器出错（HTTP {code[5:]}）"
    if code.startswith("http_"):
        return f"网页无法访问（HTTP {code[5:]}）"
    return "抓取失败"


class FetchError(Exception):
    """A download that failed; `code` is stable (timeout, http_404, redirect_loop, robots, too_large, ...)."""

    def __init__(self, code: str, reason: str, retry_after: str | None = None):
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason
        self.retry_after = retry_after  # the server's Retry-After header, for the next wait

    @property
    def bilingual(self) -> str:
        """'code: 中文 / English', as the fetch summary shows it."""
        return f"{self.code}: {zh_reason(self.code)} / {self.reason}"


@dataclass(frozen=True)
class FetchOptions:
    """How politely and how far to fetch; tests set rate and backoff near 0 and the timeout short."""

    rate: float = 1.0  # minimum seconds between two requests to the same host
    timeout: float = 20.0
    retries: int = 3  # extra attempts after a timeout, network error, 5xx or 429
    backoff: float = 1.0  # first retry waits this long, then doubles
    max_bytes: int = MAX_BYTES
    max_redirects: int = 10
    user_agent: str = USER_AGENT
    allow_private: bool = True  # False refuses loopback/private/link-local targets (pasted URLs in the web app)
    trust_env: bool = True  # honour HTTP(S)_PROXY; tests switch it off so nothing leaves loopback


@dataclass(frozen=True)
class Download:
    """One successful response: the body exactly as received (after transfer decoding)."""

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    fetched_at: str  # ISO 8601 UTC
    redirects: tuple[str, ...] = ()  # every URL after the first one, in order

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


def host_key(url: str) -> str:
    """scheme://host:port, the unit of robots.txt and of the rate limit."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _is_private(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host.strip("[]"), None)
    except (socket.gaierror, UnicodeError):
        return False  # unresolvable: the request itself fails with a clearer reason
    # Anything not globally routable: loopback, RFC 1918, link-local (cloud metadata), CGNAT, reserved.
    # Checked at each hop; a DNS answer that changes between this check and the connect is not caught.
    return any(not_global(str(info[4][0]).split("%")[0]) for info in infos)


def not_global(address: str) -> bool:
    """An address that is not globally routable, in any of its spellings: an IPv6 form that carries an IPv4
    address inside (::ffff:127.0.0.1, ::127.0.0.1, 6to4, Teredo) is judged by that IPv4 address too."""
    ip = ipaddress.ip_address(address)
    if not ip.is_global:
        return True
    if ip.version == 6:
        inner = [ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None]
        if int(ip) >> 32 == 0:  # ::a.b.c.d, the deprecated IPv4-compatible form
            inner.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        return any(v4 is not None and not v4.is_global for v4 in inner)
    return False


@dataclass
class _Host:
    robots: RobotFileParser | None = None
    robots_error: FetchError | None = None
    last_request: float | None = None
    delay: float = 0.0


@dataclass
class PoliteClient:
    """An httpx client that asks robots.txt first and never hits one host faster than the rate allows."""

    options: FetchOptions = field(default_factory=FetchOptions)
    transport: httpx.BaseTransport | None = None  # tests may inject one; None means the network
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    requests: int = 0  # how many HTTP requests were sent, robots.txt included

    def __post_init__(self) -> None:
        o = self.options
        self._hosts: dict[str, _Host] = {}
        self._client = httpx.Client(
            timeout=httpx.Timeout(o.timeout), follow_redirects=False, transport=self.transport,
            trust_env=o.trust_env,
            headers={"User-Agent": o.user_agent, "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
                     "Accept": "text/html,application/xhtml+xml,application/pdf,*/*;q=0.8"})

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- public -------------------------------------------------------------------------------------------
    def get(self, url: str) -> Download:
        """GET `url` following redirects (each hop checked against robots.txt). Raises FetchError."""
        chain = [url]
        current = url
        for _ in range(self.options.max_redirects + 1):
            self._check_allowed(current)
            status, headers, body = self._with_retries(current, self.options.max_bytes)
            location = headers.get("location")
            if status in REDIRECT_STATUSES and location:
                nxt = urljoin(current, location.strip())
                if nxt in chain:
                    raise FetchError("redirect_loop", "redirect loop: " + " → ".join([*chain, nxt]))
                chain.append(nxt)
                current = nxt
                continue
            if not 200 <= status < 300:  # 204, 304 and friends carry no report either
                raise FetchError(f"http_{status}", f"HTTP {status} from {current}")
            return Download(url=url, final_url=current, status=status,
                            content_type=headers.get("content-type", ""), body=body,
                            fetched_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                            redirects=tuple(chain[1:]))
        raise FetchError("too_many_redirects", f"more than {self.options.max_redirects} redirects from {url}")

    # ---- robots.txt and address checks ------------------------------------------------------------------
    def _check_address(self, url: str) -> None:
        """Every hop, robots.txt and its redirects included, goes through here before any request."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError("bad_url", f"not an http(s) address: {url}")
        if not self.options.allow_private and _is_private(parts.hostname):
            raise FetchError("private_address", f"refusing a private or loopback address: {parts.hostname}")

    def _check_allowed(self, url: str) -> None:
        self._check_address(url)
        parts = urlsplit(url)
        host = self._host(url)
        if host.robots_error is not None:
            raise host.robots_error
        if host.robots is not None and not host.robots.can_fetch(self.options.user_agent, url):
            raise FetchError("robots", f"robots.txt of {host_key(url)} disallows {parts.path or '/'}")

    def _host(self, url: str) -> _Host:
        key = host_key(url)
        if key not in self._hosts:
            self._hosts[key] = host = _Host()
            self._load_robots(key, host)
        return self._hosts[key]

    def _load_robots(self, key: str, host: _Host) -> None:
        robots_url = key + "/robots.txt"
        try:
            status, body = self._robots_body(robots_url)
        except FetchError as err:
            # RFC 9309: an unreachable robots.txt means "assume everything is disallowed".
            host.robots_error = FetchError(err.code, f"robots.txt unreachable ({err.reason})")
            return
        rp = RobotFileParser(robots_url)
        if status >= 500:
            host.robots_error = FetchError("robots", f"robots.txt of {key} answered HTTP {status}; not fetching")
            return
        if status >= 400:
            # RFC 9309 §2.3.1.3: any 4xx (401/403 included, unlike urllib's older rule) means no restrictions.
            rp.allow_all = True
        else:
            rp.parse(body.decode("utf-8", "replace").splitlines())
            delay = rp.crawl_delay(self.options.user_agent)
            if delay:
                host.delay = min(float(delay), MAX_CRAWL_DELAY)
        host.robots = rp

    def _robots_body(self, url: str) -> tuple[int, bytes]:
        seen = {url}
        for _ in range(5):  # RFC 9309 asks crawlers to follow at least five redirects
            self._check_address(url)  # a public host's robots.txt must not redirect us into the private network
            status, headers, body = self._with_retries(url, ROBOTS_MAX_BYTES, truncate=True)
            location = headers.get("location")
            if status not in REDIRECT_STATUSES or not location:
                return status, body
            url = urljoin(url, location.strip())
            if url in seen:
                break
            seen.add(url)
        return 404, b""  # a redirect loop on robots.txt counts as "no robots.txt"

    # ---- one request, with rate limit, retries and the size cap -----------------------------------------
    def _wait_turn(self, url: str) -> None:
        key = host_key(url)
        host = self._hosts.setdefault(key, _Host())
        interval = max(self.options.rate, host.delay)
        if host.last_request is not None:
            wait = host.last_request + interval - self.clock()
            if wait > 0:
                self.sleep(wait)
        host.last_request = self.clock()

    def _with_retries(self, url: str, max_bytes: int, truncate: bool = False) -> tuple[int, httpx.Headers, bytes]:
        o = self.options
        error: FetchError | None = None
        for attempt in range(o.retries + 1):
            if attempt:
                self.sleep(_retry_wait(o.backoff * 2 ** (attempt - 1), error))
            self._wait_turn(url)
            try:
                status, headers, body = self._once(url, max_bytes, truncate)
            except httpx.TimeoutException:
                error = FetchError("timeout", f"no answer within {o.timeout:g} s from {url}")
                continue
            except httpx.ConnectError:
                # Refused connections and unknown host names do not heal in seconds; offline runs stay quick.
                # The reason stays out of the message: "connection refused" vs "timed out" maps a network.
                raise FetchError("connect", f"cannot connect to {host_key(url)}") from None
            except httpx.InvalidURL as exc:
                raise FetchError("bad_url", f"{url}: {exc}") from None
            except httpx.TransportError as exc:
                error = FetchError("network", f"{type(exc).__name__}: {exc}"[:300])
                continue
            if status >= 500 or status == 429:  # 429 asks us to come back later, so it is retried too
                error = FetchError(f"http_{status}", f"HTTP {status} from {url}", headers.get("retry-after"))
                if status == 429 or attempt < o.retries:
                    continue
            return status, headers, body
        assert error is not None
        raise error

    def _once(self, url: str, max_bytes: int, truncate: bool) -> tuple[int, httpx.Headers, bytes]:
        self.requests += 1
        started = self.clock()
        with self._client.stream("GET", url) as resp:
            if resp.status_code in REDIRECT_STATUSES or resp.status_code >= 400:
                return resp.status_code, resp.headers, b""  # error bodies are not worth downloading
            declared = resp.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes and not truncate:
                raise FetchError("too_large", f"{url} is {int(declared):,} bytes; the cap is {max_bytes:,}")
            chunks, size = [], 0
            for chunk in _decoded(resp, max_bytes + 1):
                size += len(chunk)
                if size > max_bytes:
                    if truncate:
                        chunks.append(chunk[: max_bytes - (size - len(chunk))])
                        break
                    # Aborting mid-stream: the rest is never read, so a huge page costs at most the cap.
                    raise FetchError("too_large", f"{url} is larger than the cap of {max_bytes:,} bytes")
                chunks.append(chunk)
                if self.clock() - started > MAX_DOWNLOAD_SECONDS:
                    raise FetchError("timeout", f"{url} took longer than {MAX_DOWNLOAD_SECONDS:g} s")
            return resp.status_code, resp.headers, b"".join(chunks)


def _decoded(resp: httpx.Response, limit: int):
    """The body through every Content-Encoding layer, each decompressed at most `limit` bytes at a time.

    httpx decodes a chunk whole, so `gzip, gzip` of a few KB could become gigabytes before any size check: here
    a layer never outputs more than the cap, and the caller stops as soon as the total passes it.
    """
    codings = [c.strip().lower() for c in resp.headers.get("content-encoding", "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if any(c not in ("gzip", "x-gzip", "deflate") for c in codings):
        raise FetchError("bad_encoding", f"unsupported Content-Encoding: {', '.join(codings)}")
    layers = [zlib.decompressobj(47 if c != "deflate" else 15) for c in reversed(codings)]  # 47: gzip or zlib
    for raw in resp.iter_raw():
        data = raw
        for layer in layers:
            data = layer.decompress(data, limit)
            if layer.unconsumed_tail:  # the layer had more to give than the cap allows
                data += b"\0" * limit  # report "too large" through the caller's count
                break
        if data:
            yield data


def _retry_wait(base: float, error: FetchError | None) -> float:
    after = error.retry_after if error else None
    if after and after.strip().isdigit():
        return min(max(base, float(after)), MAX_CRAWL_DELAY)
    return base
