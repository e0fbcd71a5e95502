"""Golden cases about places, regulators and vendors the watchlist does not track.

They hold the rules to policy context rather than to names: see golden_fresh.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.classify import classify
from bot.domain.watchlist import Watchlist

from .conftest import make_item
from .golden_fresh import FRESH


@pytest.mark.parametrize("case", FRESH, ids=[c["title"][:50] for c in FRESH])
def test_fresh_case(case: dict[str, Any], watchlist: Watchlist) -> None:
    match = classify(make_item(case["title"], case["summary"]), watchlist)
    assert match.relevant is case["relevant"], match.reasons
    assert match.kind == case["kind"], match.reasons
    assert sorted(match.companies) == sorted(case["companies"]), match.reasons
    if case["event"] is not None:
        assert match.event == case["event"], match.reasons
    if "jurisdiction" in case:
        assert case["jurisdiction"] in match.jurisdictions, match.reasons
