"""Pledge suggestions and confirmed events, bills, and the queries slash commands ask."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.domain.alerts import (
    pledge_status_alert,
)
from bot.domain.watchlist import HistoryEntry
from bot.errors import NotFoundError, StorageError
from storage.models import (
    Bill,
    Item,
    PledgeEvent,
    PledgeSuggestion,
    Story,
)
from storage.records import (
    BillView,
    StoryView,
    SuggestionView,
)
from storage.store_base import (
    StoreBase,
)
from storage.tracking import bill_actions, bill_view


class StatusStore(StoreBase):
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
