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
