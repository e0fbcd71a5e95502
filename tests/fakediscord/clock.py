"""The fake's own clock: time that moves only when a test says so.

Outages, nonce windows and interaction-token lifetimes are measured on it, so a test can
live through a ten-minute outage in no time. Rate-limit windows are not: discord.py sleeps
on them in real time, so they run on the event loop's monotonic clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class FakeClock:
    """A manual UTC clock. Call it (or `.now()`) to read it, `.advance()` to move it."""

    def __init__(self, start: datetime | None = None) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start")
        self._now = (start or datetime.now(UTC)).astimezone(UTC)
        self._listeners: list[Callable[[], None]] = []

    def __call__(self) -> datetime:
        return self._now

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float = 0.0, **delta: float) -> datetime:
        """Move forward by `seconds` (plus any timedelta keywords: minutes=10, ...)."""
        step = timedelta(seconds=seconds, **delta)
        if step < timedelta(0):
            raise ValueError("a clock does not go back")
        self._now += step
        for listener in list(self._listeners):
            listener()
        return self._now

    def on_advance(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)


Clock = Callable[[], datetime]
