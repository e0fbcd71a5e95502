"""The outbox dispatcher: sends due deliveries, records the result, retries with backoff.

Each delivery is marked sent right after its sink returns. A crash between the two is the
one window for a repeat; Discord's ``enforce_nonce`` (same nonce on the resend) closes it for
bot messages, and the webhook sink guards its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.delivery.sinks import EditingSink, Sink
from bot.errors import DeliveryError
from bot.ingest.backoff import next_attempt_delay
from storage.records import PendingDelivery
from storage.repository import Repository

log = logging.getLogger(__name__)

RETRY_BASE = timedelta(seconds=5)
# Never give up on a transient failure: an outage ends, and the alert must still arrive.
RETRY_CEILING = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class DispatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    paused: int = 0
    edited: int = 0


class Dispatcher:
    def __init__(
        self,
        repo: Repository,
        sinks: Mapping[str, Sink],
        clock: Callable[[], datetime],
        *,
        on_paused: Callable[[PendingDelivery, str], object] | None = None,
    ) -> None:
        self._repo = repo
        self._sinks = dict(sinks)
        self._clock = clock
        self._on_paused = on_paused

    def _sink_for(self, target: str) -> Sink | None:
        return self._sinks.get("discord" if target.startswith("channel:") else target)

    async def run_once(self, *, limit: int = 50) -> DispatchReport:
        """Send what is due now, oldest first. Stops a target at its first failure so that
        alerts to one channel never arrive out of order."""
        sent = retried = failed = paused = 0
        blocked: set[str] = set()
        now = self._clock()
        pending = await self._repo.pending_deliveries(
            now=None, targets=list(self._sinks), limit=limit
        )
        for delivery in pending:
            sink = self._sink_for(delivery.target)
            if sink is None or delivery.target in blocked:
                continue
            if delivery.next_attempt_at > now:
                blocked.add(delivery.target)  # an earlier alert waits: keep the order
                continue
            try:
                message_id = await sink.send(delivery)
            except DeliveryError as exc:
                if exc.target_lost and delivery.subscription_id is not None:
                    blocked.add(delivery.target)
                    if await self._repo.pause_subscription(
                        delivery.subscription_id, reason=str(exc)
                    ):
                        paused += 1
                        if self._on_paused is not None:
                            self._on_paused(delivery, str(exc))
                elif exc.permanent:
                    # This one message can never go; the ones after it still can.
                    if exc.target_lost:
                        blocked.add(delivery.target)
                    await self._repo.mark_undeliverable(delivery.id, error=str(exc))
                    failed += 1
                else:
                    blocked.add(delivery.target)
                    delay = next_attempt_delay(
                        delivery.attempts + 1, base=RETRY_BASE, ceiling=RETRY_CEILING
                    )
                    await self._repo.mark_retry(
                        delivery.id, error=str(exc), next_attempt_at=self._clock() + delay
                    )
                    retried += 1
                log.warning(
                    "delivery failed",
                    extra={
                        "target": delivery.target,
                        "alert": delivery.alert.key,
                        "error": str(exc),
                    },
                )
                continue
            await self._repo.mark_delivered(delivery.id, message_id=message_id, at=self._clock())
            sent += 1
        edited = await self._edit_changed(blocked, limit)
        return DispatchReport(
            sent=sent, retried=retried, failed=failed, paused=paused, edited=edited
        )

    async def _edit_changed(self, blocked: set[str], limit: int) -> int:
        """Bring posted messages up to date with their alerts (new sources on a story).
        Several changes since the last run make one edit."""
        edited = 0
        for delivery in await self._repo.pending_edits(targets=list(self._sinks), limit=limit):
            sink = self._sink_for(delivery.target)
            if delivery.target in blocked or not isinstance(sink, EditingSink):
                continue
            try:
                await sink.edit(delivery)
            except DeliveryError as exc:
                blocked.add(delivery.target)
                log.warning("edit failed", extra={"target": delivery.target, "error": str(exc)})
                continue
            await self._repo.clear_edit(delivery.id)
            edited += 1
        return edited
