"""The migrations build exactly the schema the models describe, and re-running is a no-op."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from storage.engine import alembic_config, head_revisions, stored_revisions, upgrade
from storage.models import Base
from storage.repository import Repository
from tests.conftest import REPO_ROOT


async def test_migrations_match_the_models_and_upgrade_is_idempotent(repo: Repository) -> None:
    await upgrade(repo.engine)  # a second run must change nothing and not fail
    async with repo.engine.connect() as conn:
        diff = await conn.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
    assert diff == []


def test_the_head_read_from_the_files_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    assert head_revisions() == frozenset(scripts.get_heads())


async def test_a_database_at_head_is_checked_without_alembic(repo: Repository) -> None:
    assert await stored_revisions(repo.engine) == head_revisions()
    async with repo.engine.begin() as conn:  # one step behind: the next start migrates it
        await conn.run_sync(_downgrade_to, "0003")
    assert await stored_revisions(repo.engine) == {"0003"}
    await upgrade(repo.engine)
    assert await stored_revisions(repo.engine) == head_revisions()


def _downgrade_to(connection: Connection, revision: str) -> None:
    from alembic import command

    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.downgrade(cfg, revision)


def test_starting_on_a_current_database_does_not_import_alembic(tmp_path: Path) -> None:
    probe = (
        "import asyncio, sys\n"
        "from storage.engine import create_engine, upgrade\n"
        "async def main():\n"
        f"    engine = create_engine('sqlite:///{tmp_path / 'p.db'}')\n"
        "    await upgrade(engine)\n"
        "    await engine.dispose()\n"
        "asyncio.run(main())\n"
        "print('alembic' in sys.modules)\n"
    )

    def start() -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True,
            timeout=60, check=True,
        )  # fmt: skip
        return done.stdout.strip()

    assert start() == "True"  # a new database: migrated by alembic
    assert start() == "False"  # at head: one query, alembic never loaded
