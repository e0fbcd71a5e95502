"""Fetch one feed over HTTP, politely and defensively.

Conditional GET (ETag / Last-Modified), connect, read and total timeouts, a body cap
that also holds for decompressed bytes (bodies are inflated here, in bounded steps,
never by aiohttp), redirects followed one hop at a time so the SSRF guard sees each
one, Retry-After on 429/503, a per-host concurrency limit and an honest User-Agent.
Every failure is a :class:`~bot.errors.FeedError` whose message says what went wrong.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Literal

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL

from bot import __version__
from bot.errors import FeedError
from bot.ingest.backoff import parse_retry_after
from bot.ingest.guard import AddressGuard, GuardedResolver

PROJECT_URL = "https://github.com/pledgewatch/pledgewatch"
DEFAULT_USER_AGENT = f"PledgeWatch/{__version__} (+{PROJECT_URL})"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY_LATER = frozenset({429, 503})
_CHUNK = 64 * 1024
# Headers feedparser uses to pick the encoding and resolve relative links.
FEEDPARSER_HEADERS = ("content-type", "content-location", "content-language")


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """How long, how much and how often a fetch may go on."""

    connect_timeout: float = 10.0  # seconds to establish the connection
    read_timeout: float = 20.0  # seconds any single read may stall
    total_timeout: float = 60.0  # seconds for the whole fetch, redirects included
    max_body_bytes: int = 5 * 1024 * 1024  # compressed and decompressed
    max_redirects: int = 5
    per_host: int = 2  # concurrent requests to one host
    total_connections: int = 20  # for sessions built by :func:`guarded_session`
    user_agent: str = DEFAULT_USER_AGENT


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What a fetch brought back.

    ``etag`` and ``last_modified`` are the validators to store and send next time:
    on ``ok`` the response's own (``None`` when it had none), on ``not_modified`` the
    ones sent unless the 304 renewed them. ``headers`` holds what
    :func:`bot.ingest.parse.parse_feed` needs (lowercase keys).
    """

    status: Literal["ok", "not_modified"]
    final_url: str
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def format_bytes(count: int) -> str:
    """``5 MiB``, ``64 KiB`` or ``1000 bytes``: the cap as a reader would write it."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return f"{count} bytes"


def _seconds(value: float) -> str:
    return f"{value:g} s"


def guarded_session(
    *, guard: AddressGuard, limits: FetchLimits | None = None
) -> aiohttp.ClientSession:
    """A session whose connector resolves hosts through ``guard``, for :class:`Fetcher`.

    Build it inside the running loop (the composition root) and close it on shutdown.
    No cookies (feeds must not carry state between each other), no proxy settings
    from the environment (a proxy would connect to addresses the guard never saw).
    """
    limits = limits or FetchLimits()
    connector = aiohttp.TCPConnector(
        resolver=GuardedResolver(guard),
        limit=limits.total_connections,
        limit_per_host=limits.per_host,
    )
    return aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=False,
        auto_decompress=False,
        headers={"User-Agent": limits.user_agent},
    )


class _Inflater:
    """Decodes a Content-Encoding in bounded steps, so a bomb stops at the cap."""

    def __init__(self, encoding: str, cap: int) -> None:
        self._encoding = encoding
        self._cap = cap
        self._raw_deflate = False
        self._d = self._new()

    def _new(self) -> zlib._Decompress:
        if self._encoding == "deflate":
            return zlib.decompressobj(-zlib.MAX_WBITS if self._raw_deflate else zlib.MAX_WBITS)
        return zlib.decompressobj(16 + zlib.MAX_WBITS)

    def feed(self, data: bytes, out: bytearray) -> None:
        pending = data
        while pending:
            try:
                piece = self._d.decompress(pending, self._room(out))
            except zlib.error as exc:
                # Some servers send raw deflate under "deflate"; retry once that way.
                if self._encoding == "deflate" and not self._raw_deflate and not out:
                    self._raw_deflate = True
                    self._d = self._new()
                    continue
                raise FeedError(f"broken {self._encoding} body: {exc}") from exc
            out += piece
            self._check(out)
            if self._d.eof:
                # A gzip stream may hold several members back to back.
                pending = self._d.unused_data
                if pending:
                    self._d = self._new()
            else:
                pending = self._d.unconsumed_tail

    def finish(self, out: bytearray) -> None:
        try:
            out += self._d.flush(self._room(out))
        except zlib.error as exc:
            raise FeedError(f"broken {self._encoding} body: {exc}") from exc
        self._check(out)

    def _room(self, out: bytearray) -> int:
        # One byte past the cap is enough to know the cap was broken.
        return self._cap - len(out) + 1

    def _check(self, out: bytearray) -> None:
        if len(out) > self._cap:
            raise FeedError(
                f"body exceeds {format_bytes(self._cap)} cap after {self._encoding} decoding"
            )


class Fetcher:
    """Fetches feed URLs with one shared, injected :class:`aiohttp.ClientSession`.

    Give it a session from :func:`guarded_session` so connections only go to
    addresses the guard checked; the fetcher checks each hop's URL as well, so a
    plain session still gets scheme, literal-address and resolution checks (but
    not protection against DNS rebinding).
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        limits: FetchLimits | None = None,
        allow_private: bool = False,
        guard: AddressGuard | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._session = session
        self.limits = limits or FetchLimits()
        self.guard = guard or AddressGuard(allow_private=allow_private)
        self._clock = clock
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        self._timeout = aiohttp.ClientTimeout(
            total=None,
            connect=self.limits.connect_timeout,
            sock_connect=self.limits.connect_timeout,
            sock_read=self.limits.read_timeout,
        )

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET ``url`` conditionally; ``not_modified`` (no body) when the server says 304.

        Raises :class:`FeedError` (or its :class:`BlockedAddressError`) on any failure;
        on 429/503 the error carries ``retry_after`` in seconds when the server gave one.
        """
        try:
            target = URL(url.strip())
        except (ValueError, TypeError) as exc:
            raise FeedError(f"invalid URL {url!r}: {exc}") from exc
        total = self.limits.total_timeout
        try:
            # Armed by _follow only while a request runs: waiting for a host slot is not the
            # feed's time, or slow feeds on one host would use up healthy feeds' budgets.
            async with asyncio.timeout(None) as deadline:
                return await self._follow(
                    target, etag=etag, last_modified=last_modified, deadline=deadline
                )
        except FeedError:
            raise
        except aiohttp.ConnectionTimeoutError as exc:
            waited = _seconds(self.limits.connect_timeout)
            raise FeedError(f"connect timed out after {waited}") from exc
        except aiohttp.SocketTimeoutError as exc:
            waited = _seconds(self.limits.read_timeout)
            raise FeedError(f"read timed out after {waited}") from exc
        except TimeoutError as exc:
            raise FeedError(f"timed out after {_seconds(total)} in total") from exc
        except aiohttp.ClientError as exc:
            raise FeedError(_one_line(_describe_client_error(exc))) from exc
        except ValueError as exc:  # yarl on a mangled URL or Location
            raise FeedError(f"invalid URL: {exc}") from exc

    async def _follow(
        self,
        start: URL,
        *,
        etag: str | None,
        last_modified: str | None,
        deadline: asyncio.Timeout,
    ) -> FetchResult:
        headers = {"User-Agent": self.limits.user_agent, "Accept": ACCEPT,
                   "Accept-Encoding": "gzip, deflate"}  # fmt: skip
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = start
        visited = {str(start)}
        loop = asyncio.get_running_loop()
        budget = self.limits.total_timeout  # seconds of requests left, redirects included
        for _hop in range(self.limits.max_redirects + 1):
            async with self._host_slot(current.raw_host or ""):
                started = loop.time()
                deadline.reschedule(started + budget)
                try:
                    await self.guard.check_url(current)
                    async with self._session.get(
                        current,
                        headers=headers,
                        allow_redirects=False,
                        auto_decompress=False,
                        timeout=self._timeout,
                    ) as resp:
                        if resp.status not in _REDIRECTS:
                            return await self._conclude(current, resp, etag, last_modified)
                        current = self._next_hop(current, resp, visited)
                finally:
                    budget -= loop.time() - started
                    if not deadline.expired():
                        deadline.reschedule(None)
        raise FeedError(
            f"redirect loop / more than {self.limits.max_redirects} redirects (last to {current})"
        )

    def _next_hop(self, current: URL, resp: aiohttp.ClientResponse, visited: set[str]) -> URL:
        location = resp.headers.get("Location")
        if not location:
            raise FeedError(f"HTTP {resp.status} redirect without a Location header")
        target = current.join(URL(location)).with_fragment(None)
        if str(target) in visited:
            raise FeedError(f"redirect loop: back to {target}")
        visited.add(str(target))
        return target

    async def _conclude(
        self,
        url: URL,
        resp: aiohttp.ClientResponse,
        etag: str | None,
        last_modified: str | None,
    ) -> FetchResult:
        new_etag = resp.headers.get("ETag")
        new_modified = resp.headers.get("Last-Modified")
        if resp.status == HTTPStatus.NOT_MODIFIED:
            # A 304 need not repeat the validators: the ones sent stay valid.
            return FetchResult(
                "not_modified", str(url), b"", new_etag or etag, new_modified or last_modified
            )
        if resp.status in _RETRY_LATER:
            wait = parse_retry_after(resp.headers.get("Retry-After"), now=self._clock())
            told = f" (retry after {_seconds(wait)})" if wait is not None else ""
            raise FeedError(
                _one_line(f"HTTP {resp.status} {_reason(resp)}{told}"), retry_after=wait
            )
        if not 200 <= resp.status < 300:
            raise FeedError(_one_line(f"HTTP {resp.status} {_reason(resp)}"))
        body = await self._read_body(resp)
        return FetchResult(
            "ok",
            str(url),
            body,
            new_etag,
            new_modified,
            resp.headers.get("Content-Type"),
            _parser_headers(resp.headers, url),
        )

    async def _read_body(self, resp: aiohttp.ClientResponse) -> bytes:
        cap = self.limits.max_body_bytes
        declared = resp.content_length
        if declared is not None and declared > cap:
            raise FeedError(f"body exceeds {format_bytes(cap)} cap (Content-Length {declared})")
        inflater = _inflater_for(resp.headers.get("Content-Encoding", ""), cap)
        out = bytearray()
        received = 0
        async for chunk in resp.content.iter_chunked(_CHUNK):
            received += len(chunk)
            if received > cap:
                raise FeedError(f"body exceeds {format_bytes(cap)} cap")
            if inflater is None:
                out += chunk
            else:
                inflater.feed(chunk, out)
        if inflater is not None:
            inflater.finish(out)
        return bytes(out)

    @asynccontextmanager
    async def _host_slot(self, host: str) -> AsyncIterator[None]:
        slot = self._host_slots.get(host.lower())
        if slot is None:
            slot = self._host_slots[host.lower()] = asyncio.Semaphore(self.limits.per_host)
        async with slot:
            yield


def _inflater_for(header: str, cap: int) -> _Inflater | None:
    codings = [c.strip().lower() for c in header.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return None
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return _Inflater("deflate" if codings[0] == "deflate" else "gzip", cap)
    raise FeedError(f"unsupported content encoding {header!r}")


def _reason(resp: aiohttp.ClientResponse) -> str:
    if resp.reason:
        return resp.reason
    try:
        return HTTPStatus(resp.status).phrase
    except ValueError:
        return ""


def _parser_headers(headers: CIMultiDictProxy[str], url: URL) -> dict[str, str]:
    picked = {name: headers[name] for name in FEEDPARSER_HEADERS if name in headers}
    # Relative links in the feed resolve against where it was actually served from.
    location = picked.get("content-location")
    picked["content-location"] = str(url.join(URL(location))) if location else str(url)
    return picked


def _one_line(message: str, limit: int = 300) -> str:
    """Error text for a log line or a table cell: one line, bounded."""
    flat = " ".join(message.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _describe_client_error(exc: aiohttp.ClientError) -> str:
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return f"cannot resolve host {exc.host}"
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return f"TLS certificate error for {exc.host}: {exc.certificate_error}"
    if isinstance(exc, aiohttp.ClientConnectorSSLError | aiohttp.ClientSSLError):
        return f"TLS error: {exc}"
    if isinstance(exc, aiohttp.ClientConnectorError):
        why = exc.os_error.strerror or str(exc.os_error)
        return f"cannot connect to {exc.host}:{exc.port}: {why}"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "server closed the connection before the response was complete"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return f"broken response body: {exc}"
    if isinstance(exc, aiohttp.InvalidURL):
        return f"invalid URL {exc.url}"
    if isinstance(exc, aiohttp.ClientResponseError):
        return f"bad HTTP response: {exc.message}"
    return f"HTTP client error: {type(exc).__name__}: {exc}"
