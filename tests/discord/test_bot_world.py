"""The production bot against the fake Discord: start-up, command sync, extensions.

Also the `world` fixture the other test_bot_* modules use: a guild with an ordinary member
and a server manager, and a started PledgeWatchBot over a real SQLite store.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import re
import shutil
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from discord import app_commands
from discord.ext import commands

from bot.app import App, open_app
from bot.discord_bot import (
    EXTENSIONS,
    PledgeWatchBot,
    StartupError,
    command_digest,
    sync_state_path,
)
from bot.discord_bot import build_bot as make_production_bot
from bot.settings import Settings
from storage.engine import create_engine, upgrade
from storage.repository import Repository
from tests.conftest import Clock
from tests.discord.harness import BotRunner
from tests.fakediscord import FakeChannel, FakeDiscord, FakeGuild, FakeMember, FakeMessage

FEEDS_YAML = """\
feeds:
  - id: gnews-fr-police
    name: Google News (police)
    url: https://news.google.com/rss/search?q=%22facial+recognition%22+police
    kind: news
    every: 15m
    requires: PLEDGEWATCH_TEST_UNSET_KEY  # enabled, never polled: no network
"""

MANAGEMENT = [
    ("subscribe", {}),
    ("unsubscribe", {}),
    ("feeds add", {"id": "x", "url": "https://example.org/feed", "kind": "news"}),
    ("feeds remove", {"id": "gnews-fr-police"}),
    ("pledge-review list", {}),
    ("pledge-review confirm", {"suggestion": 1}),
    ("pledge-review reject", {"suggestion": 1}),
]
EXPECTED_COMMANDS = {
    "about",
    "bill",
    "bills",
    "feeds add",
    "feeds list",
    "feeds remove",
    "feeds status",
    "news",
    "pledge",
    "pledge-review confirm",
    "pledge-review list",
    "pledge-review reject",
    "pledges",
    "subscribe",
    "subscriptions",
    "unsubscribe",
}


def make_settings(tmp_path: Path, fake: FakeDiscord, **overrides: Any) -> Settings:
    feeds = tmp_path / "feeds.yaml"
    if not feeds.exists():
        feeds.write_text(FEEDS_YAML, encoding="utf-8")
    values: dict[str, Any] = {
        "discord_token": fake.token,
        "discord_api_base": fake.url,
        "database_url": f"sqlite:///{tmp_path / 'pledgewatch.db'}",
        "pledgewatch_feeds": feeds,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def build_bot(
    app: App, tmp_path: Path, *, extensions: Sequence[str] = EXTENSIONS
) -> PledgeWatchBot:
    return make_production_bot(app, extensions=extensions, guild_ready_timeout=0.01)


@dataclass
class World:
    fake: FakeDiscord
    guild: FakeGuild
    alerts: FakeChannel
    other: FakeChannel
    alice: FakeMember  # an ordinary member
    mod: FakeMember  # may manage the server
    bot: PledgeWatchBot
    app: App
    clock: Clock

    @property
    def repo(self) -> Repository:
        return self.app.repo

    async def reply(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        member: FakeMember | None = None,
        channel: FakeChannel | None = None,
        bypass_permissions: bool = False,
    ) -> FakeMessage:
        """Run a slash command and return the bot's answer."""
        interaction = self.fake.inject_slash_command(
            name,
            options or {},
            member=member or self.alice,
            channel=channel or self.alerts,
            bypass_permissions=bypass_permissions,
        )
        return await interaction.wait_for_original()

    async def choices(
        self, name: str, options: dict[str, Any], focused: str
    ) -> list[dict[str, Any]]:
        interaction = self.fake.inject_autocomplete(
            name, options, focused=focused, member=self.mod, channel=self.alerts
        )
        callback = await interaction.wait_for_callback()
        return list(callback["data"]["choices"])


# The command payload of the first world's sync. Later worlds start with those commands
# already registered (and the sync state saying so), as a restarted bot finds them: checking
# the payload against Discord's spec takes a while, and the sync tests below do it.
_SYNCED: list[list[dict[str, Any]]] = []


def seed_commands(fake: FakeDiscord, bot: PledgeWatchBot) -> None:
    if not _SYNCED:
        return
    fake.replace_commands(None, _SYNCED[0])
    bot.sync_state.put(f"{fake.application_id}:global", command_digest(_SYNCED[0]))


@pytest.fixture(scope="session", name="migrated_db")
def migrated_db_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty, migrated SQLite file to copy: migrating afresh for each test is slow."""
    path = tmp_path_factory.mktemp("template") / "pledgewatch.db"

    async def migrate() -> None:
        engine = create_engine(f"sqlite:///{path}")
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(migrate())
    return path


@pytest.fixture(name="world_settings")
def world_settings_fixture() -> dict[str, Any]:
    """Settings the `world` bot starts with; a test overrides it with parametrize."""
    return {}


@pytest.fixture(name="world")
async def world_fixture(
    fake_discord: FakeDiscord,
    bots: BotRunner,
    tmp_path: Path,
    clock: Clock,
    migrated_db: Path,
    world_settings: dict[str, Any],
) -> AsyncIterator[World]:
    guild = fake_discord.add_guild("Policy Watch")
    alerts = fake_discord.add_channel(guild, "alerts")
    other = fake_discord.add_channel(guild, "general")
    alice = fake_discord.add_member(guild, "alice")
    mod = fake_discord.add_member(guild, "mod", permissions=["manage_guild"])
    shutil.copyfile(migrated_db, tmp_path / "pledgewatch.db")
    settings = make_settings(tmp_path, fake_discord, **world_settings)
    async with open_app(settings, clock=clock) as app:
        bot = build_bot(app, tmp_path)
        seed_commands(fake_discord, bot)
        try:
            await bots.start(bot)
            if not _SYNCED:
                _SYNCED.append([c.to_dict(bot.tree) for c in bot.tree.get_commands()])
            yield World(fake_discord, guild, alerts, other, alice, mod, bot, app, clock)
        finally:
            await bot.close()  # before the store closes under its jobs


def text_of(message: FakeMessage) -> str:
    """Everything a reader sees in a message: content and every embed's text."""
    parts = [message.content]
    for embed in message.embeds:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
        parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(p for p in parts if p)


# --- start-up -------------------------------------------------------------------------------


async def test_the_bot_starts_syncs_its_commands_and_schedules_its_jobs(
    fake_discord: FakeDiscord, bots: BotRunner, tmp_path: Path, clock: Clock
):
    async with open_app(make_settings(tmp_path, fake_discord), clock=clock) as app:
        bot = build_bot(app, tmp_path)
        await bots.start(bot)
        jobs = {job.id for job in bot.scheduler.get_jobs()}
        running = bot.scheduler.running
        assert bot.dispatcher is not None
        delivering = bot.dispatcher.running
        await bot.close()

    names = {c.name for c in fake_discord.commands()}
    assert names == {n.split()[0] for n in EXPECTED_COMMANDS}
    assert [(scope, set(synced)) for scope, synced in fake_discord.syncs] == [(None, names)]
    assert bot.synced is True
    assert "digests" in jobs
    assert running
    assert delivering
    assert not bot.scheduler.running
    assert not bot.dispatcher.running
    managed = {c.name: c.default_member_permissions for c in fake_discord.commands()}
    for name in ("subscribe", "unsubscribe", "feeds", "pledge-review"):
        assert managed[name] == "32", name  # Manage Server
    for name in ("pledge", "pledges", "bill", "bills", "news", "about", "subscriptions"):
        assert managed[name] is None, name


async def test_a_second_start_with_the_same_commands_syncs_nothing(
    fake_discord: FakeDiscord, bots: BotRunner, tmp_path: Path, clock: Clock
):
    fake_discord.add_guild("Policy Watch")
    settings = make_settings(tmp_path, fake_discord)
    async with open_app(settings, clock=clock) as app:
        first = build_bot(app, tmp_path)
        await bots.start(first)
        await first.close()
        second = build_bot(app, tmp_path)
        await bots.start(second)
        await second.close()
        changed = build_bot(app, tmp_path, extensions=EXTENSIONS[:-1])
        await bots.start(changed)
        await changed.close()

    puts = [r for r in fake_discord.requests if r.method == "PUT" and "/commands" in r.path]
    assert (first.synced, second.synced, changed.synced) == (True, False, True)
    assert len(fake_discord.syncs) == len(puts) == 2
    assert "feeds" not in fake_discord.syncs[1][1]
    assert sync_state_path(settings.database_url).exists()


async def test_with_a_development_guild_commands_sync_to_that_guild_only(
    fake_discord: FakeDiscord, bots: BotRunner, tmp_path: Path, clock: Clock
):
    guild = fake_discord.add_guild("Dev")
    settings = make_settings(tmp_path, fake_discord, discord_guild_id=guild.id)
    async with open_app(settings, clock=clock) as app:
        bot = build_bot(app, tmp_path)
        await bots.start(bot)
        await bot.close()

    assert [scope for scope, _names in fake_discord.syncs] == [guild.id]
    assert fake_discord.commands() == []
    assert "pledge" in {c.name for c in fake_discord.commands(guild)}


async def test_a_cog_that_fails_to_load_stops_the_start_with_its_name(
    fake_discord: FakeDiscord, bots: BotRunner, tmp_path: Path, clock: Clock
):
    settings = make_settings(tmp_path, fake_discord)
    async with open_app(settings, clock=clock) as app:
        bot = build_bot(app, tmp_path, extensions=(*EXTENSIONS, "bot.exts.no_such_area"))
        with pytest.raises(StartupError, match=r"bot\.exts\.no_such_area.*did not start"):
            await bots.start(bot)
        await bot.close()

    assert fake_discord.syncs == []
    assert not bot.scheduler.running


async def test_the_redirected_bot_points_the_fallback_gateway_at_the_fake(world: World):
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    assert world.fake.url == Route.BASE
    assert str(DiscordWebSocket.DEFAULT_GATEWAY) == world.fake.gateway_url
    await world.fake.invalidate_sessions()  # discord.py re-identifies through DEFAULT_GATEWAY
    await world.fake.wait_for_gateway("identify", 2)
    message = await world.reply("about")
    assert "PledgeWatch" in text_of(message)


# --- every extension, every command ---------------------------------------------------------


def test_every_extension_imports_and_every_command_is_named_and_described():
    seen: set[str] = set()
    for name in EXTENSIONS:
        module = importlib.import_module(name)
        assert inspect.iscoroutinefunction(module.setup), name
        cogs = [
            obj
            for obj in vars(module).values()
            if inspect.isclass(obj) and issubclass(obj, commands.Cog) and obj.__module__ == name
        ]
        assert len(cogs) == 1, f"{name}: one cog per area"
        for command in cogs[0].__cog_app_commands__:
            group = isinstance(command, app_commands.Group)
            items = command.walk_commands() if group else [command]
            assert 1 <= len(command.description) <= 100, command.qualified_name
            for leaf in items:
                assert isinstance(leaf, app_commands.Command)
                seen.add(leaf.qualified_name)
                assert re.fullmatch(r"[-_a-z0-9]{1,32}", leaf.name), leaf.qualified_name
                assert 1 <= len(leaf.description) <= 100, leaf.qualified_name
                for param in leaf.parameters:
                    assert re.fullmatch(r"[-_a-z0-9]{1,32}", param.display_name)
                    where = f"/{leaf.qualified_name} {param.display_name}"
                    assert param.description, where
                    assert param.description != "…", f"{where} has no description"
    assert seen == EXPECTED_COMMANDS
