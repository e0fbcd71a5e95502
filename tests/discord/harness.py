"""Running a real discord.py AutoShardedBot against the fake Discord."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import discord
import pytest
import yarl
from discord.ext import commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from tests.fakediscord import FakeDiscord

READY_TIMEOUT = 5.0


def make_bot(**options: Any) -> commands.AutoShardedBot:
    """An AutoShardedBot as the tests use it: default intents and a short guild_ready_timeout
    (discord.py waits that long after the last GUILD_CREATE before on_ready; 2 s by default)."""
    options.setdefault("intents", discord.Intents.default())
    options.setdefault("guild_ready_timeout", 0.01)
    options.setdefault("command_prefix", commands.when_mentioned)
    return commands.AutoShardedBot(**options)


def point_discord_py_at(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
    """Redirect discord.py as the bot is redirected: DISCORD_API_BASE into Route.BASE.

    DiscordWebSocket.DEFAULT_GATEWAY is pointed at the fake's trap: discord.py falls back to
    it after INVALID_SESSION or a failed reconnect, and a bot that does not redirect it
    too would reach for the real Discord. The trap works, but fails the test at teardown.
    """
    monkeypatch.setenv("DISCORD_API_BASE", fake.url)
    monkeypatch.setattr(Route, "BASE", os.environ["DISCORD_API_BASE"])
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.default_gateway_url))


async def _no_identify_pause(shard_id: int | None, *, initial: bool = False) -> None:
    return None


def skip_identify_pause(bot: discord.Client) -> None:
    """discord.py sleeps 5 s before every IDENTIFY but the first (Discord's max_concurrency);
    the fake does not enforce it, so tests of sharding or re-identifying need not wait."""
    bot.before_identify_hook = _no_identify_pause  # type: ignore[method-assign]


class BotRunner:
    """Starts bots against one fake and stops them all at teardown."""

    def __init__(self, fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
        self.fake = fake
        self.monkeypatch = monkeypatch
        self._running: list[tuple[commands.AutoShardedBot, asyncio.Task[None]]] = []

    async def start(
        self,
        bot: commands.AutoShardedBot | None = None,
        *,
        token: str | None = None,
        timeout: float = READY_TIMEOUT,  # noqa: ASYNC109
        identify_pause: bool = False,
    ) -> commands.AutoShardedBot:
        """Log in, connect, and return once on_ready has fired.

        Unless `identify_pause`, discord.py's 5 s wait between IDENTIFYs is skipped.
        """
        bot = bot or make_bot()
        if not identify_pause:
            skip_identify_pause(bot)
        point_discord_py_at(self.fake, self.monkeypatch)
        try:
            await bot.login(token or self.fake.token)
        except BaseException:
            await bot.close()
            raise
        task = asyncio.create_task(bot.connect(reconnect=True), name="bot.connect")
        self._running.append((bot, task))
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait(
            {ready, task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            if task in done:
                task.result()  # the client died: show why
            raise AssertionError(f"the bot was not ready after {timeout}s")
        return bot

    async def stop_all(self) -> None:
        while self._running:
            bot, task = self._running.pop()
            await bot.close()
            await asyncio.wait_for(task, READY_TIMEOUT)
