"""Digests: a digest subscription's alerts wait, then go out as one message, grouped by kind,
daily or weekly at the hour (and weekday) chosen, in the server's timezone; never empty."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.delivery.digest import schedule_digests, send_digests
from bot.domain.alerts import AlertDraft
from bot.domain.schedule import DigestSchedule, next_slot
from storage.repository import Repository
from tests.delivery.conftest import World, news

DAILY = DigestSchedule()


def to_next(world: World, schedule: DigestSchedule = DAILY) -> None:
    """Move the fake clock to just after the schedule's next moment."""
    now = world.fake.clock()
    world.fake.clock.advance((next_slot(schedule, now) - now).total_seconds() + 30)


def stage(n: int) -> AlertDraft:
    payload = {
        "key": f"us-119-s-{n}",
        "identifier": f"S.{n}",
        "title": "A bill",
        "jurisdiction": "US-federal",
        "new_stage": "reported",
        "url": f"https://congress.example/s{n}",
        "companies": [],
        "jurisdictions": ["US-federal"],
    }
    return AlertDraft(key=f"bill:{n}:stage", kind="bill_stage", importance=2, payload=payload)


async def test_digest_alerts_wait_for_their_hour_and_go_out_once_as_one_message(
    world: World,
) -> None:
    daily = world.fake.add_channel(world.guild, "daily")
    role = world.fake.add_role(world.guild, "digest-readers")
    await world.subscribe(world.alerts)
    await world.subscribe(daily, mode="digest", mention_role_id=role.id)
    for n in range(1, 4):
        await world.queue(news(n, title=f"Story {n}: @everyone Amazon moratorium"))
    await world.queue(stage(7))
    sink = world.sink()
    await world.drain(world.dispatcher(sink))
    assert len(world.fake.messages(world.alerts)) == 4
    assert world.fake.messages(daily) == []

    early = await send_digests(world.store, sink, clock=world.fake.clock)
    assert (early.sent, world.fake.messages(daily)) == (0, [])  # not its hour yet
    to_next(world)
    report = await send_digests(world.store, sink, clock=world.fake.clock)
    assert (report.sent, report.alerts, report.failed) == (1, 4, 0)
    [digest] = world.fake.messages(daily)
    embed = digest.embeds[0]
    assert embed["title"].startswith("PledgeWatch daily digest")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert list(fields) == ["Bills that moved (1)", "News (3)"]  # what changed first
    assert [line[:3] for line in fields["News (3)"].splitlines()] == ["\u2022 ["] * 3
    for n in range(1, 4):
        assert f"(https://news.example/story-{n})" in fields["News (3)"]
    assert "(https://congress.example/s7)" in fields["Bills that moved (1)"]
    assert digest.mention_roles == [role.id]
    assert digest.mention_everyone is False

    again = await send_digests(world.store, sink, clock=world.fake.clock)
    assert again.sent == 0
    assert len(world.fake.messages(daily)) == 1
    assert await world.store.digest_batches() == []


async def test_an_empty_moment_posts_nothing_and_a_later_alert_waits_for_the_next(
    world: World,
) -> None:
    await world.subscribe(world.alerts, mode="digest")
    sink = world.sink()
    to_next(world)
    empty = await send_digests(world.store, sink, clock=world.fake.clock)
    assert (empty.sent, empty.empty) == (0, 1)
    await world.queue(news(1))
    world.fake.clock.advance(hours=2)
    assert (await send_digests(world.store, sink, clock=world.fake.clock)).sent == 0
    to_next(world)
    assert (await send_digests(world.store, sink, clock=world.fake.clock)).sent == 1
    assert len(world.fake.messages(world.alerts)) == 1


async def test_a_weekly_digest_keeps_its_weekday_and_hour_in_the_servers_timezone(
    world: World,
) -> None:
    await world.store.set_guild_timezone(world.guild.id, "Asia/Kolkata", now=world.fake.clock())
    await world.subscribe(
        world.alerts, mode="digest", digest_cadence="weekly", digest_hour=9, digest_weekday=2
    )
    await world.queue(news(1))
    schedule = DigestSchedule("weekly", 9, 2, "Asia/Kolkata")  # Wednesdays 09:00, UTC+5:30
    sink = world.sink()
    moment = next_slot(schedule, world.fake.clock())
    assert (moment.weekday(), moment.hour, moment.minute) == (2, 3, 30)  # 03:30 UTC
    world.fake.clock.advance((moment - world.fake.clock()).total_seconds() - 60)
    assert (await send_digests(world.store, sink, clock=world.fake.clock)).sent == 0
    world.fake.clock.advance(seconds=120)
    assert (await send_digests(world.store, sink, clock=world.fake.clock)).sent == 1
    [digest] = world.fake.messages(world.alerts)
    assert digest.embeds[0]["title"].startswith("PledgeWatch weekly digest")
    world.fake.clock.advance(days=6)
    await world.queue(news(2))
    assert (await send_digests(world.store, sink, clock=world.fake.clock)).sent == 0


class Killed(BaseException):
    pass


class DiesBeforeRecording(Repository):
    async def record_message(self, delivery_ids: Any, message_id: str) -> None:
        raise Killed


async def test_a_digest_interrupted_after_posting_is_not_posted_twice(world: World) -> None:
    await world.subscribe(world.alerts, mode="digest")
    for n in range(1, 3):
        await world.queue(news(n))
    to_next(world)
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
    to_next(world)
    first = await send_digests(world.store, sink, clock=world.fake.clock)
    second = await send_digests(world.store, sink, clock=world.fake.clock)
    await sink.drain()
    assert (first.paused, second.paused, second.sent) == (1, 0, 0)
    assert len(world.fake.messages(world.general)) == 1
    assert world.fake.count_status(404) == 1


async def test_digests_are_looked_for_every_few_minutes_and_a_failed_one_is_retried(
    world: World,
) -> None:
    await world.subscribe(world.alerts, mode="digest")
    await world.queue(news(1))
    scheduler = AsyncIOScheduler(timezone=UTC)
    schedule_digests(scheduler, world.store, world.sink(), clock=world.fake.clock)
    job = scheduler.get_job("digests")
    assert job.trigger.interval == timedelta(minutes=5)
    to_next(world)
    world.fake.set_outage(60)
    failed = await job.func()
    assert failed.failed == 1
    world.fake.clock.advance(minutes=5)
    done = await job.func()
    assert done.sent == 1
    assert len(world.fake.messages(world.alerts)) == 1
