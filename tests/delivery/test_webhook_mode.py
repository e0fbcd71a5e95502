"""Webhook mode as in bot mode: the operator's filters, edits of posted messages by the ids
?wait=true gave (a story's new sources, a bill's new stage on its earlier alert), and
digests at the operator's moment; against the fake Discord's webhook routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from bot.delivery.digest import send_webhook_digest
from bot.delivery.dispatch import Dispatcher
from bot.delivery.webhook_sink import WebhookSink
from bot.domain.alerts import AlertDraft, SubscriptionFilter, news_alert
from bot.domain.schedule import DigestSchedule, next_slot
from bot.domain.types import FeedItem, Match
from bot.ingest.pipeline import choose_story
from storage.records import IngestEntry, PendingDelivery
from storage.repository import Repository
from tests.delivery.conftest import news
from tests.fakediscord import FakeDiscord
from tests.fakediscord.models import FakeChannel, FakeWebhook

EDIT = "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def hook(fake_discord: FakeDiscord) -> tuple[FakeChannel, FakeWebhook]:
    guild = fake_discord.add_guild("Policy Watch")
    channel = fake_discord.add_channel(guild, "alerts")
    return channel, fake_discord.create_webhook(channel)


def dispatcher(store: Repository, sink: WebhookSink, fake: FakeDiscord) -> Dispatcher:
    return Dispatcher(store, {"webhook": sink}, fake.clock)


async def drain(d: Dispatcher, store: Repository, fake: FakeDiscord) -> None:
    for _ in range(50):
        await d.run_once()
        if not await store.pending_deliveries(now=None, targets=["webhook"]):
            return
        fake.clock.advance(seconds=30)
    raise AssertionError("deliveries still pending")


def bill(stage: str, *, earlier: list[str] | None = None) -> AlertDraft:
    payload = {
        "key": "us-119-s-681",
        "identifier": "S.681",
        "title": "Facial Recognition Moratorium Act",
        "jurisdiction": "US-federal",
        "stage": stage,
        "new_stage": stage,
        "url": "https://congress.example/s681",
        "source_url": "https://congress.example/s681/actions",
        "companies": [],
        "jurisdictions": ["US-federal"],
        "earlier_alerts": earlier or [],
    }
    kind = "bill_stage" if earlier is not None else "new_bill"
    return AlertDraft(f"bill:us-119-s-681:{stage}", kind, 2, payload)


async def test_the_operators_filters_choose_what_the_webhook_posts(
    fake_discord: FakeDiscord, hook, store: Repository, http: aiohttp.ClientSession
):
    channel, webhook = hook
    store.configure_webhook(
        SubscriptionFilter(kinds=("news", "new_bill"), companies=("amazon",)), digest=False
    )
    now = fake_discord.clock()
    await store.queue_alert(news(1), now=now, sinks=["webhook"])  # amazon news
    await store.queue_alert(news(2, companies=["ibm"]), now=now, sinks=["webhook"])
    await store.queue_alert(bill("introduced"), now=now, sinks=["webhook"])  # no company
    sink = WebhookSink(http, webhook.url, clock=fake_discord.clock, repo=store)
    await drain(dispatcher(store, sink, fake_discord), store, fake_discord)

    [posted] = fake_discord.messages(channel)
    assert "story-1" in str(posted.embeds[0])


async def test_a_story_gaining_sources_edits_the_webhooks_message(
    fake_discord: FakeDiscord, hook, store: Repository, http: aiohttp.ClientSession
):
    channel, webhook = hook
    match = Match(
        relevant=True, kind="company_statement", companies=("amazon",), event="moratorium_extended"
    )

    async def report(n: int, outlet: str) -> None:
        item = FeedItem(
            feed_id=f"feed-{n}",
            guid=f"g{n}",
            url=f"https://{outlet.lower()}.example/{n}",
            title="Amazon extends its Rekognition moratorium indefinitely",
            summary="",
            published=datetime(2026, 1, 5, 10, n, tzinfo=UTC),
            source_name=outlet,
        )
        await store.ingest(
            item.feed_id,
            [IngestEntry(item, match)],
            now=fake_discord.clock(),
            story_window=timedelta(days=3),
            choose_story=choose_story,
            make_alert=news_alert,
            sinks=["webhook"],
        )

    sink = WebhookSink(http, webhook.url, clock=fake_discord.clock, repo=store)
    d = dispatcher(store, sink, fake_discord)
    await report(1, "WireA")
    await drain(d, store, fake_discord)
    await report(2, "PaperB")
    result = await d.run_once()

    [message] = fake_discord.messages(channel)
    assert result.edited == 1
    assert message.edits == 1
    assert "PaperB" in str(message.embeds[0])
    assert len(fake_discord.requests_to(EDIT)) == 1


async def test_a_bills_new_stage_edits_its_earlier_webhook_alert(
    fake_discord: FakeDiscord, hook, store: Repository, http: aiohttp.ClientSession
):
    channel, webhook = hook
    sink = WebhookSink(http, webhook.url, clock=fake_discord.clock, repo=store)
    d = dispatcher(store, sink, fake_discord)
    await store.queue_alert(bill("introduced"), now=fake_discord.clock(), sinks=["webhook"])
    await drain(d, store, fake_discord)
    earlier = ["bill:us-119-s-681:introduced"]
    await store.queue_alert(
        bill("reported", earlier=earlier), now=fake_discord.clock(), sinks=["webhook"]
    )
    await drain(d, store, fake_discord)

    first, second = fake_discord.messages(channel)
    assert first.edits == 1
    assert "reported" in str(first.embeds[0]).lower()
    assert second.edits == 0


async def test_a_deleted_message_is_left_alone_without_failing_the_edit(
    fake_discord: FakeDiscord, hook, store: Repository, http: aiohttp.ClientSession
):
    channel, webhook = hook
    sink = WebhookSink(http, webhook.url, clock=fake_discord.clock, repo=store)
    await store.queue_alert(news(1), now=fake_discord.clock(), sinks=["webhook"])
    await drain(dispatcher(store, sink, fake_discord), store, fake_discord)
    [message] = fake_discord.messages(channel)
    fake_discord.delete_message(message)
    [(alert, message_id)] = await store.sent_messages("webhook", ["story:1"])
    delivery = PendingDelivery(1, "webhook", None, 1, "n", message_id, alert, alert.created_at)

    await sink.edit(delivery)  # a 404, logged, not raised

    assert fake_discord.count_status(404) == 1
    assert len(fake_discord.requests_to(EDIT)) == 1


async def test_webhook_digests_go_at_the_operators_moment_and_never_empty(
    fake_discord: FakeDiscord, hook, store: Repository, http: aiohttp.ClientSession
):
    channel, webhook = hook
    store.configure_webhook(None, digest=True)
    schedule = DigestSchedule("daily", 8, 0, "Europe/Berlin")
    sink = WebhookSink(http, webhook.url, clock=fake_discord.clock, repo=store)

    def to_next() -> None:
        now = fake_discord.clock()
        fake_discord.clock.advance((next_slot(schedule, now) - now).total_seconds() + 30)

    first = await send_webhook_digest(store, sink, schedule, clock=fake_discord.clock)
    to_next()
    empty = await send_webhook_digest(store, sink, schedule, clock=fake_discord.clock)
    for n in (1, 2):
        await store.queue_alert(news(n), now=fake_discord.clock(), sinks=["webhook"])
    await store.queue_alert(bill("introduced"), now=fake_discord.clock(), sinks=["webhook"])
    assert await store.pending_deliveries(now=None, targets=["webhook"]) == []  # they wait
    early = await send_webhook_digest(store, sink, schedule, clock=fake_discord.clock)
    to_next()
    sent = await send_webhook_digest(store, sink, schedule, clock=fake_discord.clock)

    assert (first.sent, empty.sent, empty.empty, early.sent) == (0, 0, 1, 0)
    assert (sent.sent, sent.alerts) == (1, 3)
    [digest] = fake_discord.messages(channel)
    fields = [f["name"] for f in digest.embeds[0]["fields"]]
    assert fields == ["New bills (1)", "News (2)"]
    assert await store.digest_deliveries("webhook") == []
