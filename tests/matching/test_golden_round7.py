"""The seventh blind round (golden_round7.py) through ``classify``, as the fifth and sixth.

A case the rules still read wrong is a strict expected failure with what goes wrong.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.watchlist import Watchlist

from .golden_round7 import ROUND7
from .rounds import assert_reads, round_params

KNOWN_MISSES: dict[str, str] = {
}


@pytest.mark.parametrize("case", round_params(ROUND7, KNOWN_MISSES))
def test_round7_case(case: dict[str, Any], watchlist: Watchlist) -> None:
    assert_reads(case, watchlist, every_company=False)


def test_the_round_has_every_group_it_claims() -> None:
    relevant = [c for c in ROUND7 if c["relevant"]]
    assert {c["kind"] for c in relevant} == {"company_statement", "legislation",
                                               "litigation_or_report"}
    assert len(ROUND7) >= 150
    assert sum(not c["relevant"] for c in ROUND7) >= 50
    assert {"EU", "UK", "CA", "AU", "IN", "BR", "RU"} <= {c["jurisdiction"] for c in relevant}
    assert sum(" - " in c["title"] for c in ROUND7) >= 140
