"""The fifth blind round (golden_headlines.py): news-search headlines through ``classify``.

Relevance, kind, event, place and the tracked laws each concerns are pinned; of companies,
the tracked ones (an untracked company is "other" only when the vocabulary knows its name).
A case the rules still read wrong is a strict expected failure with what goes wrong.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.classify import classify
from bot.domain.watchlist import Watchlist

from .golden_headlines import HEADLINES
from .test_golden_general import _item, _numbers

KNOWN_MISSES = {
    "NIST study finds facial recognition less accurate for Black and Asian faces":
        "a government lab's study reads as research",
}


def _params() -> list[Any]:
    return [
        pytest.param(
            case, id=case["title"][:50],
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[case["title"]])]
            if case["title"] in KNOWN_MISSES else [],
        )
        for case in HEADLINES
    ]


@pytest.mark.parametrize("case", _params())
def test_headline_case(case: dict[str, Any], watchlist: Watchlist) -> None:
    match = classify(_item(case), watchlist)
    assert match.relevant is case["relevant"], match.reasons
    assert match.kind == case["kind"], match.reasons
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
    assert set(case["bill_ids"]) <= set(match.bill_ids) | _numbers(match, watchlist)


def test_the_round_has_every_group_it_claims() -> None:
    relevant = [c for c in HEADLINES if c["relevant"]]
    kinds = {c["kind"] for c in relevant}
    assert kinds == {"company_statement", "legislation", "litigation_or_report"}
    assert len(HEADLINES) >= 120
    assert sum(not c["relevant"] for c in HEADLINES) >= 40
    places = {c["jurisdiction"] for c in relevant}
    assert {"EU", "UK", "CA", "AU", "IN"} <= places
