"""Snowflakes and tokens shaped like Discord's."""

from __future__ import annotations

import secrets
from datetime import datetime

DISCORD_EPOCH_MS = 1_420_070_400_000


class Snowflakes:
    """Unique, increasing snowflakes whose timestamp part is the fake clock's time."""

    def __init__(self) -> None:
        self._last = 0

    def next(self, at: datetime) -> int:
        ms = int(at.timestamp() * 1000) - DISCORD_EPOCH_MS
        candidate = (ms << 22) | (1 << 17)
        self._last = max(candidate, self._last + 1)
        return self._last


def snowflake_time_ms(snowflake: int) -> int:
    return (snowflake >> 22) + DISCORD_EPOCH_MS


def new_token(length: int = 68) -> str:
    """A URL-safe token of exactly `length` characters (webhook tokens are 68 long)."""
    return secrets.token_urlsafe(length)[:length]
