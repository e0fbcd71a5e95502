"""The generalization cases (golden_general.py): relevance, kind, companies, event, place and
the bill each concerns, and the pledge signals that must reach review.

A case the rules still get wrong is listed in KNOWN_MISSES with what goes wrong: it runs as a
strict expected failure, so fixing it (or breaking another) shows at once.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.classify import classify
from bot.domain.pledges import (
    PLEDGE_STATUSES,
    SIGNAL_STATUS,
    pledge_state,
    signals_for,
    suggested_status,
)
from bot.domain.types import Match
from bot.domain.watchlist import Watchlist

from .conftest import make_item
from .golden_general import (
    BLIND_2,
    BLIND_3,
    BLIND_4,
    BLIND_CASES,
    GENERAL,
    ORDINARY,
    SIGNALS,
)
from .rounds import assert_reads, round_params

KNOWN_MISSES = {
    "Facial analysis product withdrawn by its maker after bias audit":
        "the audit makes it a report",
    "Police Department Begins Using Facial Recognition Under New State Law":
        "a deployment under a new law reads as law news (arguably it is)",
}


@pytest.mark.parametrize(
    "case", round_params(GENERAL + BLIND_CASES + BLIND_2 + BLIND_3 + BLIND_4, KNOWN_MISSES)
)
def test_general_case(case: dict[str, Any], watchlist: Watchlist) -> None:
    assert_reads(case, watchlist, every_company=True)


def _suggestions(case: dict[str, Any], watchlist: Watchlist) -> tuple[Match, dict[str, str]]:
    pledges = {p.id: p for p in watchlist.pledges}
    states = {p.id: pledge_state(p) for p in watchlist.pledges}
    match = classify(make_item(case["title"], case["summary"]), watchlist)
    found = {s.pledge_id: s.suggested_status for s in signals_for(match, pledges, states)}
    return match, found


_SIGNAL_MISSES: dict[str, str] = {}


@pytest.mark.parametrize("case", round_params(SIGNALS, _SIGNAL_MISSES))
def test_pledge_signal_reaches_review(case: dict[str, Any], watchlist: Watchlist) -> None:
    match, found = _suggestions(case, watchlist)
    current = pledge_state(next(p for p in watchlist.pledges if p.id == case["pledge"])).status
    if current == case["status"] and match.event not in ("pledge_reaffirmed",):
        # Already so: no suggestion is right, as long as the reading is.
        assert suggested_status(match.event) == case["status"], match.reasons
        assert case["pledge"] in match.pledges, match.reasons
        return
    assert found.get(case["pledge"]) == case["status"], (match.event, match.reasons)


@pytest.mark.parametrize("case", ORDINARY, ids=[c["title"][:50] for c in ORDINARY])
def test_ordinary_news_suggests_nothing(case: dict[str, Any], watchlist: Watchlist) -> None:
    match, found = _suggestions(case, watchlist)
    assert found == {}, (match.event, match.reasons)


def test_every_suggestion_kind_is_reachable_from_headlines(watchlist: Watchlist) -> None:
    reached = set()
    for case in SIGNALS:
        match, found = _suggestions(case, watchlist)
        reached.update(found.values())
        if not found and case["pledge"] in match.pledges:
            status = suggested_status(match.event)
            if status:
                reached.add(status)
    # Every status a suggestion can carry: the mapped ones, and what a reaffirmation keeps.
    assert set(SIGNAL_STATUS.values()) <= reached
    assert {"active", "conditional", "extended"} <= reached
    assert reached <= set(PLEDGE_STATUSES)


def test_a_reaffirmation_keeps_the_status_it_finds(watchlist: Watchlist) -> None:
    assert suggested_status("pledge_reaffirmed", "conditional") == "conditional"
    assert suggested_status("pledge_reaffirmed", None) == "active"
    assert suggested_status("moratorium_lifted", "extended") == "lifted"
