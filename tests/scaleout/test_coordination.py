"""What several runners share: the lead (one runner polls feeds and runs the daily jobs), the
start-up (migrations and the feeds sync take turns), and SQLite's one-runner rule."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.scheduling import Leadership, build_scheduler, schedule_every
from storage.engine import create_engine
from storage.locks import LeaderLock
from storage.repository import Repository
from tests.conftest import REPO_ROOT


@pytest.fixture
async def engines(pg_url: str) -> AsyncIterator[list[AsyncEngine]]:
    """Three engines on one fresh database, as three runners would have."""
    made = [create_engine(pg_url) for _ in range(3)]
    yield made
    for engine in made:
        await engine.dispose()


@pytest.mark.postgres
async def test_one_runner_leads_and_another_takes_over_when_it_lets_go(engines) -> None:
    a, b, c = (LeaderLock(engine) for engine in engines)
    assert await a.hold()
    assert not await b.hold()
    assert not await c.hold()
    assert await a.hold()  # still ours on the next round
    await a.release()
    assert await b.hold()
    assert not await a.hold()
    await b.release()


@pytest.mark.postgres
async def test_a_leader_whose_session_dies_is_replaced_and_knows_it(engines) -> None:
    a, b = LeaderLock(engines[0]), LeaderLock(engines[1])
    assert await a.hold()
    assert not await b.hold()
    # The leader's connection ends (as when its process is killed): PostgreSQL frees the lock.
    async with engines[2].connect() as conn:
        await conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks "
                "WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()"
            )
        )
    assert await b.hold()
    assert not await a.hold()  # its check fails: it stops leading
    await b.release()


@pytest.mark.postgres
async def test_lock_keys_are_namespaced_by_database(pg_url: str) -> None:
    from tests.conftest import POSTGRES_URL

    here, elsewhere = create_engine(pg_url), create_engine(POSTGRES_URL)
    try:
        a, other = LeaderLock(here), LeaderLock(elsewhere)
        assert await a.hold()
        assert await other.hold()  # another database: no contention
        await other.release()
        await a.release()
    finally:
        await here.dispose()
        await elsewhere.dispose()


@pytest.mark.postgres
async def test_leadership_gives_the_leader_jobs_to_one_runner_at_a_time(engines) -> None:
    runners = []
    for engine in engines[:2]:
        scheduler = build_scheduler()
        elected: list[datetime] = []

        async def on_elected(scheduler=scheduler, elected=elected) -> None:
            elected.append(datetime.now(UTC))
            schedule_every(scheduler, "feed:a", asyncio.sleep, 3600, now=datetime.now(UTC))
            schedule_every(scheduler, "digests", asyncio.sleep, 3600, now=datetime.now(UTC))

        leadership = Leadership(LeaderLock(engine), scheduler, elected=on_elected)
        schedule_every(scheduler, "dispatch", asyncio.sleep, 3600, now=datetime.now(UTC))
        runners.append((scheduler, leadership, elected))
    (first, lead_a, elected_a), (second, lead_b, elected_b) = runners
    assert elected_a == elected_b == []

    assert await lead_a.check()
    assert not await lead_b.check()
    assert len(elected_a) == 1
    assert {j.id for j in first.get_jobs()} == {"dispatch", "feed:a", "digests"}
    assert {j.id for j in second.get_jobs()} == {"dispatch"}  # delivers, does not poll

    # A job a command added on the runner that does not lead is dropped on its next round.
    schedule_every(second, "feed:b", asyncio.sleep, 3600, now=datetime.now(UTC))
    assert not await lead_b.check()
    assert {j.id for j in second.get_jobs()} == {"dispatch"}

    await lead_a.release()
    assert await lead_b.check()
    assert await lead_b.check()  # a later round does not elect again
    assert len(elected_b) == 1
    assert {j.id for j in second.get_jobs()} == {"dispatch", "feed:a", "digests"}
    assert not await lead_a.check()
    assert {j.id for j in first.get_jobs()} == {"dispatch"}
    await lead_b.release()


def runner_env(**values: str) -> dict[str, str]:
    """The environment of a runner process: ours minus any PledgeWatch or Discord setting."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "DATABASE_URL", "PLEDGEWATCH_"))
    }
    return {**environ, "PYTHONPATH": str(REPO_ROOT), **values}


@pytest.mark.postgres
async def test_runners_starting_at_once_on_a_fresh_database_all_start(
    pg_url: str, tmp_path: Path
) -> None:
    feeds = "".join(
        f"  - {{id: f{i}, url: 'https://f{i}.example/rss', kind: news}}\n" for i in range(50)
    )
    (tmp_path / "feeds.yaml").write_text("feeds:\n" + feeds, encoding="utf-8")
    environ = runner_env(DATABASE_URL=pg_url)
    # Each process migrates the database and syncs feeds.yaml, all at once.
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "feeds",
            "list",
            cwd=tmp_path,
            env=environ,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(4)
    ]
    results = [await p.communicate() for p in processes]
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err.decode()
        assert out.decode().count("\nf") == 50
    engine = create_engine(pg_url)
    try:
        states = await Repository(engine).feed_states()
    finally:
        await engine.dispose()
    assert len(states) == 50


def test_a_second_runner_on_one_sqlite_file_stops_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "feeds.yaml").write_text("feeds: []\n", encoding="utf-8")
    environ = runner_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'pw.db'}", PLEDGEWATCH_DISPATCH_EVERY="3600"
    )
    command = [sys.executable, "-m", "bot", "run"]
    first = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert first.stdout is not None
        for line in first.stdout:  # bounded by the test timeout
            if line.startswith("Polling"):
                break
        second = subprocess.run(
            command, cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=60
        )
    finally:
        first.terminate()
        first.wait(timeout=30)
    assert second.returncode == 2
    [line] = second.stderr.splitlines()
    assert line == (
        f"pledgewatch: DATABASE_URL: another `pledgewatch run` (pid {first.pid}) is using "
        f"{tmp_path / 'pw.db'}; SQLite runs one runner at a time: stop it, or use PostgreSQL "
        "for several"
    )
    assert first.returncode == 0  # the first one ran on, and stopped cleanly


async def test_shard_settings_reach_the_bot_and_split_the_global_budget(tmp_path: Path) -> None:
    from bot.app import open_app
    from bot.delivery.pacing import BOT_REQUESTS_PER_SECOND
    from bot.discord_bot import build_bot, global_rate
    from bot.settings import Settings

    (tmp_path / "feeds.yaml").write_text("feeds: []\n", encoding="utf-8")
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'pw.db'}",
        pledgewatch_feeds=tmp_path / "feeds.yaml",
        discord_token="t",
        discord_shard_count=4,
        discord_shard_ids="1,3",
    )
    async with open_app(settings) as app:
        bot = build_bot(app)
        assert (bot.shard_count, bot.shard_ids) == (4, [1, 3])  # not started: nothing to close
    assert global_rate(settings) == BOT_REQUESTS_PER_SECOND / 2
    assert global_rate(settings.model_copy(update={"discord_shard_ids": "0-3"})) == (
        BOT_REQUESTS_PER_SECOND
    )
    unsharded = Settings(_env_file=None, database_url=settings.database_url)
    assert global_rate(unsharded) == BOT_REQUESTS_PER_SECOND


def test_runners_split_the_global_budget_by_the_channels_they_deliver_to() -> None:
    from bot.discord_bot import budget_share

    claims = {"a": 6, "b": 2}
    assert budget_share(claims, "a") == 0.75
    assert budget_share(claims, "b") == 0.25
    assert budget_share(claims, "idle") == 1 / 3  # ready for its first claims
    assert budget_share({}, "alone") == 1.0


async def test_an_unreachable_database_is_one_warning_per_outage_not_one_per_round(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    engine = create_engine(f"postgresql://postgres@127.0.0.1:{port}/pw")
    try:
        lock = LeaderLock(engine)
        with caplog.at_level("WARNING", logger="storage.locks"):
            assert [await lock.hold() for _ in range(3)] == [False, False, False]
    finally:
        await engine.dispose()
    warnings = [r for r in caplog.records if r.name == "storage.locks"]
    assert [r.getMessage() for r in warnings] == [
        "cannot reach the database to take the scheduler lead"
    ]
    assert lock.unreachable
