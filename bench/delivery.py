"""Delivery throughput, claim latency, and scale-out across runners.

1. Bot fan-out: the real discord.py bot and the real dispatcher against the fake Discord on
   loopback with its limits on (50 requests per second in all, 5 messages per 0.5 s per
   channel), 50 subscribed channels, 20 alerts each: requests per second and 429s, paced
   (as shipped) and, for contrast, with the pacer opened wide.
2. Claim latency: the long-running dispatcher (as `pledgewatch run` starts it) on SQLite
   and on PostgreSQL; alerts are queued one by one and the time from each alert committed
   to its claim is measured, against the one-second poll.
3. Scale-out: 1 and then 2 long-running dispatchers, each in its own process with its own
   engine, on one fresh PostgreSQL database, draining 2,000 deliveries (200 channels, 10
   alerts each) through a sink that answers in 10 ms; each delivery is checked to go once
   and in channel order.

    .venv/bin/python bench/delivery.py [fan-out | scale]
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402  (the harness's monkeypatch restores discord.py's globals)
from sqlalchemy import text  # noqa: E402

from bot.delivery.discord_sink import BotSink  # noqa: E402
from bot.delivery.dispatch import Dispatcher  # noqa: E402
from bot.delivery.pacing import BOT_REQUESTS_PER_SECOND, Pacer  # noqa: E402
from bot.domain.alerts import AlertDraft  # noqa: E402
from storage.engine import create_engine, upgrade  # noqa: E402
from storage.records import PendingDelivery  # noqa: E402
from storage.repository import Repository  # noqa: E402
from tests.discord.harness import BotRunner, make_bot  # noqa: E402
from tests.fakediscord import FakeDiscord  # noqa: E402

POSTGRES = os.environ.get("PLEDGEWATCH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
CHANNELS = 50
SCALE_CHANNELS = 200  # more than one runner works at once (64), so a second one has room
TARGET_RPS = 45.0
DISCORD_GLOBAL = 50.0
POST = "POST /channels/{channel_id}/messages"


def now() -> datetime:
    return datetime.now(UTC)


def draft(n: int) -> AlertDraft:
    payload = {
        "story_id": n,
        "title": f"Story {n}: Amazon extends its Rekognition moratorium",
        "summary": "Amazon said the moratorium on police use continues.",
        "url": f"https://news.example/story-{n}",
        "source": "Example News",
        "feed_id": "example",
        "published": "2026-01-05T11:00:00+00:00",
        "kind": "company_statement",
        "event": "moratorium_extended",
        "companies": ["amazon"],
        "jurisdictions": ["US"],
        "bill_ids": [],
        "pledges": ["amazon-rekognition"],
        "bills": [],
        "score": 3.0,
        "reasons": [],
        "also_reported_by": [],
    }
    return AlertDraft(key=f"story:{n}", kind="news", importance=3, payload=payload)


# --- 1. bot fan-out ---------------------------------------------------------------------


async def fan_out(tmp: Path, pacer: Pacer, alerts: int) -> tuple[float, float, int, int]:
    """Requests per second (from start to the last message, and from the first request to
    the last), 429s and messages delivered for one fan-out."""
    monkeypatch = pytest.MonkeyPatch()
    engine = create_engine(f"sqlite:///{tmp / f'fan-{uuid.uuid4().hex[:6]}.db'}")
    try:
        await upgrade(engine)
        repo = Repository(engine)
        # Limits on; the check of each body against Discord's OpenAPI spec (test machinery
        # that runs in this process, where Discord's own work would not) off.
        async with FakeDiscord(check_contract=False) as fake:
            guild = fake.add_guild("Bench")
            channels = [fake.add_channel(guild, f"c{i}") for i in range(CHANNELS)]
            for channel in channels:
                await repo.subscribe(guild_id=guild.id, channel_id=channel.id, now=now())
            for n in range(alerts):
                await repo.queue_alert(draft(n), now=now(), sinks=["discord"])
            runner = BotRunner(fake, monkeypatch)
            bot = await runner.start(make_bot())
            sink = BotSink(bot, repo, clock=now, pacer=pacer)
            dispatcher = Dispatcher(repo, {"discord": sink}, now)
            started = time.perf_counter()
            while await repo.pending_deliveries(now=None, limit=1):
                await dispatcher.run_once()
            elapsed = time.perf_counter() - started
            posts = [r for r in fake.requests_to(POST) if 200 <= r.status < 300]
            span = posts[-1].loop_time - posts[0].loop_time
            delivered = sum(len(fake.messages(c)) for c in channels)
            limited = fake.count_status(429)
            await runner.stop_all()
        return len(posts) / elapsed, (len(posts) - 1) / span, limited, delivered
    finally:
        monkeypatch.undo()
        await engine.dispose()


# --- 2. claim latency ---------------------------------------------------------------------


class TimedSink:
    def __init__(self, count: int) -> None:
        self.sent: dict[str, float] = {}
        self.count = count
        self.done = asyncio.Event()

    async def send(self, delivery: PendingDelivery) -> str | None:
        self.sent[delivery.alert.key] = time.perf_counter()
        if len(self.sent) == self.count:
            self.done.set()
        return None


async def claim_latency(repo: Repository, count: int = 20) -> list[float]:
    await repo.subscribe(guild_id=1, channel_id=10, now=now())
    sink = TimedSink(count)
    dispatcher = Dispatcher(repo, {"discord": sink}, now)  # polls every second, as shipped
    dispatcher.start()
    queued: dict[str, float] = {}
    try:
        for n in range(count):
            await asyncio.sleep(0.137 * (n % 7 + 1))  # arrivals at unrelated moments
            await repo.queue_alert(draft(n), now=now(), sinks=["discord"])
            queued[f"story:{n}"] = time.perf_counter()
        await asyncio.wait_for(sink.done.wait(), 10)
    finally:
        await dispatcher.stop()
    return [sink.sent[k] - queued[k] for k in queued if k in sink.sent]


# --- 3. scale-out -------------------------------------------------------------------------


class SlowSink:
    """A sink that answers in 10 ms, like a nearby Discord."""

    def __init__(self, runner: str) -> None:
        self.runner = runner
        self.log: list[tuple[int, str, str, str]] = []

    async def send(self, delivery: PendingDelivery) -> str | None:
        await asyncio.sleep(0.010)
        self.log.append((time.monotonic_ns(), delivery.target, delivery.alert.key, self.runner))
        return None


async def _drain(url: str, runner: str, start_at: float) -> list[tuple[int, str, str, str]]:
    engine = create_engine(url)
    try:
        repo = Repository(engine)
        sink = SlowSink(runner)
        dispatcher = Dispatcher(repo, {"discord": sink}, now, runner=runner)
        await asyncio.sleep(max(start_at - time.time(), 0.0))
        dispatcher.start()  # the long-running loop, as `pledgewatch run` starts it
        # The other runners' progress is only known through the store: poll it.
        while await repo.pending_deliveries(now=None, limit=1):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        await dispatcher.stop()
        return sink.log
    finally:
        await engine.dispose()


def drain_in_process(url: str, runner: str, start_at: float) -> list[tuple[int, str, str, str]]:
    return asyncio.run(_drain(url, runner, start_at))


async def fresh_database() -> tuple[str, str]:
    name = f"bench_delivery_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES)
    async with admin.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return name, POSTGRES.rsplit("/", 1)[0] + "/" + name


async def drop_database(name: str) -> None:
    admin = create_engine(POSTGRES)
    async with admin.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


async def scale_out(runners: int, alerts: int = 10) -> tuple[float, int, int, Counter[str]]:
    """Deliveries per second; duplicates; channels out of order; sends per runner."""
    name, url = await fresh_database()
    try:
        engine = create_engine(url)
        await upgrade(engine)
        repo = Repository(engine)
        for channel in range(SCALE_CHANNELS):
            await repo.subscribe(guild_id=1, channel_id=1000 + channel, now=now())
        for n in range(alerts):
            await repo.queue_alert(draft(n), now=now(), sinks=["discord"])
        await engine.dispose()
        start_at = time.time() + 3.0  # every process imported and connected by then
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(runners, mp_context=context) as pool:
            loop = asyncio.get_running_loop()
            logs = await asyncio.gather(
                *(
                    loop.run_in_executor(pool, drain_in_process, url, f"r{i}", start_at)
                    for i in range(runners)
                )
            )
    finally:
        await drop_database(name)
    sends = sorted(entry for log in logs for entry in log)
    counts = Counter((target, key) for _, target, key, _ in sends)
    duplicates = sum(c - 1 for c in counts.values())
    order: dict[str, list[int]] = {}
    for _, target, key, _ in sends:
        order.setdefault(target, []).append(int(key.split(":")[1]))
    disordered = sum(seq != sorted(seq) for seq in order.values())
    offset = time.time_ns() - time.monotonic_ns()
    elapsed = (sends[-1][0] + offset) / 1e9 - start_at
    per_runner = Counter(runner for *_, runner in sends)
    return len(sends) / elapsed, duplicates, disordered, per_runner


async def postgres_up() -> bool:
    engine = create_engine(POSTGRES)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        await engine.dispose()


async def main(parts: set[str]) -> None:
    if "scale" not in parts:
        await fan_out_and_latency()
    if "fan-out" in parts:
        return
    if not await postgres_up():
        print(f"PostgreSQL is not reachable at {POSTGRES}: claim latency and scale-out skipped")
        return
    if "scale" not in parts:
        name, url = await fresh_database()
        try:
            engine = create_engine(url)
            await upgrade(engine)
            report_latency("PostgreSQL", await claim_latency(Repository(engine)))
            await engine.dispose()
        finally:
            await drop_database(name)
    one, dup1, dis1, _ = await scale_out(1)
    two, dup2, dis2, split = await scale_out(2)
    print(
        f"scale-out on PostgreSQL, {SCALE_CHANNELS} channels x 10 alerts, 10 ms sink: "
        f"1 runner {one:.0f}/s, 2 runners {two:.0f}/s ({dict(split)})"
    )
    print(f"  2 runners / 1 runner: {two / one:.2f}x")
    print(f"  duplicates {dup1} and {dup2}; channels out of order {dis1} and {dis2}")


async def fan_out_and_latency() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        alerts = 20
        rps, steady, limited, delivered = await fan_out(Path(tmp), Pacer(), alerts)
        print(
            f"bot fan-out, {CHANNELS} channels x {alerts} alerts, paced at "
            f"{BOT_REQUESTS_PER_SECOND:.0f}/s: {rps:.1f} requests/s from the start "
            f"({steady:.1f}/s first to last request), {limited} 429s, "
            f"{delivered} of {CHANNELS * alerts} delivered"
        )
        print(
            f"  {rps / TARGET_RPS:.2f}x the {TARGET_RPS:.0f}/s target, "
            f"{rps / DISCORD_GLOBAL:.2f}x Discord's global {DISCORD_GLOBAL:.0f}/s"
        )
        rps_open, _, limited_open, _ = await fan_out(Path(tmp), Pacer(10_000.0), alerts)
        print(
            f"  the same with the pacer opened wide: {rps_open:.1f} requests/s, {limited_open} 429s"
        )

        engine = create_engine(f"sqlite:///{Path(tmp) / 'latency.db'}")
        await upgrade(engine)
        sqlite_latency = await claim_latency(Repository(engine))
        await engine.dispose()
    report_latency("SQLite", sqlite_latency)


def report_latency(store: str, latencies: list[float]) -> None:
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(
        f"claim latency on {store} (queued to claimed and sent, {len(latencies)} alerts): "
        f"median {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms; median {statistics.median(latencies):.2f}x "
        "the one-second poll"
    )


if __name__ == "__main__":
    # Optional: "fan-out" (the bot fan-out and SQLite latency only) or "scale" (scale-out only).
    asyncio.run(main(set(sys.argv[1:])))
