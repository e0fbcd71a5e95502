"""/subscribe's digest schedule, the server's timezone, a thread per bill and forum
channels, through the fake Discord."""

from __future__ import annotations

from tests.discord.test_bot_world import (  # noqa: F401 (fixtures used by name)
    World,
    migrated_db_fixture,
    text_of,
    world_fixture,
    world_settings_fixture,
)
from tests.fakediscord.models import GUILD_FORUM


async def test_a_weekly_digest_keeps_its_day_hour_and_the_servers_timezone(world: World):
    answer = await world.reply(
        "subscribe",
        {
            "delivery": "weekly",
            "digest_hour": 9,
            "digest_weekday": 4,
            "timezone": "America/New_York",
        },
        member=world.mod,
    )
    listing = await world.reply("subscriptions")

    [sub] = await world.repo.subscriptions(world.guild.id)
    assert (sub.mode, sub.digest_cadence, sub.digest_hour, sub.digest_weekday) == (
        "digest",
        "weekly",
        9,
        4,
    )
    assert await world.repo.guild_timezones() == {world.guild.id: "America/New_York"}
    assert "delivery: weekly, Fridays at 09:00 America/New_York" in answer.content
    assert "weekly, Fridays at 09:00 America/New_York" in text_of(listing)


async def test_an_unknown_timezone_is_refused_with_what_to_use(world: World):
    answer = await world.reply("subscribe", {"timezone": "Mars/Olympus"}, member=world.mod)

    assert answer.ephemeral
    assert answer.content.startswith("Unknown timezone 'Mars/Olympus': use an IANA name")
    assert await world.repo.subscriptions(world.guild.id) == []
    offered = await world.choices("subscribe", {"timezone": "Europe/Ber"}, "timezone")
    assert [c["value"] for c in offered] == ["Europe/Berlin"]


async def test_a_thread_per_bill_needs_the_thread_permissions(world: World):
    refused = await world.reply("subscribe", {"thread_per_bill": True}, member=world.mod)
    world.fake.grant_permission(world.alerts, "create_public_threads")
    world.fake.grant_permission(world.alerts, "send_messages_in_threads")
    granted = await world.reply("subscribe", {"thread_per_bill": True}, member=world.mod)

    assert "I am missing Create Public Threads, Send Messages In Threads" in refused.content
    assert granted.content.startswith("Subscribed.")
    assert "a thread per bill" in granted.content
    [sub] = await world.repo.subscriptions(world.guild.id)
    assert sub.thread_per_bill is True


async def test_a_forum_channel_takes_alerts_as_posts(world: World):
    forum = world.fake.add_channel(world.guild, "bills", type=GUILD_FORUM)
    world.fake.grant_permission(forum, "send_messages_in_threads")

    answer = await world.reply("subscribe", {"channel": forum}, member=world.mod)

    assert answer.content.startswith("Subscribed.")
    [sub] = await world.repo.subscriptions(world.guild.id)
    assert (sub.channel_id, sub.thread_per_bill) == (forum.id, True)
