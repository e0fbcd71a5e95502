"""APScheduler 3 jobs: one per feed, and periodic housekeeping. Started inside the running
loop by the caller; every job is ``async``, ``max_instances=1``, ``coalesce=True``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import FeedConfig
from bot.ingest.pipeline import Poller

log = logging.getLogger(__name__)

# A run that missed its slot by less than this still runs (e.g. after a laptop sleep).
MISFIRE_GRACE = 300


class DrainingExecutor(AsyncIOExecutor):  # type: ignore[misc]
    """APScheduler's asyncio executor cancels running jobs at shutdown and returns at once, so
    a job could still hold a database connection while the engine closes (a hang). This one
    keeps them at shutdown; :meth:`Scheduler.stop` lets them finish first."""

    def shutdown(self, wait: bool = True) -> None:
        pass

    async def drain(self, grace: float) -> None:
        # Before start() the executor has no futures at all.
        running = {f for f in getattr(self, "_pending_futures", ()) if not f.done()}
        if not running:
            return
        _done, late = await asyncio.wait(running, timeout=grace)
        for future in late:
            future.cancel()
        if late:
            log.warning("jobs cancelled at shutdown", extra={"jobs": len(late)})
            await asyncio.wait(late, timeout=grace)


class Scheduler(AsyncIOScheduler):  # type: ignore[misc]
    """The app's scheduler: UTC, every job ``max_instances=1`` and ``coalesce=True``, and an
    async :meth:`stop` that returns only when no job is running any more."""

    def __init__(self) -> None:
        self._draining = DrainingExecutor()
        super().__init__(
            timezone=UTC,
            executors={"default": self._draining},
            job_defaults={
                "max_instances": 1,
                "coalesce": True,
                "misfire_grace_time": MISFIRE_GRACE,
            },
        )

    async def stop(self, *, grace: float = 10.0) -> None:
        """No new runs; running jobs get ``grace`` seconds, then are cancelled and awaited."""
        if self.running:
            self.shutdown(wait=False)
        await self._draining.drain(grace)


def build_scheduler() -> Scheduler:
    return Scheduler()


def schedule_feeds(
    scheduler: AsyncIOScheduler,
    poller: Poller,
    feeds: Sequence[FeedConfig],
    *,
    now: datetime,
) -> list[str]:
    """One interval job per pollable feed; the first polls are spread over a few seconds."""
    scheduled = []
    for index, feed in enumerate(feeds):
        reason = poller.skip_reason(feed)
        if reason is not None:
            log.warning("feed not scheduled", extra={"feed": feed.id, "reason": reason})
            continue
        scheduler.add_job(
            _guarded(poller.poll_feed, f"feed:{feed.id}"),
            IntervalTrigger(
                seconds=feed.every.total_seconds(),
                jitter=int(feed.effective_jitter.total_seconds()) or None,
                timezone=UTC,
            ),
            args=[feed],
            id=f"feed:{feed.id}",
            name=f"poll {feed.id}",
            next_run_time=now + timedelta(seconds=2 * index),
            replace_existing=True,
        )
        scheduled.append(feed.id)
    return scheduled


def schedule_every(
    scheduler: AsyncIOScheduler,
    job_id: str,
    func: Callable[[], Awaitable[Any]],
    seconds: float,
    *,
    now: datetime,
) -> None:
    scheduler.add_job(
        _guarded(func, job_id),
        IntervalTrigger(seconds=seconds, timezone=UTC),
        id=job_id,
        name=job_id,
        next_run_time=now,
        replace_existing=True,
    )


def _guarded(func: Callable[..., Awaitable[Any]], name: str) -> Callable[..., Awaitable[None]]:
    """Expected failures are handled inside the job; anything reaching here is a bug: log it
    loudly with its traceback, and keep the schedule alive."""

    async def job(*args: Any) -> None:
        try:
            await func(*args)
        except Exception:
            log.exception("job crashed (a bug)", extra={"job": name})

    return job
