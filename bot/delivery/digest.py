"""Digests: a digest subscription's alerts wait and go out together, daily or weekly, at the
hour (and weekday) its server chose, in the server's timezone.

The dispatcher never sees them: the store creates a digest subscription's deliveries in the
``digest`` state, and :func:`send_digests`, run by the scheduler every few minutes, posts one
embed per subscription whose moment has come, grouped by kind, each alert with its source.
A moment with nothing waiting sends nothing ("nothing new" is never posted) and is marked
handled, so an alert arriving later waits for the next moment. It goes through the same
at-most-once path as single alerts (sending mark, nonce, the message id stored at once), so a
crash mid-digest neither repeats nor drops it; a transient failure leaves the moment unhandled,
and the next check tries again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TextIO

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.delivery.discord_sink import BotSink
from bot.delivery.embeds import MessageParts, allowed_mentions, render_digest
from bot.delivery.webhook_sink import WebhookSink
from bot.domain.schedule import (
    DEFAULT_HOUR,
    Cadence,
    DigestSchedule,
    ScheduleError,
    digest_due,
    zone,
)
from bot.errors import DeliveryError
from storage.records import SubscriptionView
from storage.repository import DIGEST_MODE, Repository

if TYPE_CHECKING:
    from bot.domain.alerts import SubscriptionFilter
    from bot.settings import Settings

log = logging.getLogger(__name__)

DIGEST_HOUR_UTC = DEFAULT_HOUR  # the hour of a schedule nobody chose
CHECK_EVERY = timedelta(minutes=5)  # how often due digests are looked for (and retried)
WEBHOOK = "webhook"  # the webhook's delivery target


@dataclass(frozen=True, slots=True)
class DigestReport:
    sent: int = 0  # digest messages posted (or found already posted)
    alerts: int = 0  # alerts they carried
    failed: int = 0  # subscriptions whose digest must wait for the next check
    paused: int = 0
    empty: int = 0  # moments that came with nothing to send


def digest_nonce(delivery_ids: list[int]) -> str:
    raw = "digest|" + ",".join(str(i) for i in sorted(delivery_ids))
    return hashlib.sha256(raw.encode()).hexdigest()[:25]


def schedule_of(sub: SubscriptionView, timezone: str | None) -> DigestSchedule:
    """A subscription's digest schedule in its server's timezone (UTC when unset or no
    longer known to this system)."""
    hour = DEFAULT_HOUR if sub.digest_hour is None else sub.digest_hour
    cadence: Cadence = "weekly" if sub.digest_cadence == "weekly" else "daily"
    try:
        return DigestSchedule(cadence, hour, sub.digest_weekday, timezone or "UTC")
    except ScheduleError:
        log.warning("digest timezone unknown; UTC used", extra={"timezone": timezone})
        return DigestSchedule(cadence, hour, sub.digest_weekday, "UTC")


async def send_digests(
    repo: Repository, sink: BotSink, *, clock: Callable[[], datetime], due_only: bool = True
) -> DigestReport:
    """Post every digest whose moment has come (every waiting one with ``due_only`` off),
    one message per subscription. A 403/404 pauses the subscription and tells the server's
    admins once, as for single alerts."""
    now = clock()
    sent = alerts = failed = paused = empty = 0
    zones = await repo.guild_timezones()
    batches = {sub.id: (sub, deliveries) for sub, deliveries in await repo.digest_batches()}
    subs = [s for s in await repo.subscriptions() if s.mode == DIGEST_MODE and not s.paused]
    for sub in subs:
        schedule = schedule_of(sub, zones.get(sub.guild_id))
        due = digest_due(schedule, now=now, last_sent=sub.last_digest_at, since=sub.created_at)
        if due_only and not due:
            continue
        deliveries = batches.get(sub.id, (sub, []))[1]
        # A digest posted before a crash, with its id kept: finish recording it, post no more.
        for message_id in {d.message_id for d in deliveries if d.message_id}:
            done = [d.id for d in deliveries if d.message_id == message_id]
            await repo.mark_digest_sent(done, message_id=message_id, at=now)
        waiting = [d for d in deliveries if not d.message_id]
        if not waiting:
            empty += 1
            await repo.mark_digest_handled(sub.id, at=now)
            continue
        ids = [d.id for d in waiting]
        parts = MessageParts(
            content=f"<@&{sub.mention_role_id}>" if sub.mention_role_id is not None else None,
            embed=render_digest(
                [d.alert for d in waiting],
                day=now.astimezone(zone(schedule.timezone)).date(),
                cadence=schedule.cadence,
            ),
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
        await repo.mark_digest_sent(ids, message_id=message_id, at=now)
        await repo.mark_digest_handled(sub.id, at=now)
        sent += 1
        alerts += len(ids)
    return DigestReport(sent=sent, alerts=alerts, failed=failed, paused=paused, empty=empty)


async def send_webhook_digest(
    repo: Repository,
    sink: WebhookSink,
    schedule: DigestSchedule,
    *,
    clock: Callable[[], datetime],
) -> DigestReport:
    """Webhook mode's digest: the alerts waiting for the webhook, in one message, when the
    operator's moment has come (PLEDGEWATCH_WEBHOOK_DIGEST and the digest hour settings)."""
    now = clock()
    last = await repo.digest_mark(WEBHOOK)
    if last is None:  # a schedule set now starts with its next moment
        await repo.set_digest_mark(WEBHOOK, at=now)
        return DigestReport()
    if not digest_due(schedule, now=now, last_sent=last, since=last):
        return DigestReport()
    deliveries = await repo.digest_deliveries(WEBHOOK)
    for message_id in {d.message_id for d in deliveries if d.message_id}:
        done = [d.id for d in deliveries if d.message_id == message_id]
        await repo.mark_digest_sent(done, message_id=message_id, at=now)
    waiting = [d for d in deliveries if not d.message_id]
    if not waiting:
        await repo.set_digest_mark(WEBHOOK, at=now)
        return DigestReport(empty=1)
    parts = MessageParts(
        content=None,
        embed=render_digest(
            [d.alert for d in waiting],
            day=now.astimezone(zone(schedule.timezone)).date(),
            cadence=schedule.cadence,
        ),
        allowed_mentions=allowed_mentions(None),
    )
    try:
        posted = await sink.post_digest(waiting, parts)
    except DeliveryError as exc:
        log.warning("webhook digest not sent", extra={"error": str(exc)})
        return DigestReport(failed=1)
    await repo.mark_digest_sent([d.id for d in waiting], message_id=posted, at=now)
    await repo.set_digest_mark(WEBHOOK, at=now)
    return DigestReport(sent=1, alerts=len(waiting))


def webhook_mode(
    settings: Settings,
    repo: Repository,
    scheduler: BaseScheduler,
    sink: WebhookSink,
    *,
    clock: Callable[[], datetime],
    out: TextIO,
) -> Callable[[], Awaitable[None]]:
    """Apply the operator's webhook filters to this runner's store, say what they are, and
    return the leader's part: the webhook digest job, when one is set."""
    flt, schedule = settings.webhook_policy()
    repo.configure_webhook(flt, digest=schedule is not None)
    if flt is not None:
        out.write(f"Webhook filters: {describe_filter(flt)}.\n")
    if schedule is not None:
        out.write(f"Webhook digest: {schedule.describe()}; nothing new posts nothing.\n")

    async def elected() -> None:
        if schedule is not None:
            schedule_webhook_digest(scheduler, repo, sink, schedule, clock=clock)

    return elected


def describe_filter(flt: SubscriptionFilter) -> str:
    parts = [
        f"{name} {', '.join(values)}"
        for name, values in (
            ("kinds", flt.kinds),
            ("companies", flt.companies),
            ("places", flt.jurisdictions),
        )
        if values
    ]
    if flt.keywords:
        parts.append(f"keywords {flt.keywords.describe()}")
    return "; ".join(parts)


def schedule_webhook_digest(
    scheduler: BaseScheduler,
    repo: Repository,
    sink: WebhookSink,
    schedule: DigestSchedule,
    *,
    clock: Callable[[], datetime],
    every: timedelta = CHECK_EVERY,
) -> None:
    async def run() -> DigestReport:
        return await send_webhook_digest(repo, sink, schedule, clock=clock)

    scheduler.add_job(
        run,
        IntervalTrigger(seconds=every.total_seconds()),
        id="digest:webhook",  # a leader's job (bot.scheduling.LEADER_JOBS)
        name="webhook digest",
        replace_existing=True,
    )


def schedule_digests(
    scheduler: BaseScheduler,
    repo: Repository,
    sink: BotSink,
    *,
    clock: Callable[[], datetime],
    every: timedelta = CHECK_EVERY,
) -> None:
    """Look for due digests every few minutes: each subscription's own hour and weekday in
    its server's timezone (a :30 or :45 zone included), and a failed one again at the
    next look."""

    async def run() -> DigestReport:
        return await send_digests(repo, sink, clock=clock)

    scheduler.add_job(
        run,
        IntervalTrigger(seconds=every.total_seconds()),
        id="digests",
        name="digests (daily and weekly)",
        replace_existing=True,
    )
