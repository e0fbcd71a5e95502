"""Cross-process coordination, with nothing but what the database gives.

PostgreSQL: advisory locks, keyed by a name *and* the database and schema in use, so runners on
other databases or schemas of the same server never contend. ``startup`` (transaction-level)
serializes migrations and the feeds.yaml sync of runners starting at once; ``LeaderLock``
(session-level, on a connection of its own) elects the one runner that polls feeds and runs
the daily and deadline jobs. SQLite: one runner per file, held by an exclusive lock on a file
beside the database for the whole run.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from bot.errors import ConfigError, StorageError

log = logging.getLogger(__name__)

STARTUP = "pledgewatch.startup"
LEADER = "pledgewatch.leader"
# Two int4 keys: the lock's name, and where it applies (database and schema).
_KEYS = "hashtext(:name), hashtext(current_database() || '.' || coalesce(current_schema(), ''))"


async def take_startup_lock(session: AsyncSession) -> None:
    """Hold the start-up lock until the session's transaction ends (PostgreSQL only)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text(f"SELECT pg_advisory_xact_lock({_KEYS})"), {"name": STARTUP})


def take_startup_lock_sync(connection: Any) -> None:
    """The same, on a synchronous connection (inside Alembic's run)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SELECT pg_advisory_xact_lock({_KEYS})"), {"name": STARTUP})


class LeaderLock:
    """One leader among the runners on a PostgreSQL database: a session-level advisory lock
    on a dedicated connection. PostgreSQL frees it the moment that session ends (a killed
    runner's socket closes), so another runner's next :meth:`hold` takes over. On SQLite the
    single runner is always the leader (:class:`SqliteRunLock` keeps it single)."""

    def __init__(self, engine: AsyncEngine, *, timeout: float = 10.0) -> None:
        self._engine = engine
        self._timeout = timeout
        self._conn: AsyncConnection | None = None
        self.shared = engine.dialect.name == "postgresql"
        self.unreachable = False  # the last round could not reach the database

    @property
    def held(self) -> bool:
        return self._conn is not None or not self.shared

    async def hold(self) -> bool:
        """Take the lead if free, or check it is still ours; returns whether we lead now.
        A lost connection means a lost lead (another runner may have it already)."""
        if not self.shared:
            return True
        try:
            leads = await asyncio.wait_for(self._hold(), self._timeout)
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            if self._conn is not None:
                log.warning("scheduler lead lost", extra={"error": error})
            elif not self.unreachable:  # once per outage, not every round
                log.warning(
                    "cannot reach the database to take the scheduler lead", extra={"error": error}
                )
            self.unreachable = True
            await self._drop()
            return False
        if self.unreachable:
            self.unreachable = False
            log.info("the database answers again: trying for the scheduler lead")
        return leads

    async def _hold(self) -> bool:
        if self._conn is not None:
            await self._conn.execute(text("SELECT 1"))
            await self._conn.commit()
            return True
        conn = await self._engine.connect()
        try:
            got = (
                await conn.execute(text(f"SELECT pg_try_advisory_lock({_KEYS})"), {"name": LEADER})
            ).scalar_one()
            await conn.commit()  # the lock is the session's: no transaction stays open
        except BaseException:
            await conn.invalidate()
            await conn.close()
            raise
        if not got:
            await conn.close()
            return False
        self._conn = conn
        return True

    async def release(self) -> None:
        await self._drop()

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            # Closing the session frees the lock; the connection must not go back to the
            # pool still holding it.
            await conn.invalidate()
            await conn.close()
        except (SQLAlchemyError, OSError) as exc:
            log.debug("closing the leader connection failed", extra={"error": str(exc)})


class SqliteRunLock:
    """An exclusive lock on ``<database>.run.lock`` for as long as one runner runs. SQLite has
    no way to share the scheduler between processes, so a second runner stops at once."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".run.lock")
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            pid = handle.read().strip()
            handle.close()
            holder = f" (pid {pid})" if pid.isdigit() else ""
            raise ConfigError(
                f"DATABASE_URL: another `pledgewatch run`{holder} is using "
                f"{self.path.with_name(self.path.name.removesuffix('.run.lock'))}; SQLite runs "
                "one runner at a time: stop it, or use PostgreSQL for several"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def sqlite_file(database_url: str) -> Path | None:
    """The SQLite database file of a URL, or None (PostgreSQL, or in memory)."""
    for prefix in ("sqlite:///", "sqlite+aiosqlite:///"):
        if database_url.startswith(prefix):
            path = database_url[len(prefix) :].split("?", 1)[0]
            return Path(path) if path and path != ":memory:" else None
    return None


async def claims_by_runner(engine: AsyncEngine, *, now: datetime) -> dict[str, int]:
    """How many delivery targets each runner holds under a live lease: the runners split the
    bot's global request budget in these proportions."""
    from storage.models import DeliveryClaim

    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                select(DeliveryClaim.claimed_by, func.count())
                .where(DeliveryClaim.claimed_by.is_not(None), DeliveryClaim.lease_until > now)
                .group_by(DeliveryClaim.claimed_by)
            )
            return {str(runner): int(count) for runner, count in rows}
    except (SQLAlchemyError, OSError) as exc:
        raise StorageError(f"reading the delivery claims failed: {exc}") from exc
