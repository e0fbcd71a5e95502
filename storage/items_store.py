"""Items, stories and the alerts they cause: the ingest transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, Select, bindparam, func, select, text, update
from sqlalchemy import insert as sa_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.domain.alerts import (
    AlertDraft,
    pledge_signal_alert,
)
from bot.domain.pledges import Signal
from bot.domain.stories import (
    StoryCandidate,
    StoryIndex,
    StoryKey,
    candidate_for,
    canonical_url,
    title_fingerprint,
)
from bot.domain.types import FeedItem, Match
from storage.models import (
    Alert,
    Base,
    Delivery,
    Feed,
    Item,
    PledgeSuggestion,
    Story,
)
from storage.records import (
    AlertView,
    IngestEntry,
    IngestResult,
    NewItem,
)
from storage.sql import insert
from storage.store_base import (
    AlertMaker,
    StoreBase,
    StoryChooser,
    SubscriptionCache,
    url_key,
)
from storage.tracking import track_bill

# How often (in store time) the story index drops the sources of stories that closed.
_PRUNE_EVERY = timedelta(hours=6)
_INGEST_LOCK = "SELECT pg_advisory_xact_lock(hashtext('pledgewatch.ingest.' || current_schema()))"


@dataclass(slots=True)
class _Planned:
    """One new item of a batch: where it goes, before the rows exist."""

    entry: IngestEntry
    url_key: str
    story: int | None = None  # a stored story id, or a placeholder (negative) for a new one
    new_story: bool = False


class ItemStore(StoreBase):
    # --- items, stories, alerts ----------------------------------------------------------

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)
        # Ingest is serialized: within this process by the lock, across processes on
        # PostgreSQL by an advisory lock in the transaction. Both guard the story index.
        self._ingest_lock = asyncio.Lock()
        self._stories: StoryIndex | None = None
        self._stories_horizon: datetime | None = None
        self._stories_upto = 0  # highest item id the index has read

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

        ``choose_story`` sees the sources an item could join: of stories that gained one
        within ``story_window``, sharing its URL, an agreement key or a title word, and of
        each story's identical sources the first within ``story_window`` of the item.

        One transaction: the items, their stories, the tracked facts and the alerts they
        cause land together or not at all, so a crash can neither lose an alert nor
        announce an unstored item. Ingests are serialized (two feeds carrying one event must
        see each other's story), so keep the work before this call.
        """
        since = now - story_window
        async with self._ingest_lock:
            filed: list[tuple[StoryCandidate, datetime]] = []
            try:
                async with self._tx() as session:
                    await self._serialize_across_processes(session)
                    index = await self._story_index(session, since)
                    result, filed, upto = await self._ingest(
                        session, index, feed_id, entries, now=now, window=story_window,
                        choose_story=choose_story, make_alert=make_alert, sinks=sinks,
                        bill_source=bill_source,
                    )  # fmt: skip
            except BaseException:
                self._stories = None  # what it learned may not have been stored: rebuild
                raise
            for candidate, seen in filed:
                index.add(candidate, seen=seen)
            self._stories_upto = max(self._stories_upto, upto)
            return result

    async def _serialize_across_processes(self, session: AsyncSession) -> None:
        if session.get_bind().dialect.name != "postgresql":
            return  # SQLite: one runner per file, and the process lock is enough
        # Transaction-scoped, so it is released by the commit or the rollback. Named by the
        # schema too, so stores in other schemas of one database never wait on each other.
        await session.execute(text(_INGEST_LOCK))

    async def _story_index(self, session: AsyncSession, since: datetime) -> StoryIndex:
        """The index of open stories' sources, brought up to date with what other writers
        stored since it last read (only items with a higher id: ingest is serialized)."""
        index = self._stories
        if index is None or self._stories_horizon is None or since < self._stories_horizon:
            index, self._stories_upto = StoryIndex(), 0
            self._stories_horizon = since
            query = _candidate_rows().where(Story.last_seen >= since)
        else:
            query = _candidate_rows().where(Item.id > self._stories_upto)
        for row in await session.execute(query.order_by(Item.id)):
            index.add(_candidate_from(row), seen=row.last_seen)
            self._stories_upto = max(self._stories_upto, row.id)
        if since - self._stories_horizon >= _PRUNE_EVERY:
            index = index.pruned(since)
            self._stories_horizon = since
        self._stories = index
        return index

    async def _ingest(
        self,
        session: AsyncSession,
        index: StoryIndex,
        feed_id: str,
        entries: Sequence[IngestEntry],
        *,
        now: datetime,
        window: timedelta,
        choose_story: StoryChooser,
        make_alert: AlertMaker,
        sinks: Sequence[str],
        bill_source: str,
    ) -> tuple[IngestResult, list[tuple[StoryCandidate, datetime]], int]:
        alerts: list[AlertView] = []
        duplicates = 0
        since = now - window
        subscriptions = SubscriptionCache()  # read by the first alert, if any, for them all

        async def queue(draft: AlertDraft) -> None:
            alert = await self.queue_alert(
                draft, now=now, sinks=sinks, session=session, subscriptions=subscriptions
            )
            if alert is not None:
                alerts.append(alert)

        # Decide, in memory and in order: which items are new, which story each joins.
        known_urls, known_guids = await self._known(session, entries)
        batch = StoryIndex()  # this batch's own sources, filed after every stored one
        planned: list[_Planned] = []
        placeholders = 0
        for entry in entries:
            item, match = entry.item, entry.match
            if item.bill is not None:  # actions accumulate even when the item is known
                for draft in await track_bill(
                    session, item.bill, relevant=match.relevant, law_id=entry.law_id,
                    standing=entry.standing, source=bill_source, now=now,
                ):  # fmt: skip
                    await queue(draft)
            key = url_key(item.url)
            guid = (item.feed_id, item.guid[:512])
            if key in known_urls or guid in known_guids:
                duplicates += 1
                continue
            known_urls.add(key)
            known_guids.add(guid)
            plan = _Planned(entry, key)
            if match.relevant:
                recent = index.candidates(item, match, open_since=since, window=window)
                recent += batch.candidates(item, match, open_since=since, window=window)
                plan.story = choose_story(item, match, recent)
                if plan.story is None:
                    placeholders += 1
                    plan.story, plan.new_story = -placeholders, True
                batch.add(candidate_for(str(plan.story), item, match), seen=now)
            planned.append(plan)

        # Write: new stories, then the items that point at them, then what joining changed.
        story_ids = await self._insert_stories(session, [p for p in planned if p.new_story], now)
        for plan in planned:
            if plan.story is not None and plan.story < 0:
                plan.story = story_ids[plan.story]
        item_ids = await self._insert_items(session, planned, now)
        new_items: list[NewItem] = []
        filed: list[tuple[StoryCandidate, datetime]] = []
        joined: list[_Planned] = []
        for plan in planned:
            item, match = plan.entry.item, plan.entry.match
            item_id = item_ids.get(plan.url_key)
            if item_id is None:  # stored meanwhile by a writer that bypassed the lock
                duplicates += 1
                continue
            if plan.story is not None:
                filed.append((candidate_for(str(plan.story), item, match), now))
                if plan.new_story:
                    if item.bill is None:  # a bill announces itself through tracking
                        await queue(make_alert(plan.story, item, match))
                    for signal in plan.entry.signals:
                        await queue(await self._suggest(session, signal, item, item_id, now))
                else:
                    joined.append(plan)
            new_items.append(_new_item(item_id, item, match, plan.story, plan.new_story))
        await self._join_stories(session, joined, now)
        await session.execute(
            update(Feed)
            .where(Feed.id == feed_id)
            .values(items_seen=Feed.items_seen + len(new_items))
        )
        result = IngestResult(new_items=new_items, duplicates=duplicates, alerts=alerts)
        return result, filed, max(item_ids.values(), default=0)

    async def _known(
        self, session: AsyncSession, entries: Sequence[IngestEntry]
    ) -> tuple[set[str], set[tuple[str, str]]]:
        """Which of these items are stored already: by URL key, and by (feed, guid)."""
        keys = {url_key(e.item.url) for e in entries}
        guids = {(e.item.feed_id, e.item.guid[:512]) for e in entries}
        urls: set[str] = set()
        seen: set[tuple[str, str]] = set()
        for chunk in _chunks(sorted(keys)):
            urls.update(await session.scalars(select(Item.url_key).where(Item.url_key.in_(chunk))))
        for feed in {f for f, _ in guids}:
            mine = sorted(g for f, g in guids if f == feed)
            for chunk in _chunks(mine):
                rows = await session.scalars(
                    select(Item.guid).where(Item.feed_id == feed, Item.guid.in_(chunk))
                )
                seen.update((feed, guid) for guid in rows)
        return urls, seen

    async def _insert_stories(
        self, session: AsyncSession, planned: list[_Planned], now: datetime
    ) -> dict[int, int]:
        """Insert the batch's new stories in one statement; placeholder -> story id."""
        if not planned:
            return {}
        rows = [_story_row(p.entry.item, p.entry.match, now) for p in planned]
        table = Base.metadata.tables["stories"]
        # Core, not the ORM: one compiled executemany (insertmanyvalues), ids in row order.
        stmt = sa_insert(table).returning(table.c.id, sort_by_parameter_order=True)
        ids = (await session.execute(stmt, rows)).scalars().all()
        return {int(p.story or 0): story_id for p, story_id in zip(planned, ids, strict=True)}

    async def _insert_items(
        self, session: AsyncSession, planned: list[_Planned], now: datetime
    ) -> dict[str, int]:
        """Insert the batch's new items in one statement; URL key -> item id."""
        if not planned:
            return {}
        rows = [_item_row(p.entry.item, p.entry.match, p.story, p.url_key, now) for p in planned]
        table = Base.metadata.tables["items"]
        stmt = insert(session, table).on_conflict_do_nothing()
        stmt = stmt.returning(table.c.id, table.c.url_key)
        result = await session.execute(stmt, rows)
        return {key: item_id for item_id, key in result.tuples()}

    async def _join_stories(
        self, session: AsyncSession, joined: list[_Planned], now: datetime
    ) -> None:
        """Count the new sources of stories already told, and name them on their alerts."""
        if not joined:
            return
        counts: dict[int, int] = {}
        for plan in joined:
            story = int(plan.story or 0)
            counts[story] = counts.get(story, 0) + 1
        table = Base.metadata.tables["stories"]
        await session.execute(
            update(table)
            .where(table.c.id == bindparam("story"))
            .values(source_count=table.c.source_count + bindparam("added"), last_seen=now),
            [{"story": story, "added": added} for story, added in counts.items()],
        )
        alerts = {
            alert.key: alert
            for alert in await session.scalars(
                select(Alert).where(Alert.key.in_([f"story:{s}" for s in counts]))
            )
        }
        changed: set[int] = set()
        for plan in joined:
            alert = alerts.get(f"story:{plan.story}")
            if alert is None:
                continue
            item = plan.entry.item
            source = item.source_name or item.feed_id
            payload = dict(alert.payload)
            others = list(payload.get("also_reported_by", []))
            if source != payload.get("source") and all(o["name"] != source for o in others):
                others.append({"name": source, "url": item.url})
                payload["also_reported_by"] = others
                alert.payload = payload  # reassign: JSON columns track assignment, not mutation
                changed.add(alert.id)
        if changed:
            # Messages already posted for these stories should say so too.
            await session.execute(
                update(Delivery)
                .where(
                    Delivery.alert_id.in_(sorted(changed)),
                    Delivery.state == "sent",
                    Delivery.message_id.is_not(None),
                )
                .values(needs_edit=True)
            )

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

    async def count(self, what: str) -> int:
        """Row count of a table, for reports and tests."""
        model = {"items": Item, "stories": Story, "alerts": Alert, "deliveries": Delivery}[what]
        async with self._tx() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)

    async def alert_exists(self, key: str) -> bool:
        async with self._tx() as session:
            return await session.scalar(select(Alert.id).where(Alert.key == key)) is not None


def _candidate_rows() -> Select[Any]:
    """The columns a story candidate is made of, for every source of a story."""
    return select(
        Item.id, Item.story_id, Item.url, Item.title, Item.published, Item.event,
        Item.bill_ids, Item.companies, Item.jurisdictions, Story.last_seen,
    ).join(Story, Story.id == Item.story_id)  # fmt: skip


def _candidate_from(row: Row[Any]) -> StoryCandidate:
    return StoryCandidate(
        story_id=str(row.story_id),
        url=canonical_url(row.url),
        published=row.published,
        key=StoryKey(
            event=row.event,
            bill_ids=tuple(sorted(row.bill_ids)),
            companies=tuple(sorted(c for c in row.companies if c != "other")),
            jurisdictions=tuple(sorted(row.jurisdictions)),
            fingerprint=title_fingerprint(row.title),
        ),
    )


def _chunks(values: list[Any], size: int = 500) -> list[list[Any]]:
    # Bounded IN lists: SQLite allows at most 32,766 bound values per statement.
    return [values[i : i + size] for i in range(0, len(values), size)]


def _story_row(item: FeedItem, match: Match, now: datetime) -> dict[str, Any]:
    return {
        "title": item.title,
        "url": item.url,
        **match.facts(),
        "first_seen": now,
        "last_seen": now,
        "published": item.published,
        "source_count": 1,
    }


def _item_row(
    item: FeedItem, match: Match, story_id: int | None, key: str, now: datetime
) -> dict[str, Any]:
    return {
        "feed_id": item.feed_id,
        "guid": item.guid[:512],
        "url_key": key,
        "url": item.url,
        "title": item.title,
        "summary": item.summary,
        "source_name": item.source_name,
        "source_kind": item.source_kind,
        "published": item.published,
        "first_seen": now,
        "relevant": match.relevant,
        **match.facts(),
        "reasons": list(match.reasons),
        "story_id": story_id,
    }


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
