"""parse_feed on the bodies real servers send when something is off."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.domain.types import FeedItem
from bot.errors import FeedError
from bot.ingest.parse import load_json, parse_feed

NOW = datetime(2026, 9, 25, 18, 0, tzinfo=UTC)


async def parse(body: bytes, fmt: str = "rss", **kw) -> list[FeedItem]:
    options = {
        "feed_id": "f",
        "fmt": fmt,
        "source_kind": "news",
        "headers": {},
        "now": NOW,
        "base_url": "https://example.org/feed",
    }
    options.update(kw)
    return await parse_feed(body, **options)


def rss(items: str, channel: str = "<title>T</title>") -> bytes:
    doc = f'<?xml version="1.0"?><rss version="2.0"><channel>{channel}{items}</channel></rss>'
    return doc.encode()


async def test_relative_links_resolve_against_where_the_feed_was_served():
    body = rss("<item><title>A</title><link>/news/a?utm_medium=rss</link></item>")

    (item,) = await parse(body, base_url="https://site.example/feeds/all.xml")

    assert item.url == "https://site.example/news/a"
    assert item.guid == "https://site.example/news/a"  # no guid: the canonical link


async def test_content_location_header_wins_for_relative_links():
    body = rss("<item><title>A</title><link>b.html</link></item>")

    (item,) = await parse(
        body,
        headers={"Content-Location": "https://mirror.example/x/feed"},
        base_url="https://origin.example/feed",
    )

    assert item.url == "https://mirror.example/x/b.html"


async def test_same_guid_twice_in_one_document_is_one_item():
    once = '<item><guid isPermaLink="false">g-1</guid><title>{}</title></item>'
    twice = once.format("First") + once.format("Again")

    items = await parse(rss(twice))

    assert [(i.guid, i.title) for i in items] == [("g-1", "First")]


async def test_guid_falls_back_to_a_hash_of_title_and_date():
    body = rss(
        "<item><title>Only a title</title><pubDate>Mon, 08 Jun 2020 10:00:00 GMT</pubDate></item>"
    )

    first = await parse(body)
    second = await parse(body)

    assert first[0].guid.startswith("sha256:")
    assert first[0].guid == second[0].guid
    assert first[0].url == ""


async def test_entries_without_any_text_or_identity_are_dropped():
    empty = "<item><description>&lt;img src='x.png'&gt;</description></item>"
    body = rss(empty + "<item><title>Kept</title></item>")

    items = await parse(body)

    assert [i.title for i in items] == ["Kept"]


async def test_overlong_guid_is_hashed():
    (item,) = await parse(rss(f"<item><guid>{'x' * 2000}</guid><title>t</title></item>"))

    assert item.guid.startswith("sha256:")


async def test_javascript_links_are_not_kept():
    (item,) = await parse(rss("<item><title>t</title><link>javascript:alert(1)</link></item>"))

    assert item.url == ""


async def test_empty_but_valid_feed_is_no_items():
    assert await parse(rss("")) == []


async def test_items_are_feed_item_records_with_kind_and_feed():
    (item,) = await parse(rss("<item><guid>g</guid><title>t</title></item>"), source_kind="company")

    assert (item.feed_id, item.source_kind, item.published) == ("f", "company", NOW)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "not a feed: empty body"),
        (b"   \n\t", "not a feed: empty body"),
        (
            b"<!doctype html><html><head><title>Sign in</title></head><body>Hi</body></html>",
            "not a feed",
        ),
        (b'{"bills": []}', "not a feed: does not start with markup"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a feed: does not start with markup"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>cut', "malformed XML at line 1"),
    ],
)
async def test_bodies_that_are_not_feeds_raise_with_a_reason(body: bytes, message: str):
    with pytest.raises(FeedError, match=message):
        await parse(body)


async def test_html_page_served_as_html_names_its_content_type():
    page = b"<html><body><p>Please enable JavaScript</p></body></html>"

    with pytest.raises(FeedError, match=r"not a feed: .*content type text/html"):
        await parse(page, headers={"Content-Type": "text/html; charset=utf-8"})


async def test_unknown_format_is_a_feed_error():
    with pytest.raises(FeedError, match="unknown feed format 'yaml'"):
        await parse(b"x", fmt="yaml")


async def test_parse_past_its_time_limit_is_abandoned():
    with pytest.raises(FeedError, match="parsing took longer than 0 s; gave up"):
        await parse(rss("<item><title>t</title></item>"), time_limit=0)


# --- JSON -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "not JSON: empty body"),
        (
            b'<?xml version="1.0"?><api-root/>',
            r"not JSON: got XML or HTML \(did the API ignore format=json\?\)",
        ),
        (b'{"bills": [', "not JSON: Expecting value at line 1 column 12"),
        (b"\xff\xfe{}", "not JSON: body is not UTF-8 text"),
        (b"[" * 100_000, "not JSON: nested too deeply"),
    ],
)
def test_json_bodies_that_are_not_json(body: bytes, message: str):
    with pytest.raises(FeedError, match=message):
        load_json(body)


def test_json_with_a_byte_order_mark_is_read():
    assert load_json(b"\xef\xbb\xbf" + json.dumps({"a": 1}).encode()) == {"a": 1}


async def test_adapter_errors_surface_as_feed_errors():
    with pytest.raises(FeedError, match="congress: API error: API_KEY_MISSING"):
        await parse(b'{"error": {"code": "API_KEY_MISSING"}}', fmt="congress")


async def test_bodies_with_more_markup_than_any_feed_are_refused_before_parsing():
    # Tiny tags by the hundred thousand would cost feedparser a minute of CPU.
    body = rss("<item><title>t</title></item>" * 34_000)

    with pytest.raises(
        FeedError, match=r"not a feed: too much markup \(136,007 tags; limit 100,000\)"
    ):
        await parse(body)
