"""The SSRF guard: which addresses are refused, and that the connection uses checked ones."""

from __future__ import annotations

import ipaddress
import re
import socket

import pytest
from yarl import URL

from bot.errors import BlockedAddressError, FeedError
from bot.ingest.fetch import Fetcher, guarded_session
from bot.ingest.guard import AddressGuard, GuardedResolver, blocked_reason, check_scheme
from tests.ingest.conftest import FEED_BODY, TEST_LIMITS, FeedServer


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("::ffff:10.0.0.1", "private (IPv4 inside IPv6)"),
        ("::ffff:127.0.0.1", "loopback (IPv4 inside IPv6)"),
        ("2002:7f00:1::", "loopback (IPv4 inside IPv6)"),  # 6to4 wrapping 127.0.0.1
        ("fec0::1", "site-local"),
    ],
)
def test_non_public_addresses_are_blocked(address: str, reason: str):
    assert blocked_reason(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", ["240.0.0.1", "100.64.0.1", "192.0.2.1", "198.18.0.1"])
def test_reserved_shared_and_documentation_ranges_are_blocked(address: str):
    # Which label Python gives these changed between versions; blocked they must be.
    assert blocked_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str):
    assert blocked_reason(ipaddress.ip_address(address)) is None


def test_allowed_networks_open_only_what_they_list():
    guard = AddressGuard(allowed_networks=["127.0.0.1/32"])

    guard.check_ip(ipaddress.ip_address("127.0.0.1"), "localhost")
    with pytest.raises(BlockedAddressError, match=re.escape("refused loopback address 127.0.0.2")):
        guard.check_ip(ipaddress.ip_address("127.0.0.2"), "other")


def test_allow_private_turns_the_address_check_off():
    AddressGuard(allow_private=True).check_ip(ipaddress.ip_address("10.0.0.1"), "intranet")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://example.org/x", ("example.org", 80)),
        ("https://example.org:8443/", ("example.org", 8443)),
    ],
)
def test_scheme_check_gives_host_and_port(url: str, expected: tuple[str, int]):
    assert check_scheme(URL(url)) == expected


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/plain,x", "/relative/path"])
def test_scheme_check_refuses_the_rest(url: str):
    with pytest.raises(FeedError, match="refused URL scheme"):
        check_scheme(URL(url))


def _fake_dns(table: dict[str, list[list[str]]]):
    """getaddrinfo over a table: each host has a list of answers, served in turn."""
    calls: dict[str, int] = {}

    async def getaddrinfo(host: str, port: int):
        answers = table.get(host)
        if answers is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        turn = calls.get(host, 0)
        calls[host] = turn + 1
        addresses = answers[min(turn, len(answers) - 1)]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    return getaddrinfo


async def test_host_with_any_private_address_is_refused():
    guard = AddressGuard(getaddrinfo=_fake_dns({"mixed.test": [["93.184.216.34", "10.0.0.7"]]}))

    with pytest.raises(
        BlockedAddressError, match=re.escape("refused private address 10.0.0.7 for host mixed.test")
    ):
        await guard.resolve("mixed.test", 80)


async def test_resolver_answers_only_checked_addresses():
    guard = AddressGuard(getaddrinfo=_fake_dns({"public.test": [["93.184.216.34"]]}))

    answers = await GuardedResolver(guard).resolve("public.test", 443, family=socket.AF_UNSPEC)

    assert [(a["host"], a["port"], a["hostname"]) for a in answers] == [
        ("93.184.216.34", 443, "public.test")
    ]


async def test_connection_goes_to_the_address_the_guard_resolved(feed_server: FeedServer):
    # "feeds.test" exists only in the guard's table: the connector can only have
    # reached the server through the guarded resolver.
    guard = AddressGuard(
        allowed_networks=["127.0.0.1/32"],
        getaddrinfo=_fake_dns({"feeds.test": [["127.0.0.1"]]}),
    )
    async with guarded_session(guard=guard, limits=TEST_LIMITS) as http:
        fetcher = Fetcher(http, limits=TEST_LIMITS, guard=guard)

        result = await fetcher.fetch(f"http://feeds.test:{feed_server.port}/feed.xml")

    assert result.body == FEED_BODY
    assert feed_server.hits("/feed.xml")[0].headers["Host"] == f"feeds.test:{feed_server.port}"


async def test_dns_rebinding_between_check_and_connect_is_refused(feed_server: FeedServer):
    # First answer public (passes the fetcher's own check), second private: the one
    # the connector would use. The connection must not happen.
    guard = AddressGuard(
        getaddrinfo=_fake_dns({"rebind.test": [["93.184.216.34"], ["127.0.0.1"]]}),
    )
    async with guarded_session(guard=guard, limits=TEST_LIMITS) as http:
        fetcher = Fetcher(http, limits=TEST_LIMITS, guard=guard)

        with pytest.raises(
            BlockedAddressError,
            match=re.escape("refused loopback address 127.0.0.1 for host rebind.test"),
        ):
            await fetcher.fetch(f"http://rebind.test:{feed_server.port}/feed.xml")

    assert feed_server.requests == []
