"""A fake Discord (REST API v10 + gateway) on loopback, for testing the real discord.py client.

See docs/FAKE_DISCORD.md. The main entry point is `FakeDiscord`.
"""

from .clock import FakeClock
from .contract import SKIP_REASON as CONTRACT_SKIP_REASON
from .models import (
    FakeChannel,
    FakeCommand,
    FakeGuild,
    FakeInteraction,
    FakeMember,
    FakeMessage,
    FakeRole,
    FakeUser,
    FakeWebhook,
    Problem,
    RequestRecord,
)
from .server import FakeDiscord

__all__ = [
    "CONTRACT_SKIP_REASON",
    "FakeChannel",
    "FakeClock",
    "FakeCommand",
    "FakeDiscord",
    "FakeGuild",
    "FakeInteraction",
    "FakeMember",
    "FakeMessage",
    "FakeRole",
    "FakeUser",
    "FakeWebhook",
    "Problem",
    "RequestRecord",
]
