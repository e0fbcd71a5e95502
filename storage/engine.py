"""Engine construction and migrations."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.errors import ConfigError, StorageError
from bot.settings import async_database_url
from storage.locks import take_startup_lock_sync

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# A migration file's own id and the one(s) it follows, as alembic reads them.
_REVISION_LINE = re.compile(r"^(down_revision|revision)\b[^=]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def create_engine(url: str) -> AsyncEngine:
    """An async engine for a plain ``sqlite:///PATH`` or ``postgresql://`` URL."""
    full = async_database_url(url)
    try:
        if full.startswith("sqlite"):
            engine = create_async_engine(full, connect_args={"timeout": 30})
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
            return engine
        return create_async_engine(full, pool_pre_ping=True)
    except (ArgumentError, ValueError, ImportError) as exc:
        # ArgumentError covers an unknown dialect; ImportError a dialect without its driver.
        reason = "unsupported database" if isinstance(exc, ImportError) else str(exc)
        raise ConfigError(f"DATABASE_URL: {reason}: use sqlite:///PATH or postgresql://…") from None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the dispatcher read while a poll writes; the busy timeout rides out short locks.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


async def check_connection(engine: AsyncEngine) -> None:
    """Open one connection now, so a database that is missing or unreachable is one clear
    line naming DATABASE_URL (asyncpg's connect errors are not SQLAlchemy's)."""
    errors: tuple[type[BaseException], ...] = (SQLAlchemyError, OSError, TimeoutError)
    if engine.dialect.name == "postgresql":
        import asyncpg  # type: ignore[import-untyped]

        errors += (asyncpg.PostgresError, asyncpg.InterfaceError)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except errors as exc:
        where = engine.url.render_as_string(hide_password=True)
        where = where.replace("+asyncpg", "").replace("+aiosqlite", "")
        reason = str(getattr(exc, "orig", None) or exc) or type(exc).__name__
        raise ConfigError(f"DATABASE_URL: cannot open {where}: {reason}") from None


@cache
def head_revisions() -> frozenset[str]:
    """The newest migration(s), read from the files as text: no alembic import for it."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            (revisions if name == "revision" else parents).update(_QUOTED.findall(value))
    return frozenset(revisions - parents)


async def stored_revisions(engine: AsyncEngine) -> frozenset[str]:
    """The revision(s) the database says it is at; empty when it has none yet."""
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return frozenset(str(row[0]) for row in rows)
    except SQLAlchemyError:
        return frozenset()  # no version table: a new database


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` on this engine's database. On PostgreSQL runners
    starting at once take turns (an advisory lock for the transaction): the first migrates,
    the others find the schema current.

    A database already at head costs one query: alembic (a quarter of a second to import
    and load its scripts) is loaded only when there is something to apply."""

    def run(connection: Connection) -> None:
        from alembic import command

        take_startup_lock_sync(connection)
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    await check_connection(engine)
    if revision == "head" and await stored_revisions(engine) == head_revisions():
        return
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run)
    except (SQLAlchemyError, OSError) as exc:
        raise StorageError(f"database migration failed: {exc}") from exc
