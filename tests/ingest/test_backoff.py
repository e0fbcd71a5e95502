"""Backoff delays and Retry-After parsing: pure functions, no clock inside."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ingest.backoff import RETRY_AFTER_CAP, next_attempt_delay, parse_retry_after

BASE = timedelta(minutes=1)
CEILING = timedelta(hours=6)
NOW = datetime(2026, 9, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("failures", "minutes"), [(1, 1), (2, 2), (3, 4), (4, 8), (9, 256), (10, 360), (500, 360)]
)
def test_delay_doubles_up_to_the_ceiling(failures: int, minutes: int):
    assert next_attempt_delay(failures, base=BASE, ceiling=CEILING) == timedelta(minutes=minutes)


def test_jitter_shortens_by_at_most_half():
    full = next_attempt_delay(4, base=BASE, ceiling=CEILING, jitter=0.0)
    half = next_attempt_delay(4, base=BASE, ceiling=CEILING, jitter=1.0)
    some = next_attempt_delay(4, base=BASE, ceiling=CEILING, jitter=0.5)

    assert (full, half, some) == (timedelta(minutes=8), timedelta(minutes=4), timedelta(minutes=6))


def test_retry_after_is_a_floor():
    assert next_attempt_delay(1, base=BASE, ceiling=CEILING, retry_after=600) == timedelta(
        minutes=10
    )


def test_retry_after_wins_even_above_the_ceiling():
    delay = next_attempt_delay(3, base=BASE, ceiling=CEILING, retry_after=86400.0, jitter=1.0)

    assert delay == timedelta(days=1)


def test_shorter_retry_after_does_not_shorten_the_backoff():
    assert next_attempt_delay(5, base=BASE, ceiling=CEILING, retry_after=5) == timedelta(minutes=16)


def test_no_failures_no_wait():
    assert next_attempt_delay(0, base=BASE, ceiling=CEILING) == timedelta(0)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Fri, 25 Sep 2026 12:15:00 GMT", 900.0),
        ("Fri, 25 Sep 2026 11:00:00 GMT", 0.0),  # in the past: retry now
        (None, None),
        ("", None),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
    ],
)
def test_retry_after_values(header: str | None, seconds: float | None):
    assert parse_retry_after(header, now=NOW) == seconds


@given(
    failures=st.integers(min_value=-5, max_value=10**6),
    base_s=st.floats(min_value=0, max_value=1e6),
    ceiling_s=st.floats(min_value=0, max_value=1e8),
    retry_after=st.none() | st.floats(allow_nan=True, allow_infinity=True),
    jitter=st.floats(allow_nan=True, allow_infinity=True),
)
def test_delay_is_bounded_and_never_sooner_than_retry_after(
    failures, base_s, ceiling_s, retry_after, jitter
):
    delay = next_attempt_delay(
        failures,
        base=timedelta(seconds=base_s),
        ceiling=timedelta(seconds=ceiling_s),
        retry_after=retry_after,
        jitter=jitter,
    )

    seconds = delay.total_seconds()
    floor = 0.0
    if retry_after is not None and math.isfinite(retry_after):
        floor = min(max(retry_after, 0.0), RETRY_AFTER_CAP)
    slack = 1e-6 + floor * 1e-9
    assert seconds >= floor - slack
    assert seconds <= max(min(ceiling_s, RETRY_AFTER_CAP), floor) + slack
    assert NOW + delay > NOW - timedelta(seconds=1)  # a date can always hold it


@given(st.text(max_size=60))
def test_retry_after_never_raises(text: str):
    value = parse_retry_after(text, now=NOW)

    assert value is None or value >= 0


@pytest.mark.parametrize("value", ["999999999999", "9" * 5000])
def test_an_absurd_retry_after_is_capped_at_a_week(value: str):
    assert parse_retry_after(value, now=NOW) == RETRY_AFTER_CAP == 7 * 24 * 3600
    far = "Fri, 31 Dec 9999 23:59:59 GMT"
    assert parse_retry_after(far, now=NOW) == RETRY_AFTER_CAP
    delay = next_attempt_delay(1, base=BASE, ceiling=CEILING, retry_after=1e12)
    assert NOW + delay == NOW + timedelta(days=7)
