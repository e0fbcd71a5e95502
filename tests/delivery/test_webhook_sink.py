"""Alerts through an incoming webhook (no bot), against the fake Discord's webhook routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.delivery.dispatch import Dispatcher
from bot.delivery.webhook_sink import IN_DOUBT_NOTE, WebhookSink, parse_webhook_url
from bot.errors import ConfigError
from storage.repository import Repository
from tests.delivery.conftest import news
from tests.fakediscord import FakeDiscord
from tests.fakediscord.models import FakeChannel, FakeWebhook

EXECUTE = "POST /webhooks/{webhook_id}/{webhook_token}"


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def hook(fake_discord: FakeDiscord) -> tuple[FakeChannel, FakeWebhook]:
    guild = fake_discord.add_guild("Policy Watch")
    channel = fake_discord.add_channel(guild, "alerts")
    return channel, fake_discord.create_webhook(channel)


async def queue(store: Repository, fake: FakeDiscord, *numbers: int, **extra: Any) -> None:
    for n in numbers:
        await store.queue_alert(news(n, **extra), now=fake.clock(), sinks=["webhook"])


def sink(
    http: aiohttp.ClientSession, url: str, fake: FakeDiscord, store: Repository
) -> WebhookSink:
    return WebhookSink(http, url, clock=fake.clock, repo=store)


async def drain(dispatcher: Dispatcher, store: Repository, fake: FakeDiscord) -> None:
    for _ in range(100):
        await dispatcher.run_once()
        if not await store.pending_deliveries(now=None, targets=["webhook"]):
            return
        fake.clock.advance(seconds=30)
    raise AssertionError("deliveries still pending")


async def test_webhook_mode_delivers_with_wait_true_and_keeps_the_message_id(
    fake_discord: FakeDiscord,
    hook: tuple[FakeChannel, FakeWebhook],
    store: Repository,
    http: aiohttp.ClientSession,
) -> None:
    channel, webhook = hook
    await queue(store, fake_discord, 1, title="@everyone <@&123456789012345678> Amazon news")
    dispatcher = Dispatcher(
        store, {"webhook": sink(http, webhook.url, fake_discord, store)}, fake_discord.clock
    )
    report = await dispatcher.run_once()
    assert report.sent == 1
    [msg] = fake_discord.messages(channel)
    assert msg.webhook_id == webhook.id
    assert msg.mention_everyone is False
    assert msg.mention_roles == []
    assert msg.embeds[0]["url"] == "https://news.example/story-1"
    [request] = fake_discord.requests_to(EXECUTE)
    assert request.query.get("wait") == "true"
    assert request.body["allowed_mentions"] == {"parse": []}
    [(_alert, message_id)] = await store.sent_messages("webhook", ["story:1"])
    assert int(message_id) == msg.id


async def test_stopped_after_the_post_was_kept_posts_nothing_twice(
    fake_discord: FakeDiscord,
    hook: tuple[FakeChannel, FakeWebhook],
    store: Repository,
    http: aiohttp.ClientSession,
) -> None:
    channel, webhook = hook
    await queue(store, fake_discord, 1, 2, 3)
    [first, *_] = await store.pending_deliveries(now=None)
    await sink(http, webhook.url, fake_discord, store).send(first)  # then the process stops
    restarted = Dispatcher(
        store, {"webhook": sink(http, webhook.url, fake_discord, store)}, fake_discord.clock
    )
    await drain(restarted, store, fake_discord)
    titles = [m.embeds[0]["title"][:7] for m in fake_discord.messages(channel)]
    assert titles == ["Story 1", "Story 2", "Story 3"]
    assert len(fake_discord.requests_to(EXECUTE)) == 3


class Killed(BaseException):
    pass


class DiesMidRequest(Repository):
    """The process dies after Discord created the message, before its id was stored."""

    async def record_message(self, delivery_ids: Any, message_id: str) -> None:
        raise Killed


async def test_killed_mid_request_resends_once_and_says_it_may_repeat(
    fake_discord: FakeDiscord,
    hook: tuple[FakeChannel, FakeWebhook],
    store: Repository,
    http: aiohttp.ClientSession,
) -> None:
    """The documented limit of webhooks: the one request in flight is sent again, never lost,
    and the repeat says so. Nothing else is posted twice."""
    channel, webhook = hook
    await queue(store, fake_discord, 1, 2)
    dying = DiesMidRequest(store.engine)
    with pytest.raises(Killed):
        await Dispatcher(
            dying, {"webhook": sink(http, webhook.url, fake_discord, dying)}, fake_discord.clock
        ).run_once()
    restarted = Dispatcher(
        store, {"webhook": sink(http, webhook.url, fake_discord, store)}, fake_discord.clock
    )
    await drain(restarted, store, fake_discord)
    await restarted.run_once()
    messages = fake_discord.messages(channel)
    assert [m.embeds[0]["title"][:7] for m in messages] == ["Story 1", "Story 1", "Story 2"]
    assert IN_DOUBT_NOTE not in messages[0].embeds[0]["footer"]["text"]
    assert IN_DOUBT_NOTE in messages[1].embeds[0]["footer"]["text"]
    assert IN_DOUBT_NOTE not in messages[2].embeds[0]["footer"]["text"]


async def test_a_deleted_webhook_costs_one_404_then_no_more_requests(
    fake_discord: FakeDiscord,
    hook: tuple[FakeChannel, FakeWebhook],
    store: Repository,
    http: aiohttp.ClientSession,
) -> None:
    channel, webhook = hook
    await queue(store, fake_discord, 1, 2, 3)
    fake_discord.delete_channel(channel)
    dispatcher = Dispatcher(
        store, {"webhook": sink(http, webhook.url, fake_discord, store)}, fake_discord.clock
    )
    reports = [await dispatcher.run_once() for _ in range(3)]
    assert sum(r.failed for r in reports) == 3
    assert [r.status for r in fake_discord.requests_to(EXECUTE)] == [404]
    assert await store.pending_deliveries(now=None) == []


async def test_rate_limits_and_outages_end_with_every_alert_delivered_in_order(
    fake_discord: FakeDiscord,
    hook: tuple[FakeChannel, FakeWebhook],
    store: Repository,
    http: aiohttp.ClientSession,
) -> None:
    channel, webhook = hook
    fake_discord.set_bucket(EXECUTE, 3, 0.2)
    await queue(store, fake_discord, *range(1, 13))
    fake_discord.rate_limit_storm(count=4, retry_after=0.01, route=EXECUTE)
    fake_discord.set_outage(300)
    dispatcher = Dispatcher(
        store, {"webhook": sink(http, webhook.url, fake_discord, store)}, fake_discord.clock
    )
    await drain(dispatcher, store, fake_discord)
    numbers = [int(m.embeds[0]["title"].split(":")[0][6:]) for m in fake_discord.messages(channel)]
    assert numbers == list(range(1, 13))
    assert fake_discord.count_status(503) >= 1
    assert fake_discord.count_status(429) == 4  # the storm only: the bucket was waited out


def test_webhook_urls_are_parsed_for_any_api_base() -> None:
    real = parse_webhook_url("https://discord.com/api/webhooks/123/abc-DEF_1?thread_id=9")
    assert (real.base, real.id, real.token, real.thread_id) == (
        "https://discord.com/api",
        123,
        "abc-DEF_1",
        "9",
    )
    local = parse_webhook_url("http://127.0.0.1:8080/api/v10/webhooks/5/tok")
    assert local.execute == "http://127.0.0.1:8080/api/v10/webhooks/5/tok"
    assert "tok" not in repr(local)
    for bad in (
        "ftp://discord.com/api/webhooks/1/t",
        "https://discord.com/api/webhooks/x/t",
        "nonsense",
    ):
        with pytest.raises(ConfigError):
            parse_webhook_url(bad)
