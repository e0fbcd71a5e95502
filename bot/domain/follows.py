"""What a channel follows (a bill, a pledge, a place) and which alerts that brings. Pure.

A follow is stronger than a subscription's filters: every change to the followed thing is
alerted in the channel, whatever its kinds, companies, places, importance or keywords.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

FollowKind = Literal["bill", "pledge", "place"]
FOLLOW_KINDS: tuple[FollowKind, ...] = get_args(FollowKind)

_BILL_KINDS = frozenset({"new_bill", "bill_stage"})
_PLEDGE_KINDS = frozenset({"pledge_signal", "pledge_status", "pledge_deadline"})


@dataclass(frozen=True, slots=True)
class Follow:
    """``target``: a tracked law id or a stored bill key (bill), a pledge id (pledge), or a
    jurisdiction code such as ``US-WA`` (place; it covers the place's cities)."""

    kind: FollowKind
    target: str


def follow_wants(follow: Follow, kind: str, payload: Mapping[str, Any]) -> bool:
    """Is this alert a change to what ``follow`` names?"""
    if kind == "feed_health":
        return False
    if follow.kind == "bill":
        if kind in _BILL_KINDS:
            return follow.target in (payload.get("key"), payload.get("tracked_id"))
        return follow.target in _strings(payload.get("bills"))
    if follow.kind == "pledge":
        if kind in _PLEDGE_KINDS:
            return payload.get("pledge_id") == follow.target
        return follow.target in _strings(payload.get("pledges"))
    place = follow.target
    places = _strings(payload.get("jurisdictions"))
    return any(j == place or j.startswith(place + "-") for j in places)


def any_follow_wants(follows: Sequence[Follow], kind: str, payload: Mapping[str, Any]) -> bool:
    return any(follow_wants(f, kind, payload) for f in follows)


def bill_key_parts(key: str) -> tuple[str, str, str] | None:
    """(jurisdiction, session, bill number slug) of a bill identity key:
    ``us-117-s-4084`` -> ``("US-federal", "117", "s-4084")``, ``us-wa-2020-sb-6280`` ->
    ``("US-WA", "2020", "sb-6280")``; None for any other shape."""
    parts = key.lower().split("-")
    if len(parts) >= 4 and parts[0] == "us" and parts[1].isdigit():
        return "US-federal", parts[1], "-".join(parts[2:])
    if len(parts) >= 5 and parts[0] == "us" and len(parts[1]) == 2 and parts[1].isalpha():
        return f"US-{parts[1].upper()}", parts[2], "-".join(parts[3:])
    return None


def compact_bill_number(text: str) -> str:
    """``"S. 4084"``, ``"s-4084"`` and ``"S.4084"`` all read ``"s4084"``."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list | tuple) else []
