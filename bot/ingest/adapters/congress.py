"""Congress.gov API v3: the bill list, one bill, and one bill's actions.

Keys are ``us-<congress>-<type>-<number>`` (``us-117-hr-21``) and identifiers the
usual display form (``H.R.21``). Links go to the public congress.gov page, not to the
API (an API link needs the key).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.domain.types import BillAction, BillRecord, FeedItem
from bot.errors import FeedError
from bot.ingest.adapters.base import (
    AdapterContext,
    RecordError,
    bill_item,
    build_all,
    get_list,
    get_map,
    get_str,
    parse_day,
    shape_error,
)

SOURCE = "congress"
SOURCE_NAME = "Congress.gov"
# Congress.gov bill type -> (display prefix, path segment of the public page).
_TYPES: dict[str, tuple[str, str]] = {
    "hr": ("H.R.", "house-bill"),
    "s": ("S.", "senate-bill"),
    "hjres": ("H.J.Res.", "house-joint-resolution"),
    "sjres": ("S.J.Res.", "senate-joint-resolution"),
    "hconres": ("H.Con.Res.", "house-concurrent-resolution"),
    "sconres": ("S.Con.Res.", "senate-concurrent-resolution"),
    "hres": ("H.Res.", "house-resolution"),
    "sres": ("S.Res.", "senate-resolution"),
}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def federal_bill(congress: object, bill_type: object, number: object) -> tuple[str, str, str]:
    """``(key, identifier, public_url)`` for a federal bill, e.g. ``us-117-hr-21``."""
    congress_s = str(congress).strip()
    type_s = str(bill_type).strip().lower().replace(".", "")
    number_s = str(number).strip()
    if not congress_s.isdigit() or not number_s.isdigit():
        raise RecordError(f"bad congress/number {congress!r}/{number!r}")
    if type_s not in _TYPES:
        raise RecordError(f"unknown bill type {bill_type!r}")
    n_congress, n_number = int(congress_s), int(number_s)
    prefix, path = _TYPES[type_s]
    return (
        f"us-{n_congress}-{type_s}-{n_number}",
        f"{prefix}{n_number}",
        f"https://www.congress.gov/bill/{_ordinal(n_congress)}-congress/{path}/{n_number}",
    )


def _chamber(action: Mapping[str, Any]) -> str | None:
    name = get_str(get_map(action, "sourceSystem"), "name").lower()
    if "senate" in name:
        return "senate"
    if "house" in name:
        return "house"
    return None


def _action(raw: Mapping[str, Any], url: str) -> BillAction:
    codes = tuple(c for c in (get_str(raw, "type"), get_str(raw, "actionCode")) if c)
    return BillAction(
        date=parse_day(raw.get("actionDate")),
        text=get_str(raw, "text"),
        source_url=url,
        source=SOURCE,
        codes=codes,
        chamber=_chamber(raw),
    )


def _bill(ctx: AdapterContext, raw: Mapping[str, Any]) -> FeedItem:
    key, identifier, url = federal_bill(raw.get("congress"), raw.get("type"), raw.get("number"))
    latest_action = get_map(raw, "latestAction")
    actions = (_action(latest_action, url),) if latest_action else ()
    record = BillRecord(
        key=key,
        jurisdiction="US-federal",
        session=key.split("-")[1],
        identifier=identifier,
        title=get_str(raw, "title") or identifier,
        url=url,
        actions=actions,
    )
    return bill_item(ctx, record, title=record.title, source_name=SOURCE_NAME)


def _actions_item(ctx: AdapterContext, data: Mapping[str, Any]) -> FeedItem:
    request = get_map(data, "request")
    try:
        key, identifier, url = federal_bill(
            request.get("congress"), request.get("billType"), request.get("billNumber")
        )
    except RecordError as exc:
        raise FeedError(f"{SOURCE}: actions response without a usable bill ({exc})") from exc
    raw_actions = [a for a in get_list(data, "actions") if isinstance(a, Mapping)]
    # The API lists newest first; keep them oldest first, same-day order preserved.
    ordered = [_action(a, url) for a in reversed(raw_actions)]
    times = [get_str(a, "actionTime") for a in reversed(raw_actions)]
    paired = sorted(zip(ordered, times, strict=True), key=lambda p: (p[0].date or date.min, p[1]))
    record = BillRecord(
        key=key,
        jurisdiction="US-federal",
        session=key.split("-")[1],
        identifier=identifier,
        title=identifier,
        url=url,
        actions=tuple(a for a, _ in paired),
    )
    return bill_item(ctx, record, title=identifier, source_name=SOURCE_NAME)


def adapt(data: Any, ctx: AdapterContext) -> list[FeedItem]:
    """Items from a Congress.gov v3 ``/bill`` list, ``/bill/{c}/{t}/{n}`` or its ``/actions``."""
    if not isinstance(data, Mapping):
        raise shape_error(SOURCE, data)
    if "error" in data:
        error = data["error"]
        if isinstance(error, Mapping):
            message = get_str(error, "message") or get_str(error, "code")
        else:
            message = str(error)
        raise FeedError(f"{SOURCE}: API error: {message or 'unspecified'}")
    if isinstance(data.get("bills"), list):
        return build_all(SOURCE, data["bills"], lambda raw: _bill(ctx, raw))
    if isinstance(data.get("bill"), Mapping) and "congress" in data["bill"]:
        return build_all(SOURCE, [data["bill"]], lambda raw: _bill(ctx, raw))
    if isinstance(data.get("actions"), list):
        return [_actions_item(ctx, data)]
    raise shape_error(SOURCE, data)
