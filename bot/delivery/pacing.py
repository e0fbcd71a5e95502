"""Keeping a process under Discord's global rate limit.

Discord allows a bot 50 requests per second in all, whatever the route; past that every
request earns a global 429. Per-route buckets (5 messages per 5 s per channel) are waited
out by discord.py from the headers; the global limit is not, so every REST call the
delivery makes first takes a turn from one :class:`Pacer` shared by the whole process.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

# 50 per second minus a margin for jitter between here and Discord, and for the few
# requests discord.py makes on its own (a retry, a gateway lookup).
BOT_REQUESTS_PER_SECOND = 47.0


class Pacer:
    """Grants turns at most ``rate`` per second, first come first served. Turns keep to an
    even schedule (a late wake-up does not push the next turn back) but are never saved
    up: after a stall the schedule restarts from now, so a burst is at most two turns."""

    def __init__(
        self,
        rate: float = BOT_REQUESTS_PER_SECOND,
        *,
        now: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("a pacer needs a positive rate")
        self.interval = 1.0 / rate
        self._now = now or (lambda: asyncio.get_running_loop().time())
        self._sleep = sleep
        self._last: float | None = None
        self._lock = asyncio.Lock()

    async def turn(self) -> None:
        """Wait for this caller's turn."""
        async with self._lock:
            now = self._now()
            slot = now if self._last is None else max(now, self._last + self.interval)
            if slot > now:
                await self._sleep(slot - now)
            self._last = slot
