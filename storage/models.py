"""The schema. Every change here goes with an Alembic migration in ``storage/migrations``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class Feed(Base):
    """A source and its fetch state. Rows from feeds.yaml have origin 'file'."""

    __tablename__ = "feeds"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(24))
    every_seconds: Mapped[float] = mapped_column(Float)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    requires: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(8), default="file")
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    backoff_reason: Mapped[str | None] = mapped_column(Text)
    health_notified: Mapped[bool] = mapped_column(Boolean, default=False)
    items_seen: Mapped[int] = mapped_column(Integer, default=0)


class Story(Base):
    """One event, reported by one or more items (sources)."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    event: Mapped[str] = mapped_column(String(48))
    companies: Mapped[list[str]] = mapped_column(default=list)
    jurisdictions: Mapped[list[str]] = mapped_column(default=list)
    bill_ids: Mapped[list[str]] = mapped_column(default=list)
    pledges: Mapped[list[str]] = mapped_column(default=list)
    bills: Mapped[list[str]] = mapped_column(default=list)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    first_seen: Mapped[datetime] = mapped_column(index=True)
    last_seen: Mapped[datetime]
    published: Mapped[datetime]
    source_count: Mapped[int] = mapped_column(Integer, default=1)


class Item(Base):
    """One entry from one feed, with what the classifier said about it."""

    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("feed_id", "guid", name="uq_items_feed_guid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    feed_id: Mapped[str] = mapped_column(String(64), index=True)
    guid: Mapped[str] = mapped_column(String(512))
    # sha256 of the canonical URL: the same article from any feed is stored once.
    url_key: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    source_name: Mapped[str] = mapped_column(Text, default="")
    source_kind: Mapped[str] = mapped_column(String(16))
    published: Mapped[datetime] = mapped_column(index=True)
    first_seen: Mapped[datetime]
    relevant: Mapped[bool] = mapped_column(Boolean, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    companies: Mapped[list[str]] = mapped_column(default=list)
    jurisdictions: Mapped[list[str]] = mapped_column(default=list)
    bill_ids: Mapped[list[str]] = mapped_column(default=list)
    event: Mapped[str] = mapped_column(String(48), default="none")
    score: Mapped[float] = mapped_column(Float, default=0.0)
    reasons: Mapped[list[str]] = mapped_column(default=list)
    pledges: Mapped[list[str]] = mapped_column(default=list)
    bills: Mapped[list[str]] = mapped_column(default=list)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id"), index=True)


class Bill(Base):
    """A bill seen in legislative data, with one identity across sources."""

    __tablename__ = "bills"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(64), index=True)
    session: Mapped[str] = mapped_column(String(64))
    identifier: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    stage: Mapped[str | None] = mapped_column(String(32))
    stage_date: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))
    tracked_id: Mapped[str | None] = mapped_column(String(128))
    first_seen: Mapped[datetime]
    updated_at: Mapped[datetime]


class BillActionRow(Base):
    __tablename__ = "bill_actions"
    __table_args__ = (
        UniqueConstraint("bill_key", "fingerprint", name="uq_bill_actions_bill_fingerprint"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bill_key: Mapped[str] = mapped_column(ForeignKey("bills.key"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    action_date: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    codes: Mapped[list[str]] = mapped_column(default=list)
    chamber: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    source_url: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]


class PledgeEvent(Base):
    """A confirmed change to a pledge's status, beyond the shipped history."""

    __tablename__ = "pledge_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pledge_id: Mapped[str] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(48))
    event_date: Mapped[date | None] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]


class PledgeSuggestion(Base):
    """A status change suggested by an item, waiting for a moderator."""

    __tablename__ = "pledge_suggestions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pledge_id: Mapped[str] = mapped_column(String(128), index=True)
    suggested_status: Mapped[str] = mapped_column(String(48))
    event: Mapped[str] = mapped_column(String(48))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    title: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    created_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)


class Subscription(Base):
    """A Discord channel that asked for alerts, with its filters."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("channel_id", name="uq_subscriptions_channel_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    kinds: Mapped[list[str]] = mapped_column(default=list)
    companies: Mapped[list[str]] = mapped_column(default=list)
    jurisdictions: Mapped[list[str]] = mapped_column(default=list)
    min_importance: Mapped[int] = mapped_column(Integer, default=0)
    mode: Mapped[str] = mapped_column(String(16), default="immediate")
    mention_role_id: Mapped[int | None] = mapped_column(BigInteger)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class Alert(Base):
    """Something worth telling, written in the same transaction as the facts behind it."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Stable identity of what is announced (e.g. "story:12", "bill:us-117-hr-3907:stage:enacted").
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    importance: Mapped[int] = mapped_column(Integer, default=1)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(index=True)


class Delivery(Base):
    """The outbox: one alert to one destination, sent exactly once."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("alert_id", "target", name="uq_deliveries_alert_target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    # "console", "webhook" or "channel:<id>"
    target: Mapped[str] = mapped_column(String(64), index=True)
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscriptions.id"))
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    nonce: Mapped[str] = mapped_column(String(25))
    message_id: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # Set before a send whose result is not yet recorded: after a crash it marks the one
    # delivery whose message may exist without its id (see bot/delivery/webhook_sink.py).
    sending_at: Mapped[datetime | None]
    # Sent, but its alert changed since (a story gained sources): the message wants an edit.
    needs_edit: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class DeliveryClaim(Base):
    """Which runner owns a target's queue, until when. A runner sends a target's deliveries
    only while it holds the claim, so several runners on one database keep each channel in
    order; a dead runner's claim returns when its lease runs out."""

    __tablename__ = "delivery_claims"

    target: Mapped[str] = mapped_column(String(64), primary_key=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
