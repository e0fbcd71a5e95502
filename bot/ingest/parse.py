"""Turn a fetched body into :class:`FeedItem` records, off the event loop.

RSS/RDF/Atom go through feedparser, always given the bytes (a URL or a string
would make it do its own I/O); the JSON APIs go through :mod:`bot.ingest.adapters`.
A hostile or broken body gives either items (feedparser recovered usable entries)
or a :class:`FeedError` that says why; never an unhandled crash or a runaway parse.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import logging
import re
import xml.sax
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from feedparser.encodings import convert_to_utf8
from feedparser.sanitizer import replace_doctype

from bot.domain.types import FeedItem, SourceKind
from bot.errors import FeedError
from bot.ingest.adapters import ADAPTERS, AdapterContext
from bot.ingest.normalize import (
    SUMMARY_MAX,
    TITLE_MAX,
    as_utc,
    canonical_url,
    html_to_text,
    is_http_url,
    normalize_published,
    plain_text,
)

logger = logging.getLogger(__name__)

FORMATS = ("rss", *ADAPTERS)
PARSE_TIME_LIMIT = 30.0
# Custom entities may expand to at most this many characters in one document.
MAX_ENTITY_EXPANSION = 1 << 20
MAX_GUID_LEN = 512
# feedparser spends tens of microseconds of Python per tag (more in HTML it sanitizes),
# and its worker thread cannot be stopped: a body of tiny tags would cost a minute of
# CPU. Real feeds carry a few thousand tags (Google News: ~600 per 100 items).
MAX_TAGS = 100_000
_PARSER_HEADERS = ("content-type", "content-location", "content-language")
# feedparser's complaints that still leave a readable feed.
_BENIGN_BOZO = (
    feedparser.CharacterEncodingOverride,
    feedparser.NonXMLContentType,
)
_GOOGLE_NEWS_HOST = "news.google.com"
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")


async def parse_feed(
    body: bytes,
    *,
    feed_id: str,
    fmt: str,
    source_kind: SourceKind,
    headers: Mapping[str, str],
    now: datetime,
    base_url: str,
    time_limit: float = PARSE_TIME_LIMIT,
) -> list[FeedItem]:
    """Items from one fetched body, in the feed's order, one per guid.

    ``fmt`` is ``"rss"`` (RSS, RDF or Atom) or an adapter name (``congress``,
    ``openstates``, ``federal_register``, ``legiscan``). ``headers`` are the response
    headers (``FetchResult.headers``; feedparser reads the charset from
    ``content-type``), ``base_url`` the URL the body came from (relative links
    resolve against it), ``now`` the first-seen time for undated items.

    The work runs in a worker thread; after ``time_limit`` seconds the caller gets a
    :class:`FeedError` (the thread itself cannot be stopped and finishes on its own).
    """
    try:
        return await asyncio.wait_for(
            asyncio.to_thread(
                parse_feed_sync,
                body,
                feed_id=feed_id,
                fmt=fmt,
                source_kind=source_kind,
                headers=headers,
                now=now,
                base_url=base_url,
            ),
            time_limit,
        )
    except TimeoutError as exc:
        raise FeedError(f"parsing took longer than {time_limit:g} s; gave up") from exc


def parse_feed_sync(
    body: bytes,
    *,
    feed_id: str,
    fmt: str,
    source_kind: SourceKind,
    headers: Mapping[str, str],
    now: datetime,
    base_url: str,
) -> list[FeedItem]:
    """:func:`parse_feed` without the thread; blocking, for scripts and benchmarks."""
    ctx = AdapterContext(feed_id=feed_id, source_kind=source_kind, now=as_utc(now),
                         base_url=base_url)  # fmt: skip
    if fmt == "rss":
        items = _parse_rss(body, _feedparser_headers(headers, base_url), ctx)
    elif fmt in ADAPTERS:
        items = _parse_json(body, fmt, ctx)
    else:
        raise FeedError(f"unknown feed format {fmt!r} (known: {', '.join(FORMATS)})")
    return _unique(items)


# --- RSS / Atom --------------------------------------------------------------------


def _feedparser_headers(headers: Mapping[str, str], base_url: str) -> dict[str, str]:
    picked = {k.lower(): v for k, v in headers.items() if k.lower() in _PARSER_HEADERS}
    if base_url and "content-location" not in picked:
        picked["content-location"] = base_url
    return picked


def _screen(body: bytes, headers: dict[str, str]) -> None:
    """Refuse, before feedparser runs, bodies that are not feeds or would cost too much.

    The checks look at the body as feedparser will see it (same decoding to UTF-8,
    same DOCTYPE handling). feedparser drops nested entity declarations (the billion
    laughs) but keeps "safe" ones, and when expat refuses a document for
    amplification its lenient fallback parser expands those without limit: one
    100 KB entity used 20,000 times is 2 GB. So what the entities would expand to is
    added up here, and refused past :data:`MAX_ENTITY_EXPANSION`.
    """
    if not body.strip():
        raise FeedError("not a feed: empty body")
    data = convert_to_utf8(dict(headers), body, {})
    # feedparser prepends its own XML declaration; what follows it must be markup.
    rest = _XML_DECLARATION.sub(b"", data, count=1).lstrip()
    if not rest.startswith(b"<"):
        start = rest[:40].decode("utf-8", "replace")
        raise FeedError(f"not a feed: does not start with markup (starts {start!r})")
    tags = data.count(b"<")
    if tags > MAX_TAGS:
        raise FeedError(f"not a feed: too much markup ({tags:,} tags; limit {MAX_TAGS:,})")
    _version, stripped, entities = replace_doctype(data)
    expansion = sum(
        len(value) * stripped.count(f"&{name};".encode()) for name, value in entities.items()
    )
    if expansion > MAX_ENTITY_EXPANSION:
        raise FeedError(
            f"not a feed: entity declarations would expand to {expansion:,} characters "
            f"(limit {MAX_ENTITY_EXPANSION:,}); refused as an entity-expansion attack"
        )


def _parse_rss(body: bytes, headers: dict[str, str], ctx: AdapterContext) -> list[FeedItem]:
    _screen(body, headers)
    try:
        # Every text field becomes plain text here (html_to_text drops tags, scripts and
        # styles), so feedparser's own HTML sanitizing and link rewriting, most of its
        # cost, would be work thrown away.
        parsed = feedparser.parse(
            io.BytesIO(body),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser normally reports problems as "bozo"
        logger.exception("feedparser failed", extra={"feed": ctx.feed_id})
        raise FeedError(f"feed parser failed: {type(exc).__name__}: {exc}") from exc
    feed_title = plain_text(_text(parsed.get("feed", {}).get("title")))
    items: list[FeedItem] = []
    for entry in parsed.get("entries") or []:
        item = _entry_item(entry, feed_title, ctx)
        if item is not None:
            items.append(item)
    if not items:
        _explain_empty(parsed, headers)
        return []
    if parsed.get("bozo"):
        logger.info(
            "feed recovered from a parse problem: %s",
            _bozo_reason(parsed.get("bozo_exception")),
            extra={"feed": ctx.feed_id},
        )
    return items


def _explain_empty(parsed: Mapping[str, Any], headers: Mapping[str, str]) -> None:
    """Raise when a result without usable entries is a broken or non-feed body."""
    version = parsed.get("version") or ""
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if problem is not None and not isinstance(problem, _BENIGN_BOZO):
        reason = _bozo_reason(problem)
        raise FeedError(reason if version else f"not a feed: {reason}")
    if not version:
        kind = headers.get("content-type", "").split(";")[0].strip()
        shown = f" (content type {kind})" if kind else ""
        raise FeedError(f"not a feed: no RSS, RDF or Atom root element{shown}")


def _bozo_reason(problem: object) -> str:
    if isinstance(problem, xml.sax.SAXParseException):
        return f"malformed XML at line {problem.getLineNumber()}: {problem.getMessage()}"
    if isinstance(problem, feedparser.CharacterEncodingUnknown):
        return f"unknown character encoding: {problem}"
    if isinstance(problem, Exception):
        return f"{type(problem).__name__}: {problem}"
    return "unreadable document"


def _own(entry: Mapping[str, Any], key: str) -> Any:
    """``entry[key]`` without feedparser's deprecated updated-to-published fallback."""
    return dict.get(entry, key) if isinstance(entry, dict) else entry.get(key)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _as_text(value: str, content_type: str, max_len: int) -> str:
    # feedparser hands out HTML unless it knows the value is plain text.
    if content_type == "text/plain":
        return plain_text(value, max_len=max_len)
    return html_to_text(value, max_len=max_len)


def _entry_text(entry: Mapping[str, Any], key: str, max_len: int) -> str:
    detail = entry.get(f"{key}_detail") or {}
    return _as_text(_text(entry.get(key)), _text(detail.get("type")), max_len)


def _summary(entry: Mapping[str, Any]) -> str:
    text = _entry_text(entry, "summary", SUMMARY_MAX)
    if text:
        return text
    for content in entry.get("content") or []:
        if isinstance(content, Mapping) and _text(content.get("value")):
            return _as_text(_text(content["value"]), _text(content.get("type")), SUMMARY_MAX)
    return ""


def _is_google_news(url: str) -> bool:
    try:
        return (urlsplit(url).hostname or "").lower() == _GOOGLE_NEWS_HOST
    except ValueError:
        return False


def _split_outlet(title: str, outlet: str, google: bool) -> tuple[str, str]:
    """Google News titles end in `` - Outlet``: give back (clean title, outlet)."""
    if outlet and title.endswith(f" - {outlet}"):
        return title[: -len(outlet) - 3].rstrip(), outlet
    if google and not outlet and " - " in title:
        head, _, tail = title.rpartition(" - ")
        return head.rstrip(), tail.strip()
    return title, outlet


def _entry_item(entry: Mapping[str, Any], feed_title: str, ctx: AdapterContext) -> FeedItem | None:
    link = _text(entry.get("link")).strip()
    if link and ctx.base_url:
        link = urljoin(ctx.base_url, link)
    url = canonical_url(link) if is_http_url(link) else ""
    google = _is_google_news(ctx.base_url) or _is_google_news(url)

    source = entry.get("source") or {}
    outlet = plain_text(_text(source.get("title")) if isinstance(source, Mapping) else "")
    title, outlet = _split_outlet(_entry_text(entry, "title", TITLE_MAX), outlet, google)
    summary = _summary(entry)
    if google and outlet and summary.endswith(outlet):
        summary = summary[: -len(outlet)].rstrip()
    if summary == title:
        summary = ""  # Google News repeats the headline as the description

    published_raw = (
        _own(entry, "published_parsed")
        or _own(entry, "updated_parsed")
        or _own(entry, "created_parsed")
    )
    guid = _guid(entry, url, title, summary)
    if guid is None:
        return None
    return FeedItem(
        feed_id=ctx.feed_id,
        guid=guid,
        url=url,
        title=title,
        summary=summary,
        published=normalize_published(published_raw, now=ctx.now),
        source_kind=ctx.source_kind,
        source_name=outlet or feed_title,
    )


def _guid(entry: Mapping[str, Any], url: str, title: str, summary: str) -> str | None:
    """The entry's id, else its link, else a hash of title and date; ``None`` if all empty."""
    guid = _text(entry.get("id")).strip() or url
    if not guid:
        stamp = _text(_own(entry, "published")) or _text(_own(entry, "updated"))
        basis = f"{title}\n{stamp}" if title else f"{summary}\n{stamp}"
        if not basis.strip():
            return None
        guid = "sha256:" + hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()[:40]
    if len(guid) > MAX_GUID_LEN:
        guid = "sha256:" + hashlib.sha256(guid.encode("utf-8", "replace")).hexdigest()[:40]
    return guid


def _unique(items: list[FeedItem]) -> list[FeedItem]:
    seen: set[str] = set()
    kept: list[FeedItem] = []
    for item in items:
        if item.guid not in seen:
            seen.add(item.guid)
            kept.append(item)
    return kept


# --- JSON APIs ---------------------------------------------------------------------


def _parse_json(body: bytes, fmt: str, ctx: AdapterContext) -> list[FeedItem]:
    data = load_json(body)
    try:
        return ADAPTERS[fmt](data, ctx)
    except FeedError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        logger.exception("adapter failed", extra={"feed": ctx.feed_id, "format": fmt})
        raise FeedError(f"{fmt}: could not read the response: {exc!r}") from exc


def load_json(body: bytes) -> Any:
    """Decode a JSON API body, or raise :class:`FeedError` saying what it is instead."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = f"{exc.reason} at byte {exc.start}"
        raise FeedError(f"not JSON: body is not UTF-8 text ({where})") from exc
    stripped = text.lstrip()
    if not stripped:
        raise FeedError("not JSON: empty body")
    if stripped.startswith("<"):
        raise FeedError("not JSON: got XML or HTML (did the API ignore format=json?)")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FeedError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    except RecursionError as exc:
        raise FeedError("not JSON: nested too deeply") from exc
    except ValueError as exc:  # e.g. an integer with too many digits
        raise FeedError(f"not JSON: {exc}") from exc
