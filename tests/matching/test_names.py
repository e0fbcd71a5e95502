"""The names a reader sees for tracked pledges and laws (the "why this matters" line)."""

from __future__ import annotations

from bot.domain.matching.names import law_name, pledge_name
from bot.domain.watchlist import Watchlist


def test_every_tracked_pledge_and_law_has_a_readable_name(watchlist: Watchlist) -> None:
    names = [pledge_name(p) for p in watchlist.pledges] + [law_name(x) for x in watchlist.laws]
    ids = {p.id for p in watchlist.pledges} | {x.id for x in watchlist.laws}
    for name in names:
        assert name, name
        assert "\n" not in name, name
        assert len(name) <= 120, name
        assert not any(i in name for i in ids), name


def test_names_say_which_law(watchlist: Watchlist) -> None:
    laws = {x.id: law_name(x) for x in watchlist.laws}
    assert laws["wa-sb6280-2020"] == "Washington SB 6280"
    assert laws["us-frbtma-118"].endswith("Moratorium Act of 2023")
    # A reintroduction whose title has no year says its Congress.
    assert laws["us-frbtma-119"].endswith("(119th Congress)")
    assert laws["portland-or-2020"] != laws["portland-me-2020"]
    assert laws["eu-ai-act-rbi-prohibition"] == "the EU AI Act"
    pledges = {p.id: pledge_name(p) for p in watchlist.pledges}
    assert pledges["amazon-rekognition-police-moratorium"].startswith("Amazon")
    assert pledges["axon-no-face-matching-on-body-cameras"].startswith("Axon")
