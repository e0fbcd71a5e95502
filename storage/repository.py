"""The one repository API over the store.

Each method opens its own session (a session is never shared across tasks), commits or rolls
back, and returns plain records from :mod:`storage.records`. Driver errors become
:class:`bot.errors.StorageError`; "already seen" is a normal outcome, never an error.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import FeedConfig
from bot.domain.alerts import (
    AlertDraft,
    SubscriptionFilter,
    pledge_signal_alert,
    pledge_status_alert,
    wants,
)
from bot.domain.pledges import Signal
from bot.domain.stories import (
    StoryCandidate,
    StoryKey,
    candidate_for,
    canonical_url,
    title_fingerprint,
)
from bot.domain.types import FeedItem, Match
from bot.domain.watchlist import HistoryEntry
from bot.errors import NotFoundError, StorageError
from storage.models import (
    Alert,
    Bill,
    Delivery,
    Feed,
    Item,
    PledgeEvent,
    PledgeSuggestion,
    Story,
    Subscription,
)
from storage.records import (
    AlertView,
    BillView,
    FeedState,
    IngestEntry,
    IngestResult,
    NewItem,
    PendingDelivery,
    StoryView,
    SubscriptionView,
    SuggestionView,
)
from storage.sql import insert
from storage.tracking import bill_actions, bill_view, track_bill

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


class Repository:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[AsyncSession]:
        try:
            async with self._sessions() as session, session.begin():
                yield session
        except SQLAlchemyError as exc:
            raise StorageError(f"store failed: {type(exc).__name__}: {exc}") from exc

    # --- feeds ---------------------------------------------------------------------------

    async def sync_feeds(self, feeds: Iterable[FeedConfig]) -> None:
        """Make the stored file-feeds match ``feeds.yaml``; fetch state is kept."""
        feeds = list(feeds)
        async with self._tx() as session:
            existing = {f.id: f for f in (await session.scalars(select(Feed))).all()}
            for cfg in feeds:
                row = existing.get(cfg.id)
                if row is None:
                    row = Feed(id=cfg.id, origin="file", consecutive_failures=0, items_seen=0)
                    session.add(row)
                row.url, row.kind, row.format = cfg.url, cfg.kind, cfg.format
                row.every_seconds = cfg.every.total_seconds()
                row.requires, row.name = cfg.requires, cfg.name
                # An admin's /feeds remove outlives restarts; the file cannot undo it.
                row.enabled = cfg.enabled and row.origin != REMOVED
            wanted = {cfg.id for cfg in feeds}
            for feed_id, row in existing.items():
                if row.origin == "file" and feed_id not in wanted:
                    row.enabled = False

    async def add_feed(self, cfg: FeedConfig) -> None:
        """A feed added at run time (``/feeds add``)."""
        async with self._tx() as session:
            if await session.get(Feed, cfg.id) is not None:
                raise StorageError(f"a feed with id {cfg.id!r} already exists")
            session.add(
                Feed(
                    id=cfg.id,
                    url=cfg.url,
                    kind=cfg.kind,
                    format=cfg.format,
                    every_seconds=cfg.every.total_seconds(),
                    enabled=cfg.enabled,
                    requires=cfg.requires,
                    name=cfg.name,
                    origin="user",
                    consecutive_failures=0,
                    items_seen=0,
                )
            )

    async def remove_feed(self, feed_id: str) -> None:
        async with self._tx() as session:
            row = await session.get(Feed, feed_id)
            if row is None:
                raise NotFoundError(f"no feed with id {feed_id!r}")
            if row.origin in ("file", REMOVED):
                # Kept (its fetch state too) but never polled again, whatever feeds.yaml says.
                row.enabled, row.origin = False, REMOVED
            else:
                await session.delete(row)

    async def user_feed_configs(self) -> list[FeedConfig]:
        """Feeds added at run time (``/feeds add``) and still enabled, as configs."""
        configs = []
        for state in (await self.feed_states()).values():
            if state.origin != "user" or not state.enabled:
                continue
            try:
                configs.append(
                    FeedConfig.model_validate(
                        {
                            "id": state.id,
                            "url": state.url,
                            "kind": state.kind,
                            "format": state.format,
                            "every": state.every_seconds or 900,
                            "name": state.name,
                            "requires": state.requires,
                        }
                    )
                )
            except ValueError as exc:  # stored before a stricter rule: skip, say so
                log.warning("stored feed is invalid", extra={"feed": state.id, "error": str(exc)})
        return configs

    async def feed_states(self) -> dict[str, FeedState]:
        async with self._tx() as session:
            rows = (await session.scalars(select(Feed).order_by(Feed.id))).all()
            return {row.id: _feed_state(row) for row in rows}

    async def record_fetch_success(
        self,
        feed_id: str,
        *,
        at: datetime,
        etag: str | None,
        last_modified: str | None,
        not_modified: bool = False,
    ) -> bool:
        """Record a good fetch; returns True when the feed had been failing (recovered)."""
        async with self._tx() as session:
            row = await self._feed(session, feed_id)
            recovered = row.consecutive_failures > 0
            row.last_attempt_at = row.last_success_at = at
            if not not_modified:
                row.etag, row.last_modified = etag, last_modified
            row.consecutive_failures = 0
            row.next_attempt_at = None
            row.backoff_reason = None
            return recovered

    async def record_fetch_failure(
        self, feed_id: str, *, at: datetime, error: str, next_attempt_at: datetime
    ) -> int:
        """Record a failed fetch and its backoff; returns the consecutive failure count."""
        async with self._tx() as session:
            row = await self._feed(session, feed_id)
            row.last_attempt_at = row.last_error_at = at
            row.last_error = error[:2000]
            row.consecutive_failures += 1
            row.next_attempt_at = next_attempt_at
            row.backoff_reason = error[:500]
            return row.consecutive_failures

    async def set_feed_health_notified(self, feed_id: str, notified: bool) -> bool:
        """Flip the health-notice flag; returns True when it changed (notify once)."""
        async with self._tx() as session:
            row = await self._feed(session, feed_id)
            if row.health_notified == notified:
                return False
            row.health_notified = notified
            return True

    async def _feed(self, session: AsyncSession, feed_id: str) -> Feed:
        row = await session.get(Feed, feed_id)
        if row is None:
            raise NotFoundError(f"no feed with id {feed_id!r}")
        return row

    # --- items, stories, alerts ----------------------------------------------------------

    async def ingest(
        self,
        feed_id: str,
        entries: Sequence[IngestEntry],
        *,
        now: datetime,
        story_window: timedelta,
        choose_story: StoryChooser,
        make_alert: AlertMaker,
        sinks: Sequence[str],
        bill_source: str = "text",
    ) -> IngestResult:
        """Store new items, group relevant ones into stories, track bills and pledge
        signals, and queue the alerts all of that calls for.

        One transaction: the items, their stories, the tracked facts and the alerts they
        cause land together or not at all, so a crash can neither lose an alert nor
        announce an unstored item.
        """
        new_items: list[NewItem] = []
        alerts: list[AlertView] = []
        duplicates = 0

        async def queue(draft: AlertDraft, session: AsyncSession) -> None:
            alert = await self.queue_alert(draft, now=now, sinks=sinks, session=session)
            if alert is not None:
                alerts.append(alert)

        async with self._tx() as session:
            recent = await self._recent_stories(session, now - story_window)
            for entry in entries:
                item, match = entry.item, entry.match
                if item.bill is not None:  # actions accumulate even when the item is known
                    for draft in await track_bill(
                        session,
                        item.bill,
                        relevant=match.relevant,
                        law_id=entry.law_id,
                        source=bill_source,
                        now=now,
                    ):
                        await queue(draft, session)
                item_id = await self._insert_item(session, item, match, now)
                if item_id is None:
                    duplicates += 1
                    continue
                story_id, is_new = None, False
                if match.relevant:
                    story_id = choose_story(item, match, recent)
                    if story_id is None:
                        story = _new_story(item, match, now)
                        session.add(story)
                        await session.flush()
                        story_id, is_new = story.id, True
                        if item.bill is None:  # a bill announces itself through tracking
                            await queue(make_alert(story_id, item, match), session)
                        for signal in entry.signals:
                            await queue(
                                await self._suggest(session, signal, item, item_id, now), session
                            )
                    else:
                        await self._join_story(session, story_id, item, now)
                    recent.append(candidate_for(str(story_id), item, match))
                    await session.execute(
                        update(Item).where(Item.id == item_id).values(story_id=story_id)
                    )
                new_items.append(_new_item(item_id, item, match, story_id, is_new))
            await session.execute(
                update(Feed)
                .where(Feed.id == feed_id)
                .values(items_seen=Feed.items_seen + len(new_items))
            )
        return IngestResult(new_items=new_items, duplicates=duplicates, alerts=alerts)

    async def _suggest(
        self, session: AsyncSession, signal: Signal, item: FeedItem, item_id: int, now: datetime
    ) -> AlertDraft:
        row = PledgeSuggestion(
            pledge_id=signal.pledge_id,
            suggested_status=signal.suggested_status,
            event=signal.event,
            item_id=item_id,
            title=item.title,
            source_url=item.url,
            state="pending",
            created_at=now,
        )
        session.add(row)
        await session.flush()
        return pledge_signal_alert(
            row.id,
            {
                **signal.payload,
                "pledge_id": signal.pledge_id,
                "suggested_status": signal.suggested_status,
                "event": signal.event,
                "title": item.title,
                "url": item.url,
                "source": item.source_name or item.feed_id,
                "published": item.published.isoformat(),
            },
        )

    async def _insert_item(
        self, session: AsyncSession, item: FeedItem, match: Match, now: datetime
    ) -> int | None:
        stmt = (
            insert(session, Item)
            .values(
                feed_id=item.feed_id,
                guid=item.guid[:512],
                url_key=url_key(item.url),
                url=item.url,
                title=item.title,
                summary=item.summary,
                source_name=item.source_name,
                source_kind=item.source_kind,
                published=item.published,
                first_seen=now,
                relevant=match.relevant,
                kind=match.kind,
                companies=list(match.companies),
                jurisdictions=list(match.jurisdictions),
                bill_ids=list(match.bill_ids),
                event=match.event,
                score=match.score,
                reasons=list(match.reasons),
                pledges=list(match.pledges),
                bills=list(match.bills),
            )
            .on_conflict_do_nothing()
            .returning(Item.id)
        )
        result: int | None = (await session.execute(stmt)).scalar_one_or_none()
        return result

    async def _recent_stories(self, session: AsyncSession, since: datetime) -> list[StoryCandidate]:
        """Every source of every story still open for new sources."""
        rows = await session.execute(
            select(Item)
            .join(Story, Story.id == Item.story_id)
            .where(Story.last_seen >= since)
            .order_by(Item.id)
        )
        return [
            StoryCandidate(
                story_id=str(item.story_id),
                url=canonical_url(item.url),
                published=item.published,
                key=StoryKey(
                    event=item.event,
                    bill_ids=tuple(sorted(item.bill_ids)),
                    companies=tuple(sorted(c for c in item.companies if c != "other")),
                    jurisdictions=tuple(sorted(item.jurisdictions)),
                    fingerprint=title_fingerprint(item.title),
                ),
            )
            for item in rows.scalars()
        ]

    async def _join_story(
        self, session: AsyncSession, story_id: int, item: FeedItem, now: datetime
    ) -> None:
        story = await session.get(Story, story_id)
        if story is None:
            raise NotFoundError(f"no story {story_id}")
        story.source_count += 1
        story.last_seen = now
        alert = await session.scalar(select(Alert).where(Alert.key == f"story:{story_id}"))
        if alert is not None:
            source = item.source_name or item.feed_id
            payload = dict(alert.payload)
            others = list(payload.get("also_reported_by", []))
            if source != payload.get("source") and all(o["name"] != source for o in others):
                others.append({"name": source, "url": item.url})
                payload["also_reported_by"] = others
                alert.payload = payload  # reassign: JSON columns track assignment, not mutation
                # Messages already posted for this story should say so too.
                await session.execute(
                    update(Delivery)
                    .where(
                        Delivery.alert_id == alert.id,
                        Delivery.state == "sent",
                        Delivery.message_id.is_not(None),
                    )
                    .values(needs_edit=True)
                )

    async def queue_alert(
        self,
        draft: AlertDraft,
        *,
        now: datetime,
        sinks: Sequence[str],
        session: AsyncSession | None = None,
    ) -> AlertView | None:
        """Store an alert and its deliveries; None when this alert key already exists."""
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
        targets: list[tuple[str, int | None]] = [(t, None) for t in sinks if t in SINK_TARGETS]
        digest: set[int] = set()
        if "discord" in sinks:
            subs = (await session.scalars(select(Subscription))).all()
            digest = {sub.id for sub in subs if sub.mode == DIGEST_MODE}
            targets += [
                (f"channel:{sub.channel_id}", sub.id)
                for sub in subs
                if not sub.paused
                and wants(_filter(sub), draft.kind, draft.importance, draft.payload)
            ]
        for target, subscription_id in targets:
            session.add(
                Delivery(
                    alert_id=alert_id,
                    target=target,
                    subscription_id=subscription_id,
                    # A digest subscription's alerts wait for its daily digest.
                    state="digest" if subscription_id in digest else "pending",
                    attempts=0,
                    next_attempt_at=now,
                    nonce=nonce_for(draft.key, target),
                    created_at=now,
                )
            )
        return AlertView(alert_id, draft.key, draft.kind, draft.importance, draft.payload, now)

    async def count(self, what: str) -> int:
        """Row count of a table, for reports and tests."""
        model = {"items": Item, "stories": Story, "alerts": Alert, "deliveries": Delivery}[what]
        async with self._tx() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)

    # --- outbox --------------------------------------------------------------------------

    async def pending_deliveries(
        self, *, now: datetime | None, targets: Sequence[str] | None = None, limit: int = 50
    ) -> list[PendingDelivery]:
        """Pending deliveries, oldest alert first (so a channel gets them in order); only
        those due by ``now`` unless ``now`` is None."""
        async with self._tx() as session:
            stmt = (
                select(Delivery, Alert, Subscription.mention_role_id)
                .join(Alert, Alert.id == Delivery.alert_id)
                .outerjoin(Subscription, Subscription.id == Delivery.subscription_id)
                .where(Delivery.state == "pending")
                .order_by(Alert.created_at, Alert.id, Delivery.id)
                .limit(limit)
            )
            if now is not None:
                stmt = stmt.where(Delivery.next_attempt_at <= now)
            if targets is not None:
                stmt = stmt.where(_target_filter(targets))
            return [_pending(d, a, role) for d, a, role in await session.execute(stmt)]

    async def mark_delivered(
        self, delivery_id: int, *, message_id: str | None, at: datetime
    ) -> None:
        async with self._tx() as session:
            await session.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id)
                .values(state="sent", message_id=message_id, sent_at=at, last_error=None)
            )

    async def mark_retry(self, delivery_id: int, *, error: str, next_attempt_at: datetime) -> None:
        async with self._tx() as session:
            await session.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id)
                .values(
                    attempts=Delivery.attempts + 1,
                    last_error=error[:1000],
                    next_attempt_at=next_attempt_at,
                )
            )

    async def mark_undeliverable(self, delivery_id: int, *, error: str) -> None:
        async with self._tx() as session:
            await session.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id)
                .values(state="failed", attempts=Delivery.attempts + 1, last_error=error[:1000])
            )

    async def pending_edits(
        self, *, targets: Sequence[str] | None = None, limit: int = 50
    ) -> list[PendingDelivery]:
        """Sent deliveries whose alert changed since (see ``needs_edit``), oldest first."""
        async with self._tx() as session:
            stmt = (
                select(Delivery, Alert, Subscription.mention_role_id)
                .join(Alert, Alert.id == Delivery.alert_id)
                .outerjoin(Subscription, Subscription.id == Delivery.subscription_id)
                .where(Delivery.state == "sent", Delivery.needs_edit.is_(True))
                .order_by(Delivery.id)
                .limit(limit)
            )
            if targets is not None:
                stmt = stmt.where(_target_filter(targets))
            return [_pending(d, a, role) for d, a, role in await session.execute(stmt)]

    async def clear_edit(self, delivery_id: int) -> None:
        async with self._tx() as session:
            await session.execute(
                update(Delivery).where(Delivery.id == delivery_id).values(needs_edit=False)
            )

    # --- subscriptions -------------------------------------------------------------------

    async def subscribe(
        self,
        *,
        guild_id: int,
        channel_id: int,
        now: datetime,
        kinds: Sequence[str] = (),
        companies: Sequence[str] = (),
        jurisdictions: Sequence[str] = (),
        min_importance: int = 0,
        mode: str = "immediate",
        mention_role_id: int | None = None,
        created_by: int | None = None,
    ) -> SubscriptionView:
        """Create or replace the channel's subscription (one per channel)."""
        async with self._tx() as session:
            row = await session.scalar(
                select(Subscription).where(Subscription.channel_id == channel_id)
            )
            if row is None:
                row = Subscription(guild_id=guild_id, channel_id=channel_id, created_at=now)
                session.add(row)
            row.kinds, row.companies = list(kinds), list(companies)
            row.jurisdictions, row.min_importance = list(jurisdictions), min_importance
            row.mode, row.mention_role_id, row.created_by = mode, mention_role_id, created_by
            row.paused, row.paused_reason = False, None
            await session.flush()
            # Alerts already waiting follow the new mode.
            waiting, now_state = (
                ("pending", "digest") if mode == DIGEST_MODE else ("digest", "pending")
            )
            await session.execute(
                update(Delivery)
                .where(Delivery.subscription_id == row.id, Delivery.state == waiting)
                .values(state=now_state)
            )
            return _subscription_view(row)

    async def unsubscribe(self, channel_id: int) -> bool:
        async with self._tx() as session:
            row = await session.scalar(
                select(Subscription).where(Subscription.channel_id == channel_id)
            )
            if row is None:
                return False
            await session.execute(
                delete(Delivery).where(
                    Delivery.subscription_id == row.id, Delivery.state == "pending"
                )
            )
            await session.execute(
                update(Delivery)
                .where(Delivery.subscription_id == row.id)
                .values(subscription_id=None)
            )
            await session.delete(row)
            return True

    async def subscriptions(self, guild_id: int | None = None) -> list[SubscriptionView]:
        async with self._tx() as session:
            stmt = select(Subscription).order_by(Subscription.id)
            if guild_id is not None:
                stmt = stmt.where(Subscription.guild_id == guild_id)
            return [_subscription_view(s) for s in (await session.scalars(stmt)).all()]

    async def pause_subscription(self, subscription_id: int, *, reason: str) -> bool:
        """Pause a subscription and park its pending deliveries; True when newly paused."""
        async with self._tx() as session:
            row = await session.get(Subscription, subscription_id)
            if row is None or row.paused:
                return False
            row.paused, row.paused_reason = True, reason[:500]
            await session.execute(
                update(Delivery)
                .where(Delivery.subscription_id == subscription_id, Delivery.state == "pending")
                .values(state="paused", last_error=reason[:1000])
            )
            return True

    # --- pledges -------------------------------------------------------------------------

    async def suggestions(self, state: str | None = "pending") -> list[SuggestionView]:
        async with self._tx() as session:
            stmt = (
                select(PledgeSuggestion, Item.published)
                .outerjoin(Item, Item.id == PledgeSuggestion.item_id)
                .order_by(PledgeSuggestion.id)
            )
            if state is not None:
                stmt = stmt.where(PledgeSuggestion.state == state)
            return [
                _suggestion_view(row, published) for row, published in await session.execute(stmt)
            ]

    async def decide_suggestion(
        self,
        suggestion_id: int,
        *,
        confirm: bool,
        by: str,
        now: datetime,
        note: str | None = None,
        alert_payload: dict[str, Any] | None = None,
        sinks: Sequence[str] = (),
    ) -> SuggestionView:
        """Confirm (the pledge's history gains a dated, sourced event, and a status alert is
        queued) or reject a pending suggestion. Who, when and the source are recorded."""
        async with self._tx() as session:
            row = await session.get(PledgeSuggestion, suggestion_id)
            if row is None:
                raise NotFoundError(f"no suggestion #{suggestion_id}")
            if row.state != "pending":
                raise StorageError(f"suggestion #{suggestion_id} was already {row.state}")
            row.state = "confirmed" if confirm else "rejected"
            row.decided_by, row.decided_at, row.note = by, now, note
            published = None
            if row.item_id is not None:
                published = await session.scalar(
                    select(Item.published).where(Item.id == row.item_id)
                )
            if confirm:
                event = PledgeEvent(
                    pledge_id=row.pledge_id,
                    status=row.suggested_status,
                    event_date=(published or now).date(),
                    summary=row.title,
                    source_url=row.source_url,
                    recorded_by=by,
                    recorded_at=now,
                )
                session.add(event)
                await session.flush()
                payload = {
                    **(alert_payload or {}),
                    "pledge_id": row.pledge_id,
                    "new_status": row.suggested_status,
                    "date": event.event_date.isoformat() if event.event_date else None,
                    "source_url": row.source_url,
                    "title": row.title,
                    "confirmed_by": by,
                }
                await self.queue_alert(
                    pledge_status_alert(event.id, payload), now=now, sinks=sinks, session=session
                )
            return _suggestion_view(row, published)

    async def pledge_events(self) -> dict[str, list[HistoryEntry]]:
        """Confirmed changes, as history entries, by pledge id."""
        async with self._tx() as session:
            rows = (await session.scalars(select(PledgeEvent).order_by(PledgeEvent.id))).all()
        events: dict[str, list[HistoryEntry]] = {}
        for row in rows:
            events.setdefault(row.pledge_id, []).append(
                HistoryEntry(
                    date=row.event_date,
                    status=row.status,
                    summary=f"{row.summary} (confirmed by {row.recorded_by})",
                    source_url=row.source_url,
                    verification="verified",
                )
            )
        return events

    async def alert_exists(self, key: str) -> bool:
        async with self._tx() as session:
            return await session.scalar(select(Alert.id).where(Alert.key == key)) is not None

    # --- bills ---------------------------------------------------------------------------

    async def bills(self) -> list[BillView]:
        async with self._tx() as session:
            rows = (await session.scalars(select(Bill).order_by(Bill.key))).all()
            return [bill_view(row, []) for row in rows]

    async def bill(self, key: str) -> BillView | None:
        async with self._tx() as session:
            row = await session.get(Bill, key)
            if row is None:
                return None
            return bill_view(row, await bill_actions(session, key))

    # --- queries for commands ------------------------------------------------------------

    async def recent_stories(
        self,
        *,
        since: datetime,
        company: str | None = None,
        pledge_id: str | None = None,
        limit: int = 10,
        scan: int = 500,
    ) -> list[StoryView]:
        """Relevant stories published since ``since``, newest first, optionally about one
        company or pledge. Lists live in JSON columns, so the filter runs here, over at
        most ``scan`` recent stories."""
        async with self._tx() as session:
            rows = (
                await session.scalars(
                    select(Story)
                    .where(Story.published >= since)
                    .order_by(Story.published.desc(), Story.id.desc())
                    .limit(scan)
                )
            ).all()
            chosen = [
                row
                for row in rows
                if (company is None or company in (row.companies or []))
                and (pledge_id is None or pledge_id in (row.pledges or []))
            ][:limit]
            sources: dict[int, list[tuple[str, str]]] = {row.id: [] for row in chosen}
            if chosen:
                items = await session.execute(
                    select(Item.story_id, Item.source_name, Item.feed_id, Item.url)
                    .where(Item.story_id.in_(list(sources)))
                    .order_by(Item.published, Item.id)
                )
                for story_id, source_name, feed_id, url in items:
                    if story_id is not None:
                        sources[story_id].append((source_name or feed_id, url))
            return [
                StoryView(
                    id=row.id,
                    title=row.title,
                    url=row.url,
                    kind=row.kind,
                    event=row.event,
                    companies=tuple(row.companies or ()),
                    jurisdictions=tuple(row.jurisdictions or ()),
                    pledges=tuple(row.pledges or ()),
                    published=row.published,
                    source_count=row.source_count,
                    sources=tuple(sources[row.id]),
                )
                for row in chosen
            ]

    async def feed(self, feed_id: str) -> FeedState | None:
        """One feed's stored state (``/feeds remove`` checks it exists and where it came from)."""
        async with self._tx() as session:
            row = await session.get(Feed, feed_id)
            return None if row is None else _feed_state(row)

    async def suggestion(self, suggestion_id: int) -> SuggestionView | None:
        """One suggestion in any state."""
        async with self._tx() as session:
            found = (
                await session.execute(
                    select(PledgeSuggestion, Item.published)
                    .outerjoin(Item, Item.id == PledgeSuggestion.item_id)
                    .where(PledgeSuggestion.id == suggestion_id)
                )
            ).first()
            return None if found is None else _suggestion_view(found[0], found[1])

    # --- delivery ------------------------------------------------------------------------

    async def subscription_by_id(self, subscription_id: int) -> SubscriptionView | None:
        async with self._tx() as session:
            row = await session.get(Subscription, subscription_id)
            return None if row is None else _subscription_view(row)

    async def sending_mark(self, delivery_id: int) -> tuple[datetime | None, str | None]:
        """When an unrecorded send of this delivery began (None if none), and its message id."""
        async with self._tx() as session:
            found = (
                await session.execute(
                    select(Delivery.sending_at, Delivery.message_id).where(
                        Delivery.id == delivery_id
                    )
                )
            ).first()
            if found is None:
                raise NotFoundError(f"no delivery #{delivery_id}")
            return found[0], found[1]

    async def mark_sending(self, delivery_ids: Sequence[int], *, at: datetime) -> None:
        """Mark sends as begun; an earlier mark is kept (it bounds where to look after a crash)."""
        async with self._tx() as session:
            await session.execute(
                update(Delivery)
                .where(Delivery.id.in_(list(delivery_ids)), Delivery.sending_at.is_(None))
                .values(sending_at=at)
            )

    async def clear_sending(self, delivery_ids: Sequence[int]) -> None:
        """The send was refused outright: no message exists, so nothing is in doubt."""
        async with self._tx() as session:
            await session.execute(
                update(Delivery).where(Delivery.id.in_(list(delivery_ids))).values(sending_at=None)
            )

    async def record_message(self, delivery_ids: Sequence[int], message_id: str) -> None:
        """Keep the id of a message as soon as it exists, before the delivery is marked sent."""
        async with self._tx() as session:
            await session.execute(
                update(Delivery)
                .where(Delivery.id.in_(list(delivery_ids)))
                .values(message_id=message_id, sending_at=None)
            )

    async def sent_messages(
        self, target: str, alert_keys: Sequence[str]
    ) -> list[tuple[AlertView, str]]:
        """The earlier alerts among ``alert_keys`` sent to ``target``, with their message ids
        (a bill's stage change edits them)."""
        if not alert_keys:
            return []
        async with self._tx() as session:
            rows = await session.execute(
                select(Alert, Delivery.message_id)
                .join(Delivery, Delivery.alert_id == Alert.id)
                .where(
                    Alert.key.in_(list(alert_keys)),
                    Delivery.target == target,
                    Delivery.state == "sent",
                    Delivery.message_id.is_not(None),
                )
                .order_by(Alert.created_at, Alert.id)
            )
            return [(_alert_view(alert), str(message_id)) for alert, message_id in rows]

    async def digest_batches(self) -> list[tuple[SubscriptionView, list[PendingDelivery]]]:
        """Each active digest subscription with its waiting deliveries, oldest alert first."""
        async with self._tx() as session:
            rows = await session.execute(
                select(Delivery, Alert, Subscription)
                .join(Alert, Alert.id == Delivery.alert_id)
                .join(Subscription, Subscription.id == Delivery.subscription_id)
                .where(
                    Subscription.mode == DIGEST_MODE,
                    Subscription.paused.is_(False),
                    Delivery.state == "digest",
                )
                .order_by(Subscription.id, Alert.created_at, Alert.id, Delivery.id)
            )
            batches: dict[int, tuple[SubscriptionView, list[PendingDelivery]]] = {}
            for d, a, sub in rows:
                items = batches.setdefault(sub.id, (_subscription_view(sub), []))[1]
                items.append(_pending(d, a, sub.mention_role_id))
            return list(batches.values())

    async def mark_digest_sent(
        self, delivery_ids: Sequence[int], *, message_id: str | None, at: datetime
    ) -> None:
        async with self._tx() as session:
            await session.execute(
                update(Delivery)
                .where(Delivery.id.in_(list(delivery_ids)))
                .values(
                    state="sent",
                    message_id=message_id,
                    sent_at=at,
                    sending_at=None,
                    last_error=None,
                )
            )


def _feed_state(row: Feed) -> FeedState:
    return FeedState(
        id=row.id,
        url=row.url,
        kind=row.kind,
        format=row.format,
        enabled=row.enabled,
        origin=row.origin,
        etag=row.etag,
        last_modified=row.last_modified,
        last_attempt_at=row.last_attempt_at,
        last_success_at=row.last_success_at,
        last_error=row.last_error,
        last_error_at=row.last_error_at,
        consecutive_failures=row.consecutive_failures,
        next_attempt_at=row.next_attempt_at,
        backoff_reason=row.backoff_reason,
        items_seen=row.items_seen,
        name=row.name,
        every_seconds=row.every_seconds,
        requires=row.requires,
    )


def _new_story(item: FeedItem, match: Match, now: datetime) -> Story:
    return Story(
        title=item.title,
        url=item.url,
        kind=match.kind,
        event=match.event,
        companies=list(match.companies),
        jurisdictions=list(match.jurisdictions),
        bill_ids=list(match.bill_ids),
        pledges=list(match.pledges),
        bills=list(match.bills),
        score=match.score,
        first_seen=now,
        last_seen=now,
        published=item.published,
        source_count=1,
    )


def _new_item(
    item_id: int, item: FeedItem, match: Match, story_id: int | None, new_story: bool
) -> NewItem:
    return NewItem(
        id=item_id,
        feed_id=item.feed_id,
        guid=item.guid,
        title=item.title,
        url=item.url,
        published=item.published,
        relevant=match.relevant,
        kind=match.kind,
        companies=match.companies,
        bill_ids=match.bill_ids,
        event=match.event,
        story_id=story_id,
        new_story=new_story,
    )


def _alert_view(row: Alert) -> AlertView:
    return AlertView(row.id, row.key, row.kind, row.importance, dict(row.payload), row.created_at)


def _filter(sub: Subscription) -> SubscriptionFilter:
    return SubscriptionFilter(
        kinds=tuple(sub.kinds),
        companies=tuple(sub.companies),
        jurisdictions=tuple(sub.jurisdictions),
        min_importance=sub.min_importance,
    )


def _subscription_view(row: Subscription) -> SubscriptionView:
    return SubscriptionView(
        id=row.id,
        guild_id=row.guild_id,
        channel_id=row.channel_id,
        kinds=tuple(row.kinds),
        companies=tuple(row.companies),
        jurisdictions=tuple(row.jurisdictions),
        min_importance=row.min_importance,
        mode=row.mode,
        mention_role_id=row.mention_role_id,
        paused=row.paused,
        paused_reason=row.paused_reason,
        created_at=row.created_at,
    )


def _suggestion_view(row: PledgeSuggestion, published: datetime | None) -> SuggestionView:
    return SuggestionView(
        id=row.id,
        pledge_id=row.pledge_id,
        suggested_status=row.suggested_status,
        event=row.event,
        title=row.title,
        source_url=row.source_url,
        state=row.state,
        created_at=row.created_at,
        published=published,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        note=row.note,
    )


def _target_filter(targets: Sequence[str]) -> Any:
    """Deliveries to these sinks: "discord" means every channel target."""
    return or_(
        *(
            Delivery.target.startswith("channel:") if t == "discord" else Delivery.target == t
            for t in targets
        )
    )


def _pending(d: Delivery, a: Alert, mention_role_id: int | None) -> PendingDelivery:
    return PendingDelivery(
        id=d.id,
        target=d.target,
        subscription_id=d.subscription_id,
        attempts=d.attempts,
        nonce=d.nonce,
        message_id=d.message_id,
        alert=_alert_view(a),
        next_attempt_at=d.next_attempt_at,
        mention_role_id=mention_role_id,
    )
