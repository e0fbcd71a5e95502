"""The shared core of the repository: one transaction per call, driver errors translated, and
the alert fan-out every area uses."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.domain.alerts import (
    AlertDraft,
    SubscriptionFilter,
    wants,
)
from bot.domain.follows import Follow as FollowRule
from bot.domain.follows import FollowKind, any_follow_wants
from bot.domain.keywords import KeywordFilter
from bot.domain.stories import (
    StoryCandidate,
)
from bot.domain.types import FeedItem, Match
from bot.errors import StorageError
from storage.models import (
    Alert,
    Delivery,
    Follow,
    Subscription,
)
from storage.records import (
    AlertView,
)
from storage.sql import insert

log = logging.getLogger(__name__)

# (item, match, recent sources of stories) -> id of the story to join, or None for a new one.
StoryChooser = Callable[[FeedItem, Match, Sequence[StoryCandidate]], int | None]
# (story id, first item, match) -> the alert announcing a new story.
AlertMaker = Callable[[int, FeedItem, Match], AlertDraft]

SINK_TARGETS = ("console", "webhook")
# A feeds.yaml feed an admin removed at run time.
REMOVED = "removed"
DIGEST_MODE = "digest"  # a subscription whose alerts go out once a day as one message


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()


def nonce_for(alert_key: str, target: str) -> str:
    """Deterministic, so a resend after a crash carries the same Discord nonce (max 25)."""
    return hashlib.sha256(f"{alert_key}|{target}".encode()).hexdigest()[:25]


@dataclass(slots=True)
class SubscriptionCache:
    """The subscriptions as one transaction read them, once."""

    rows: Sequence[Subscription] | None = None


class StoreBase:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        # Webhook mode: the operator's filters (None: everything) and whether its alerts
        # wait for a digest, as a subscription's would.
        self.webhook_filter: SubscriptionFilter | None = None
        self.webhook_digest = False

    def configure_webhook(self, flt: SubscriptionFilter | None, *, digest: bool) -> None:
        self.webhook_filter, self.webhook_digest = flt, digest

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[AsyncSession]:
        try:
            async with self._sessions() as session, session.begin():
                yield session
        except SQLAlchemyError as exc:
            raise StorageError(f"store failed: {type(exc).__name__}: {exc}") from exc

    async def queue_alert(
        self,
        draft: AlertDraft,
        *,
        now: datetime,
        sinks: Sequence[str],
        session: AsyncSession | None = None,
        subscriptions: SubscriptionCache | None = None,
    ) -> AlertView | None:
        """Store an alert and its deliveries; None when this alert key already exists.
        ``subscriptions`` keeps the subscriptions read by the first alert of a transaction
        for the next ones (an ingest queues many)."""
        if session is None:
            async with self._tx() as own:
                return await self.queue_alert(draft, now=now, sinks=sinks, session=own)
        stmt = (
            insert(session, Alert)
            .values(
                key=draft.key,
                kind=draft.kind,
                importance=draft.importance,
                payload=draft.payload,
                created_at=now,
            )
            .on_conflict_do_nothing()
            .returning(Alert.id)
        )
        alert_id: int | None = (await session.execute(stmt)).scalar_one_or_none()
        if alert_id is None:
            return None
        targets: list[tuple[str, int | None]] = [
            (t, None)
            for t in sinks
            if t in SINK_TARGETS
            and (
                t != "webhook"
                or self.webhook_filter is None
                or wants(self.webhook_filter, draft.kind, draft.importance, draft.payload)
            )
        ]
        digest: set[int] = set()
        if "discord" in sinks:
            if subscriptions is None:
                subscriptions = SubscriptionCache()
            if subscriptions.rows is None:
                subscriptions.rows = (await session.scalars(select(Subscription))).all()
            subs = subscriptions.rows
            digest = {sub.id for sub in subs if sub.mode == DIGEST_MODE}
            targets += [
                (f"channel:{sub.channel_id}", sub.id)
                for sub in subs
                if not sub.paused
                and wants(subscription_filter(sub), draft.kind, draft.importance, draft.payload)
            ]
            targets += await _follow_targets(session, draft, subs, {t for t, _ in targets})
        for target, subscription_id in targets:
            session.add(
                Delivery(
                    alert_id=alert_id,
                    target=target,
                    subscription_id=subscription_id,
                    # A digest subscription's alerts wait for its daily digest.
                    state="digest"
                    if subscription_id in digest or (target == "webhook" and self.webhook_digest)
                    else "pending",
                    attempts=0,
                    next_attempt_at=now,
                    nonce=nonce_for(draft.key, target),
                    created_at=now,
                )
            )
        return AlertView(alert_id, draft.key, draft.kind, draft.importance, draft.payload, now)


def alert_view(row: Alert) -> AlertView:
    return AlertView(row.id, row.key, row.kind, row.importance, dict(row.payload), row.created_at)


def subscription_filter(sub: Subscription) -> SubscriptionFilter:
    return SubscriptionFilter(
        kinds=tuple(sub.kinds),
        companies=tuple(sub.companies),
        jurisdictions=tuple(sub.jurisdictions),
        min_importance=sub.min_importance,
        keywords=KeywordFilter(tuple(sub.keywords or ()), tuple(sub.exclude_keywords or ())),
    )


async def _follow_targets(
    session: AsyncSession, draft: AlertDraft, subs: Sequence[Subscription], taken: set[str]
) -> list[tuple[str, int | None]]:
    """Channels that follow what this alert is about and did not get it by their filters.
    A followed alert goes to a channel whatever its filters, but not to a paused one."""
    by_channel: dict[int, list[FollowRule]] = {}
    for row in (await session.scalars(select(Follow))).all():
        by_channel.setdefault(row.channel_id, []).append(
            FollowRule(cast(FollowKind, row.kind), row.target)
        )
    sub_of = {sub.channel_id: sub for sub in subs}
    out: list[tuple[str, int | None]] = []
    for channel_id, follows in by_channel.items():
        target = f"channel:{channel_id}"
        sub = sub_of.get(channel_id)
        if target in taken or (sub is not None and sub.paused):
            continue
        if any_follow_wants(follows, draft.kind, draft.payload):
            out.append((target, sub.id if sub is not None else None))
    return out
