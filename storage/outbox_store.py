"""The outbox: deliveries due, sent, retried, edited, and held for digests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, union, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotFoundError
from storage.models import (
    Alert,
    Delivery,
    DeliveryClaim,
    Subscription,
)
from storage.records import (
    AlertView,
    PendingDelivery,
    SubscriptionView,
)
from storage.sql import insert
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
        self,
        delivery_id: int,
        *,
        message_id: str | None,
        at: datetime,
        hold: tuple[str, str, datetime] | None = None,
    ) -> bool:
        """Mark a delivery sent. With ``hold`` (target, runner, until), renew that claim in
        the same transaction and return whether the runner still holds it."""
        async with self._tx() as session:
            await session.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id)
                .values(state="sent", message_id=message_id, sent_at=at, last_error=None)
            )
            if hold is None:
                return True
            return await _hold(session, *hold)

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
        self,
        *,
        targets: Sequence[str] | None = None,
        target: str | None = None,
        limit: int = 50,
    ) -> list[PendingDelivery]:
        """Sent deliveries whose alert changed since (see ``needs_edit``), oldest first:
        those of these sinks, or of this one ``target``."""
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
            if target is not None:
                stmt = stmt.where(Delivery.target == target)
            return [_pending(d, a, role) for d, a, role in await session.execute(stmt)]

    async def clear_edit(self, delivery_id: int) -> None:
        async with self._tx() as session:
            await session.execute(
                update(Delivery).where(Delivery.id == delivery_id).values(needs_edit=False)
            )

    # --- claims: one runner owns a target's queue at a time ----------------------------

    async def claim_targets(
        self,
        *,
        runner: str,
        sinks: Sequence[str],
        now: datetime,
        lease: timedelta,
        limit: int,
        busy: Sequence[str] = (),
    ) -> list[str]:
        """Claim up to ``limit`` targets with work due (the oldest pending delivery is due,
        or a posted message wants an edit) that no other runner's live lease holds, leaving
        out those this runner is already working on (``busy``); the claims last until
        ``now + lease`` unless renewed. Rows locked by another runner's claim are skipped
        (``FOR UPDATE SKIP LOCKED``), never waited for."""
        if limit <= 0:
            return []
        async with self._tx() as session:
            ordered = func.row_number().over(
                partition_by=Delivery.target,
                order_by=(Alert.created_at, Alert.id, Delivery.id),
            )
            heads = (
                select(Delivery.target, Delivery.next_attempt_at, ordered.label("place"))
                .join(Alert, Alert.id == Delivery.alert_id)
                .where(Delivery.state == "pending", _target_filter(sinks))
                .subquery()
            )
            edits = select(Delivery.target).where(
                Delivery.state == "sent", Delivery.needs_edit.is_(True), _target_filter(sinks)
            )
            due = select(heads.c.target).where(heads.c.place == 1, heads.c.next_attempt_at <= now)
            work = sorted(set((await session.scalars(union(due, edits))).all()) - set(busy))
            if not work:
                return []
            known = set(
                (
                    await session.scalars(
                        select(DeliveryClaim.target).where(DeliveryClaim.target.in_(work))
                    )
                ).all()
            )
            missing = [t for t in work if t not in known]
            if missing:
                await session.execute(
                    insert(session, DeliveryClaim)
                    .values([{"target": t} for t in missing])
                    .on_conflict_do_nothing()
                )
            free = or_(
                DeliveryClaim.lease_until.is_(None),
                DeliveryClaim.lease_until <= now,
                DeliveryClaim.claimed_by == runner,  # left behind when the store failed
            )
            lockable = (
                select(DeliveryClaim.target)
                .where(DeliveryClaim.target.in_(work), free)
                .order_by(DeliveryClaim.target)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            claimed = await session.scalars(
                update(DeliveryClaim)
                .where(DeliveryClaim.target.in_(lockable.scalar_subquery()), free)
                .values(claimed_by=runner, lease_until=now + lease)
                .returning(DeliveryClaim.target)
            )
            return sorted(claimed.all())

    async def hold_claim(self, target: str, *, runner: str, until: datetime) -> bool:
        """Renew this runner's claim on ``target``; False when another runner took it over
        (its lease ran out meanwhile): then nothing more may be sent there from here."""
        async with self._tx() as session:
            return await _hold(session, target, runner, until)

    async def renew_claims(self, *, runner: str, until: datetime) -> int:
        """Extend every claim this runner holds (a heartbeat while long sends run)."""
        async with self._tx() as session:
            result = await session.execute(
                update(DeliveryClaim)
                .where(DeliveryClaim.claimed_by == runner)
                .values(lease_until=until)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    async def release_claim(self, target: str, *, runner: str) -> None:
        async with self._tx() as session:
            await session.execute(
                update(DeliveryClaim)
                .where(DeliveryClaim.target == target, DeliveryClaim.claimed_by == runner)
                .values(claimed_by=None, lease_until=None)
            )

    async def target_queue(self, target: str, *, limit: int = 100) -> list[PendingDelivery]:
        """One target's pending deliveries in the order they must arrive."""
        async with self._tx() as session:
            stmt = (
                select(Delivery, Alert, Subscription.mention_role_id)
                .join(Alert, Alert.id == Delivery.alert_id)
                .outerjoin(Subscription, Subscription.id == Delivery.subscription_id)
                .where(Delivery.state == "pending", Delivery.target == target)
                .order_by(Alert.created_at, Alert.id, Delivery.id)
                .limit(limit)
            )
            return [_pending(d, a, role) for d, a, role in await session.execute(stmt)]

    async def make_due(self, *, sinks: Sequence[str], now: datetime) -> int:
        """Every retry waiting on these sinks becomes due now (a probe found them back)."""
        async with self._tx() as session:
            result = await session.execute(
                update(Delivery)
                .where(
                    Delivery.state == "pending",
                    Delivery.next_attempt_at > now,
                    _target_filter(sinks),
                )
                .values(next_attempt_at=now)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

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


async def _hold(session: AsyncSession, target: str, runner: str, until: datetime) -> bool:
    result = await session.execute(
        update(DeliveryClaim)
        .where(DeliveryClaim.target == target, DeliveryClaim.claimed_by == runner)
        .values(lease_until=until)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


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
