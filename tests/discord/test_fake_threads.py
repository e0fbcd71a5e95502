"""Threads and forum posts in the fake Discord, through the real discord.py client: a
thread on a message, a message in a thread, a forum post, and the permissions they need."""

from __future__ import annotations

import discord
import pytest

from tests.discord.harness import BotRunner, make_bot
from tests.fakediscord import FakeDiscord
from tests.fakediscord.models import GUILD_FORUM, PUBLIC_THREAD
from tests.fakediscord.permissions import BITS, BOT_DEFAULT

THREADS = BOT_DEFAULT | BITS["create_public_threads"] | BITS["send_messages_in_threads"]


async def test_a_thread_on_a_message_takes_its_id_and_carries_messages(
    fake_discord: FakeDiscord, bots: BotRunner
):
    guild = fake_discord.add_guild("Policy Watch", bot_permissions=THREADS)
    alerts = fake_discord.add_channel(guild, "alerts")
    bot = await bots.start(make_bot())
    channel = bot.get_channel(alerts.id)
    assert isinstance(channel, discord.TextChannel)

    first = await channel.send("S.681 introduced")
    thread = await first.create_thread(name="S.681: Facial Recognition Moratorium Act")
    later = await thread.send("S.681 reported")

    assert thread.id == first.id
    [fake_thread] = fake_discord.threads_of(alerts)
    assert (fake_thread.type, fake_thread.parent_id) == (PUBLIC_THREAD, alerts.id)
    assert [m.content for m in fake_discord.messages(fake_thread)] == ["S.681 reported"]
    assert later.channel.id == thread.id
    with pytest.raises(discord.HTTPException, match="already been created"):
        await first.create_thread(name="again")


async def test_a_forum_post_is_a_thread_whose_first_message_has_its_id(
    fake_discord: FakeDiscord, bots: BotRunner
):
    guild = fake_discord.add_guild("Policy Watch", bot_permissions=THREADS)
    forum = fake_discord.add_channel(guild, "bills", type=GUILD_FORUM)
    bot = await bots.start(make_bot())
    channel = bot.get_channel(forum.id)
    assert isinstance(channel, discord.ForumChannel)

    post = await channel.create_thread(
        name="SB 6280", embed=discord.Embed(title="SB 6280 enacted"), content="new stage"
    )
    await post.thread.send("in force 2021-07-01")

    assert post.thread.id == post.message.id
    [message_one, message_two] = fake_discord.messages(post.thread.id)
    assert message_one.embeds[0]["title"] == "SB 6280 enacted"
    assert message_two.content == "in force 2021-07-01"
    with pytest.raises(discord.HTTPException, match="non-text channel"):
        await bot.http.send_message(
            forum.id,
            params=discord.http.MultipartParameters(
                payload={"content": "x"}, multipart=None, files=None
            ),
        )


async def test_threads_need_their_permissions(fake_discord: FakeDiscord, bots: BotRunner):
    guild = fake_discord.add_guild("Policy Watch")  # the bot's default: no thread permissions
    alerts = fake_discord.add_channel(guild, "alerts")
    bot = await bots.start(make_bot())
    channel = bot.get_channel(alerts.id)
    assert isinstance(channel, discord.TextChannel)
    message = await channel.send("S.681 introduced")

    with pytest.raises(discord.Forbidden):
        await message.create_thread(name="S.681")
    fake_discord.grant_permission(alerts, "create_public_threads")
    thread = await message.create_thread(name="S.681")
    with pytest.raises(discord.Forbidden):
        await thread.send("reported")  # Send Messages in Threads is its own permission
    assert fake_discord.count_status(403) == 2
