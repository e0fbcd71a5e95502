"""The seventh blind round (golden_round7.py) through ``classify``, as the fifth and sixth.

A case the rules still read wrong is a strict expected failure with what goes wrong.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.classify import classify
from bot.domain.watchlist import Watchlist

from .golden_round7 import ROUND7
from .test_golden_general import _item, _numbers

KNOWN_MISSES: dict[str, str] = {
}


def _params() -> list[Any]:
    return [
        pytest.param(
            case, id=case["title"][:50],
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[case["title"]])]
            if case["title"] in KNOWN_MISSES else [],
        )
        for case in ROUND7
    ]


@pytest.mark.parametrize("case", _params())
def test_round7_case(case: dict[str, Any], watchlist: Watchlist) -> None:
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
    relevant = [c for c in ROUND7 if c["relevant"]]
    assert {c["kind"] for c in relevant} == {"company_statement", "legislation",
                                               "litigation_or_report"}
    assert len(ROUND7) >= 150
    assert sum(not c["relevant"] for c in ROUND7) >= 50
    assert {"EU", "UK", "CA", "AU", "IN", "BR", "RU"} <= {c["jurisdiction"] for c in relevant}
    assert sum(" - " in c["title"] for c in ROUND7) >= 140
