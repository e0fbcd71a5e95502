"""Per-route buckets and the global limit, with the headers discord.py reads.

Windows run on the event loop's clock (discord.py sleeps on them in real time). A bucket is
a fixed window: it opens on its first request, admits `limit` requests, and resets
`window` seconds later.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_BUCKET = (10, 1.0)
# Kept short so tests run fast; Discord's own are longer (5 messages per 5 s per channel).
DEFAULT_ROUTE_BUCKETS: dict[str, tuple[int, float]] = {
    "POST /channels/{channel_id}/messages": (5, 0.5),
    "PATCH /channels/{channel_id}/messages/{message_id}": (5, 0.5),
    "DELETE /channels/{channel_id}/messages/{message_id}": (5, 0.5),
    "POST /webhooks/{webhook_id}/{webhook_token}": (5, 0.5),
}
GLOBAL_LIMIT = (50, 1.0)
MAJOR_PARAMETERS = ("channel_id", "guild_id", "webhook_id", "webhook_token")


@dataclass
class _Window:
    ends: float = 0.0
    used: int = 0


@dataclass(frozen=True)
class Verdict:
    """The outcome for one request: the headers to send, and a retry_after when refused."""

    headers: dict[str, str]
    retry_after: float | None = None
    scope: str = "user"
    is_global: bool = False


def _ceil_ms(seconds: float) -> float:
    # Round up so a client that waits exactly Reset-After never lands inside the old window.
    return math.ceil(max(seconds, 0.0) * 1000) / 1000


class RateLimits:
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self.rules: dict[str, tuple[int, float]] = dict(DEFAULT_ROUTE_BUCKETS)
        self.default = DEFAULT_BUCKET
        self.global_limit = GLOBAL_LIMIT
        self._windows: dict[str, _Window] = {}
        self._global = _Window()
        self._storm_count = 0
        self._storm_until = 0.0
        self._storm_route: str | None = None
        self._storm_retry_after = 0.05
        self._storm_scope = "shared"

    def set_global_limit(self, limit: int, window: float) -> None:
        self.global_limit = (limit, window)
        self._global = _Window()  # the new limit starts with a fresh window

    @staticmethod
    def bucket_hash(route: str) -> str:
        return hashlib.sha1(route.encode(), usedforsecurity=False).hexdigest()[:16]

    def storm(
        self,
        *,
        count: int | None,
        seconds: float | None,
        retry_after: float,
        scope: str,
        route: str | None,
    ) -> None:
        self._storm_count = count or 0
        self._storm_until = self._now() + seconds if seconds else 0.0
        self._storm_retry_after = retry_after
        self._storm_scope = scope
        self._storm_route = route

    def _storming(self, route: str) -> float | None:
        if self._storm_route is not None and self._storm_route != route:
            return None
        now = self._now()
        if now < self._storm_until:
            return max(self._storm_until - now, self._storm_retry_after)
        if self._storm_count > 0:
            self._storm_count -= 1
            return self._storm_retry_after
        return None

    def check(self, route: str, params: dict[str, str], *, counts_globally: bool) -> Verdict:
        storm = self._storming(route)
        if storm is not None:
            return Verdict(
                self._refused_headers(storm, self._storm_scope), storm, self._storm_scope
            )

        now = self._now()
        if counts_globally:
            limit, window = self.global_limit
            if now >= self._global.ends:
                self._global = _Window(ends=now + window)
            if self._global.used >= limit:
                retry = _ceil_ms(self._global.ends - now)
                headers = self._refused_headers(retry, "global")
                headers["X-RateLimit-Global"] = "true"
                return Verdict(headers, retry, "global", is_global=True)
            self._global.used += 1

        limit, window = self.rules.get(route, self.default)
        bucket = self.bucket_hash(route)
        key = bucket + ":" + "+".join(params[k] for k in MAJOR_PARAMETERS if k in params)
        win = self._windows.setdefault(key, _Window())
        if now >= win.ends:
            win.ends, win.used = now + window, 0
        reset_after = _ceil_ms(win.ends - now)
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Bucket": bucket,
        }
        if win.used >= limit:
            headers.update(self._refused_headers(reset_after, "user"))
            headers["X-RateLimit-Remaining"] = "0"
            return Verdict(headers, reset_after, "user")
        win.used += 1
        headers["X-RateLimit-Remaining"] = str(limit - win.used)
        return Verdict(headers)

    @staticmethod
    def _refused_headers(retry_after: float, scope: str) -> dict[str, str]:
        return {
            "Retry-After": str(math.ceil(retry_after)),
            "X-RateLimit-Scope": scope,
            # discord.py retries a 429 only when it came through Discord's proxy (has Via).
            "Via": "1.1 google",
        }
