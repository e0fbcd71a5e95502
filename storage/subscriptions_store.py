"""Discord channels that asked for alerts, with their filters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update

from bot.domain.keywords import KeywordFilter
from storage.models import (
    BillThread,
    Delivery,
    GuildSettings,
    Subscription,
)
from storage.records import (
    SubscriptionView,
)
from storage.sql import insert
from storage.store_base import (
    DIGEST_MODE,
    StoreBase,
)


class SubscriptionStore(StoreBase):
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
        keywords: KeywordFilter | None = None,
        digest_cadence: str = "daily",
        digest_hour: int | None = None,
        digest_weekday: int = 0,
        thread_per_bill: bool = False,
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
            words = keywords or KeywordFilter()
            row.keywords = list(words.include) or None
            row.exclude_keywords = list(words.exclude) or None
            row.digest_cadence, row.digest_hour = digest_cadence, digest_hour
            row.digest_weekday, row.thread_per_bill = digest_weekday, thread_per_bill
            # A schedule set now starts with its next moment, not one already past.
            row.last_digest_at = now
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
            return subscription_view(row)

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
            return [subscription_view(s) for s in (await session.scalars(stmt)).all()]

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

    async def subscription_by_id(self, subscription_id: int) -> SubscriptionView | None:
        async with self._tx() as session:
            row = await session.get(Subscription, subscription_id)
            return None if row is None else subscription_view(row)

    # --- the server's timezone, digest moments, threads per bill --------------------------

    async def set_guild_timezone(self, guild_id: int, timezone: str, *, now: datetime) -> None:
        async with self._tx() as session:
            row = await session.get(GuildSettings, guild_id)
            if row is None:
                session.add(GuildSettings(guild_id=guild_id, timezone=timezone, updated_at=now))
            else:
                row.timezone, row.updated_at = timezone, now

    async def guild_timezones(self) -> dict[int, str]:
        async with self._tx() as session:
            rows = await session.execute(select(GuildSettings.guild_id, GuildSettings.timezone))
            return {guild_id: tz for guild_id, tz in rows}

    async def mark_digest_handled(self, subscription_id: int, *, at: datetime) -> None:
        """The subscription's latest digest moment is dealt with (sent, or nothing waited)."""
        async with self._tx() as session:
            await session.execute(
                update(Subscription)
                .where(Subscription.id == subscription_id)
                .values(last_digest_at=at)
            )

    async def bill_thread(self, channel_id: int, bill_key: str) -> int | None:
        async with self._tx() as session:
            found = await session.scalar(
                select(BillThread.thread_id).where(
                    BillThread.channel_id == channel_id, BillThread.bill_key == bill_key
                )
            )
            return None if found is None else int(found)

    async def record_bill_thread(
        self, channel_id: int, bill_key: str, thread_id: int, *, now: datetime
    ) -> int:
        """Keep the bill's thread in this channel; the one kept first wins a race."""
        async with self._tx() as session:
            await session.execute(
                insert(session, BillThread)
                .values(
                    channel_id=channel_id, bill_key=bill_key, thread_id=thread_id, created_at=now
                )
                .on_conflict_do_nothing()
            )
            kept = await session.scalar(
                select(BillThread.thread_id).where(
                    BillThread.channel_id == channel_id, BillThread.bill_key == bill_key
                )
            )
            return int(kept) if kept is not None else thread_id


def subscription_view(row: Subscription) -> SubscriptionView:
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
        keywords=tuple(row.keywords or ()),
        exclude_keywords=tuple(row.exclude_keywords or ()),
        digest_cadence=row.digest_cadence or "daily",
        digest_hour=row.digest_hour,
        digest_weekday=row.digest_weekday or 0,
        last_digest_at=row.last_digest_at,
        thread_per_bill=bool(row.thread_per_bill),
    )
