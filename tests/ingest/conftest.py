"""A real aiohttp feed server on 127.0.0.1 and fetchers pointed at it.

The server plays every kind of peer the fetcher must survive: a well-behaved feed
with validators (ETag, Last-Modified, 304), a stall, a huge body, a gzip bomb, a
redirect loop, errors and rate limits. Nothing leaves the loopback interface.
"""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.ingest.fetch import Fetcher, FetchLimits, guarded_session
from bot.ingest.guard import AddressGuard

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_SAMPLES = REPO_ROOT.parent / "shared" / "samples"
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "feeds"

FEED_BODY = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Loopback feed</title>
<item><title>Council votes on face surveillance ban</title>
<link>https://example.org/news/1?utm_source=rss</link>
<guid>https://example.org/news/1</guid>
<pubDate>Tue, 09 Jun 2020 12:00:00 GMT</pubDate></item>
</channel></rss>
"""
ETAG = '"v1"'
LAST_MODIFIED = "Tue, 09 Jun 2020 12:00:00 GMT"
# Small caps keep the oversized bodies small, so the tests stay quick.
CAP = 256 * 1024
HUGE = CAP * 4
BOMB_INFLATED = 64 * 1024 * 1024


@dataclass
class FeedServer:
    """The running server, with what it saw."""

    base: str
    port: int
    requests: list[web.Request] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    active: int = 0
    peak: int = 0

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def hits(self, path: str) -> list[web.Request]:
        return [r for r in self.requests if r.path == path]


def _zeros_compressed(wbits: int) -> bytes:
    # 64 MiB of zeros deflates to about 64 KiB: a classic decompression bomb.
    comp = zlib.compressobj(9, zlib.DEFLATED, wbits)
    chunk = bytes(1024 * 1024)
    parts = [comp.compress(chunk) for _ in range(BOMB_INFLATED // len(chunk))]
    parts.append(comp.flush())
    return b"".join(parts)


@pytest.fixture(scope="session")
def gzip_bomb() -> bytes:
    return _zeros_compressed(16 + zlib.MAX_WBITS)


@pytest.fixture(scope="session")
def deflate_bomb() -> bytes:
    return _zeros_compressed(zlib.MAX_WBITS)


def _app(server: FeedServer, gzip_bomb: bytes, deflate_bomb: bytes) -> web.Application:
    routes = web.RouteTableDef()

    @web.middleware
    async def record(request: web.Request, handler):  # type: ignore[no-untyped-def]
        server.requests.append(request)
        return await handler(request)

    @routes.get("/feed.xml")
    async def feed(request: web.Request) -> web.StreamResponse:
        if request.headers.get("If-None-Match") == ETAG:
            return web.Response(status=304, headers={"ETag": ETAG})
        headers = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
        return web.Response(body=FEED_BODY, headers=headers, content_type="application/rss+xml")

    @routes.get("/dated.xml")
    async def dated(request: web.Request) -> web.StreamResponse:
        # Validators by date only, the way many static servers behave.
        if request.headers.get("If-Modified-Since") == LAST_MODIFIED:
            return web.Response(status=304)
        return web.Response(
            body=FEED_BODY, headers={"Last-Modified": LAST_MODIFIED}, content_type="text/xml"
        )

    @routes.get("/gzip.xml")
    async def gzipped(request: web.Request) -> web.StreamResponse:
        return web.Response(
            body=gzip.compress(FEED_BODY),
            headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"},
        )

    @routes.get("/deflate-raw.xml")
    async def deflate_raw(request: web.Request) -> web.StreamResponse:
        comp = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        body = comp.compress(FEED_BODY) + comp.flush()
        return web.Response(body=body, headers={"Content-Encoding": "deflate"})

    @routes.get("/brotli.xml")
    async def brotli(request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"\x0b\x02\x80", headers={"Content-Encoding": "br"})

    @routes.get("/huge")
    async def huge(request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"<" + b"x" * (HUGE - 1))

    @routes.get("/huge-chunked")
    async def huge_chunked(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        for _ in range(HUGE // 65536):
            await resp.write(b"x" * 65536)
        await resp.write_eof()
        return resp

    @routes.get("/gzip-bomb")
    async def bomb(request: web.Request) -> web.StreamResponse:
        return web.Response(body=gzip_bomb, headers={"Content-Encoding": "gzip"})

    @routes.get("/deflate-bomb")
    async def dbomb(request: web.Request) -> web.StreamResponse:
        return web.Response(body=deflate_bomb, headers={"Content-Encoding": "deflate"})

    @routes.get("/stall-headers")
    async def stall_headers(request: web.Request) -> web.StreamResponse:
        await server.release.wait()
        return web.Response(body=FEED_BODY)

    @routes.get("/stall-body")
    async def stall_body(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        resp.content_length = len(FEED_BODY)
        await resp.prepare(request)
        await resp.write(FEED_BODY[:40])
        await server.release.wait()
        return resp

    @routes.get("/loop-a")
    async def loop_a(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/loop-b")

    @routes.get("/loop-b")
    async def loop_b(request: web.Request) -> web.StreamResponse:
        raise web.HTTPMovedPermanently(server.url("/loop-a"))

    @routes.get("/chain/{n}")
    async def chain(request: web.Request) -> web.StreamResponse:
        raise web.HTTPTemporaryRedirect(f"/chain/{int(request.match_info['n']) + 1}")

    @routes.get("/moved")
    async def moved(request: web.Request) -> web.StreamResponse:
        raise web.HTTPPermanentRedirect("feed.xml")

    @routes.get("/to-private")
    async def to_private(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("http://10.1.2.3/feed.xml")

    @routes.get("/to-ftp")
    async def to_ftp(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("ftp://example.org/feed.xml")

    @routes.get("/no-location")
    async def no_location(request: web.Request) -> web.StreamResponse:
        return web.Response(status=302)

    @routes.get("/error500")
    async def error500(request: web.Request) -> web.StreamResponse:
        return web.Response(status=500, text="boom")

    @routes.get("/missing")
    async def missing(request: web.Request) -> web.StreamResponse:
        return web.Response(status=404, text="no")

    @routes.get("/rate-limited")
    async def rate_limited(request: web.Request) -> web.StreamResponse:
        return web.Response(status=429, headers={"Retry-After": "120"})

    @routes.get("/unavailable")
    async def unavailable(request: web.Request) -> web.StreamResponse:
        when = request.query.get("until", "")
        return web.Response(status=503, headers={"Retry-After": when} if when else {})

    @routes.get("/busy")
    async def busy(request: web.Request) -> web.StreamResponse:
        server.active += 1
        server.peak = max(server.peak, server.active)
        server.arrived.set()
        try:
            await server.release.wait()
            return web.Response(body=FEED_BODY)
        finally:
            server.active -= 1

    @routes.get("/located.xml")
    async def located(request: web.Request) -> web.StreamResponse:
        return web.Response(
            body=FEED_BODY,
            headers={"Content-Location": "/canonical/feed.xml", "Content-Language": "en"},
            content_type="application/rss+xml",
            charset="utf-8",
        )

    app = web.Application(middlewares=[record])
    app.add_routes(routes)
    return app


@pytest.fixture
async def feed_server(gzip_bomb: bytes, deflate_bomb: bytes) -> AsyncIterator[FeedServer]:
    server = FeedServer(base="", port=0)
    runner = web.AppRunner(_app(server, gzip_bomb, deflate_bomb), shutdown_timeout=1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.port = runner.addresses[0][1]
    server.base = f"http://127.0.0.1:{server.port}"
    try:
        yield server
    finally:
        server.release.set()  # let stalled handlers finish
        await runner.cleanup()


TEST_LIMITS = FetchLimits(
    connect_timeout=2.0,
    read_timeout=0.3,
    total_timeout=10.0,
    max_body_bytes=CAP,
    max_redirects=5,
    per_host=2,
)


@pytest.fixture
def loopback_guard() -> AddressGuard:
    """Private addresses refused, except the loopback address the test server uses."""
    return AddressGuard(allowed_networks=["127.0.0.1/32"])


@pytest.fixture
async def session(loopback_guard: AddressGuard) -> AsyncIterator[aiohttp.ClientSession]:
    async with guarded_session(guard=loopback_guard, limits=TEST_LIMITS) as http:
        yield http


@pytest.fixture
def fetcher(session: aiohttp.ClientSession, loopback_guard: AddressGuard) -> Fetcher:
    return Fetcher(session, limits=TEST_LIMITS, guard=loopback_guard)


def shared_sample(*parts: str) -> Path:
    path = SHARED_SAMPLES.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present (../shared/samples is optional outside CI)")
    return path


@pytest.fixture
def hostile_dir() -> Path:
    return shared_sample("feedparser_hostile")
