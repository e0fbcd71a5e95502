"""Deadline reminders through Amazon's original one-year term, with an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.domain.alerts import news_alert
from bot.domain.pledges import Signal
from bot.domain.types import FeedItem, Match
from bot.domain.watchlist import Watchlist, load_watchlist
from bot.reminders import JOB_PREFIX, ReminderService
from storage.records import IngestEntry
from storage.repository import Repository
from tests.conftest import Clock

AMAZON = "amazon-rekognition-police-moratorium"


@pytest.fixture
def june_2020() -> Watchlist:
    """The watchlist as it stood in June 2020: Amazon's history ends at the announcement."""
    full = load_watchlist()
    amazon = full.pledge(AMAZON)
    pledges = tuple(
        p.model_copy(update={"history": amazon.history[:1]}) if p.id == AMAZON else p
        for p in full.pledges
    )
    return full.model_copy(update={"pledges": pledges})


async def confirm_extension(repo: Repository, now: datetime) -> None:
    item = FeedItem(
        feed_id="news",
        guid="ext",
        url="https://news.example/amazon-extends",
        title="Amazon extends its moratorium on police use of Rekognition",
        summary="",
        published=now,
    )
    match = Match(
        relevant=True,
        kind="company_statement",
        event="moratorium_extended",
        companies=("amazon",),
        pledges=(AMAZON,),
    )
    await repo.ingest(
        "news",
        [IngestEntry(item, match, (Signal(AMAZON, "extended", "moratorium_extended", {}),))],
        now=now,
        story_window=timedelta(days=3),
        choose_story=lambda *_: None,
        make_alert=news_alert,
        sinks=["console"],
    )
    [suggestion] = await repo.suggestions()
    await repo.decide_suggestion(suggestion.id, confirm=True, by="mod", now=now)


async def test_reminders_fire_on_time_stop_after_the_extension_and_survive_a_restart(
    repo: Repository, june_2020: Watchlist
) -> None:
    clock = Clock(datetime(2020, 6, 10, 0, 0, tzinfo=UTC))
    service = ReminderService(repo, june_2020, clock, ["console"])
    sent: list[tuple[str, int]] = []
    extended = restarted = False
    while clock.now < datetime(2021, 6, 11, 23, 0, tzinfo=UTC):
        if not extended and clock.now >= datetime(2021, 5, 18, 14, tzinfo=UTC):
            await confirm_extension(repo, clock.now)
            extended = True
        if not restarted and clock.now >= datetime(2021, 5, 11, 14, tzinfo=UTC):
            service = ReminderService(repo, june_2020, clock, ["console"])  # a restart
            restarted = True
        sent += [(a.payload["deadline"], a.payload["days_before"]) for a in await service.run_due()]
        # A restart mid-day re-runs the same check: nothing may be sent twice.
        sent += [(a.payload["deadline"], a.payload["days_before"]) for a in await service.run_due()]
        clock.advance(hours=11)
    # Only the 30-day reminder falls before the 2021-05-18 extension.
    assert sent == [("2021-06-10", 30)]
    reminder = [
        d.alert
        for d in await repo.pending_deliveries(now=None)
        if d.alert.kind == "pledge_deadline"
    ]
    assert len(reminder) == 1
    assert reminder[0].payload["derived"] is True
    assert reminder[0].payload["source_url"].startswith("https://")


async def test_the_scheduler_gets_a_date_job_per_future_reminder_and_loses_them_on_extension(
    repo: Repository, june_2020: Watchlist
) -> None:
    clock = Clock(datetime(2021, 5, 1, tzinfo=UTC))
    service = ReminderService(repo, june_2020, clock, ["console"])
    scheduler = AsyncIOScheduler(timezone=UTC)
    ids = await service.schedule(scheduler)
    assert ids == [
        f"{JOB_PREFIX}pledge:{AMAZON}:deadline:2021-06-10:{days}d" for days in (30, 7, 1, 0)
    ]
    runs = [job.trigger.run_date for job in scheduler.get_jobs()]
    assert runs[0] == datetime(2021, 5, 11, 13, tzinfo=UTC)
    await confirm_extension(repo, clock.now)
    assert await service.schedule(scheduler) == []
    assert [j for j in scheduler.get_jobs() if j.id.startswith(JOB_PREFIX)] == []
