"""The outbox: deliveries due, sent, retried, edited, and held for digests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update

from bot.errors import NotFoundError
from storage.models import (
    Alert,
    Delivery,
    Subscription,
)
from storage.records import (
    AlertView,
    PendingDelivery,
    SubscriptionView,
)
from storage.store_base import (
    DIGEST_MODE,
    StoreBase,
    alert_view,
)
from storage.subscriptions_store import subscription_view


class OutboxStore(StoreBase):
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

    # --- delivery ------------------------------------------------------------------------
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
            return [(alert_view(alert), str(message_id)) for alert, message_id in rows]

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
                items = batches.setdefault(sub.id, (subscription_view(sub), []))[1]
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
        alert=alert_view(a),
        next_attempt_at=d.next_attempt_at,
        mention_role_id=mention_role_id,
    )
