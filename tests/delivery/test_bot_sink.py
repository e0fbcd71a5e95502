"""Alerts to subscribed channels through a real discord.py bot and the fake Discord."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bot.domain.alerts import AlertDraft
from bot.errors import DeliveryError
from storage.repository import Repository
from tests.delivery.conftest import World, news

POST = "POST /channels/{channel_id}/messages"


def posts_to(world: World, channel_id: int, status: int | None = None) -> list[Any]:
    return [
        r
        for r in world.fake.requests_to(POST)
        if r.path.rstrip("/").endswith(f"/channels/{channel_id}/messages")
        and (status is None or r.status == status)
    ]


async def test_an_alert_reaches_subscribed_channels_and_not_those_whose_filters_exclude_it(
    world: World,
) -> None:
    ibm_only = world.fake.add_channel(world.guild, "ibm-watch")
    await world.subscribe(world.alerts, kinds=["news"])
    await world.subscribe(ibm_only, companies=["ibm"])
    alert = await world.queue(news(1))
    sink = world.sink()
    report = await world.dispatcher(sink).run_once()
    assert report.sent == 1
    [msg] = world.fake.messages(world.alerts)
    assert msg.embeds[0]["title"] == "Story 1: Amazon extends its Rekognition moratorium"
    assert msg.embeds[0]["url"] == alert.payload["url"]
    assert msg.nonce is not None
    assert world.fake.messages(ibm_only) == []
    assert posts_to(world, ibm_only.id) == []


async def test_everyone_and_role_mentions_in_a_feed_title_ping_nobody(world: World) -> None:
    role = world.fake.add_role(world.guild, "policy")
    member = world.fake.add_member(world.guild, "reader")
    hostile = f"@everyone @here <@&{role.id}> <@{member.id}> **Amazon** moratorium"
    await world.subscribe(world.alerts)
    await world.queue(news(1, title=hostile, summary=hostile))
    await world.dispatcher(world.sink()).run_once()
    [msg] = world.fake.messages(world.alerts)
    assert msg.mention_everyone is False
    assert msg.mentions == []
    assert msg.mention_roles == []
    assert msg.content == ""
    title = msg.embeds[0]["title"]
    assert "@\u200beveryone" in title
    assert f"<@\u200b&{role.id}>" in title
    assert "\\*\\*Amazon\\*\\*" in title


async def test_the_configured_role_is_the_only_one_pinged(world: World) -> None:
    wanted = world.fake.add_role(world.guild, "alerts-squad")
    other = world.fake.add_role(world.guild, "everyone-else")
    await world.subscribe(world.alerts, mention_role_id=wanted.id)
    await world.queue(news(1, title=f"@everyone <@&{other.id}> Amazon moratorium"))
    await world.dispatcher(world.sink()).run_once()
    [msg] = world.fake.messages(world.alerts)
    assert msg.content == f"<@&{wanted.id}>"
    assert msg.mention_roles == [wanted.id]
    assert msg.mention_everyone is False
    assert msg.allowed_mentions == {"parse": [], "roles": [wanted.id]}


class Killed(BaseException):
    """The process dies here: nothing after this line runs."""


class DiesBeforeRecording(Repository):
    """A store whose process is killed right after Discord answered a post."""

    async def record_message(self, delivery_ids: Any, message_id: str) -> None:
        raise Killed


async def test_killed_after_sending_but_before_the_dispatcher_recorded_posts_nothing_twice(
    world: World,
) -> None:
    await world.subscribe(world.alerts)
    for n in range(1, 4):
        await world.queue(news(n))
    # The first alert is sent, then the process dies before mark_delivered.
    [first, *_] = await world.store.pending_deliveries(now=None)
    message_id = await world.sink().send(first)
    # Restart: a new sink and dispatcher over the same store.
    rounds = await world.drain(world.dispatcher(world.sink()))
    titles = [m.embeds[0]["title"] for m in world.fake.messages(world.alerts)]
    assert titles == [f"Story {n}: Amazon extends its Rekognition moratorium" for n in (1, 2, 3)]
    assert len(posts_to(world, world.alerts.id)) == 3
    assert world.fake.messages(world.alerts)[0].id == int(message_id or 0)
    assert rounds == 1


@pytest.mark.parametrize("restart_after_minutes", [1, 10])
async def test_killed_between_discords_answer_and_the_record_posts_nothing_twice(
    world: World, restart_after_minutes: int
) -> None:
    """Within Discord's nonce window the resend is deduplicated by enforce_nonce; after it,
    the unrecorded message is found in the channel's history instead of resent."""
    await world.subscribe(world.alerts)
    for n in range(1, 4):
        await world.queue(news(n))
    dying = DiesBeforeRecording(world.store.engine)
    with pytest.raises(Killed):
        await world.dispatcher(world.sink(dying), dying).run_once()
    assert len(world.fake.messages(world.alerts)) == 1
    world.fake.clock.advance(minutes=restart_after_minutes)
    await world.drain(world.dispatcher(world.sink()))
    messages = world.fake.messages(world.alerts)
    assert [m.embeds[0]["title"][:7] for m in messages] == ["Story 1", "Story 2", "Story 3"]
    sent = await world.store.sent_messages(
        f"channel:{world.alerts.id}", ["story:1", "story:2", "story:3"]
    )
    assert [int(mid) for _, mid in sent] == [m.id for m in messages]
    if restart_after_minutes < 4:
        assert len(world.fake.deduplicated) == 1  # the resend came back as the same message
    else:
        assert len(posts_to(world, world.alerts.id)) == 3  # found, not resent


async def test_a_ten_minute_outage_ends_with_every_alert_delivered_in_order(world: World) -> None:
    other = world.fake.add_channel(world.guild, "second")
    await world.subscribe(world.alerts)
    await world.subscribe(other)
    for n in range(1, 21):
        await world.queue(news(n))
    world.fake.set_outage(600)  # 503s for ten minutes of the fake clock
    await world.drain(world.dispatcher(world.sink()), step=20.0)
    for channel in (world.alerts, other):
        numbers = [
            int(m.embeds[0]["title"].split(":")[0][6:]) for m in world.fake.messages(channel)
        ]
        assert numbers == list(range(1, 21))
    refused = world.fake.count_status(503)
    assert refused >= 2  # each channel tried during the outage, and kept its order
    print(f"outage: 40 alerts delivered in order; {refused} requests refused with 503")


async def test_a_429_storm_ends_with_every_alert_delivered(world: World) -> None:
    await world.subscribe(world.alerts)
    for n in range(1, 11):
        await world.queue(news(n))
    world.fake.rate_limit_storm(count=12, retry_after=0.01, route=POST)
    await world.drain(world.dispatcher(world.sink()), step=10.0)
    numbers = [m.embeds[0]["title"][:8].strip(":") for m in world.fake.messages(world.alerts)]
    assert numbers == [f"Story {n}" for n in range(1, 11)]
    assert world.fake.count_status(429) == 12


async def test_a_deleted_channel_pauses_its_subscription_after_one_404_and_admins_hear_once(
    world: World,
) -> None:
    sub_id = await world.subscribe(world.alerts)
    for n in range(1, 4):
        await world.queue(news(n))
    world.fake.delete_channel(world.alerts)
    sink = world.sink()
    dispatcher = world.dispatcher(sink)
    for n in range(5):
        report = await dispatcher.run_once()
        world.fake.clock.advance(minutes=5)
        await world.queue(news(10 + n))  # later alerts are not queued for a paused channel
    await sink.drain()
    assert len(posts_to(world, world.alerts.id, status=404)) == 1
    assert len(posts_to(world, world.alerts.id)) == 1
    [sub] = [s for s in await world.store.subscriptions() if s.id == sub_id]
    assert sub.paused
    assert "deleted" in (sub.paused_reason or "")
    [notice] = world.fake.messages(world.general)
    assert f"<#{world.alerts.id}>" in notice.content
    assert "paused" in notice.content
    assert notice.mention_everyone is False
    assert report.sent == 0


async def test_lost_send_permission_pauses_after_one_403(world: World) -> None:
    await world.subscribe(world.alerts)
    await world.queue(news(1))
    world.fake.revoke_permission(world.alerts, "send_messages")
    sink = world.sink()
    for _ in range(3):
        await world.dispatcher(sink).run_once()
        world.fake.clock.advance(minutes=5)
    await sink.drain()
    assert len(posts_to(world, world.alerts.id)) == 1
    assert posts_to(world, world.alerts.id)[0].status == 403
    assert len(world.fake.messages(world.general)) == 1


def bill(stage: str) -> dict[str, Any]:
    return {
        "key": "us-119-hr-1234",
        "identifier": "H.R. 1234",
        "title": "Facial Recognition and Biometric Technology Moratorium Act",
        "jurisdiction": "US",
        "session": "119",
        "url": "https://congress.example/bill/119/hr1234",
        "stage": stage,
        "stage_date": "2026-01-02",
        "tracked_id": None,
        "action_text": "Passed House",
        "action_date": "2026-01-02",
        "source_url": "https://congress.example/bill/119/hr1234/actions",
        "companies": [],
        "jurisdictions": ["US"],
    }


async def test_a_bill_stage_change_edits_the_earlier_alert_and_posts_the_change(
    world: World,
) -> None:
    await world.subscribe(world.alerts)
    await world.queue(AlertDraft("bill:us-119-hr-1234:new", "new_bill", 2, bill("introduced")))
    sink = world.sink()
    await world.dispatcher(sink).run_once()
    payload = bill("passed_one_chamber") | {
        "old_stage": "introduced",
        "new_stage": "passed_one_chamber",
        "earlier_alerts": ["bill:us-119-hr-1234:new"],
    }
    await world.queue(
        AlertDraft("bill:us-119-hr-1234:stage:passed_one_chamber", "bill_stage", 2, payload)
    )
    await world.dispatcher(sink).run_once()
    first, change = world.fake.messages(world.alerts)
    assert first.edits == 1
    update = first.embeds[0]["fields"][0]
    assert update["name"] == "Update"
    assert "passed one chamber" in update["value"]
    assert first.embeds[0]["title"] == "New bill: H.R. 1234"
    assert change.embeds[0]["title"] == "H.R. 1234: passed one chamber"


async def test_an_edit_that_fails_never_holds_back_the_post(world: World) -> None:
    await world.subscribe(world.alerts)
    await world.queue(AlertDraft("bill:us-119-hr-1234:new", "new_bill", 2, bill("introduced")))
    sink = world.sink()
    await world.dispatcher(sink).run_once()
    [first] = world.fake.messages(world.alerts)
    await world.bot.http.delete_message(world.alerts.id, first.id)
    payload = bill("enacted") | {
        "new_stage": "enacted",
        "earlier_alerts": ["bill:us-119-hr-1234:new"],
    }
    await world.queue(AlertDraft("bill:us-119-hr-1234:stage:enacted", "bill_stage", 3, payload))
    report = await world.dispatcher(sink).run_once()
    assert report.sent == 1
    [change] = world.fake.messages(world.alerts)
    assert change.embeds[0]["title"] == "H.R. 1234: enacted"


async def test_a_target_that_is_not_a_channel_is_refused(world: World) -> None:
    await world.subscribe(world.alerts)
    await world.queue(news(1))
    [delivery] = await world.store.pending_deliveries(now=None)
    with pytest.raises(DeliveryError) as info:
        await world.sink().send(replace(delivery, target="channel:abc"))
    assert info.value.permanent


async def test_feed_health_notices_reach_subscribed_channels_when_failing_and_recovered(
    world: World,
) -> None:
    await world.subscribe(world.alerts, companies=["ibm"], jurisdictions=["US-CA"])
    for state in ("failing", "recovered"):
        payload = {
            "feed_id": "gnews",
            "feed_name": "Google News <@&1> **fr**",
            "state": state,
            "error": "HTTP 500 from news.example" if state == "failing" else None,
            "at": world.fake.clock().isoformat(),
            "after_failures": 3,
        }
        await world.queue(AlertDraft(f"feed:gnews:{state}", "feed_health", 2, payload))
    await world.drain(world.dispatcher(world.sink()))
    failing, recovered = world.fake.messages(world.alerts)
    assert failing.embeds[0]["title"].startswith("Feed failing: Google News <@\u200b&1>")
    assert "HTTP 500" in failing.embeds[0]["fields"][0]["value"]
    assert recovered.embeds[0]["title"].startswith("Feed recovered: Google News")
    assert failing.embeds[0]["color"] != recovered.embeds[0]["color"]


async def test_a_delivery_removed_by_unsubscribe_mid_run_is_skipped_quietly(world: World) -> None:
    await world.subscribe(world.alerts)
    await world.queue(news(1))
    [delivery] = await world.store.pending_deliveries(now=None)
    await world.store.unsubscribe(world.alerts.id)
    with pytest.raises(DeliveryError) as info:
        await world.sink().send(delivery)
    assert not info.value.permanent
    assert world.fake.messages(world.alerts) == []
