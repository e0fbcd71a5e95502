"""What an alert is, how important, and which subscriptions want it. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from bot.domain.keywords import KeywordFilter, alert_texts, keywords_match
from bot.domain.types import FeedItem, Match

AlertKind = Literal[
    "news",
    "pledge_signal",
    "pledge_status",
    "pledge_deadline",
    "new_bill",
    "bill_stage",
    "feed_health",
]
ALERT_KINDS: tuple[AlertKind, ...] = get_args(AlertKind)

LOW, NORMAL, HIGH = 1, 2, 3

# Events that change what a pledge or a law means for people: always worth a ping.
_HIGH_EVENTS = frozenset(
    {
        "moratorium_announced",
        "moratorium_extended",
        "moratorium_expired",
        "sales_to_police",
        "product_exit",
        "bill_passed",
        "bill_signed",
        "law_enacted",
        "ban_passed",
        "repeal",
        "ruling",
        "settlement",
    }
)


@dataclass(frozen=True, slots=True)
class AlertDraft:
    """An alert before it is stored. ``key`` makes the same announcement unique."""

    key: str
    kind: AlertKind
    importance: int
    payload: dict[str, Any] = field(hash=False)


def importance(match: Match) -> int:
    if match.event in _HIGH_EVENTS or match.pledges:
        return HIGH
    if match.event != "none" or match.bills or match.bill_ids:
        return NORMAL
    return LOW


def news_alert(story_id: int, item: FeedItem, match: Match) -> AlertDraft:
    """The alert for a new story, from its first item."""
    return AlertDraft(
        key=f"story:{story_id}",
        kind="news",
        importance=importance(match),
        payload={
            "story_id": story_id,
            "title": item.title,
            "summary": item.summary,
            "url": item.url,
            "source": item.source_name or item.feed_id,
            "feed_id": item.feed_id,
            "published": item.published.isoformat(),
            **match.facts(),
            "reasons": list(match.reasons),
            "also_reported_by": [],
        },
    )


@dataclass(frozen=True, slots=True)
class SubscriptionFilter:
    """Empty tuples mean "any"."""

    kinds: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    jurisdictions: tuple[str, ...] = ()
    min_importance: int = 0
    keywords: KeywordFilter = field(default_factory=KeywordFilter)


def wants(flt: SubscriptionFilter, kind: str, level: int, payload: dict[str, Any]) -> bool:
    """Does a subscription with this filter want this alert?"""
    if flt.kinds and kind not in flt.kinds:
        return False
    if level < flt.min_importance:
        return False
    # Feed health notices are operational: company and place filters don't apply to them.
    if kind == "feed_health":
        return True
    if flt.companies and not _overlaps(flt.companies, payload.get("companies", ())):
        return False
    if flt.jurisdictions and not _jurisdiction_matches(
        flt.jurisdictions, payload.get("jurisdictions", ())
    ):
        return False
    return keywords_match(flt.keywords, alert_texts(payload))


def _overlaps(wanted: Sequence[str], have: Sequence[str]) -> bool:
    return bool(set(wanted) & set(have))


def _jurisdiction_matches(wanted: Sequence[str], have: Sequence[str]) -> bool:
    # "US-CA" also wants "US-CA-San Francisco": a state filter covers its cities.
    return any(h == w or h.startswith(w + "-") for w in wanted for h in have)


def new_bill_alert(bill: dict[str, Any]) -> AlertDraft:
    """A bill on the topic seen for the first time. ``bill`` is its public summary."""
    return AlertDraft(
        key=f"bill:{bill['key']}:new",
        kind="new_bill",
        importance=NORMAL,
        payload={**bill, "companies": [], "jurisdictions": [bill["jurisdiction"]]},
    )


def bill_stage_alert(bill: dict[str, Any], old: str | None, new: str) -> AlertDraft:
    level = HIGH if new in ("passed_both", "enacted", "vetoed", "sent_to_executive") else NORMAL
    return AlertDraft(
        key=f"bill:{bill['key']}:stage:{new}",
        kind="bill_stage",
        importance=level,
        payload={
            **bill,
            "old_stage": old,
            "new_stage": new,
            "companies": [],
            "jurisdictions": [bill["jurisdiction"]],
        },
    )


def pledge_signal_alert(suggestion_id: int, payload: dict[str, Any]) -> AlertDraft:
    return AlertDraft(
        key=f"signal:{suggestion_id}",
        kind="pledge_signal",
        importance=HIGH,
        payload={**payload, "suggestion_id": suggestion_id},
    )


def pledge_status_alert(event_id: int, payload: dict[str, Any]) -> AlertDraft:
    return AlertDraft(
        key=f"pledge-status:{event_id}", kind="pledge_status", importance=HIGH, payload=payload
    )


def pledge_deadline_alert(key: str, payload: dict[str, Any]) -> AlertDraft:
    level = HIGH if payload.get("days_before", 99) <= 1 else NORMAL
    return AlertDraft(key=key, kind="pledge_deadline", importance=level, payload=payload)
