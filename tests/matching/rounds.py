"""What every golden round checks of a case, once: relevance, kind, companies, and for a
relevant item its event, place, tracked laws and bill numbers. A case the rules still read
wrong runs as a strict expected failure with what goes wrong, so fixing it shows at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.domain.classify import classify
from bot.domain.types import FeedItem, Match
from bot.domain.watchlist import Watchlist

from .conftest import make_item


def case_item(case: Mapping[str, Any]) -> FeedItem:
    published = case.get("published")
    when = datetime.fromisoformat(published).replace(tzinfo=UTC) if published else None
    return make_item(case["title"], case["summary"], published=when)


def law_numbers(match: Match, watchlist: Watchlist) -> set[str]:
    laws = {law.id: law for law in watchlist.laws}
    return {b for law_id in match.bills for b in laws[law_id].all_bill_ids}


def round_params(cases: Sequence[dict[str, Any]], known_misses: Mapping[str, str]) -> list[Any]:
    return [
        pytest.param(
            case, id=case["title"][:50],
            marks=[pytest.mark.xfail(strict=True, reason=known_misses[case["title"]])]
            if case["title"] in known_misses else [],
        )
        for case in cases
    ]


def assert_reads(case: Mapping[str, Any], watchlist: Watchlist, *, every_company: bool) -> None:
    """``every_company``: the companies must match exactly; otherwise only the tracked ones
    (an untracked company is "other" only when the vocabulary knows its name)."""
    match = classify(case_item(case), watchlist)
    assert match.relevant is case["relevant"], match.reasons
    assert match.kind == case["kind"], match.reasons
    if every_company:
        assert sorted(match.companies) == sorted(case["companies"]), match.reasons
    else:
        tracked = {c for c in case["companies"] if c != "other"}
        assert tracked == set(match.companies) - {"other"}, match.reasons
    if not case["relevant"]:
        return
    if case["event"] is not None:
        assert match.event == case["event"], match.reasons
    if case["jurisdiction"]:
        assert case["jurisdiction"] in match.jurisdictions, match.reasons
    if "bills" in case:
        assert sorted(match.bills) == sorted(case["bills"]), match.reasons
    # The bill the item is about: in its text, or the numbers of the tracked law resolved.
    assert set(case["bill_ids"]) <= set(match.bill_ids) | law_numbers(match, watchlist)
