"""When digests go out: daily or weekly, at an hour (and weekday) in the server's timezone.
Pure: the caller gives "now" and when the last digest went.

A digest is due once the latest scheduled moment has passed since the last one was sent (or,
for a new schedule, since it was set), so a restart or a missed run sends it at the next
check, once, and a schedule changed today waits for its next moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import PledgeWatchError

Cadence = Literal["daily", "weekly"]
CADENCES: tuple[Cadence, ...] = get_args(Cadence)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_HOUR = 13  # a working hour across the US, where most tracked laws are


class ScheduleError(PledgeWatchError):
    """A digest schedule that cannot be kept as given; the message says what to change."""


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    cadence: Cadence = "daily"
    hour: int = DEFAULT_HOUR  # 0-23, local time
    weekday: int = 0  # 0 = Monday; weekly digests only
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        if self.cadence not in CADENCES:
            raise ScheduleError(f"A digest is daily or weekly, not '{self.cadence}'.")
        if not 0 <= self.hour <= 23:
            raise ScheduleError(f"The hour is 0 to 23, not {self.hour}.")
        if not 0 <= self.weekday <= 6:
            raise ScheduleError(f"The weekday is 0 (Monday) to 6 (Sunday), not {self.weekday}.")
        zone(self.timezone)

    def describe(self) -> str:
        when = f"{self.hour:02d}:00 {self.timezone}"
        if self.cadence == "weekly":
            return f"weekly, {WEEKDAYS[self.weekday].title()}s at {when}"
        return f"daily at {when}"


def zone(name: str) -> ZoneInfo:
    """An IANA timezone (``Europe/Berlin``, ``America/New_York``, ``UTC``)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(
            f"Unknown timezone '{name[:60]}': use an IANA name such as America/New_York, "
            "Europe/Berlin or UTC."
        ) from None


def timezone_names() -> list[str]:
    return sorted(available_timezones())


def last_slot(schedule: DigestSchedule, now: datetime) -> datetime:
    """The latest scheduled moment at or before ``now`` (aware, in UTC)."""
    tz = zone(schedule.timezone)
    local = now.astimezone(tz)
    day = local.date()
    for back in range(8):
        candidate_day = day - timedelta(days=back)
        if schedule.cadence == "weekly" and candidate_day.weekday() != schedule.weekday:
            continue
        slot = _at(candidate_day, schedule.hour, tz)
        if slot <= now:
            return slot.astimezone(UTC)
    raise AssertionError("a slot exists within a week")  # pragma: no cover


def next_slot(schedule: DigestSchedule, now: datetime) -> datetime:
    """The first scheduled moment after ``now`` (aware, in UTC)."""
    tz = zone(schedule.timezone)
    day = now.astimezone(tz).date()
    for ahead in range(9):
        candidate_day = day + timedelta(days=ahead)
        if schedule.cadence == "weekly" and candidate_day.weekday() != schedule.weekday:
            continue
        slot = _at(candidate_day, schedule.hour, tz)
        if slot > now:
            return slot.astimezone(UTC)
    raise AssertionError("a slot exists within a week")  # pragma: no cover


def digest_due(
    schedule: DigestSchedule, *, now: datetime, last_sent: datetime | None, since: datetime
) -> bool:
    """Has a scheduled moment passed since the last digest (or since ``since``)?"""
    return last_slot(schedule, now) > (last_sent or since)


def _at(day: date, hour: int, tz: ZoneInfo) -> datetime:
    # An hour skipped by a clock change (02:00 on the spring-forward day) resolves to the
    # moment after the gap, as zoneinfo does; it still happens once that day.
    return datetime.combine(day, time(hour), tzinfo=tz)
