"""The composition root: builds the engine, HTTP session, fetcher, poller and scheduler
from settings, hands them in, and closes them. Nothing is created at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp

from bot.config import FeedConfig, load_feeds
from bot.delivery.dispatch import Dispatcher
from bot.delivery.sinks import Sink
from bot.domain.watchlist import Watchlist, load_watchlist
from bot.errors import ConfigError
from bot.ingest.fetch import Fetcher, FetchLimits, guarded_session
from bot.ingest.guard import AddressGuard
from bot.ingest.pipeline import Poller
from bot.scheduling import Leadership, Scheduler, schedule_feeds
from bot.settings import Settings
from storage.engine import create_engine, upgrade
from storage.locks import LeaderLock, SqliteRunLock, sqlite_file
from storage.repository import Repository


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    settings: Settings
    repo: Repository
    feeds: list[FeedConfig]
    watchlist: Watchlist
    poller: Poller
    http: aiohttp.ClientSession
    clock: Callable[[], datetime]
    sinks: tuple[str, ...]

    def dispatcher(self, sinks: dict[str, Sink]) -> Dispatcher:
        return Dispatcher(
            self.repo,
            sinks,
            self.clock,
            poll_every=self.settings.pledgewatch_dispatch_every,
            lease=timedelta(seconds=self.settings.pledgewatch_delivery_lease),
        )

    def leadership(
        self,
        scheduler: Scheduler,
        *,
        elected: Callable[[], Awaitable[None]] | None = None,
        refresh: Callable[[], Awaitable[None]] | None = None,
    ) -> Leadership:
        return leader_jobs(
            scheduler,
            self.repo,
            self.poller,
            self.feeds,
            elected=elected,
            refresh=refresh,
        )


def delivery_mode(settings: Settings) -> str:
    """Where alerts go: the Discord bot, an incoming webhook, or the console."""
    if settings.discord_token:
        return "discord"
    if settings.discord_webhook_url:
        return "webhook"
    return "console"


async def pollable_feeds(
    repo: Repository, poller: Poller, file_feeds: list[FeedConfig]
) -> list[FeedConfig]:
    """feeds.yaml's feeds and those added at run time, that can be polled now."""
    known = {f.id for f in file_feeds}
    added = [f for f in await repo.user_feed_configs() if f.id not in known]
    return [f for f in file_feeds + added if poller.skip_reason(f) is None]


def leader_jobs(
    scheduler: Scheduler,
    repo: Repository,
    poller: Poller,
    file_feeds: list[FeedConfig],
    *,
    elected: Callable[[], Awaitable[None]] | None = None,
    refresh: Callable[[], Awaitable[None]] | None = None,
) -> Leadership:
    """Feed polling (plus ``elected``'s jobs) on whichever runner leads; each later round
    schedules the feeds another runner added (plus ``refresh``). Scheduling is in real time,
    whatever clock the app's records use."""

    async def on_elected() -> None:
        schedule_feeds(
            scheduler, poller, await pollable_feeds(repo, poller, file_feeds), now=utc_now()
        )
        if elected is not None:
            await elected()

    async def on_refresh() -> None:
        feeds = await pollable_feeds(repo, poller, file_feeds)
        new = [f for f in feeds if scheduler.get_job(f"feed:{f.id}") is None]
        if new:
            schedule_feeds(scheduler, poller, new, now=utc_now())
        if refresh is not None:
            await refresh()

    return Leadership(LeaderLock(repo.engine), scheduler, elected=on_elected, refresh=on_refresh)


@contextmanager
def single_runner(settings: Settings) -> Iterator[None]:
    """On SQLite, hold the file's run lock for the whole run: a second runner on the same file
    stops with one line. PostgreSQL runners coordinate through the database instead."""
    path = sqlite_file(settings.database_url)
    if path is None:
        yield
        return
    lock = SqliteRunLock(path)
    try:
        lock.acquire()
    except OSError as exc:
        raise ConfigError(f"DATABASE_URL: cannot lock {lock.path}: {exc.strerror or exc}") from None
    try:
        yield
    finally:
        lock.release()


@asynccontextmanager
async def open_store(settings: Settings) -> AsyncIterator[Repository]:
    """The migrated store alone, for commands that only read and review."""
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        yield Repository(engine)
    finally:
        await engine.dispose()


@asynccontextmanager
async def build_http(settings: Settings) -> AsyncIterator[tuple[aiohttp.ClientSession, Fetcher]]:
    """The feed HTTP session (addresses checked by the SSRF guard) and its fetcher."""
    limits = FetchLimits()
    guard = AddressGuard(allow_private=settings.pledgewatch_allow_private_feeds)
    async with guarded_session(guard=guard, limits=limits) as http:
        yield http, Fetcher(http, limits=limits, guard=guard)


@asynccontextmanager
async def open_app(
    settings: Settings,
    *,
    feeds_path: Path | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> AsyncIterator[App]:
    """Validate config, migrate the store, and build every long-lived resource."""
    feeds = load_feeds(feeds_path or settings.pledgewatch_feeds)
    watchlist = load_watchlist()
    async with open_store(settings) as repo:
        await repo.sync_feeds(feeds)
        known = {f.id for f in feeds}
        feeds += [f for f in await repo.user_feed_configs() if f.id not in known]
        mode = delivery_mode(settings)
        sinks = (mode,)
        async with build_http(settings) as (http, fetcher):
            poller = Poller(
                repo=repo,
                fetcher=fetcher,
                watchlist=watchlist,
                settings=settings,
                clock=clock,
                sinks=sinks,
            )
            yield App(settings, repo, feeds, watchlist, poller, http, clock, sinks)
