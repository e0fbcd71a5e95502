"""Two pollers on separate engines, as two runners would have, ingesting into one PostgreSQL
schema: feeds carrying one event still make one story and one alert."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.config import FeedConfig
from bot.domain.watchlist import load_watchlist
from bot.ingest.fetch import Fetcher, guarded_session
from bot.ingest.guard import AddressGuard
from bot.ingest.pipeline import Poller
from bot.settings import Settings
from storage.engine import create_engine, upgrade
from storage.repository import Repository
from tests.conftest import POSTGRES_URL, Clock, require_postgres
from tests.pipeline.conftest import Feeds

pytestmark = pytest.mark.postgres
# Enough feeds per poller that, without the lock, their ingests would overlap.
FEEDS_EACH = 6


def rss(outlet: str, title: str, link: str) -> bytes:
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{outlet}</title>'
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        "<pubDate>Tue, 18 May 2021 20:15:00 GMT</pubDate></item></channel></rss>"
    ).encode()


@pytest.fixture
async def schema() -> AsyncIterator[str]:
    require_postgres()
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        yield name
    finally:
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        await admin.dispose()


def engine_on(schema: str) -> AsyncEngine:
    return create_async_engine(
        POSTGRES_URL.replace("postgresql://", "postgresql+asyncpg://"),
        connect_args={"server_settings": {"search_path": schema}},
    )


async def test_two_pollers_on_one_schema_make_one_story_and_one_alert(
    schema: str, feeds: Feeds, settings: Settings
) -> None:
    outlets = [f"outlet{n}" for n in range(2 * FEEDS_EACH)]
    configs = []
    for n, outlet in enumerate(outlets):
        verb = "extends" if n % 2 else "is extending"
        feeds.bodies[f"{outlet}.xml"] = rss(
            outlet,
            f"Amazon {verb} Rekognition moratorium indefinitely", f"https://{outlet}.example/1"
        )
        configs.append(FeedConfig(id=outlet, url=feeds.url(f"{outlet}.xml"), kind="news"))
    engines = [engine_on(schema), engine_on(schema)]
    await upgrade(engines[0])
    repos = [Repository(engine) for engine in engines]
    await repos[0].sync_feeds(configs)
    clock = Clock(datetime(2021, 5, 19, tzinfo=UTC))
    guard = AddressGuard(allow_private=True)
    watchlist = load_watchlist()
    try:
        async with guarded_session(guard=guard) as one, guarded_session(guard=guard) as two:
            pollers = [
                Poller(
                    repo=repo,
                    fetcher=Fetcher(http, guard=guard),
                    watchlist=watchlist,
                    settings=settings,
                    clock=clock,
                    sinks=("console",),
                )
                for repo, http in zip(repos, (one, two), strict=True)
            ]
            reports = await asyncio.gather(
                pollers[0].poll_all(configs[::2]), pollers[1].poll_all(configs[1::2])
            )
        outcomes = [o for report in reports for o in report.outcomes]
        assert {o.status for o in outcomes} == {"new"}
        assert await repos[0].count("items") == len(outlets)
        assert await repos[0].count("stories") == 1
        news = [
            d.alert for d in await repos[1].pending_deliveries(now=None) if d.alert.kind == "news"
        ]
        assert len(news) == 1
        assert len(news[0].payload["also_reported_by"]) == len(outlets) - 1
    finally:
        for engine in engines:
            await engine.dispose()
