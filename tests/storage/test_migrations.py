"""The migrations build exactly the schema the models describe, and re-running is a no-op."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.engine import upgrade
from storage.models import Base
from storage.repository import Repository


async def test_migrations_match_the_models_and_upgrade_is_idempotent(repo: Repository) -> None:
    await upgrade(repo.engine)  # a second run must change nothing and not fail
    async with repo.engine.connect() as conn:
        diff = await conn.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
    assert diff == []
