"""LegiScan API: ``getSearch`` results and ``getBill`` (also the bulk dataset files).

``getSearch`` returns ``searchresult`` as an object keyed ``"0"``, ``"1"``, ... plus a
``"summary"`` entry, not a list. Bills of the US Congress get the same key as
Congress.gov gives them (``us-117-hr-3907``); state bills ``us-<st>-<year>-<id>``,
the year being the session's first (LegiScan's ``year_start``, also the last part
of its bill URLs). ``status`` (1-6) goes to ``BillRecord.status_code``; ``progress``
events become actions whose code is the event number.
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
    latest,
    parse_day,
    shape_error,
    state_identifier,
)
from bot.ingest.adapters.congress import federal_bill

SOURCE = "legiscan"
SOURCE_NAME = "LegiScan"
# LegiScan's progress event numbers (its "bill progress" lookup table).
PROGRESS_EVENTS: dict[int, str] = {
    1: "Introduced",
    2: "Engrossed",
    3: "Enrolled",
    4: "Passed",
    5: "Vetoed",
    6: "Failed",
    7: "Veto Override",
    8: "Chaptered",
    9: "Committee Referral",
    10: "Committee Report Pass",
    11: "Committee Report DNP",
    12: "Draft",
}
# LegiScan's bill number prefixes for Congress -> Congress.gov bill types.
_FEDERAL_TYPES = {
    "HB": "hr",
    "SB": "s",
    "HR": "hres",
    "SR": "sres",
    "HJR": "hjres",
    "SJR": "sjres",
    "HCR": "hconres",
    "SCR": "sconres",
}
_CHAMBERS = {"H": "house", "S": "senate", "A": "assembly", "J": "joint"}
_URL_YEAR = re.compile(r"/(\d{4})/?$")
_FEDERAL_NUMBER = re.compile(r"^([A-Z]+)\s*0*(\d+)$")


def _identity(state: str, number: str, year: int) -> tuple[str, str, str, str]:
    """``(key, jurisdiction, session, identifier)`` for a LegiScan bill."""
    if state == "US":
        match = _FEDERAL_NUMBER.match(number.upper().replace(" ", ""))
        if not match or match[1] not in _FEDERAL_TYPES:
            raise RecordError(f"unknown federal bill number {number!r}")
        congress = (year - 1789) // 2 + 1
        key, identifier, _url = federal_bill(congress, _FEDERAL_TYPES[match[1]], match[2])
        return key, "US-federal", str(congress), identifier
    if not re.fullmatch(r"[A-Z]{2}", state):
        raise RecordError(f"unknown state {state!r}")
    identifier, id_slug = state_identifier(number)
    return f"us-{state.lower()}-{year}-{id_slug}", f"US-{state}", str(year), identifier


def _year_from(url: str, fallback: object) -> int:
    match = _URL_YEAR.search(url)
    if match:
        return int(match[1])
    day = parse_day(fallback)
    if day is None:
        raise RecordError("no session year")
    return day.year


def _search_hit(ctx: AdapterContext, raw: Mapping[str, Any]) -> FeedItem:
    url = get_str(raw, "url")
    year = _year_from(url, raw.get("last_action_date"))
    key, jurisdiction, session, identifier = _identity(
        get_str(raw, "state").upper(), get_str(raw, "bill_number"), year
    )
    text = get_str(raw, "last_action")
    day = parse_day(raw.get("last_action_date"))
    actions = (
        (BillAction(date=day, text=text, source_url=url, source=SOURCE),) if text or day else ()
    )
    record = BillRecord(
        key=key,
        jurisdiction=jurisdiction,
        session=session,
        identifier=identifier,
        title=get_str(raw, "title") or identifier,
        url=url,
        actions=actions,
    )
    return bill_item(ctx, record, title=record.title, source_name=SOURCE_NAME)


def _bill(ctx: AdapterContext, raw: Mapping[str, Any]) -> FeedItem:
    url = get_str(raw, "url")
    start = get_map(raw, "session").get("year_start")
    year = start if isinstance(start, int) else _year_from(url, raw.get("status_date"))
    key, jurisdiction, session, identifier = _identity(
        get_str(raw, "state").upper(), get_str(raw, "bill_number"), year
    )
    end = get_map(raw, "session").get("year_end")
    if jurisdiction != "US-federal" and isinstance(end, int) and end > year:
        session = f"{year}-{end}"  # a biennium: the key keeps the first year
    history = [
        BillAction(
            date=parse_day(h.get("date")),
            text=get_str(h, "action"),
            source_url=url,
            source=SOURCE,
            chamber=_CHAMBERS.get(get_str(h, "chamber").upper()),
        )
        for h in get_list(raw, "history")
        if isinstance(h, Mapping)
    ]
    progress = [
        BillAction(
            date=parse_day(p.get("date")),
            text=f"Progress: {PROGRESS_EVENTS.get(p['event'], 'event ' + str(p['event']))}",
            source_url=url,
            source=SOURCE,
            codes=(str(p["event"]),),
        )
        for p in get_list(raw, "progress")
        if isinstance(p, Mapping) and isinstance(p.get("event"), int)
    ]
    # Stable sort: on one day, the source's own order, history before progress marks.
    actions = sorted([*history, *progress], key=lambda a: a.date or date.min)
    status = raw.get("status")
    record = BillRecord(
        key=key,
        jurisdiction=jurisdiction,
        session=session,
        identifier=identifier,
        title=get_str(raw, "title") or identifier,
        url=url,
        actions=tuple(actions),
        status_code=str(status) if isinstance(status, int) and status > 0 else None,
    )
    return bill_item(
        ctx,
        record,
        title=record.title,
        abstract=get_str(raw, "description"),
        source_name=SOURCE_NAME,
        # The latest history entry, not a progress mark of the same day.
        latest_action=latest(history),
    )


def _search_records(result: Mapping[str, Any]) -> list[object]:
    if isinstance(result.get("results"), list):  # getSearchRaw
        return list(result["results"])
    numbered = [(k, v) for k, v in result.items() if str(k).isdigit()]
    numbered.sort(key=lambda kv: int(kv[0]))
    return [v for _k, v in numbered]


def adapt(data: Any, ctx: AdapterContext) -> list[FeedItem]:
    """Items from a LegiScan ``getSearch`` or ``getBill`` response."""
    if not isinstance(data, Mapping):
        raise shape_error(SOURCE, data)
    if get_str(data, "status").upper() == "ERROR":
        alert = get_map(data, "alert")
        raise FeedError(f"{SOURCE}: API error: {get_str(alert, 'message') or 'unspecified'}")
    if isinstance(data.get("searchresult"), Mapping):
        records = _search_records(data["searchresult"])
        return build_all(SOURCE, records, lambda raw: _search_hit(ctx, raw))
    if isinstance(data.get("bill"), Mapping) and "bill_number" in data["bill"]:
        return build_all(SOURCE, [data["bill"]], lambda raw: _bill(ctx, raw))
    raise shape_error(SOURCE, data)
