"""The scheduler's stop: running jobs finish (or are cancelled after a grace) before it returns,
so nothing closes the store under a job."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.scheduling import build_scheduler, schedule_every


async def test_stop_waits_for_a_running_job_to_finish() -> None:
    started, release, finished = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def job() -> None:
        started.set()
        await release.wait()
        finished.set()

    scheduler = build_scheduler()
    schedule_every(scheduler, "job", job, 3600, now=datetime.now(UTC))
    scheduler.start()
    await asyncio.wait_for(started.wait(), 5)
    stopping = asyncio.create_task(scheduler.stop(grace=5))
    await asyncio.sleep(0.05)
    assert not stopping.done()  # still waiting for the job
    release.set()
    await asyncio.wait_for(stopping, 5)
    assert finished.is_set()


async def test_stop_cancels_a_job_that_outlives_the_grace() -> None:
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def stuck() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    scheduler = build_scheduler()
    schedule_every(scheduler, "stuck", stuck, 3600, now=datetime.now(UTC))
    scheduler.start()
    await asyncio.wait_for(started.wait(), 5)
    await asyncio.wait_for(scheduler.stop(grace=0.1), 5)
    assert cancelled.is_set()


async def test_stop_before_start_is_harmless() -> None:
    await build_scheduler().stop(grace=0.1)


async def test_one_job_per_pollable_feed_with_its_interval_jitter_and_limits(tmp_path) -> None:
    from bot.app import open_app
    from bot.config import parse_feeds
    from bot.scheduling import schedule_feeds
    from bot.settings import Settings

    feeds_file = tmp_path / "feeds.yaml"
    feeds_file.write_text(
        "feeds:\n"
        "  - {id: fast, url: 'https://a.example/f', kind: news, every: 15m}\n"
        "  - {id: slow, url: 'https://b.example/f', kind: news, every: 6h, jitter: 1m}\n"
        "  - {id: paused, url: 'https://c.example/f', kind: news, enabled: false}\n"
        "  - {id: keyed, url: 'https://d.example/f?k={key}', kind: legislative,"
        " format: congress, requires: CONGRESS_API_KEY}\n"
    )
    assert len(parse_feeds(feeds_file.read_text())) == 4
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'pw.db'}")
    async with open_app(settings, feeds_path=feeds_file) as app:
        scheduler = build_scheduler()
        now = datetime.now(UTC)
        assert schedule_feeds(scheduler, app.poller, app.feeds, now=now) == ["fast", "slow"]
        scheduler.start(paused=True)  # jobs get their defaults when the scheduler starts
        jobs = {job.id: job for job in scheduler.get_jobs()}
        await scheduler.stop()
    assert set(jobs) == {"feed:fast", "feed:slow"}
    fast, slow = jobs["feed:fast"], jobs["feed:slow"]
    assert fast.trigger.interval.total_seconds() == 900
    assert fast.trigger.jitter == 90  # a tenth of the interval by default
    assert (slow.trigger.interval.total_seconds(), slow.trigger.jitter) == (21600, 60)
    for job in (fast, slow):
        assert (job.max_instances, job.coalesce) == (1, True)
        assert job.misfire_grace_time > 0
    assert fast.next_run_time < slow.next_run_time  # first polls spread out


def test_first_polls_are_two_seconds_apart_while_few_and_fit_the_window_when_many() -> None:
    from datetime import timedelta

    from bot.scheduling import first_poll_delay

    every = timedelta(minutes=15)
    assert [first_poll_delay(i, 3, every) for i in range(3)] == [0, 2, 4]
    many = [first_poll_delay(i, 1000, every) for i in range(1000)]
    assert many == sorted(many)
    assert many[-1] < 300  # at most five minutes, whatever the count
    assert first_poll_delay(99, 100, timedelta(seconds=60)) < 30  # half a short interval


async def test_a_thousand_feeds_all_first_poll_within_their_first_interval(tmp_path) -> None:
    from datetime import timedelta

    from bot.app import open_app
    from bot.scheduling import schedule_feeds
    from bot.settings import Settings

    feeds_file = tmp_path / "feeds.yaml"
    feeds_file.write_text(
        "feeds:\n"
        + "".join(
            f"  - {{id: f{i}, url: 'https://f{i}.example/rss', kind: news, every: "
            f"{'15m' if i % 2 else '1m'}}}\n"
            for i in range(1000)
        )
    )
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'pw.db'}")
    async with open_app(settings, feeds_path=feeds_file) as app:
        scheduler = build_scheduler()
        now = datetime.now(UTC)
        assert len(schedule_feeds(scheduler, app.poller, app.feeds, now=now)) == 1000
        scheduler.start(paused=True)
        jobs = scheduler.get_jobs()
        await scheduler.stop()
    for job in jobs:
        first = job.next_run_time - now
        assert first < job.trigger.interval / 2 + timedelta(seconds=1), job.id
    assert max(job.next_run_time for job in jobs) - now > timedelta(seconds=20)  # spread out
