"""What every adapter shares: its interface, its context and small JSON helpers."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.domain.types import BillAction, BillRecord, FeedItem, SourceKind
from bot.errors import FeedError
from bot.ingest.normalize import (
    SUMMARY_MAX,
    TITLE_MAX,
    canonical_url,
    is_http_url,
    normalize_published,
    plain_text,
)

logger = logging.getLogger("bot.ingest.adapters")


@dataclass(frozen=True, slots=True)
class AdapterContext:
    """Where a response came from: the feed, its kind, the fetch time and URL."""

    feed_id: str
    source_kind: SourceKind
    now: datetime
    base_url: str = ""


Adapter = Callable[[Any, AdapterContext], list[FeedItem]]


class RecordError(ValueError):
    """One record in an otherwise good response is unusable; the adapter skips it."""


def describe(data: object) -> str:
    """A short description of a JSON value's shape, for error messages."""
    if isinstance(data, Mapping):
        keys = sorted(str(k) for k in data)
        shown = ", ".join(keys[:8]) + (", ..." if len(keys) > 8 else "")
        return f"an object with keys {shown}" if keys else "an empty object"
    if isinstance(data, list):
        return f"a list of {len(data)}"
    return f"a {type(data).__name__}"


def shape_error(source: str, data: object) -> FeedError:
    return FeedError(f"{source}: unrecognised response shape ({describe(data)})")


def get_str(obj: Mapping[str, Any], key: str) -> str:
    """``obj[key]`` as stripped text; numbers become text, anything else ``""``."""
    value = obj.get(key)
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def get_map(obj: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = obj.get(key)
    return value if isinstance(value, Mapping) else {}


def get_list(obj: Mapping[str, Any], key: str) -> list[Any]:
    value = obj.get(key)
    return value if isinstance(value, list) else []


_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def parse_day(value: object) -> date | None:
    """The calendar day at the start of an ISO date or date-time string."""
    if not isinstance(value, str):
        return None
    match = _DAY.match(value.strip())
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def legislative_guid(key: str, day: date | None, text: str) -> str:
    """A guid that changes when the bill's latest action does."""
    digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:10]
    return f"{key}#{day.isoformat() if day else 'undated'}-{digest}"


_STATE_ID = re.compile(r"^([A-Za-z][A-Za-z. ]*?)\s*0*(\d+)\s*([A-Za-z]{0,3})$")


def state_identifier(raw: str) -> tuple[str, str]:
    """A state bill identifier as written with one space (``SB 6280``), and its key slug.

    ``"A 10774"`` -> ``("A 10774", "a-10774")``; ``"HB1"`` -> ``("HB 1", "hb-1")``.
    """
    text = " ".join(raw.split())
    match = _STATE_ID.match(text)
    if match:
        prefix = match[1].replace(".", "").replace(" ", "").upper()
        number = f"{int(match[2])}{match[3].upper()}"
        return f"{prefix} {number}", f"{prefix.lower()}-{number.lower()}"
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not slug:
        raise RecordError(f"empty bill identifier {raw!r}")
    return text.upper(), slug


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def latest(actions: Iterable[BillAction]) -> BillAction | None:
    """The last action in date order (undated ones count as oldest)."""
    ordered = sorted(actions, key=lambda a: a.date or date.min)
    return ordered[-1] if ordered else None


def bill_item(
    ctx: AdapterContext,
    bill: BillRecord,
    *,
    title: str,
    abstract: str = "",
    source_name: str,
    published: object = None,
    latest_action: BillAction | None = None,
) -> FeedItem:
    """The one :class:`FeedItem` for a bill, its guid and summary from the latest action
    (``latest_action`` when given, else the last of ``bill.actions`` by date)."""
    last = latest_action or latest(bill.actions)
    parts = [bill.identifier]
    if abstract:
        parts.append(plain_text(abstract, max_len=SUMMARY_MAX))
    if last is not None:
        when = last.date.isoformat() if last.date else "undated"
        parts.append(f"Latest action ({when}): {plain_text(last.text, max_len=SUMMARY_MAX)}")
    summary = plain_text(" — ".join(p for p in parts if p), max_len=SUMMARY_MAX)
    clean_title = plain_text(title, max_len=TITLE_MAX) or bill.identifier
    return FeedItem(
        feed_id=ctx.feed_id,
        guid=legislative_guid(bill.key, last.date if last else None, last.text if last else ""),
        url=canonical_url(bill.url) if is_http_url(bill.url) else "",
        title=clean_title,
        summary=summary,
        published=normalize_published(
            published if published is not None else (last.date if last else None), now=ctx.now
        ),
        source_kind=ctx.source_kind,
        source_name=source_name,
        bill=bill,
    )


def build_all(
    source: str, records: Iterable[object], build: Callable[[Mapping[str, Any]], FeedItem]
) -> list[FeedItem]:
    """An item per record; unusable records are skipped and logged, unless all are."""
    items: list[FeedItem] = []
    first_problem = ""
    count = 0
    for index, record in enumerate(records):
        count += 1
        try:
            if not isinstance(record, Mapping):
                raise RecordError(f"expected an object, got {describe(record)}")
            items.append(build(record))
        except RecordError as exc:
            first_problem = first_problem or f"record {index}: {exc}"
            logger.warning("%s: skipped record %d: %s", source, index, exc)
    if count and not items:
        raise FeedError(f"{source}: none of the {count} records could be read ({first_problem})")
    return items
