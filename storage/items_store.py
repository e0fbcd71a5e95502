"""Items, stories and the alerts they cause: the ingest transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.alerts import (
    AlertDraft,
    pledge_signal_alert,
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
from bot.errors import NotFoundError
from storage.models import (
    Alert,
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
    url_key,
)
from storage.tracking import track_bill


class ItemStore(StoreBase):
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

    async def count(self, what: str) -> int:
        """Row count of a table, for reports and tests."""
        model = {"items": Item, "stories": Story, "alerts": Alert, "deliveries": Delivery}[what]
        async with self._tx() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)

    async def alert_exists(self, key: str) -> bool:
        async with self._tx() as session:
            return await session.scalar(select(Alert.id).where(Alert.key == key)) is not None


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
