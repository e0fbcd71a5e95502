"""`pledgewatch run` in each mode, against the fake Discord, stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import io
import os
import signal
from pathlib import Path

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.app import open_store
from bot.cli import run
from bot.domain.alerts import AlertDraft
from tests.discord.test_bot_world import make_settings
from tests.fakediscord import FakeDiscord

EMPTY_FEEDS = "feeds: []\n"


@pytest.fixture(autouse=True)
def restore_discord_py(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot redirects discord.py process-wide; put it back after each test."""
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)


async def stop_with_sigterm(task: asyncio.Task[int]) -> int:
    os.kill(os.getpid(), signal.SIGTERM)
    return await asyncio.wait_for(task, 10)


async def test_run_with_a_token_runs_the_bot_until_sigterm(
    fake_discord: FakeDiscord, tmp_path: Path
):
    guild = fake_discord.add_guild("Policy Watch")
    channel = fake_discord.add_channel(guild, "alerts")
    member = fake_discord.add_member(guild, "alice")
    (tmp_path / "feeds.yaml").write_text(EMPTY_FEEDS, encoding="utf-8")
    out = io.StringIO()

    task = asyncio.create_task(run(make_settings(tmp_path, fake_discord), out=out))
    await fake_discord.wait_for_gateway("identify", 1)  # after login, sync and scheduler
    interaction = fake_discord.inject_slash_command(
        "pledge", {"company": "ibm"}, member=member, channel=channel
    )
    reply = await interaction.wait_for_original()
    code = await stop_with_sigterm(task)

    assert code == 0
    assert reply.embeds[0]["title"].startswith("IBM")
    text = out.getvalue()
    assert text.startswith("Mode: Discord bot (DISCORD_TOKEN is set)")
    assert text.rstrip().endswith("Stopped.")
    assert str(DiscordWebSocket.DEFAULT_GATEWAY) == fake_discord.gateway_url


async def test_run_with_only_a_webhook_delivers_through_it(
    fake_discord: FakeDiscord, tmp_path: Path
):
    guild = fake_discord.add_guild("Policy Watch")
    channel = fake_discord.add_channel(guild, "alerts")
    hook = fake_discord.create_webhook(channel)
    (tmp_path / "feeds.yaml").write_text(EMPTY_FEEDS, encoding="utf-8")
    settings = make_settings(
        tmp_path, fake_discord, discord_token=None, discord_webhook_url=hook.url
    )
    async with open_store(settings) as repo:
        await repo.queue_alert(
            AlertDraft(
                "feed:x:failing",
                "feed_health",
                2,
                {
                    "feed_id": "x",
                    "feed_name": "Example feed",
                    "state": "failing",
                    "error": "HTTP 503",
                    "at": "2026-01-05T12:00:00+00:00",
                    "after_failures": 3,
                },
            ),
            now=fake_discord.now(),
            sinks=("webhook",),
        )
    out = io.StringIO()

    task = asyncio.create_task(run(settings, out=out))
    [posted] = await fake_discord.wait_for_messages(channel, 1)
    code = await stop_with_sigterm(task)

    assert code == 0
    assert posted.webhook_id == hook.id
    assert "Example feed" in str(posted.embeds)
    assert out.getvalue().startswith("Mode: incoming webhook (DISCORD_WEBHOOK_URL is set")


async def test_run_with_a_webhook_applies_the_operators_filters_and_digest(
    fake_discord: FakeDiscord, tmp_path: Path
):
    guild = fake_discord.add_guild("Policy Watch")
    channel = fake_discord.add_channel(guild, "alerts")
    hook = fake_discord.create_webhook(channel)
    (tmp_path / "feeds.yaml").write_text(EMPTY_FEEDS, encoding="utf-8")
    settings = make_settings(
        tmp_path,
        fake_discord,
        discord_token=None,
        discord_webhook_url=hook.url,
        pledgewatch_webhook_kinds="news, feed_health",
        pledgewatch_webhook_companies="amazon",
        pledgewatch_webhook_digest="weekly",
        pledgewatch_digest_hour=8,
        pledgewatch_digest_weekday="friday",
        pledgewatch_timezone="America/Chicago",
    )
    out = io.StringIO()

    task = asyncio.create_task(run(settings, out=out))
    text = ""
    for _ in range(200):  # until it says it is running
        text = out.getvalue()
        if "Ctrl+C stops." in text:
            break
        await asyncio.sleep(0.02)
    code = await stop_with_sigterm(task)

    assert code == 0
    assert "Webhook filters: kinds news, feed_health; companies amazon.\n" in text
    assert "Webhook digest: weekly, Fridays at 08:00 America/Chicago;" in text
