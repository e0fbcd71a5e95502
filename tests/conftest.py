"""Shared fixtures: real databases (a SQLite file, and PostgreSQL when it runs) and a clock."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from storage.engine import create_engine, upgrade
from storage.repository import Repository

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
POSTGRES_URL = os.environ.get(
    "PLEDGEWATCH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a skip with the reason when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present (../shared is optional outside CI)")
    return path


def _postgres_address() -> tuple[str, int]:
    parsed = urlsplit(POSTGRES_URL)
    return parsed.hostname or "127.0.0.1", parsed.port or 5432


def _postgres_reachable() -> bool:
    try:
        with socket.create_connection(_postgres_address(), timeout=1):
            return True
    except OSError:
        return False


def require_postgres() -> None:
    if _postgres_reachable():
        return
    host, port = _postgres_address()
    reason = f"PostgreSQL is not reachable on {host}:{port}"
    if os.environ.get("PLEDGEWATCH_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{reason}, and PLEDGEWATCH_REQUIRE_POSTGRES=1 makes these tests mandatory")
    pytest.skip(reason)


class Clock:
    """An injectable clock that only moves when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 1, 5, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def repo(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Repository]:
    """A migrated, empty store: a SQLite file, or a fresh schema on the PostgreSQL server."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'pledgewatch.db'}")
        await upgrade(engine)
        yield Repository(engine)
        await engine.dispose()
        return
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_async_engine(
        POSTGRES_URL.replace("postgresql://", "postgresql+asyncpg://"),
        connect_args={"server_settings": {"search_path": schema}},
    )
    try:
        await upgrade(engine)
        yield Repository(engine)
    finally:
        await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()
