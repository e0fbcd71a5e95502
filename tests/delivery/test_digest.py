"""Daily digests: a digest subscription's alerts wait, then go out as one message."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.delivery.digest import schedule_digests, send_digests
from storage.repository import Repository
from tests.delivery.conftest import World, news


async def test_digest_alerts_wait_and_go_out_once_as_one_message(world: World) -> None:
    daily = world.fake.add_channel(world.guild, "daily")
    role = world.fake.add_role(world.guild, "digest-readers")
    await world.subscribe(world.alerts)
    await world.subscribe(daily, mode="digest", mention_role_id=role.id)
    for n in range(1, 4):
        await world.queue(news(n, title=f"Story {n}: @everyone Amazon moratorium"))
    sink = world.sink()
    await world.drain(world.dispatcher(sink))
    assert len(world.fake.messages(world.alerts)) == 3
    assert world.fake.messages(daily) == []

    report = await send_digests(world.store, sink, clock=world.fake.clock)
    assert (report.sent, report.alerts, report.failed) == (1, 3, 0)
    [digest] = world.fake.messages(daily)
    text = digest.embeds[0]["description"]
    assert [line[:9] for line in text.splitlines()] == ["\u2022 news: ["] * 3
    for n in range(1, 4):
        assert f"(https://news.example/story-{n})" in text
    assert digest.mention_roles == [role.id]
    assert digest.mention_everyone is False

    again = await send_digests(world.store, sink, clock=world.fake.clock)
    assert again.sent == 0
    assert len(world.fake.messages(daily)) == 1
    assert await world.store.digest_batches() == []


class Killed(BaseException):
    pass


class DiesBeforeRecording(Repository):
    async def record_message(self, delivery_ids: Any, message_id: str) -> None:
        raise Killed


async def test_a_digest_interrupted_after_posting_is_not_posted_twice(world: World) -> None:
    await world.subscribe(world.alerts, mode="digest")
    for n in range(1, 3):
        await world.queue(news(n))
    dying = DiesBeforeRecording(world.store.engine)
    with pytest.raises(Killed):
        await send_digests(dying, world.sink(dying), clock=world.fake.clock)
    report = await send_digests(world.store, world.sink(), clock=world.fake.clock)
    assert report.sent == 1
    assert len(world.fake.messages(world.alerts)) == 1
    assert len(world.fake.deduplicated) == 1


async def test_a_digest_to_a_deleted_channel_pauses_and_tells_the_admins_once(
    world: World,
) -> None:
    await world.subscribe(world.alerts, mode="digest")
    await world.queue(news(1))
    world.fake.delete_channel(world.alerts)
    sink = world.sink()
    first = await send_digests(world.store, sink, clock=world.fake.clock)
    second = await send_digests(world.store, sink, clock=world.fake.clock)
    await sink.drain()
    assert (first.paused, second.paused, second.sent) == (1, 0, 0)
    assert len(world.fake.messages(world.general)) == 1
    assert world.fake.count_status(404) == 1


async def test_digests_run_daily_and_a_failed_one_is_retried(world: World) -> None:
    await world.subscribe(world.alerts, mode="digest")
    await world.queue(news(1))
    scheduler = AsyncIOScheduler(timezone=UTC)
    schedule_digests(scheduler, world.store, world.sink(), clock=world.fake.clock, hour=13)
    job = scheduler.get_job("digests")
    assert str(job.trigger) == "cron[hour='13', minute='0']"
    world.fake.set_outage(60)
    failed = await job.func()
    assert failed.failed == 1
    retry = scheduler.get_job("digest-retry")
    assert retry is not None
    world.fake.clock.advance(minutes=15)
    done = await retry.func()
    assert done.sent == 1
    assert len(world.fake.messages(world.alerts)) == 1
