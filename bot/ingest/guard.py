"""The SSRF guard: a feed URL may only lead to public addresses.

Feeds come from a user-editable file and from redirects chosen by remote servers, so
a URL could point the bot at the host's own services or the private network. The
guard checks the scheme, then every address the host resolves to, and refuses the
whole host when any address is loopback, private, link-local, multicast, reserved,
unspecified or otherwise not globally routable (IPv4 embedded in IPv6 included).

The check must happen on the address actually connected to, or DNS rebinding (a
public answer for the check, a private one for the connection) slips through:
:class:`GuardedResolver` is an aiohttp resolver, so the connector itself only ever
receives checked addresses. Literal IP hosts never reach a resolver in aiohttp, so
:meth:`AddressGuard.check_url` checks those before each request.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from bot.errors import BlockedAddressError, FeedError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
AddrInfo = tuple[Any, ...]
# Same shape as ``loop.getaddrinfo(host, port, type=...)``; injectable for tests.
GetAddrInfo = Callable[[str, int], Awaitable[Sequence[AddrInfo]]]

ALLOWED_SCHEMES = ("http", "https")


def blocked_reason(ip: IPAddress) -> str | None:
    """Why ``ip`` may not be fetched from (``"private"``, ``"loopback"``, ...), or ``None``."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or _sixtofour(ip) or _teredo_client(ip)
        if embedded is not None:
            inner = blocked_reason(embedded)
            return f"{inner} (IPv4 inside IPv6)" if inner else None
    for reason, hit in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    ):
        if hit:
            return reason
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return "site-local"
    if not ip.is_global:
        return "non-public"
    return None


def _sixtofour(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    return ip.sixtofour


def _teredo_client(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    teredo = ip.teredo
    return teredo[1] if teredo else None


def parse_ip(host: str) -> IPAddress | None:
    """``host`` as an IP address when it is a literal one (brackets and zone allowed)."""
    text = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def check_scheme(url: URL) -> tuple[str, int]:
    """The host and port of an http(s) URL; :class:`FeedError` for anything else."""
    if url.scheme not in ALLOWED_SCHEMES:
        shown = url.scheme or "no scheme"
        raise FeedError(f"refused URL scheme {shown!r} in {url} (only http and https)")
    host = url.raw_host
    if not host:
        raise FeedError(f"invalid URL {url}: no host")
    port = url.port or (443 if url.scheme == "https" else 80)
    return host, port


async def _loop_getaddrinfo(host: str, port: int) -> Sequence[AddrInfo]:
    loop = asyncio.get_running_loop()
    return await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)


class AddressGuard:
    """Decides which hosts and addresses a fetch may reach.

    ``allow_private`` turns the address check off (tests, local feed servers:
    ``PLEDGEWATCH_ALLOW_PRIVATE_FEEDS``); ``allowed_networks`` lets through only the
    listed non-public networks. Schemes are checked either way.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        allowed_networks: Iterable[IPNetwork | str] = (),
        getaddrinfo: GetAddrInfo | None = None,
    ) -> None:
        self.allow_private = allow_private
        self._allowed = tuple(ipaddress.ip_network(n) for n in allowed_networks)
        self._getaddrinfo = getaddrinfo or _loop_getaddrinfo

    def check_ip(self, ip: IPAddress, host: str) -> None:
        """Raise :class:`BlockedAddressError` when ``ip`` (an address of ``host``) is refused."""
        if self.allow_private or any(ip in net for net in self._allowed):
            return
        reason = blocked_reason(ip)
        if reason is not None:
            raise BlockedAddressError(f"refused {reason} address {ip} for host {host}")

    async def resolve(self, host: str, port: int) -> list[tuple[socket.AddressFamily, str]]:
        """Every address of ``host``, each checked; refuses the host if any is blocked."""
        literal = parse_ip(host)
        if literal is not None:
            self.check_ip(literal, host)
            family = socket.AF_INET6 if literal.version == 6 else socket.AF_INET
            return [(family, str(literal))]
        try:
            infos = await self._getaddrinfo(host, port)
        except (socket.gaierror, UnicodeError) as exc:
            raise FeedError(f"cannot resolve host {host}") from exc
        except OSError as exc:
            raise FeedError(f"cannot resolve host {host}: {exc.strerror or exc}") from exc
        found: list[tuple[socket.AddressFamily, str]] = []
        for family, _type, _proto, _canon, sockaddr in infos:
            address = str(sockaddr[0])
            ip = parse_ip(address)
            if ip is None:
                raise FeedError(f"cannot resolve host {host}: odd address {address!r}")
            self.check_ip(ip, host)
            found.append((family, address))
        if not found:
            raise FeedError(f"cannot resolve host {host}")
        return found

    async def check_url(self, url: URL) -> None:
        """Check the scheme and every address of the URL's host."""
        host, port = check_scheme(url)
        await self.resolve(host, port)


class GuardedResolver(AbstractResolver):
    """aiohttp resolver that hands the connector only addresses the guard allowed."""

    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results: list[ResolveResult] = []
        for fam, address in await self._guard.resolve(host, port):
            if family not in (socket.AF_UNSPEC, fam):
                continue
            results.append(
                {
                    "hostname": host,
                    "host": address,
                    "port": port,
                    "family": fam,
                    "proto": 0,
                    "flags": socket.AI_NUMERICHOST,
                }
            )
        if not results:
            raise FeedError(f"cannot resolve host {host}: no usable address")
        return results

    async def close(self) -> None:
        return None
