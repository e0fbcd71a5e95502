"""Several runners on one store: each delivery is sent once, each channel in order, and a
dead runner's claims return after their lease. Every runner here has its own engine (its
own connection pool), as separate processes would, on the same SQLite file or the same
PostgreSQL schema."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.delivery.discord_sink import BotSink
from bot.delivery.dispatch import LEASE, Dispatcher
from bot.errors import DeliveryError
from storage.engine import create_engine
from storage.records import PendingDelivery
from storage.repository import Repository
from tests.conftest import Clock
from tests.delivery.conftest import news
from tests.discord.harness import BotRunner
from tests.fakediscord import FakeDiscord


@asynccontextmanager
async def runners(repo: Repository, count: int) -> AsyncIterator[list[Repository]]:
    """``count`` repositories on separate engines over ``repo``'s database."""
    url = repo.engine.url
    engines = []
    if url.get_backend_name() == "sqlite":
        for _ in range(count):
            engines.append(create_engine(f"sqlite:///{url.database}"))
    else:
        async with repo.engine.connect() as conn:
            schema = await conn.scalar(text("SELECT current_schema()"))
        for _ in range(count):
            engines.append(
                create_async_engine(
                    url.render_as_string(hide_password=False),
                    connect_args={"server_settings": {"search_path": str(schema)}},
                )
            )
    try:
        yield [Repository(engine) for engine in engines]
    finally:
        for engine in engines:
            await engine.dispose()


class RecordingSink:
    """Stands where Discord answers; every runner's sends land in one shared log."""

    def __init__(self, log: list[tuple[str, str, str]], runner: str, rng: random.Random) -> None:
        self.log = log
        self.runner = runner
        self.rng = rng
        self.fail: dict[str, DeliveryError] = {}

    async def send(self, delivery: PendingDelivery) -> str | None:
        error = self.fail.pop(delivery.alert.key, None)
        if error is not None:
            raise error
        for _ in range(self.rng.randrange(3)):
            await asyncio.sleep(0)  # let the other runners interleave here
        self.log.append((delivery.target, delivery.alert.key, self.runner))
        return f"m-{delivery.id}"


async def queue(repo: Repository, clock: Clock, numbers: range) -> None:
    for n in numbers:
        await repo.queue_alert(news(n), now=clock.advance(seconds=1), sinks=["discord"])


async def until_drained(dispatcher: Dispatcher, repo: Repository) -> None:
    for _ in range(200):
        await dispatcher.run_once()
        if not await repo.pending_deliveries(now=None):
            return
        await asyncio.sleep(0)
    raise AssertionError("deliveries still pending")


def per_target(log: list[tuple[str, str, str]]) -> dict[str, list[int]]:
    order: dict[str, list[int]] = {}
    for target, key, _runner in log:
        order.setdefault(target, []).append(int(key.split(":")[1]))
    return order


async def test_three_runners_send_every_delivery_once_and_each_channel_in_order(
    repo: Repository, clock: Clock
) -> None:
    channels = range(10, 16)
    for channel in channels:
        await repo.subscribe(guild_id=1, channel_id=channel, now=clock())
    await queue(repo, clock, range(0, 15))
    log: list[tuple[str, str, str]] = []
    async with runners(repo, 3) as stores:
        dispatchers = [
            Dispatcher(
                store,
                {"discord": RecordingSink(log, f"r{i}", random.Random(i))},
                clock,
                runner=f"r{i}",
                max_targets=2,
            )
            for i, store in enumerate(stores)
        ]

        async def more_alerts() -> None:
            await queue(stores[0], clock, range(15, 30))

        await asyncio.gather(
            more_alerts(), *(until_drained(d, s) for d, s in zip(dispatchers, stores, strict=True))
        )
        for dispatcher, store in zip(dispatchers, stores, strict=True):
            await until_drained(dispatcher, store)
    sends = Counter((target, key) for target, key, _ in log)
    assert len(sends) == 6 * 30
    assert set(sends.values()) == {1}
    assert per_target(log) == {f"channel:{c}": list(range(30)) for c in channels}


async def test_a_runner_never_sends_past_another_runners_waiting_alert(
    repo: Repository, clock: Clock
) -> None:
    await repo.subscribe(guild_id=1, channel_id=10, now=clock())
    await queue(repo, clock, range(3))
    log: list[tuple[str, str, str]] = []
    async with runners(repo, 2) as (store_a, store_b):
        sink_a = RecordingSink(log, "a", random.Random(1))
        sink_a.fail["story:0"] = DeliveryError("503 from Discord")
        a = Dispatcher(store_a, {"discord": sink_a}, clock, runner="a")
        b = Dispatcher(store_b, {"discord": RecordingSink(log, "b", random.Random(2))}, clock)
        assert (await a.run_once()).retried == 1
        assert (await b.run_once()).sent == 0  # story:1 and story:2 wait behind story:0
        clock.advance(minutes=6)
        assert (await b.run_once()).sent == 3
    assert [(key, runner) for _, key, runner in log] == [
        ("story:0", "b"),
        ("story:1", "b"),
        ("story:2", "b"),
    ]


async def test_a_dead_runners_claim_returns_after_its_lease_and_it_cannot_send_after(
    repo: Repository, clock: Clock
) -> None:
    await repo.subscribe(guild_id=1, channel_id=10, now=clock())
    await queue(repo, clock, range(3))
    log: list[tuple[str, str, str]] = []
    async with runners(repo, 2) as (store_a, store_b):
        # Runner "a" claims the channel and dies before sending anything.
        claimed = await store_a.claim_targets(
            runner="a", sinks=["discord"], now=clock(), lease=LEASE, limit=10
        )
        assert claimed == ["channel:10"]
        b = Dispatcher(store_b, {"discord": RecordingSink(log, "b", random.Random(2))}, clock)
        assert (await b.run_once()).sent == 0  # a's lease is live
        clock.advance(seconds=LEASE.total_seconds() - 1)
        assert (await b.run_once()).sent == 0
        clock.advance(seconds=2)
        assert (await b.run_once()).sent == 3
        # A runner that only stalled finds its claim gone and must not send.
        assert not await store_a.hold_claim("channel:10", runner="a", until=clock() + LEASE)
    assert [key for _, key, _ in log] == ["story:0", "story:1", "story:2"]


async def test_a_live_claim_is_renewed_and_released_when_the_queue_is_done(
    repo: Repository, clock: Clock
) -> None:
    await repo.subscribe(guild_id=1, channel_id=10, now=clock())
    await queue(repo, clock, range(2))
    lease = timedelta(seconds=30)
    claim = {"runner": "a", "sinks": ["discord"], "lease": lease, "limit": 5}
    assert await repo.claim_targets(now=clock(), **claim) == ["channel:10"]
    assert await repo.claim_targets(now=clock(), **claim | {"runner": "b"}) == []
    clock.advance(seconds=20)
    assert await repo.renew_claims(runner="a", until=clock() + lease) == 1
    clock.advance(seconds=20)  # past the first lease, inside the renewed one
    assert await repo.claim_targets(now=clock(), **claim | {"runner": "b"}) == []
    await repo.release_claim("channel:10", runner="a")
    assert await repo.claim_targets(now=clock(), **claim | {"runner": "b"}) == ["channel:10"]


async def test_one_run_sends_every_due_alert_with_no_cap_per_run(
    repo: Repository, clock: Clock
) -> None:
    for channel in (10, 11):
        await repo.subscribe(guild_id=1, channel_id=channel, now=clock())
    await queue(repo, clock, range(130))
    log: list[tuple[str, str, str]] = []
    sink = RecordingSink(log, "a", random.Random(3))
    report = await Dispatcher(repo, {"discord": sink}, clock).run_once()
    assert report.sent == 260
    assert per_target(log) == {"channel:10": list(range(130)), "channel:11": list(range(130))}


async def test_a_send_longer_than_the_lease_keeps_its_claim_through_the_heartbeat(
    repo: Repository, clock: Clock
) -> None:
    await repo.subscribe(guild_id=1, channel_id=10, now=clock())
    await queue(repo, clock, range(2))
    started, gate = asyncio.Event(), asyncio.Event()

    class SlowSink:
        async def send(self, delivery: PendingDelivery) -> str | None:
            started.set()
            await gate.wait()  # Discord answers late (a long rate-limit wait, a slow network)
            return None

    async with runners(repo, 2) as (store_a, store_b):
        a = Dispatcher(store_a, {"discord": SlowSink()}, clock, runner="a")
        assert await a.step() == 1
        await asyncio.wait_for(started.wait(), 10)
        for _ in range(4):  # 80 s in all, far past the 30 s lease
            clock.advance(seconds=20)
            await a.step()
            assert (
                await store_b.claim_targets(
                    runner="b", sinks=["discord"], now=clock(), lease=LEASE, limit=5
                )
                == []
            )
        gate.set()
        assert (await a.run_once()).sent == 2


async def test_two_runners_post_through_discord_once_and_in_order(
    repo: Repository, clock: Clock, fake_discord: FakeDiscord, bots: BotRunner
) -> None:
    guild = fake_discord.add_guild("Policy Watch")
    channels = [fake_discord.add_channel(guild, f"alerts-{i}") for i in range(3)]
    for channel in channels:
        await repo.subscribe(guild_id=guild.id, channel_id=channel.id, now=clock())
    await queue(repo, clock, range(8))
    bot = await bots.start()
    async with runners(repo, 2) as stores:
        dispatchers = [
            Dispatcher(store, {"discord": BotSink(bot, store, clock=clock)}, clock)
            for store in stores
        ]
        await asyncio.gather(
            *(until_drained(d, s) for d, s in zip(dispatchers, stores, strict=True))
        )
    for channel in channels:
        titles = [m.embeds[0]["title"].split(":")[0] for m in fake_discord.messages(channel)]
        assert titles == [f"Story {n}" for n in range(8)]
    assert len(fake_discord.requests_to("POST /channels/{channel_id}/messages")) == 24
    assert fake_discord.deduplicated == []
