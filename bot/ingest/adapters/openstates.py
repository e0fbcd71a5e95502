"""Open States API v3 ``/bills``: a page of ``results``, or one bill object.

Keys are ``us-<state>-<session>-<identifier>`` (``us-ny-2025-2026-a-10774``). Actions
carry Open States' ``classification`` values as codes; without ``include=actions``
the latest action alone stands in.
"""

from __future__ import annotations

import re
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
    slug,
    state_identifier,
)

SOURCE = "openstates"
SOURCE_NAME = "Open States"
_JURISDICTION = re.compile(r"/(?:state|district|territory):([a-z]{2})(?:/|$)")


def _state(raw: Mapping[str, Any]) -> str:
    jurisdiction = raw.get("jurisdiction")
    ocd_id = get_str(jurisdiction, "id") if isinstance(jurisdiction, Mapping) else ""
    match = _JURISDICTION.search(ocd_id)
    if not match:
        raise RecordError(f"no state in jurisdiction {ocd_id or jurisdiction!r}")
    return match[1]


def _actions(raw: Mapping[str, Any], url: str) -> tuple[BillAction, ...]:
    listed = [a for a in get_list(raw, "actions") if isinstance(a, Mapping)]
    if listed:
        listed.sort(key=lambda a: (parse_day(a.get("date")) or date.min, _order(a)))
        return tuple(
            BillAction(
                date=parse_day(a.get("date")),
                text=get_str(a, "description"),
                source_url=url,
                source=SOURCE,
                codes=tuple(c for c in get_list(a, "classification") if isinstance(c, str)),
                chamber=get_str(get_map(a, "organization"), "classification") or None,
            )
            for a in listed
        )
    text = get_str(raw, "latest_action_description")
    day = parse_day(raw.get("latest_action_date"))
    if not text and day is None:
        return ()
    return (BillAction(date=day, text=text, source_url=url, source=SOURCE),)


def session_key(session: str) -> str:
    """The session's first year, as LegiScan keys sessions ("2019-2020" -> "2019"), so one
    bill has one identity across both sources; a session without a year keeps its name."""
    year = re.search(r"(?:19|20)\d\d", session)
    return year.group(0) if year else slug(session)


def _order(action: Mapping[str, Any]) -> int:
    order = action.get("order")
    return order if isinstance(order, int) else 0


def _bill(ctx: AdapterContext, raw: Mapping[str, Any]) -> FeedItem:
    state = _state(raw)
    session = get_str(raw, "session")
    if not session:
        raise RecordError("no session")
    identifier, id_slug = state_identifier(get_str(raw, "identifier"))
    url = get_str(raw, "openstates_url")
    abstracts = [a for a in get_list(raw, "abstracts") if isinstance(a, Mapping)]
    record = BillRecord(
        key=f"us-{state}-{session_key(session)}-{id_slug}",
        jurisdiction=f"US-{state.upper()}",
        session=session,
        identifier=identifier,
        title=get_str(raw, "title") or identifier,
        url=url,
        actions=_actions(raw, url),
    )
    published = raw.get("latest_action_date") or raw.get("updated_at")
    return bill_item(
        ctx,
        record,
        title=record.title,
        abstract=get_str(abstracts[0], "abstract") if abstracts else "",
        source_name=SOURCE_NAME,
        published=published,
    )


def adapt(data: Any, ctx: AdapterContext) -> list[FeedItem]:
    """Items from an Open States v3 ``/bills`` page (or a single bill object)."""
    if not isinstance(data, Mapping):
        raise shape_error(SOURCE, data)
    if "detail" in data and "results" not in data:
        raise FeedError(f"{SOURCE}: API error: {data['detail']}")
    if isinstance(data.get("results"), list):
        return build_all(SOURCE, data["results"], lambda raw: _bill(ctx, raw))
    if get_str(data, "id").startswith("ocd-bill/"):
        return build_all(SOURCE, [data], lambda raw: _bill(ctx, raw))
    raise shape_error(SOURCE, data)
