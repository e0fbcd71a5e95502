"""Golden cases written for this project (see golden_cases.py): full expected outcomes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.domain.classify import classify
from bot.domain.types import FeedItem
from bot.domain.watchlist import Watchlist

from .conftest import make_item
from .golden_cases import MORE_NEGATIVE, MORE_POSITIVE, NEGATIVE, POSITIVE


def _item(case: dict[str, Any]) -> FeedItem:
    published = case.get("published")
    when = datetime.fromisoformat(published).replace(tzinfo=UTC) if published else None
    return make_item(case["title"], case["summary"], published=when)


def _check(case: dict[str, Any], watchlist: Watchlist, relevant: bool) -> None:
    match = classify(_item(case), watchlist)
    assert match.relevant is relevant, match.reasons
    for field in ("kind", "event"):
        if field in case:
            assert getattr(match, field) == case[field], match.reasons
    for field in ("companies", "bill_ids", "pledges", "bills"):
        if field in case:
            assert sorted(getattr(match, field)) == sorted(case[field]), match.reasons
    if "jurisdiction" in case:
        assert case["jurisdiction"] in match.jurisdictions, match.reasons


@pytest.mark.parametrize("case", POSITIVE, ids=[c["title"][:50] for c in POSITIVE])
def test_policy_news(case: dict[str, Any], watchlist: Watchlist) -> None:
    _check(case, watchlist, relevant=True)


@pytest.mark.parametrize("case", NEGATIVE, ids=[c["title"][:50] for c in NEGATIVE])
def test_not_policy_news(case: dict[str, Any], watchlist: Watchlist) -> None:
    _check({"summary": "", **case}, watchlist, relevant=False)


@pytest.mark.parametrize(
    ("title", "summary", "kind"), MORE_POSITIVE, ids=[c[0][:50] for c in MORE_POSITIVE]
)
def test_more_policy_news(title: str, summary: str, kind: str | None, watchlist: Watchlist) -> None:
    match = classify(make_item(title, summary), watchlist)
    assert match.relevant, match.reasons
    if kind:
        assert match.kind == kind, match.reasons


@pytest.mark.parametrize(
    ("title", "summary"), MORE_NEGATIVE, ids=[c[0][:50] for c in MORE_NEGATIVE]
)
def test_more_not_policy_news(title: str, summary: str, watchlist: Watchlist) -> None:
    match = classify(make_item(title, summary), watchlist)
    assert not match.relevant, match.reasons
    assert (match.kind, match.event) == ("other", "none")
