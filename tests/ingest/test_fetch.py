"""The fetcher against a real aiohttp server on loopback."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aiohttp
import pytest

from bot.errors import BlockedAddressError, FeedError
from bot.ingest.fetch import (
    DEFAULT_USER_AGENT,
    Fetcher,
    FetchLimits,
    FetchResult,
    format_bytes,
)
from tests.ingest.conftest import (
    CAP,
    ETAG,
    FEED_BODY,
    LAST_MODIFIED,
    TEST_LIMITS,
    FeedServer,
)


async def test_first_fetch_returns_body_and_validators(fetcher: Fetcher, feed_server: FeedServer):
    result = await fetcher.fetch(feed_server.url("/feed.xml"), etag=None, last_modified=None)

    assert result.status == "ok"
    assert result.body == FEED_BODY
    assert result.etag == ETAG
    assert result.last_modified == LAST_MODIFIED
    assert result.final_url == feed_server.url("/feed.xml")
    assert result.content_type is not None
    assert result.content_type.startswith("application/rss+xml")
    assert result.headers["content-location"] == feed_server.url("/feed.xml")
    sent = feed_server.hits("/feed.xml")[0].headers
    assert "If-None-Match" not in sent
    assert "If-Modified-Since" not in sent


async def test_second_poll_sends_validators_and_gets_304_without_body(
    fetcher: Fetcher, feed_server: FeedServer
):
    first = await fetcher.fetch(feed_server.url("/feed.xml"), etag=None, last_modified=None)

    second = await fetcher.fetch(
        feed_server.url("/feed.xml"), etag=first.etag, last_modified=first.last_modified
    )

    assert second.status == "not_modified"
    assert second.body == b""
    assert second.etag == ETAG
    assert second.last_modified == LAST_MODIFIED  # kept: the 304 did not repeat it
    sent = feed_server.hits("/feed.xml")[1].headers
    assert sent["If-None-Match"] == ETAG
    assert sent["If-Modified-Since"] == LAST_MODIFIED


async def test_last_modified_alone_is_enough_for_304(fetcher: Fetcher, feed_server: FeedServer):
    first = await fetcher.fetch(feed_server.url("/dated.xml"), etag=None, last_modified=None)
    assert first.etag is None

    second = await fetcher.fetch(
        feed_server.url("/dated.xml"), etag=None, last_modified=first.last_modified
    )

    assert (first.status, second.status) == ("ok", "not_modified")


async def test_user_agent_is_honest(fetcher: Fetcher, feed_server: FeedServer):
    await fetcher.fetch(feed_server.url("/feed.xml"))

    agent = feed_server.hits("/feed.xml")[0].headers["User-Agent"]
    assert agent == DEFAULT_USER_AGENT
    assert agent.startswith("PledgeWatch/")
    assert "(+http" in agent


async def test_parser_headers_carry_charset_language_and_location(
    fetcher: Fetcher, feed_server: FeedServer
):
    result = await fetcher.fetch(feed_server.url("/located.xml"))

    assert result.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert result.headers["content-language"] == "en"
    assert result.headers["content-location"] == feed_server.url("/canonical/feed.xml")


@pytest.mark.parametrize("path", ["/gzip.xml", "/deflate-raw.xml"])
async def test_compressed_bodies_are_inflated(fetcher: Fetcher, feed_server: FeedServer, path):
    result = await fetcher.fetch(feed_server.url(path))

    assert result.body == FEED_BODY
    assert "content-encoding" not in result.headers


async def test_unadvertised_encoding_is_a_feed_error(fetcher: Fetcher, feed_server: FeedServer):
    with pytest.raises(FeedError, match="unsupported content encoding 'br'"):
        await fetcher.fetch(feed_server.url("/brotli.xml"))


# --- limits ---------------------------------------------------------------------


async def test_body_over_cap_with_content_length_is_refused(
    fetcher: Fetcher, feed_server: FeedServer
):
    with pytest.raises(FeedError, match=r"body exceeds 256 KiB cap \(Content-Length 1048576\)"):
        await fetcher.fetch(feed_server.url("/huge"))


async def test_body_over_cap_without_content_length_is_cut_off(
    fetcher: Fetcher, feed_server: FeedServer
):
    with pytest.raises(FeedError, match=r"^body exceeds 256 KiB cap$"):
        await fetcher.fetch(feed_server.url("/huge-chunked"))


@pytest.mark.parametrize(("path", "coding"), [("/gzip-bomb", "gzip"), ("/deflate-bomb", "deflate")])
async def test_decompression_bomb_stops_at_the_cap(
    fetcher: Fetcher, feed_server: FeedServer, path: str, coding: str
):
    # The compressed body (about 64 KiB) is under the cap; 64 MiB inflated is not.
    with pytest.raises(FeedError, match=f"body exceeds 256 KiB cap after {coding} decoding"):
        await fetcher.fetch(feed_server.url(path))


async def test_stall_before_headers_is_a_read_timeout(fetcher: Fetcher, feed_server: FeedServer):
    with pytest.raises(FeedError, match=r"^read timed out after 0\.3 s$"):
        await fetcher.fetch(feed_server.url("/stall-headers"))


async def test_stall_mid_body_is_a_read_timeout(fetcher: Fetcher, feed_server: FeedServer):
    with pytest.raises(FeedError, match=r"^read timed out after 0\.3 s$"):
        await fetcher.fetch(feed_server.url("/stall-body"))


async def test_total_timeout_bounds_the_whole_fetch(
    session: aiohttp.ClientSession, loopback_guard, feed_server: FeedServer
):
    limits = FetchLimits(
        read_timeout=30.0, total_timeout=0.3, max_body_bytes=TEST_LIMITS.max_body_bytes
    )
    fetcher = Fetcher(session, limits=limits, guard=loopback_guard)

    with pytest.raises(FeedError, match=r"^timed out after 0\.3 s in total$"):
        await fetcher.fetch(feed_server.url("/stall-body"))


async def test_per_host_concurrency_is_limited(fetcher: Fetcher, feed_server: FeedServer):
    tasks = [asyncio.create_task(fetcher.fetch(feed_server.url("/busy"))) for _ in range(5)]
    while feed_server.active < TEST_LIMITS.per_host:
        await feed_server.arrived.wait()
        feed_server.arrived.clear()
    # Give any request that would break the limit the chance to arrive.
    await asyncio.sleep(0.2)
    assert feed_server.active == TEST_LIMITS.per_host

    feed_server.release.set()
    results = await asyncio.gather(*tasks)

    assert [r.status for r in results] == ["ok"] * 5
    assert feed_server.peak == TEST_LIMITS.per_host


# --- redirects ------------------------------------------------------------------


async def test_relative_redirect_is_followed(fetcher: Fetcher, feed_server: FeedServer):
    result = await fetcher.fetch(feed_server.url("/moved"))

    assert result.status == "ok"
    assert result.final_url == feed_server.url("/feed.xml")
    assert result.headers["content-location"] == feed_server.url("/feed.xml")


async def test_redirect_loop_is_detected(fetcher: Fetcher, feed_server: FeedServer):
    with pytest.raises(FeedError, match="redirect loop"):
        await fetcher.fetch(feed_server.url("/loop-a"))

    assert len(feed_server.requests) == 2


async def test_redirect_limit_is_enforced(fetcher: Fetcher, feed_server: FeedServer):
    with pytest.raises(FeedError, match=r"redirect loop / more than 5 redirects"):
        await fetcher.fetch(feed_server.url("/chain/0"))

    assert len(feed_server.requests) == 6  # the first request and five redirects


async def test_redirect_to_private_address_is_refused_before_connecting(
    fetcher: Fetcher, feed_server: FeedServer
):
    with pytest.raises(
        BlockedAddressError, match=re.escape("refused private address 10.1.2.3 for host")
    ):
        await fetcher.fetch(feed_server.url("/to-private"))


async def test_redirect_to_other_scheme_is_refused(fetcher: Fetcher, feed_server: FeedServer):
    with pytest.raises(FeedError, match="refused URL scheme 'ftp'"):
        await fetcher.fetch(feed_server.url("/to-ftp"))


async def test_redirect_without_location_is_an_error(fetcher: Fetcher, feed_server: FeedServer):
    with pytest.raises(FeedError, match="HTTP 302 redirect without a Location header"):
        await fetcher.fetch(feed_server.url("/no-location"))


# --- statuses -------------------------------------------------------------------


async def test_server_error_is_reported_with_status_and_reason(
    fetcher: Fetcher, feed_server: FeedServer
):
    with pytest.raises(FeedError, match=r"^HTTP 500 Internal Server Error$") as caught:
        await fetcher.fetch(feed_server.url("/error500"))

    assert caught.value.retry_after is None


async def test_not_found_is_reported(fetcher: Fetcher, feed_server: FeedServer):
    with pytest.raises(FeedError, match=r"^HTTP 404 Not Found$"):
        await fetcher.fetch(feed_server.url("/missing"))


async def test_429_carries_retry_after_seconds(fetcher: Fetcher, feed_server: FeedServer):
    with pytest.raises(
        FeedError, match=r"HTTP 429 Too Many Requests \(retry after 120 s\)"
    ) as caught:
        await fetcher.fetch(feed_server.url("/rate-limited"))

    assert caught.value.retry_after == 120.0


async def test_503_retry_after_as_http_date(
    session: aiohttp.ClientSession, loopback_guard, feed_server: FeedServer
):
    now = datetime(2026, 9, 25, 12, 0, tzinfo=UTC)
    fetcher = Fetcher(session, limits=TEST_LIMITS, guard=loopback_guard, clock=lambda: now)
    until = format_datetime(now + timedelta(minutes=15), usegmt=True)

    with pytest.raises(FeedError, match="HTTP 503 Service Unavailable") as caught:
        await fetcher.fetch(feed_server.url("/unavailable") + "?until=" + until.replace(" ", "%20"))

    assert caught.value.retry_after == 900.0


async def test_503_without_retry_after(fetcher: Fetcher, feed_server: FeedServer):
    with pytest.raises(FeedError, match=r"^HTTP 503 Service Unavailable$") as caught:
        await fetcher.fetch(feed_server.url("/unavailable"))

    assert caught.value.retry_after is None


# --- addresses ------------------------------------------------------------------


async def test_unresolvable_host(fetcher: Fetcher):
    with pytest.raises(FeedError, match=r"^cannot resolve host feeds\.example\.invalid$"):
        await fetcher.fetch("http://feeds.example.invalid/rss")


async def test_connection_refused_is_reported(fetcher: Fetcher, feed_server: FeedServer):
    import socket

    with socket.socket() as sock:  # a port that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        with pytest.raises(FeedError, match=f"cannot connect to 127.0.0.1:{port}"):
            await fetcher.fetch(f"http://127.0.0.1:{port}/feed.xml")


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("127.0.0.1", "loopback address 127.0.0.1"),
        ("localhost", "loopback address"),
        ("[::ffff:127.0.0.1]", "loopback (IPv4 inside IPv6) address ::ffff:7f00:1"),
    ],
)
async def test_private_addresses_refused_without_allow_private(
    session: aiohttp.ClientSession, feed_server: FeedServer, host: str, reason: str
):
    fetcher = Fetcher(session, limits=TEST_LIMITS, allow_private=False)

    with pytest.raises(BlockedAddressError, match=re.escape(f"refused {reason}")):
        await fetcher.fetch(f"http://{host}:{feed_server.port}/feed.xml")

    assert feed_server.requests == []


async def test_literal_private_address_refused_without_connecting(fetcher: Fetcher):
    with pytest.raises(
        BlockedAddressError, match=r"refused private address 10\.0\.0\.1 for host 10\.0\.0\.1"
    ):
        await fetcher.fetch("http://10.0.0.1/feed.xml")


async def test_allow_private_lets_loopback_through(feed_server: FeedServer):
    async with aiohttp.ClientSession(auto_decompress=False) as plain:
        fetcher = Fetcher(plain, limits=TEST_LIMITS, allow_private=True)

        result = await fetcher.fetch(feed_server.url("/feed.xml"))

    assert result.body == FEED_BODY


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/feed", "gopher://x/"])
async def test_only_http_schemes(fetcher: Fetcher, url: str):
    with pytest.raises(FeedError, match="refused URL scheme"):
        await fetcher.fetch(url)


async def test_invalid_url(fetcher: Fetcher):
    with pytest.raises(FeedError, match="invalid URL"):
        await fetcher.fetch("http://[::1/feed")


def test_caps_are_written_as_people_write_them():
    assert format_bytes(5 * 1024 * 1024) == "5 MiB"
    assert format_bytes(64 * 1024) == "64 KiB"
    assert format_bytes(1000) == "1000 bytes"


# --- peers that do not speak proper HTTP ------------------------------------------


async def _raw_peer(reply: bytes):
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(reply)
        await writer.drain()
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (b"NOT HTTP AT ALL\r\n\r\n", r"^bad HTTP response: Bad status line"),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",
            r"^broken response body: .*received 5 of 100 bytes",
        ),
        (
            b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n",
            r"^bad HTTP response: Got more than",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 9\r\n\r\n"
            b"\x1f\x8bgarbage",
            r"^broken gzip body:",
        ),
        (b"", r"^server closed the connection before the response was complete$"),
    ],
    ids=["bad-status-line", "truncated-body", "huge-header", "broken-gzip", "silent-close"],
)
async def test_broken_http_peers_give_one_line_reasons(
    fetcher: Fetcher, reply: bytes, message: str
):
    server = await _raw_peer(reply)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(FeedError, match=message) as caught:
            await fetcher.fetch(f"http://127.0.0.1:{port}/feed")
    finally:
        server.close()
        await server.wait_closed()

    assert "\n" not in str(caught.value)
    assert len(str(caught.value)) <= 300


async def test_a_full_response_replaces_old_validators(fetcher: Fetcher, feed_server: FeedServer):
    # The stored ETag no longer matches; the server answers 200 with dates only.
    result = await fetcher.fetch(
        feed_server.url("/dated.xml"), etag='"stale"', last_modified="Mon, 01 Jan 2018 00:00:00 GMT"
    )

    assert result.status == "ok"
    assert (result.etag, result.last_modified) == (None, LAST_MODIFIED)


# --- time budgets under contention ------------------------------------------------


def _one_slot_fetcher(session: aiohttp.ClientSession, guard, total: float) -> Fetcher:
    limits = FetchLimits(
        read_timeout=30.0, total_timeout=total, max_body_bytes=CAP, per_host=1, max_redirects=5
    )
    return Fetcher(session, limits=limits, guard=guard)


async def test_waiting_for_a_host_slot_is_not_counted_against_a_feed(
    session: aiohttp.ClientSession, loopback_guard, feed_server: FeedServer
):
    fetcher = _one_slot_fetcher(session, loopback_guard, total=0.4)
    # Two stalled feeds hold the host's one slot for their whole budget, one after the other.
    slow = [asyncio.create_task(fetcher.fetch(feed_server.url("/stall-body"))) for _ in range(2)]
    healthy = asyncio.create_task(fetcher.fetch(feed_server.url("/feed.xml")))
    results = await asyncio.gather(*slow, healthy, return_exceptions=True)

    assert [str(r) for r in results[:2]] == ["timed out after 0.4 s in total"] * 2
    assert isinstance(results[2], FetchResult)
    assert results[2].status == "ok"


async def test_an_endless_redirect_reports_the_redirect_limit_even_behind_slow_feeds(
    session: aiohttp.ClientSession, loopback_guard, feed_server: FeedServer
):
    fetcher = _one_slot_fetcher(session, loopback_guard, total=0.4)
    first = asyncio.create_task(fetcher.fetch(feed_server.url("/stall-body")))
    endless = asyncio.create_task(fetcher.fetch(feed_server.url("/chain/0")))
    after = asyncio.create_task(fetcher.fetch(feed_server.url("/stall-body")))
    results = await asyncio.gather(first, endless, after, return_exceptions=True)

    assert str(results[1]).startswith("redirect loop / more than 5 redirects")
    assert [str(r) for r in (results[0], results[2])] == ["timed out after 0.4 s in total"] * 2
