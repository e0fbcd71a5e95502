"""Discord channels that asked for alerts, with their filters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update

from bot.domain.keywords import KeywordFilter
from storage.models import (
    Delivery,
    Subscription,
)
from storage.records import (
    SubscriptionView,
)
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
    )
