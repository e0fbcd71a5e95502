"""Webhook mode's choices, from settings: which alerts the webhook posts (kinds, companies,
places, keywords, as a subscription's filters) and whether they wait for a digest. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.domain.alerts import ALERT_KINDS, SubscriptionFilter
from bot.domain.keywords import KeywordError, parse_keywords
from bot.domain.schedule import WEEKDAYS, Cadence, DigestSchedule, ScheduleError
from bot.domain.types import COMPANY_IDS

DIGESTS = ("off", "daily", "weekly")
_PLACE = re.compile(r"^[A-Za-z]{2}(?:-[A-Za-z0-9][A-Za-z0-9 .'-]*)?$")


def split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def pick(name: str, text: str, allowed: Sequence[str]) -> tuple[str, ...]:
    """Comma-separated values, each one of ``allowed`` (any case); ValueError names the
    unknown ones and the valid ones."""
    canonical = {a.lower(): a for a in allowed}
    values = split(text)
    unknown = [v for v in values if v.lower() not in canonical]
    if unknown:
        raise ValueError(f"unknown {name} {', '.join(unknown)}: use {', '.join(allowed)}")
    return tuple(dict.fromkeys(canonical[v.lower()] for v in values))


def places(text: str) -> tuple[str, ...]:
    values = split(text)
    bad = [v for v in values if not _PLACE.match(v)]
    if bad:
        raise ValueError(
            f"{', '.join(bad)}: write places as codes (US-federal, US-WA, US-CA-San Francisco)"
        )
    return tuple(dict.fromkeys(values))


def webhook_filter(
    *, kinds: str = "", companies: str = "", jurisdictions: str = "", keywords: str = ""
) -> SubscriptionFilter | None:
    """The webhook's filter, or None when nothing is filtered."""
    try:
        words = parse_keywords(keywords)
    except KeywordError as exc:
        raise ValueError(str(exc)) from None
    flt = SubscriptionFilter(
        kinds=pick("kinds", kinds, ALERT_KINDS),
        companies=pick("companies", companies, COMPANY_IDS),
        jurisdictions=places(jurisdictions),
        keywords=words,
    )
    return None if flt == SubscriptionFilter() else flt


def weekday(text: str) -> int:
    name = text.strip().lower()
    if name.isdigit() and 0 <= int(name) <= 6:
        return int(name)
    for n, day in enumerate(WEEKDAYS):
        if name in (day, day[:3]):
            return n
    raise ValueError(f"{text!r} is not a weekday: use monday ... sunday")


def webhook_schedule(
    digest: str, *, hour: int, weekday_name: str, timezone: str
) -> DigestSchedule | None:
    """The webhook's digest schedule, or None for each alert at once."""
    if digest not in DIGESTS:
        raise ValueError(f"{digest!r}: use off, daily or weekly")
    if digest == "off":
        return None
    cadence: Cadence = "weekly" if digest == "weekly" else "daily"
    try:
        return DigestSchedule(cadence, hour, weekday(weekday_name), timezone)
    except ScheduleError as exc:
        raise ValueError(str(exc)) from None
