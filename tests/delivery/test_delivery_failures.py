"""Failures around delivery: a store that refuses writes, an outage that ends, and a webhook
that echoes its own token back in an error."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import event, select

from bot.delivery.dispatch import PROBE_CEILING, Dispatcher
from bot.delivery.webhook_sink import WebhookSink
from storage.engine import create_engine, upgrade
from storage.models import Delivery
from storage.records import PendingDelivery
from storage.repository import Repository
from tests.conftest import Clock
from tests.delivery.conftest import World, news


class EdgeSink:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, delivery: PendingDelivery) -> str | None:
        self.sent.append(delivery.alert.key)
        return None


def messages_of(records: list[logging.LogRecord], text: str) -> list[logging.LogRecord]:
    return [r for r in records if text in r.getMessage()]


async def test_a_store_that_refuses_writes_is_one_warning_then_delivery_resumes(
    tmp_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "pledgewatch.db"
    healthy = create_engine(f"sqlite:///{path}")
    await upgrade(healthy)
    store = Repository(healthy)
    await store.subscribe(guild_id=1, channel_id=10, now=clock())
    for n in range(2):
        await store.queue_alert(news(n), now=clock.advance(seconds=1), sinks=["discord"])
    # The dispatcher's own engine, whose database refuses every write (as a full disk does).
    refusing = {"on": True}
    engine = create_engine(f"sqlite:///{path}")

    def read_only(dbapi_connection: Any, _record: Any) -> None:
        if refusing["on"]:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA query_only=ON")
            cursor.close()

    event.listen(engine.sync_engine, "connect", read_only)
    sink = EdgeSink()
    dispatcher = Dispatcher(Repository(engine), {"discord": sink}, clock)
    caplog.set_level(logging.INFO)
    try:
        for _ in range(3):
            assert await dispatcher.step() == 0
        assert sink.sent == []
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert not messages_of(caplog.records, "crashed")
        [warning] = messages_of(caplog.records, "the store failed")
        assert warning.levelno == logging.WARNING
        assert "readonly" in warning.__dict__["error"]
        refusing["on"] = False
        await engine.dispose()  # the disk has room again: new connections write
        assert await dispatcher.step() == 1
        await dispatcher.run_once()
    finally:
        await engine.dispose()
        await healthy.dispose()
    assert sink.sent == ["story:0", "story:1"]
    assert len(messages_of(caplog.records, "delivery resumes")) == 1


async def test_after_an_outage_delivery_resumes_at_the_first_probe_and_never_hammers(
    world: World,
) -> None:
    channels = [world.alerts, world.fake.add_channel(world.guild, "b")]
    channels.append(world.fake.add_channel(world.guild, "c"))
    for channel in channels:
        await world.subscribe(channel)
    for n in range(1, 6):
        await world.queue(news(n))
    outage = 600.0
    started = world.fake.clock()
    world.fake.set_outage(outage)
    dispatcher = world.dispatcher(world.sink())
    first_delivery = None
    for _ in range(1000):
        await dispatcher.run_once()
        if first_delivery is None and any(world.fake.messages(c) for c in channels):
            first_delivery = world.fake.clock()
        if not await world.store.pending_deliveries(now=None, targets=["discord"]):
            break
        world.fake.clock.advance(seconds=1)
    assert first_delivery is not None
    late = (first_delivery - started).total_seconds() - outage
    assert 0 <= late <= PROBE_CEILING.total_seconds()
    for channel in channels:
        assert [m.embeds[0]["title"][:7] for m in world.fake.messages(channel)] == [
            f"Story {n}" for n in range(1, 6)
        ]
    # The first failure of each channel, then one probe per interval (5 s, 10 s, then 15 s).
    refused = world.fake.count_status(503)
    assert refused <= len(channels) + 2 + outage / PROBE_CEILING.total_seconds()
    print(f"outage of {outage:.0f} s: first delivery {late:.0f} s after it ended; {refused} 503s")


TOKEN = "sEcReT-t0ken_with.parts-0123456789abcdefghijklmnop"


@pytest.fixture
async def echoing_webhook() -> AsyncIterator[tuple[str, list[int]]]:
    """An endpoint standing in for Discord that echoes the request URL in its errors: 500
    first, then 400 twice (the embed, then the bare embed)."""
    statuses = [500, 400, 400]

    async def execute(request: web.Request) -> web.Response:
        status = statuses.pop(0) if statuses else 500
        body = {"message": f"cannot post to {request.url} (token {TOKEN})", "code": 0}
        return web.Response(status=status, text=json.dumps(body))

    app = web.Application()
    app.router.add_post("/api/webhooks/{id}/{token}", execute)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/api/webhooks/42/{TOKEN}", statuses
    await runner.cleanup()


async def test_a_webhook_token_echoed_in_an_error_never_reaches_logs_or_the_store(
    store: Repository,
    clock: Clock,
    echoing_webhook: tuple[str, list[int]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    url, statuses = echoing_webhook
    await store.queue_alert(news(1), now=clock(), sinks=["webhook"])
    caplog.set_level(logging.DEBUG)
    async with aiohttp.ClientSession() as http:
        sink = WebhookSink(http, url, clock=clock, repo=store)
        dispatcher = Dispatcher(store, {"webhook": sink}, clock)
        assert (await dispatcher.run_once()).retried == 1  # the 500
        clock.advance(minutes=1)
        assert (await dispatcher.run_once()).failed == 1  # refused twice
    assert statuses == []
    logged = " ".join(f"{r.getMessage()} {vars(r)}" for r in caplog.records)
    assert "cannot post to" in logged
    assert TOKEN not in logged
    async with store.engine.connect() as conn:
        [error] = (await conn.execute(select(Delivery.last_error))).scalars().all()
    assert error is not None
    assert "***" in error
    assert TOKEN not in error
