"""APScheduler 3 jobs: one per feed, the leader's election round, and periodic housekeeping.
Started inside the running loop by the caller; every job is ``async``, ``max_instances=1``,
``coalesce=True``."""

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
from bot.errors import PledgeWatchError
from bot.ingest.pipeline import Poller
from storage.locks import LeaderLock

log = logging.getLogger(__name__)

# A run that missed its slot by less than this still runs (e.g. after a laptop sleep).
MISFIRE_GRACE = 300
# First polls: a few seconds apart while there are few feeds; with many, compressed into a
# window that ends well inside each feed's first interval (half of it, at most 5 minutes).
FIRST_POLL_GAP = 2.0
FIRST_POLL_FRACTION = 0.5
FIRST_POLL_WINDOW = 300.0
# Jobs only the leader runs (feed polling, deadline reminders, digests), by id prefix.
LEADER_JOBS = ("feed:", "reminder:", "digest")


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
    """One interval job per pollable feed, the first polls spread out (:func:`first_poll_delay`)."""
    scheduled: list[str] = []
    pollable = [f for f in feeds if poller.skip_reason(f) is None]
    for feed in feeds:
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
            next_run_time=now
            + timedelta(seconds=first_poll_delay(len(scheduled), len(pollable), feed.every)),
            replace_existing=True,
        )
        scheduled.append(feed.id)
    return scheduled


def first_poll_delay(index: int, count: int, every: timedelta) -> float:
    """Seconds until the ``index``-th of ``count`` feeds first polls: ``FIRST_POLL_GAP`` apart,
    or closer when that would not fit the feed's window, so every feed polls within its first
    interval however many there are."""
    window = min(every.total_seconds() * FIRST_POLL_FRACTION, FIRST_POLL_WINDOW)
    return min(FIRST_POLL_GAP * index, window * index / max(count, 1))


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


class Leadership:
    """Gives the leader-only jobs to whichever runner holds the lead, checked every few
    seconds (a ``leader`` job): on taking it, ``elected`` schedules them; on losing it, they
    are removed. ``refresh`` runs on each later check while leading (to pick up feeds added
    through another runner). A runner that does not lead removes any such job it finds (one
    a command added locally): the leader's refresh picks that work up instead."""

    def __init__(
        self,
        lock: LeaderLock,
        scheduler: AsyncIOScheduler,
        *,
        elected: Callable[[], Awaitable[None]],
        refresh: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._lock = lock
        self._scheduler = scheduler
        self._elected = elected
        self._refresh = refresh
        self.leading = False

    async def check(self) -> bool:
        """One election round; returns whether this runner leads now."""
        leads = await self._lock.hold()
        if not leads:
            if self.leading:
                log.warning("this runner no longer leads: its feed polling stops")
            self.leading = False
            self.drop_jobs()
            return False
        try:
            if not self.leading:
                if self._lock.shared:
                    log.info("this runner leads: it polls the feeds and runs the daily jobs")
                await self._elected()
                self.leading = True
            elif self._refresh is not None:
                await self._refresh()
        except PledgeWatchError as exc:  # the store refused a read: the next round retries
            log.warning("leader jobs not updated", extra={"error": str(exc)})
        return self.leading

    def drop_jobs(self) -> None:
        for job in self._scheduler.get_jobs():
            if job.id.startswith(LEADER_JOBS):
                job.remove()

    @property
    def shared(self) -> bool:
        """Whether other runners may share this database (PostgreSQL)."""
        return self._lock.shared

    async def release(self) -> None:
        self.leading = False
        await self._lock.release()


def schedule_leadership(
    scheduler: AsyncIOScheduler, leadership: Leadership, seconds: float, *, now: datetime
) -> None:
    """The election round as a job; the first round runs at once."""
    schedule_every(scheduler, "leader", leadership.check, seconds, now=now)


def _guarded(func: Callable[..., Awaitable[Any]], name: str) -> Callable[..., Awaitable[None]]:
    """Expected failures are handled inside the job; anything reaching here is a bug: log it
    loudly with its traceback, and keep the schedule alive."""

    async def job(*args: Any) -> None:
        try:
            await func(*args)
        except Exception:
            log.exception("job crashed (a bug)", extra={"job": name})

    return job
