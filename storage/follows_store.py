"""What channels follow, and bills a legislative source reported that a follow adds to
what the store tracks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from bot.domain.follows import bill_key_parts, compact_bill_number
from storage.models import Bill, Delivery, Feed, Follow, Item
from storage.records import BillView, FollowView, SeenBill
from storage.sql import insert
from storage.store_base import StoreBase
from storage.tracking import bill_view

# How many of the latest legislative items a search for a reported bill reads.
SEEN_SCAN = 5000


class FollowStore(StoreBase):
    async def follow(
        self,
        *,
        guild_id: int,
        channel_id: int,
        kind: str,
        target: str,
        label: str,
        source_url: str | None,
        now: datetime,
        created_by: int | None = None,
    ) -> tuple[FollowView, bool]:
        """Follow something in a channel; True when it was not followed there yet."""
        async with self._tx() as session:
            row = await session.scalar(
                select(Follow).where(
                    Follow.channel_id == channel_id, Follow.kind == kind, Follow.target == target
                )
            )
            created = row is None
            if row is None:
                row = Follow(
                    guild_id=guild_id,
                    channel_id=channel_id,
                    kind=kind,
                    target=target,
                    label=label,
                    source_url=source_url,
                    created_by=created_by,
                    created_at=now,
                )
                session.add(row)
                await session.flush()
            return follow_view(row), created

    async def unfollow(self, channel_id: int, kind: str, target: str) -> bool:
        async with self._tx() as session:
            result = await session.execute(
                delete(Follow).where(
                    Follow.channel_id == channel_id, Follow.kind == kind, Follow.target == target
                )
            )
            return bool(getattr(result, "rowcount", 0))

    async def follows(
        self, *, guild_id: int | None = None, channel_id: int | None = None
    ) -> list[FollowView]:
        async with self._tx() as session:
            stmt = select(Follow).order_by(Follow.channel_id, Follow.kind, Follow.target)
            if guild_id is not None:
                stmt = stmt.where(Follow.guild_id == guild_id)
            if channel_id is not None:
                stmt = stmt.where(Follow.channel_id == channel_id)
            return [follow_view(row) for row in (await session.scalars(stmt)).all()]

    async def drop_lost_channel(self, channel_id: int, *, reason: str) -> int:
        """A channel that only followed things is gone or closed to the bot: its follows end
        and its waiting alerts are failed, so nothing more is tried there. Returns how many
        follows ended."""
        async with self._tx() as session:
            result = await session.execute(delete(Follow).where(Follow.channel_id == channel_id))
            await session.execute(
                update(Delivery)
                .where(
                    Delivery.target == f"channel:{channel_id}",
                    Delivery.subscription_id.is_(None),
                    Delivery.state == "pending",
                )
                .values(state="failed", last_error=reason[:1000])
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def seen_bill(self, number: str) -> SeenBill | None:
        """The latest bill a legislative source reported under this number (any spelling:
        ``S.4084``, ``sb 6280``) or key (``us-117-s-4084``), tracked or not."""
        wanted = compact_bill_number(number)
        async with self._tx() as session:
            rows = await session.execute(
                select(Item.guid, Item.title, Item.url, Item.first_seen, Feed.format)
                .outerjoin(Feed, Feed.id == Item.feed_id)
                .where(Item.source_kind == "legislative", Item.guid.contains("#"))
                .order_by(Item.first_seen.desc(), Item.id.desc())
                .limit(SEEN_SCAN)
            )
            for guid, title, url, first_seen, source in rows:
                key = guid.split("#", 1)[0]
                parts = bill_key_parts(key)
                if parts is None or not url:
                    continue
                jurisdiction, session_name, slug = parts
                if wanted not in (compact_bill_number(slug), compact_bill_number(key)):
                    continue
                return SeenBill(
                    key=key,
                    jurisdiction=jurisdiction,
                    session=session_name,
                    title=title,
                    url=url,
                    source=(source or "text")[:16],
                    seen=first_seen,
                )
        return None

    async def track_seen_bill(self, seen: SeenBill, *, identifier: str, now: datetime) -> BillView:
        """Track a reported bill from now on: its later actions are kept and its stage
        changes alerted, whether or not it is on the topic. Its source is the item's."""
        async with self._tx() as session:
            await session.execute(
                insert(session, Bill)
                .values(
                    key=seen.key,
                    jurisdiction=seen.jurisdiction,
                    session=seen.session,
                    identifier=identifier,
                    title=seen.title,
                    url=seen.url,
                    stage=None,
                    source=seen.source,
                    tracked_id=None,
                    first_seen=now,
                    updated_at=now,
                )
                .on_conflict_do_nothing()
            )
            row = await session.get(Bill, seen.key)
            if row is None:  # pragma: no cover - the insert or another writer made it
                raise RuntimeError(f"bill {seen.key} vanished")
            return bill_view(row, [])


def follow_view(row: Follow) -> FollowView:
    return FollowView(
        id=row.id,
        guild_id=row.guild_id,
        channel_id=row.channel_id,
        kind=row.kind,
        target=row.target,
        label=row.label,
        source_url=row.source_url,
        created_at=row.created_at,
    )
