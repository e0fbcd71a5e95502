"""Fixtures: a fake Discord on loopback, and real discord.py bots pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.discord.harness import BotRunner
from tests.fakediscord import FakeDiscord


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A started FakeDiscord; at teardown, fails the test on unimplemented routes, contract
    violations or other recorded problems (take the expected ones with `take_problems`)."""
    async with FakeDiscord() as fake:
        yield fake
        fake.verify()


@pytest.fixture
async def bots(
    fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[BotRunner]:
    """`await bots.start(bot)` runs a real AutoShardedBot against `fake_discord` until teardown."""
    runner = BotRunner(fake_discord, monkeypatch)
    yield runner
    await runner.stop_all()
