"""Several real `pledgewatch run` processes on one PostgreSQL database, against a loopback feed
server and the fake Discord: what the scale-out test and ``bench/scaleout.py`` share."""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web
from sqlalchemy import text

from bot.settings import Settings
from storage.engine import create_engine, upgrade
from storage.repository import Repository
from tests.fakediscord import FakeDiscord

REPO_ROOT = Path(__file__).resolve().parents[2]
ITEM_URL = re.compile(r"https://news\.example/story/(\d+)")
IN_DOUBT = "may repeat"
_SYLLABLES = ("ka", "lo", "mi", "ner", "tu", "vos", "ran", "pel", "dor", "sin", "gar", "bel")


def story_feed(count: int, *, seed: int = 7) -> bytes:
    """An RSS feed of ``count`` relevant items, each a different story (so one alert each)."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choice(_SYLLABLES) for _ in range(3)).title()

    published = datetime.now(UTC) - timedelta(hours=1)
    items = []
    for n in range(count):
        w = [word() for _ in range(6)]
        stamp = (published + timedelta(seconds=n)).strftime("%a, %d %b %Y %H:%M:%S GMT")
        items.append(
            f"<item><title>{w[0]} {w[1]} {w[2]} council bans police facial recognition, "
            f"{w[3]} {w[4]} {w[5]} say</title><link>https://news.example/story/{n}</link>"
            f"<guid>story-{n}</guid><description>The council voted to ban facial recognition "
            f"by police.</description><pubDate>{stamp}</pubDate></item>"
        )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Generated</title>'
        "<link>https://news.example/</link><description>stories</description>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


@asynccontextmanager
async def feed_server(body: bytes) -> AsyncIterator[str]:
    """Serves ``body`` at /feed.xml on loopback; yields the URL."""

    async def handle(_request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/feed.xml", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/feed.xml"
    finally:
        await runner.cleanup()


@dataclass
class Runner:
    index: int
    process: asyncio.subprocess.Process
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@dataclass
class Fleet:
    """N runners on one database; ``mode`` is "bot" or "webhook"."""

    database_url: str
    workdir: Path
    fake: FakeDiscord
    mode: str
    feed_url: str
    webhook_url: str | None = None
    lease: float = 3.0
    runners: list[Runner] = field(default_factory=list)

    def settings(self) -> Settings:
        return Settings(_env_file=None, database_url=self.database_url)  # type: ignore[call-arg]

    def environ(self, index: int, count: int) -> dict[str, str]:
        environ = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DISCORD_", "DATABASE_URL", "PLEDGEWATCH_"))
        }
        environ.update(
            PYTHONPATH=str(REPO_ROOT),
            DATABASE_URL=self.database_url,
            PLEDGEWATCH_FEEDS=str(self.workdir / "feeds.yaml"),
            PLEDGEWATCH_ALLOW_PRIVATE_FEEDS="true",
            PLEDGEWATCH_LEADER_EVERY="1",
            PLEDGEWATCH_DELIVERY_LEASE=str(self.lease),
            PLEDGEWATCH_LOG_LEVEL="INFO",
        )
        if self.mode == "bot":
            environ.update(
                DISCORD_TOKEN=self.fake.token,
                DISCORD_API_BASE=self.fake.url,
                DISCORD_SHARD_COUNT=str(count),
                DISCORD_SHARD_IDS=str(index),
            )
        else:
            environ["DISCORD_WEBHOOK_URL"] = self.webhook_url or ""
        return environ

    async def prepare(self, channels: list[tuple[int, int]]) -> None:
        """Migrate, write feeds.yaml, subscribe ``(guild id, channel id)`` pairs (bot mode)."""
        (self.workdir / "feeds.yaml").write_text(
            f"feeds:\n  - {{id: generated, url: '{self.feed_url}', kind: news, every: 1h}}\n",
            encoding="utf-8",
        )
        engine = create_engine(self.database_url)
        try:
            await upgrade(engine)
            repo = Repository(engine)
            for guild_id, channel_id in channels:
                await repo.subscribe(
                    guild_id=guild_id, channel_id=channel_id, now=datetime.now(UTC)
                )
        finally:
            await engine.dispose()

    async def start(self, count: int) -> None:
        for index in range(count):
            home = self.workdir / f"runner-{index}"
            home.mkdir(exist_ok=True)
            log = home / "output.log"
            with log.open("wb") as sink:
                process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bot",
                    "run",
                    cwd=home,
                    env=self.environ(index, count),
                    stdout=sink,
                    stderr=asyncio.subprocess.STDOUT,
                )
            self.runners.append(Runner(index, process, log))

    async def claims(self) -> dict[str, int]:
        """Each claimed target and the pid of the runner holding it (or that held it when it
        was killed: claims are released on a clean stop)."""
        engine = create_engine(self.database_url)
        try:
            async with engine.connect() as conn:
                rows = await conn.execute(
                    text(
                        "SELECT target, claimed_by FROM delivery_claims "
                        "WHERE claimed_by IS NOT NULL"
                    )
                )
                return {str(r[0]): int(str(r[1]).split(":")[1]) for r in rows}
        finally:
            await engine.dispose()

    async def claim_holders(self) -> set[int]:
        """The pids of the runners holding a delivery claim right now."""
        return set((await self.claims()).values())

    def kill(self, runner: Runner) -> None:
        runner.process.send_signal(signal.SIGKILL)

    async def stop(self) -> dict[int, int | None]:
        """SIGTERM to every runner still running; their exit codes by index."""
        for runner in self.runners:
            if runner.process.returncode is None:
                runner.process.send_signal(signal.SIGTERM)
        codes = {}
        for runner in self.runners:
            try:
                codes[runner.index] = await asyncio.wait_for(runner.process.wait(), 30)
            except TimeoutError:
                runner.process.kill()
                codes[runner.index] = await runner.process.wait()
        return codes


def stories_posted(fake: FakeDiscord, channel_id: int) -> Counter[int]:
    """How many times each generated story was posted in a channel."""
    counts: Counter[int] = Counter()
    for message in fake.messages(channel_id):
        found = {int(n) for n in ITEM_URL.findall(str(message.embeds))}
        counts.update(found)
    return counts


def in_doubt_repeats(fake: FakeDiscord, channel_id: int) -> Counter[int]:
    """Stories posted again with the note that the delivery was interrupted."""
    counts: Counter[int] = Counter()
    for message in fake.messages(channel_id):
        if IN_DOUBT in str(message.embeds):
            counts.update({int(n) for n in ITEM_URL.findall(str(message.embeds))})
    return counts
