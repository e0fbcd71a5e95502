"""When to try a failing feed again: pure functions, the caller supplies clock and jitter."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

# Exponent cap: 2**62 times any sane base is far past every ceiling already.
_MAX_EXPONENT = 62
# The longest wait any server can ask for: a week. Absurd Retry-After values (a server
# once sent 999999999999) would otherwise push the next attempt past what a date can hold.
RETRY_AFTER_CAP = 7 * 24 * 3600.0
_MAX_SECONDS = RETRY_AFTER_CAP


def next_attempt_delay(
    failures: int,
    *,
    base: timedelta,
    ceiling: timedelta,
    retry_after: float | None = None,
    jitter: float = 0.0,
) -> timedelta:
    """How long to wait after the ``failures``-th consecutive failure.

    ``base * 2**(failures - 1)``, capped at ``ceiling``, then shortened by up to half
    by ``jitter`` (a fraction in 0..1 the caller draws, so this stays pure and
    spreads feeds that failed together). A server's ``retry_after`` (seconds) is a
    floor: the result is never sooner than it, even above the ceiling (up to
    :data:`RETRY_AFTER_CAP`). No failures means no wait beyond ``retry_after``.
    """
    floor = _seconds(retry_after)
    if failures <= 0:
        return timedelta(seconds=floor)
    base_s = max(base.total_seconds(), 0.0)
    ceiling_s = max(ceiling.total_seconds(), 0.0)
    exponent = min(failures - 1, _MAX_EXPONENT)
    delay = min(base_s * (2.0**exponent), ceiling_s)
    spread = min(max(_finite(jitter), 0.0), 1.0)
    delay *= 1.0 - spread / 2.0
    return timedelta(seconds=min(max(delay, floor), _MAX_SECONDS))


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds to wait from an HTTP ``Retry-After`` value (delta seconds or an HTTP date).

    ``None`` when absent or unparsable; a date in the past gives ``0.0``; anything beyond
    :data:`RETRY_AFTER_CAP` gives the cap.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        # Length first: int() refuses strings of thousands of digits.
        return RETRY_AFTER_CAP if len(text) > 12 else min(float(int(text)), RETRY_AFTER_CAP)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max((when - now).total_seconds(), 0.0), RETRY_AFTER_CAP)


def _finite(value: float) -> float:
    return value if math.isfinite(value) else 0.0


def _seconds(value: float | None) -> float:
    if value is None:
        return 0.0
    return min(max(_finite(value), 0.0), _MAX_SECONDS)
