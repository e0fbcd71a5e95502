"""Daily digests: a digest subscription's alerts wait and go out once a day as one message.

The dispatcher never sees them: the store creates a digest subscription's deliveries in the
``digest`` state, and :func:`send_digests`, run by the scheduler once a day, posts one embed
per subscription listing them with their sources.
It goes through the same at-most-once path as single alerts (sending mark, nonce, the
message id stored at once), so a crash mid-digest neither repeats nor drops it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from bot.delivery.discord_sink import BotSink
from bot.delivery.embeds import MessageParts, allowed_mentions, render_digest
from bot.errors import DeliveryError
from storage.repository import Repository

log = logging.getLogger(__name__)

DIGEST_HOUR_UTC = 13  # a working hour across the US, where most tracked laws are
RETRY_AFTER = timedelta(minutes=15)  # a digest that failed for a transient reason


@dataclass(frozen=True, slots=True)
class DigestReport:
    sent: int = 0  # digest messages posted (or found already posted)
    alerts: int = 0  # alerts they carried
    failed: int = 0  # subscriptions whose digest must wait for the next run
    paused: int = 0


def digest_nonce(delivery_ids: list[int]) -> str:
    raw = "digest|" + ",".join(str(i) for i in sorted(delivery_ids))
    return hashlib.sha256(raw.encode()).hexdigest()[:25]


async def send_digests(
    repo: Repository, sink: BotSink, *, clock: Callable[[], datetime]
) -> DigestReport:
    """Post every waiting digest, one message per subscription. A transient failure leaves
    that digest waiting for the next call; a 403/404 pauses the subscription and tells the
    server's admins once, as for single alerts."""
    sent = alerts = failed = paused = 0
    for sub, deliveries in await repo.digest_batches():
        # A digest posted before a crash, with its id kept: finish recording it, post no more.
        for message_id in {d.message_id for d in deliveries if d.message_id}:
            done = [d.id for d in deliveries if d.message_id == message_id]
            await repo.mark_digest_sent(done, message_id=message_id, at=clock())
        waiting = [d for d in deliveries if not d.message_id]
        if not waiting:
            continue
        ids = [d.id for d in waiting]
        parts = MessageParts(
            content=f"<@&{sub.mention_role_id}>" if sub.mention_role_id is not None else None,
            embed=render_digest([d.alert for d in waiting], day=clock().date()),
            allowed_mentions=allowed_mentions(sub.mention_role_id),
        )
        try:
            message_id = await sink.post(
                sub.channel_id, parts, nonce=digest_nonce(ids), delivery_ids=ids
            )
        except DeliveryError as exc:
            if exc.permanent and await repo.pause_subscription(sub.id, reason=str(exc)):
                paused += 1
                sink.on_paused(waiting[0], str(exc))
            else:
                failed += 1
            log.warning("digest not sent", extra={"channel": sub.channel_id, "error": str(exc)})
            continue
        await repo.mark_digest_sent(ids, message_id=message_id, at=clock())
        sent += 1
        alerts += len(ids)
    return DigestReport(sent=sent, alerts=alerts, failed=failed, paused=paused)


def schedule_digests(
    scheduler: BaseScheduler,
    repo: Repository,
    sink: BotSink,
    *,
    clock: Callable[[], datetime],
    hour: int = DIGEST_HOUR_UTC,
) -> None:
    """Send digests daily at ``hour`` UTC; one that fails for a transient reason is tried
    again every 15 minutes until it goes (a one-off job, so the daily slot never moves)."""

    async def run() -> DigestReport:
        report = await send_digests(repo, sink, clock=clock)
        if report.failed:
            scheduler.add_job(
                run,
                DateTrigger(run_date=clock() + RETRY_AFTER, timezone=UTC),
                id="digest-retry",
                name="digest retry",
                replace_existing=True,
            )
        return report

    scheduler.add_job(
        run,
        CronTrigger(hour=hour, minute=0, timezone=UTC),
        id="digests",
        name="daily digests",
        replace_existing=True,
    )
