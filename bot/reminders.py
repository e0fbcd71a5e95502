"""Pledge deadline reminders: planned from the current pledge states, sent through the outbox.

The plan is always recomputed from the store, so it survives restarts; each reminder's alert
key is unique, so none is sent twice; a pledge extended or lifted has no reminders left, so
the rest are cancelled. APScheduler date jobs only decide *when* to look.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.date import DateTrigger

from bot.domain.alerts import pledge_deadline_alert
from bot.domain.pledges import DEFAULT_REMINDER_DAYS, PledgeState, Reminder, pledge_state, reminders
from bot.domain.watchlist import Watchlist
from storage.records import AlertView
from storage.repository import Repository

log = logging.getLogger(__name__)
JOB_PREFIX = "reminder:"
# A reminder found late (the process was down) still goes out within this window.
LATE_GRACE = timedelta(days=1)


class ReminderService:
    def __init__(
        self,
        repo: Repository,
        watchlist: Watchlist,
        clock: Callable[[], datetime],
        sinks: Sequence[str],
        days_before: Sequence[int] = DEFAULT_REMINDER_DAYS,
    ) -> None:
        self._repo = repo
        self._watchlist = watchlist
        self._clock = clock
        self._sinks = tuple(sinks)
        self._days = tuple(days_before)

    async def states(self) -> dict[str, PledgeState]:
        events = await self._repo.pledge_events()
        today = self._clock().date()
        return {
            p.id: pledge_state(p, events.get(p.id, ()), today=today)
            for p in self._watchlist.pledges
        }

    async def planned(self) -> list[Reminder]:
        return [r for state in (await self.states()).values() for r in reminders(state, self._days)]

    async def run_due(self) -> list[AlertView]:
        """Queue every reminder that is due and was not sent; returns the ones queued now."""
        now = self._clock()
        queued = []
        states = await self.states()
        for reminder in [r for s in states.values() for r in reminders(s, self._days)]:
            if reminder.at > now or now - reminder.at > LATE_GRACE:
                continue
            pledge = self._watchlist.pledge(reminder.pledge_id)
            alert = await self._repo.queue_alert(
                pledge_deadline_alert(
                    reminder.key,
                    {
                        "pledge_id": pledge.id,
                        "company": pledge.company,
                        "company_name": pledge.company_name,
                        "pledge_title": pledge.title,
                        "deadline": reminder.deadline.day.isoformat(),
                        "deadline_label": reminder.deadline.label,
                        "derived": reminder.deadline.derived,
                        "days_before": reminder.days_before,
                        "source_url": reminder.deadline.source_url,
                        "status": states[pledge.id].status,
                    },
                ),
                now=now,
                sinks=self._sinks,
            )
            if alert is not None:
                queued.append(alert)
                log.info("deadline reminder queued", extra={"reminder": reminder.key})
        return queued

    async def schedule(self, scheduler: BaseScheduler) -> list[str]:
        """Replace the reminder jobs with one date job per future reminder."""
        for job in scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX):
                job.remove()
        now = self._clock()
        ids = []
        for reminder in await self.planned():
            if reminder.at <= now:
                continue
            job_id = JOB_PREFIX + reminder.key
            scheduler.add_job(
                self.run_due,
                DateTrigger(run_date=reminder.at),
                id=job_id,
                name=job_id,
                replace_existing=True,
                misfire_grace_time=int(LATE_GRACE.total_seconds()),
            )
            ids.append(job_id)
        return ids
