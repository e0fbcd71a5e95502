"""The Discord bot: an AutoShardedBot built with every service injected.

``setup_hook`` loads one cog per area (a cog that fails stops the start), syncs the slash
commands only when they changed, and starts the scheduler inside the running loop (the
election round; on the runner that leads, the feed jobs, digests and pledge deadline
reminders) and the outbox dispatcher with the Discord sink.
``close`` stops them. ``DISCORD_API_BASE`` alone redirects it, REST and gateway.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import aiohttp
import discord
import yarl
from discord.ext import commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.app import App
from bot.config import FeedConfig
from bot.delivery.digest import schedule_digests
from bot.delivery.discord_sink import BotSink
from bot.delivery.dispatch import Dispatcher
from bot.delivery.pacing import BOT_REQUESTS_PER_SECOND, Pacer
from bot.domain.watchlist import Watchlist
from bot.errors import ConfigError, PledgeWatchError, StorageError
from bot.exts.errors import PledgeWatchTree
from bot.ingest.pipeline import Poller
from bot.reminders import ReminderService
from bot.scheduling import (
    Leadership,
    Scheduler,
    build_scheduler,
    schedule_every,
    schedule_leadership,
)
from bot.settings import Settings
from storage.locks import claims_by_runner
from storage.repository import Repository

log = logging.getLogger(__name__)

EXTENSIONS: tuple[str, ...] = (
    "bot.exts.about",
    "bot.exts.pledges",
    "bot.exts.bills",
    "bot.exts.news",
    "bot.exts.subscriptions",
    "bot.exts.follows",
    "bot.exts.timeline",
    "bot.exts.feeds",
)


class StartupError(PledgeWatchError):
    """The bot cannot start as configured (a cog failed to load, commands failed to sync)."""


def real_now() -> datetime:
    """Wall-clock time for the scheduler, which always runs in real time."""
    return datetime.now(UTC)


class PledgeWatchBot(commands.AutoShardedBot):
    def __init__(
        self,
        *,
        settings: Settings,
        repo: Repository,
        watchlist: Watchlist,
        poller: Poller,
        feeds: Sequence[FeedConfig],
        http_session: aiohttp.ClientSession,
        scheduler: Scheduler,
        clock: Callable[[], datetime],
        sync_state: Path,
        extensions: Sequence[str] = EXTENSIONS,
        **options: Any,
    ) -> None:
        # Interactions arrive whatever the intents; guilds keeps the channel and role cache.
        options.setdefault("intents", discord.Intents(guilds=True))
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            tree_cls=PledgeWatchTree,
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.settings = settings
        self.repo = repo
        self.watchlist = watchlist
        self.poller = poller
        self.feeds = list(feeds)
        self.http_session = http_session
        self.scheduler = scheduler
        self.clock = clock
        self.sync_state = CommandSyncState(sync_state)
        self.extension_names = tuple(extensions)
        self.reminders = ReminderService(repo, watchlist, clock, sinks=("discord",))
        self.dispatcher: Dispatcher | None = None
        self.sink: BotSink | None = None
        self.synced: bool | None = None  # whether the last start synced the commands
        self.leadership: Leadership | None = None
        self.pacer: Pacer | None = None

    # --- redirection (DISCORD_API_BASE) ------------------------------------------------

    async def login(self, token: str) -> None:
        if self.settings.discord_api_base:
            Route.BASE = self.settings.discord_api_base.rstrip("/")
        await super().login(token)

    async def launch_shards(self) -> None:
        # discord.py reconnects to DEFAULT_GATEWAY after INVALID_SESSION or a failed RESUME,
        # and skips GET /gateway/bot when the shard count is given: a redirected bot asks
        # the redirected API for its gateway and points the fallback there too.
        if self.settings.discord_api_base and not self.is_closed():
            count, url, _limits = await self.http.get_bot_gateway()
            DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
            if self.shard_count is None:
                self.shard_count = count
        await super().launch_shards()

    # --- start and stop ----------------------------------------------------------------

    async def setup_hook(self) -> None:
        for name in self.extension_names:
            try:
                await self.load_extension(name)
            except commands.ExtensionError as exc:
                cause = exc.__cause__ or exc
                raise StartupError(
                    f"the {name} commands failed to load, so the bot did not start: "
                    f"{type(cause).__name__}: {cause}"
                ) from exc
        self.synced = await self.sync_commands()
        await self.start_background()

    async def sync_commands(self) -> bool:
        """Sync to DISCORD_GUILD_ID (development) or globally, only when the commands
        changed since the last sync to that scope. Returns whether it synced."""
        guild_id = self.settings.discord_guild_id
        guild = discord.Object(guild_id) if guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload = [c.to_dict(self.tree) for c in self.tree.get_commands(guild=guild)]
        scope = f"{self.application_id}:{guild_id or 'global'}"
        digest = command_digest(payload)
        if self.sync_state.get(scope) == digest:
            log.info("slash commands unchanged: not syncing", extra={"scope": scope})
            return False
        try:
            await self.tree.sync(guild=guild)
        except discord.Forbidden as exc:
            raise StartupError(
                f"Discord refused the command sync to guild {guild_id}: invite the bot with "
                "the applications.commands scope there, or unset DISCORD_GUILD_ID"
            ) from exc
        self.sync_state.put(scope, digest)
        log.info("slash commands synced", extra={"scope": scope, "count": len(payload)})
        return True

    async def start_background(self) -> None:
        """Every runner dispatches; the leader (the only runner, on SQLite) also polls the
        feeds and runs the digests and deadline reminders."""
        from bot.app import leader_jobs

        self.pacer = Pacer(global_rate(self.settings))
        sink = BotSink(self, self.repo, clock=self.clock, pacer=self.pacer)
        self.sink = sink
        self.dispatcher = Dispatcher(
            self.repo,
            {"discord": sink},
            self.clock,
            on_paused=sink.on_paused,
            poll_every=self.settings.pledgewatch_dispatch_every,
            lease=timedelta(seconds=self.settings.pledgewatch_delivery_lease),
        )

        async def elected() -> None:
            schedule_digests(self.scheduler, self.repo, sink, clock=self.clock)
            await self.reminders.run_due()  # any the runners missed while none was leading
            await self.reminders.schedule(self.scheduler)

        async def refresh() -> None:
            # A pledge confirmed through another runner replans the reminders here.
            await self.reminders.schedule(self.scheduler)

        self.leadership = leader_jobs(
            self.scheduler, self.repo, self.poller, self.feeds, elected=elected, refresh=refresh
        )
        await self.leadership.check()  # the first round now: a leader's jobs exist at start
        now = real_now()
        every = self.settings.pledgewatch_leader_every
        schedule_leadership(
            self.scheduler, self.leadership, every, now=now + timedelta(seconds=every)
        )
        if self.leadership.shared:  # several runners may share the budget
            schedule_every(self.scheduler, "budget", self.share_budget, every, now=now)
        self.scheduler.start()
        self.dispatcher.start()
        log.info(
            "scheduler started",
            extra={"jobs": len(self.scheduler.get_jobs()), "leader": self.leadership.leading},
        )

    async def share_budget(self) -> None:
        """Pace at this runner's share of the bot's global limit, by the claims it holds."""
        if self.pacer is None or self.dispatcher is None:
            return
        try:
            claims = await claims_by_runner(self.repo.engine, now=self.clock())
        except StorageError as exc:  # keep the last share; the next round retries
            log.warning("could not read the delivery claims", extra={"error": str(exc)})
            return
        share = budget_share(claims, self.dispatcher.runner)
        self.pacer.interval = 1.0 / (BOT_REQUESTS_PER_SECOND * share)

    async def close(self) -> None:
        await self.scheduler.stop()  # running jobs finish before anything closes
        if self.dispatcher is not None:
            await self.dispatcher.stop()
        if self.leadership is not None:
            await self.leadership.release()
        if self.sink is not None:
            await self.sink.drain()  # a pause notice being posted
        await super().close()
        await self._stop_waiting_for_ready()

    async def _stop_waiting_for_ready(self) -> None:
        # discord.py waits guild_ready_timeout (2 s) after the last GUILD_CREATE before
        # on_ready, in tasks that close() leaves running: a bot stopped during that wait
        # would leave them pending for the loop's shutdown. End them here.
        state = self._connection
        tasks = [getattr(state, "_ready_task", None)]
        tasks += list(getattr(state, "_ready_tasks", {}).values())
        pending = [t for t in tasks if isinstance(t, asyncio.Task) and not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=1.0)

    async def on_message(self, message: discord.Message, /) -> None:
        return None  # slash commands only: no prefix commands to look for


def global_rate(settings: Settings) -> float:
    """This runner's share of the bot's global request budget at start: Discord counts all
    of a bot's requests together, so runners that split the shards start by splitting the
    budget the same way (:func:`budget_share` then follows the delivery work)."""
    count, ids = settings.discord_shard_count, settings.shard_ids
    if count is None or ids is None:
        return BOT_REQUESTS_PER_SECOND
    return BOT_REQUESTS_PER_SECOND * len(ids) / count


def budget_share(claims: dict[str, int], runner: str) -> float:
    """This runner's share of the global budget: its part of the channels being delivered
    to (every runner may deliver to any channel, so the work, not the shards, decides). One
    that holds none keeps a newcomer's share, ready for its first claims."""
    mine, total = claims.get(runner, 0), sum(claims.values())
    if mine == 0:
        return 1.0 / (len(claims) + 1)
    return mine / total


# --- command sync state ---------------------------------------------------------------------


def command_digest(payload: list[dict[str, Any]]) -> str:
    ordered = sorted(payload, key=lambda c: (c.get("type", 1), c["name"]))
    text = json.dumps(ordered, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def sync_state_path(database_url: str) -> Path:
    """Beside the SQLite file; in the working directory for other databases."""
    for prefix in ("sqlite:///", "sqlite+aiosqlite:///"):
        if database_url.startswith(prefix):
            path = database_url[len(prefix) :].split("?", 1)[0]
            if path and path != ":memory:":
                return Path(path).with_suffix(".commands.json")
    return Path("pledgewatch.commands.json")


class CommandSyncState:
    """The digest of the commands last synced to each scope, in a small JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("command sync state unreadable: syncing", extra={"error": str(exc)})
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def get(self, scope: str) -> str | None:
        return self._read().get(scope)

    def put(self, scope: str, digest: str) -> None:
        data = self._read()
        data[scope] = digest
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:  # the next start syncs again: harmless
            log.warning("could not save command sync state", extra={"error": str(exc)})


# --- running --------------------------------------------------------------------------------


def build_bot(app: App, **options: Any) -> PledgeWatchBot:
    """The bot over the composition root's resources; ``options`` go to discord.py. With
    DISCORD_SHARD_COUNT (and DISCORD_SHARD_IDS) this runner connects only its shards."""
    if app.settings.discord_shard_count is not None:
        options.setdefault("shard_count", app.settings.discord_shard_count)
        if app.settings.shard_ids is not None:
            options.setdefault("shard_ids", app.settings.shard_ids)
    return PledgeWatchBot(
        settings=app.settings,
        repo=app.repo,
        watchlist=app.watchlist,
        poller=app.poller,
        feeds=app.feeds,
        http_session=app.http,
        scheduler=build_scheduler(),
        clock=app.clock,
        sync_state=sync_state_path(app.settings.database_url),
        **options,
    )


async def run_bot(
    settings: Settings,
    *,
    out: TextIO = sys.stdout,
    feeds_path: Path | None = None,
    ready: Callable[[PledgeWatchBot], object] | None = None,
) -> int:
    """Build the bot from the composition root and run it until SIGINT or SIGTERM."""
    from bot.app import open_app, utc_now

    token = settings.secret("DISCORD_TOKEN")
    if not token:
        raise ConfigError("DISCORD_TOKEN is not set")
    async with open_app(settings, feeds_path=feeds_path, clock=utc_now) as app:
        bot = build_bot(app)
        if ready is not None:
            ready(bot)
        loop = asyncio.get_running_loop()
        stopping: list[asyncio.Task[None]] = []
        signals = (signal.SIGINT, signal.SIGTERM)
        for sig in signals:
            loop.add_signal_handler(sig, lambda: stopping.append(loop.create_task(bot.close())))
        try:
            out.write("Connecting to Discord. Ctrl+C stops.\n")
            out.flush()
            await bot.start(token)
        except discord.LoginFailure as exc:
            raise ConfigError(f"Discord refused DISCORD_TOKEN: {exc}") from exc
        except (aiohttp.ClientConnectionError, OSError, TimeoutError) as exc:
            base = settings.discord_api_base
            where = f"DISCORD_API_BASE ({base})" if base else "Discord's API"
            raise ConfigError(f"{where} is unreachable: {exc}") from None
        finally:
            for sig in signals:
                loop.remove_signal_handler(sig)
            await bot.close()
            await asyncio.gather(*stopping)
            out.write("Stopped.\n")
    return 0
