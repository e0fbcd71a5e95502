"""The eighth blind round (golden_round8.py) through ``classify``, as the fifth to seventh.

A case the rules still read wrong is a strict expected failure with what goes wrong.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.watchlist import Watchlist

from .golden_round8 import ROUND8
from .rounds import assert_reads, round_params

KNOWN_MISSES: dict[str, str] = {
    "Microsoft tightens rules for its Azure vision service - ZDNet":
        "read as not relevant",
    "Doorbell company says it will never add face identification - The Verge":
        "read as not relevant",
    "Photo storage startup shuts off automatic people albums - TechCrunch":
        "read as not relevant",
    "Massachusetts commission recommends face recognition limits - WBUR":
        "kind read as litigation_or_report",
    "Portland bans private businesses from using face scanning - OPB":
        "jurisdiction read as []",
    "San Francisco supervisors amend face recognition ban - SF Chronicle":
        "read as not relevant",
    "Judge lets lawsuit over face database proceed - Courthouse News":
        "event read as lawsuit",
    "Study finds face analysis software misgenders trans people - MIT Technology Review":
        "not relevant: research with no legal signal is vetoed (dev's convention)",
    "NIST study finds demographic differences in face matching - NPR":
        "not relevant: research with no legal signal is vetoed (dev's convention)",
    "Researchers show face recognition can be fooled with makeup - New Scientist":
        "not relevant: research with no legal signal is vetoed (dev's convention)",
    "Google to pay Texas $1.4 billion over biometric data - The Texas Tribune":
        "read as not relevant",
    "EU data regulators fine Clearview for breaking GDPR - Euractiv":
        "event read as none",
    "Amnesty report maps face cameras across New York City - Amnesty International":
        "read as not relevant",
    "Judge sentences man identified by face match - Local News":
        "read as relevant",
}


@pytest.mark.parametrize("case", round_params(ROUND8, KNOWN_MISSES))
def test_round8_case(case: dict[str, Any], watchlist: Watchlist) -> None:
    assert_reads(case, watchlist, every_company=False)


def test_the_round_has_every_group_it_claims() -> None:
    relevant = [c for c in ROUND8 if c["relevant"]]
    assert {c["kind"] for c in relevant} == {"company_statement", "legislation",
                                               "litigation_or_report"}
    assert len(ROUND8) >= 120
    assert sum(not c["relevant"] for c in ROUND8) >= 40
    assert {"EU", "UK", "CA", "AU", "IN", "BR", "RU"} <= {c["jurisdiction"] for c in relevant}
    assert all(" - " in c["title"] for c in ROUND8)
