"""Delivery concurrent across channels and in order within each, paced under Discord's
global limit: the pacer itself, the bot against the fake Discord's global limit, and the
long-running dispatcher with one channel stuck."""

from __future__ import annotations

import asyncio
import itertools

from bot.delivery.discord_sink import BotSink
from bot.delivery.dispatch import Dispatcher
from bot.delivery.pacing import Pacer
from storage.records import PendingDelivery
from storage.repository import Repository
from tests.conftest import Clock
from tests.delivery.conftest import World, news


class FakeTime:
    """A monotonic clock that moves only when the pacer sleeps (each sleep wakes a little
    late, as real ones do) or when the test says so."""

    def __init__(self, late: float) -> None:
        self.now = 100.0
        self.late = late
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds + self.late
        await asyncio.sleep(0)


async def test_the_pacer_keeps_every_callers_turns_on_schedule_and_never_saves_them_up() -> None:
    time = FakeTime(late=0.02)
    pacer = Pacer(10.0, now=time, sleep=time.sleep)
    granted: list[float] = []

    async def caller() -> None:
        await pacer.turn()
        granted.append(time.now)

    await asyncio.gather(*(caller() for _ in range(6)))
    gaps = [round(b - a, 6) for a, b in itertools.pairwise(granted)]
    assert min(gaps) >= 0.08  # never closer than the interval, less one late wake-up
    assert round(granted[-1] - granted[0], 6) == 0.52  # late wake-ups do not add up
    time.now += 5.0  # idle, or stalled: no turns are banked meanwhile
    sleeps = len(time.slept)
    await caller()
    assert len(time.slept) == sleeps  # the first goes at once
    await caller()
    assert time.slept[-1] == 0.1  # the next waits a full interval


def number(message: object) -> int:
    title: str = message.embeds[0]["title"]  # type: ignore[attr-defined]
    return int(title.split(":")[0].removeprefix("Story "))


async def test_the_bot_fans_out_to_many_channels_under_the_global_limit_with_no_429(
    world: World,
) -> None:
    # The fake's global limit at 20 per second; the pacer a margin below it.
    world.fake.set_global_limit(10, 0.5)
    channels = [world.fake.add_channel(world.guild, f"c{i}") for i in range(8)]
    for channel in channels:
        await world.subscribe(channel)
    for n in range(1, 5):
        await world.queue(news(n))
    sink = BotSink(world.bot, world.store, clock=world.fake.clock, pacer=Pacer(14.0))
    report = await world.dispatcher(sink).run_once()
    assert report.sent == 32
    assert world.fake.count_status(429) == 0
    for channel in channels:
        assert [number(m) for m in world.fake.messages(channel)] == [1, 2, 3, 4]


class GatedSink:
    """Stands where Discord answers; one channel's send hangs until the test opens it."""

    def __init__(self, stuck: str, expected: int) -> None:
        self.stuck = stuck
        self.gate = asyncio.Event()
        self.sent: list[tuple[str, str]] = []
        self.expected = expected
        self.others_done = asyncio.Event()
        self.all_done = asyncio.Event()

    async def send(self, delivery: PendingDelivery) -> str | None:
        if delivery.target == self.stuck:
            await self.gate.wait()
        self.sent.append((delivery.target, delivery.alert.key))
        others = [s for s in self.sent if s[0] != self.stuck]
        if len(others) == self.expected:
            self.others_done.set()
        if len(self.sent) == self.expected + 3:
            self.all_done.set()
        return None


async def test_a_stuck_channel_never_holds_back_the_others_and_new_alerts_wake_delivery(
    repo: Repository, clock: Clock
) -> None:
    for channel in (10, 11, 12):
        await repo.subscribe(guild_id=1, channel_id=channel, now=clock())
    sink = GatedSink("channel:10", expected=6)
    dispatcher = Dispatcher(repo, {"discord": sink}, clock, poll_every=0.05)
    dispatcher.start()
    try:
        for n in range(3):  # queued while the dispatcher runs
            await repo.queue_alert(news(n), now=clock.advance(seconds=1), sinks=["discord"])
        await asyncio.wait_for(sink.others_done.wait(), 20)
        assert not [s for s in sink.sent if s[0] == "channel:10"]
        sink.gate.set()
        await asyncio.wait_for(sink.all_done.wait(), 20)
    finally:
        await dispatcher.stop()
    for target in ("channel:10", "channel:11", "channel:12"):
        assert [key for t, key in sink.sent if t == target] == ["story:0", "story:1", "story:2"]
    assert await repo.pending_deliveries(now=None) == []
