"""Digests of a target with no subscription (the webhook): its waiting alerts and the last
moment its digest was dealt with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from storage.models import Alert, Delivery, DigestMark
from storage.outbox_store import _pending
from storage.records import PendingDelivery
from storage.store_base import StoreBase


class DigestStore(StoreBase):
    async def digest_deliveries(self, target: str) -> list[PendingDelivery]:
        """The target's deliveries waiting for its digest, oldest alert first."""
        async with self._tx() as session:
            rows = await session.execute(
                select(Delivery, Alert)
                .join(Alert, Alert.id == Delivery.alert_id)
                .where(Delivery.target == target, Delivery.state == "digest")
                .order_by(Alert.created_at, Alert.id, Delivery.id)
            )
            return [_pending(d, a, None) for d, a in rows]

    async def digest_mark(self, target: str) -> datetime | None:
        async with self._tx() as session:
            row = await session.get(DigestMark, target)
            return None if row is None else row.last_at

    async def set_digest_mark(self, target: str, *, at: datetime) -> None:
        async with self._tx() as session:
            row = await session.get(DigestMark, target)
            if row is None:
                session.add(DigestMark(target=target, last_at=at))
            else:
                row.last_at = at
