"""Delivery tests: a real SQLite store, the fake Discord, and a real discord.py bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from discord.ext import commands

from bot.delivery.discord_sink import BotSink
from bot.delivery.dispatch import Dispatcher, DispatchReport
from bot.domain.alerts import AlertDraft
from storage.engine import create_engine, upgrade
from storage.records import AlertView
from storage.repository import Repository
from tests.discord.conftest import bots, fake_discord
from tests.discord.harness import BotRunner
from tests.fakediscord import FakeDiscord
from tests.fakediscord.models import FakeChannel, FakeGuild


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Repository]:
    engine = create_engine(f"sqlite:///{tmp_path / 'pledgewatch.db'}")
    await upgrade(engine)
    yield Repository(engine)
    await engine.dispose()


def news(n: int, title: str | None = None, **extra: Any) -> AlertDraft:
    payload: dict[str, Any] = {
        "story_id": n,
        "title": title or f"Story {n}: Amazon extends its Rekognition moratorium",
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
    payload.update(extra)
    return AlertDraft(key=f"story:{n}", kind="news", importance=3, payload=payload)


@dataclass
class World:
    """A guild with a general channel (where admin notices land) and an alerts channel,
    a bot logged in to the fake, and the store."""

    fake: FakeDiscord
    store: Repository
    bot: commands.AutoShardedBot
    guild: FakeGuild
    general: FakeChannel
    alerts: FakeChannel

    def sink(self, repo: Repository | None = None) -> BotSink:
        return BotSink(self.bot, repo or self.store, clock=self.fake.clock)

    def dispatcher(self, sink: BotSink, repo: Repository | None = None) -> Dispatcher:
        return Dispatcher(
            repo or self.store, {"discord": sink}, self.fake.clock, on_paused=sink.on_paused
        )

    async def subscribe(self, channel: FakeChannel, **filters: Any) -> int:
        sub = await self.store.subscribe(
            guild_id=self.guild.id, channel_id=channel.id, now=self.fake.clock(), **filters
        )
        return sub.id

    async def queue(self, draft: AlertDraft) -> AlertView:
        alert = await self.store.queue_alert(draft, now=self.fake.clock(), sinks=["discord"])
        assert alert is not None
        return alert

    async def drain(self, dispatcher: Dispatcher, *, step: float = 15.0, rounds: int = 200) -> int:
        """Run the dispatcher, moving the clock on, until nothing is pending; the rounds."""
        for n in range(rounds):
            await dispatcher.run_once()
            if not await self.store.pending_deliveries(now=None, targets=["discord"]):
                return n + 1
            self.fake.clock.advance(seconds=step)
        raise AssertionError(f"deliveries still pending after {rounds} rounds")


@pytest.fixture
async def world(fake_discord: FakeDiscord, bots: BotRunner, store: Repository) -> World:
    guild = fake_discord.add_guild("Policy Watch")
    general = fake_discord.add_channel(guild, "general")
    alerts = fake_discord.add_channel(guild, "alerts")
    bot = await bots.start()
    return World(fake_discord, store, bot, guild, general, alerts)


__all__ = ["DispatchReport", "World", "bots", "fake_discord", "news"]
