"""The fifth and sixth blind rounds (golden_headlines.py) through ``classify``.

Relevance, kind, event, place and the tracked laws each concerns are pinned; of companies,
the tracked ones (an untracked company is "other" only when the vocabulary knows its name).
A case the rules still read wrong is a strict expected failure with what goes wrong.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.watchlist import Watchlist

from .golden_headlines import CHECKS, HEADLINES
from .rounds import assert_reads, round_params

KNOWN_MISSES = {
    "NIST study finds facial recognition less accurate for Black and Asian faces":
        "a government lab's study reads as research",
    # The sixth round's misses.
    "Microsoft pulls celebrity face dataset after privacy concerns":
        "\"pulls\" is not read as a company retiring a product",
    "Google Photos adds opt-in face grouping for users in Illinois":
        "a consumer-photo context vetoes a feature's consent change",
    "Face search engine blocks Illinois users amid lawsuit":
        "the suit it mentions outranks the site's act (no company word names it)",
    "New Zealand police pause facial recognition trial after review":
        "a legal framework in the summary makes the review legislation",
    "Court TV: how facial recognition helped solve a cold case":
        "an outlet named \"Court\" reads as a court",
    "Senators face recognition problems on campaign trail":
        "\"face\" as a verb before \"recognition\" reads as the topic",
}


@pytest.mark.parametrize("case", round_params(HEADLINES + CHECKS, KNOWN_MISSES))
def test_headline_case(case: dict[str, Any], watchlist: Watchlist) -> None:
    assert_reads(case, watchlist, every_company=False)


def test_the_round_has_every_group_it_claims() -> None:
    relevant = [c for c in HEADLINES if c["relevant"]]
    kinds = {c["kind"] for c in relevant}
    assert kinds == {"company_statement", "legislation", "litigation_or_report"}
    assert len(HEADLINES) >= 120
    assert sum(not c["relevant"] for c in HEADLINES) >= 40
    places = {c["jurisdiction"] for c in relevant}
    assert {"EU", "UK", "CA", "AU", "IN"} <= places
