"""A thread per bill through the fake Discord: the first alert opens a thread on its
message, later stages go in it; a forum channel gets a post per bill (and per other
alert); a thread that cannot be opened costs nothing but the thread."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.alerts import AlertDraft
from storage.records import PendingDelivery
from tests.delivery.conftest import World, news
from tests.fakediscord.models import GUILD_FORUM


def bill(key: str, kind: str, stage: str) -> AlertDraft:
    number = key.split("-", 2)[-1].upper()
    payload = {
        "key": key,
        "identifier": number,
        "title": f"Facial recognition moratorium ({number})",
        "jurisdiction": "US-federal",
        "stage": stage,
        "new_stage": stage,
        "old_stage": None,
        "url": f"https://congress.example/{key}",
        "source_url": f"https://congress.example/{key}/actions",
        "companies": [],
        "jurisdictions": ["US-federal"],
    }
    return AlertDraft(key=f"bill:{key}:{stage}", kind=kind, importance=2, payload=payload)


def grant_threads(world: World, channel) -> None:
    world.fake.grant_permission(channel, "create_public_threads")
    world.fake.grant_permission(channel, "send_messages_in_threads")


async def test_a_bills_first_alert_opens_a_thread_and_its_later_stages_go_in_it(world: World):
    grant_threads(world, world.alerts)
    await world.subscribe(world.alerts, thread_per_bill=True)
    await world.queue(bill("us-119-s-681", "new_bill", "introduced"))
    await world.queue(news(1))
    await world.queue(bill("us-119-s-681", "bill_stage", "reported"))
    await world.queue(bill("us-119-hr-9", "new_bill", "introduced"))
    await world.drain(world.dispatcher(world.sink()))

    in_channel = world.fake.messages(world.alerts)
    assert len(in_channel) == 3  # the first of each bill, and the story
    threads = world.fake.threads_of(world.alerts)
    assert [t.name for t in threads] == [
        "S-681: Facial recognition moratorium (S-681)",
        "HR-9: Facial recognition moratorium (HR-9)",
    ]
    first = threads[0]
    assert first.id == in_channel[0].id  # the thread is on the bill's first alert
    [later] = world.fake.messages(first)
    assert "reported" in str(later.embeds[0]).lower()
    assert world.fake.messages(threads[1]) == []
    assert await world.store.bill_thread(world.alerts.id, "us-119-s-681") == first.id


async def test_without_the_option_every_bill_alert_stays_in_the_channel(world: World):
    grant_threads(world, world.alerts)
    await world.subscribe(world.alerts)
    await world.queue(bill("us-119-s-681", "new_bill", "introduced"))
    await world.queue(bill("us-119-s-681", "bill_stage", "reported"))
    await world.drain(world.dispatcher(world.sink()))

    assert len(world.fake.messages(world.alerts)) == 2
    assert world.fake.threads == []


async def test_a_thread_that_cannot_be_opened_leaves_the_alerts_in_the_channel(world: World):
    await world.subscribe(world.alerts, thread_per_bill=True)  # permission taken away since
    await world.queue(bill("us-119-s-681", "new_bill", "introduced"))
    await world.queue(bill("us-119-s-681", "bill_stage", "reported"))
    await world.drain(world.dispatcher(world.sink()))

    assert len(world.fake.messages(world.alerts)) == 2
    assert world.fake.threads == []
    assert world.fake.count_status(403) == 2  # one try per alert, nothing retried
    assert await world.store.bill_thread(world.alerts.id, "us-119-s-681") is None


async def test_a_forum_gets_a_post_per_bill_with_its_stages_as_replies(world: World):
    forum = world.fake.add_channel(world.guild, "bills", type=GUILD_FORUM)
    grant_threads(world, forum)
    await world.subscribe(forum, thread_per_bill=True)
    await world.queue(bill("us-119-s-681", "new_bill", "introduced"))
    await world.queue(news(1))
    await world.queue(bill("us-119-s-681", "bill_stage", "reported"))
    await world.drain(world.dispatcher(world.sink()))

    posts = world.fake.threads_of(forum)
    assert [p.name for p in posts] == [
        "S-681: Facial recognition moratorium (S-681)",
        "Story 1: Amazon extends its Rekognition moratorium",
    ]
    bill_post = world.fake.messages(posts[0])
    assert len(bill_post) == 2  # the post's first message, then the stage as a reply
    assert bill_post[0].id == posts[0].id
    assert len(world.fake.messages(posts[1])) == 1
    assert world.fake.messages(forum) == []


async def test_a_lost_channel_that_only_follows_costs_one_request_and_ends_its_follows(
    world: World,
):
    await world.store.follow(
        guild_id=world.guild.id,
        channel_id=world.alerts.id,
        kind="bill",
        target="us-119-s-681",
        label="S.681",
        source_url=None,
        now=world.fake.clock(),
    )
    await world.queue(bill("us-119-s-681", "new_bill", "introduced"))
    await world.queue(bill("us-119-s-681", "bill_stage", "reported"))
    world.fake.delete_channel(world.alerts)
    await world.drain(world.dispatcher(world.sink()))

    assert world.fake.count_status(404) == 1
    assert await world.store.follows(channel_id=world.alerts.id) == []
    await world.queue(bill("us-119-s-681", "bill_stage", "passed_one_chamber"))
    assert await world.store.pending_deliveries(now=None) == []


async def test_a_forum_posts_alert_is_edited_in_its_post(world: World):
    forum = world.fake.add_channel(world.guild, "bills", type=GUILD_FORUM)
    grant_threads(world, forum)
    await world.subscribe(forum)
    await world.queue(news(1))
    sink = world.sink()
    await world.drain(world.dispatcher(sink))
    [(alert, message_id)] = await world.store.sent_messages(f"channel:{forum.id}", ["story:1"])
    [post] = world.fake.threads_of(forum)
    changed = replace(alert, payload={**alert.payload, "title": "Story 1, now from two outlets"})
    delivery = PendingDelivery(
        1, f"channel:{forum.id}", None, 1, "n", message_id, changed, alert.created_at
    )

    await sink.edit(delivery)

    [message] = world.fake.messages(post)
    assert message.edits == 1
    assert "now from two outlets" in str(message.embeds[0])
