"""Plain records the repository hands out; no SQLAlchemy objects leave ``storage``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.domain.bills import Standing
from bot.domain.pledges import Signal
from bot.domain.types import BillAction, FeedItem, Match


@dataclass(frozen=True, slots=True)
class FeedState:
    id: str
    url: str
    kind: str
    format: str
    enabled: bool
    origin: str
    etag: str | None
    last_modified: str | None
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    next_attempt_at: datetime | None
    backoff_reason: str | None
    items_seen: int
    name: str | None = None
    every_seconds: float | None = None
    requires: str | None = None


@dataclass(frozen=True, slots=True)
class NewItem:
    """An item stored for the first time in this ingest."""

    id: int
    feed_id: str
    guid: str
    title: str
    url: str
    published: datetime
    relevant: bool
    kind: str
    companies: tuple[str, ...]
    bill_ids: tuple[str, ...]
    event: str
    story_id: int | None
    new_story: bool


@dataclass(frozen=True, slots=True)
class AlertView:
    id: int
    key: str
    kind: str
    importance: int
    payload: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class IngestResult:
    new_items: list[NewItem] = field(default_factory=list)
    duplicates: int = 0
    alerts: list[AlertView] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PendingDelivery:
    id: int
    target: str
    subscription_id: int | None
    attempts: int
    nonce: str
    message_id: str | None
    alert: AlertView
    next_attempt_at: datetime
    mention_role_id: int | None = None


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    id: int
    guild_id: int
    channel_id: int
    kinds: tuple[str, ...]
    companies: tuple[str, ...]
    jurisdictions: tuple[str, ...]
    min_importance: int
    mode: str
    mention_role_id: int | None
    paused: bool
    paused_reason: str | None
    created_at: datetime
    keywords: tuple[str, ...] = ()
    exclude_keywords: tuple[str, ...] = ()
    digest_cadence: str = "daily"
    digest_hour: int | None = None  # None: the default hour
    digest_weekday: int = 0
    last_digest_at: datetime | None = None
    thread_per_bill: bool = False


@dataclass(frozen=True, slots=True)
class FollowView:
    """What one channel follows: ``kind`` bill, pledge or place, and its ``target`` id."""

    id: int
    guild_id: int
    channel_id: int
    kind: str
    target: str
    label: str
    source_url: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SeenBill:
    """A bill a legislative source reported, as the item that carried it names it."""

    key: str
    jurisdiction: str
    session: str
    title: str
    url: str
    source: str
    seen: datetime


@dataclass(frozen=True, slots=True)
class IngestEntry:
    """One parsed, classified item and what tracking derived from it."""

    item: FeedItem
    match: Match
    signals: tuple[Signal, ...] = ()
    law_id: str | None = None  # the tracked law this item's bill is, if any
    # Where that law stands in the shipped history: what run-time data is measured against.
    standing: Standing | None = None


@dataclass(frozen=True, slots=True)
class SuggestionView:
    id: int
    pledge_id: str
    suggested_status: str
    event: str
    title: str
    source_url: str
    state: str
    created_at: datetime
    published: datetime | None
    decided_by: str | None
    decided_at: datetime | None
    note: str | None


@dataclass(frozen=True, slots=True)
class BillView:
    key: str
    jurisdiction: str
    session: str
    identifier: str
    title: str
    url: str
    stage: str | None
    stage_date: date | None
    tracked_id: str | None
    source: str
    first_seen: datetime
    updated_at: datetime
    actions: tuple[BillAction, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryView:
    """A relevant story and the outlets that reported it (for ``/news`` and ``/pledge``)."""

    id: int
    title: str
    url: str
    kind: str
    event: str
    companies: tuple[str, ...]
    jurisdictions: tuple[str, ...]
    pledges: tuple[str, ...]
    published: datetime
    source_count: int
    # (outlet name, URL) of each reporting item, first reporter first.
    sources: tuple[tuple[str, str], ...] = ()
