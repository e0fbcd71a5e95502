"""Digest schedules: daily or weekly at a local hour, in the server's timezone, due once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.schedule import DigestSchedule, ScheduleError, digest_due, last_slot, next_slot

NY = "America/New_York"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_daily_digest_is_at_the_local_hour_across_a_clock_change():
    s = DigestSchedule("daily", hour=9, timezone=NY)
    # New York is UTC-4 in summer, UTC-5 in winter: 09:00 local moves in UTC.
    assert next_slot(s, utc(2026, 11, 1, 0)) == utc(2026, 11, 1, 14)  # after the change
    assert last_slot(s, utc(2026, 10, 31, 20)) == utc(2026, 10, 31, 13)


def test_a_weekly_digest_is_on_its_weekday():
    s = DigestSchedule("weekly", hour=17, weekday=4, timezone="Europe/Berlin")  # Fridays
    assert next_slot(s, utc(2026, 12, 2, 12)) == utc(2026, 12, 4, 16)  # Berlin is UTC+1
    assert last_slot(s, utc(2026, 12, 2, 12)) == utc(2026, 11, 27, 16)
    assert s.describe() == "weekly, Fridays at 17:00 Europe/Berlin"


def test_a_digest_is_due_once_per_slot_and_not_for_a_slot_before_it_was_set():
    s = DigestSchedule("daily", hour=13)
    created = utc(2026, 12, 2, 14)  # after today's slot: nothing until tomorrow's
    assert not digest_due(s, now=utc(2026, 12, 2, 20), last_sent=None, since=created)
    assert digest_due(s, now=utc(2026, 12, 3, 13), last_sent=None, since=created)
    sent = utc(2026, 12, 3, 13, 0, 5)
    assert not digest_due(s, now=sent + timedelta(hours=5), last_sent=sent, since=created)
    # Down for two days: one digest when back, not two.
    assert digest_due(s, now=utc(2026, 12, 5, 18), last_sent=sent, since=created)


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"timezone": "Mars/Olympus"}, "Unknown timezone 'Mars/Olympus'"),
        ({"hour": 24}, "The hour is 0 to 23"),
        ({"weekday": 7}, "The weekday is 0 (Monday) to 6"),
        ({"cadence": "hourly"}, "daily or weekly"),
    ],
)
def test_a_schedule_that_cannot_be_kept_says_what_to_change(kwargs, says):
    with pytest.raises(ScheduleError, match=says.replace("(", r"\(").replace(")", r"\)")):
        DigestSchedule(**kwargs)
