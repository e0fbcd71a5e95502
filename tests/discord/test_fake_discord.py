"""The fake Discord's own tests, through the real, unmodified discord.py client."""

from __future__ import annotations

import discord

from tests.discord.harness import BotRunner, make_bot
from tests.fakediscord import FakeDiscord


async def test_bot_logs_in_and_receives_ready_with_its_guild(fake_discord: FakeDiscord, bots: BotRunner):
    guild = fake_discord.add_guild("Policy Watch")
    alerts = fake_discord.add_channel(guild, "alerts")

    bot = await bots.start(make_bot())

    assert bot.user is not None and bot.user.id == fake_discord.bot_user.id
    seen = bot.get_guild(guild.id)
    assert seen is not None and seen.name == "Policy Watch"
    assert isinstance(seen.get_channel(alerts.id), discord.TextChannel)
    routes = [r.route for r in fake_discord.requests]
    assert routes[:3] == ["GET /users/@me", "GET /oauth2/applications/@me", "GET /gateway/bot"]
    assert [e.kind for e in fake_discord.gateway.events if e.kind in ("identify", "resume")] == ["identify"]
