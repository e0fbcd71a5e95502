"""A news-search title's trailing " - Outlet" is no evidence to the classifier."""

from __future__ import annotations

import pytest

from bot.domain.classify import classify
from bot.domain.matching.outlet import headline
from bot.domain.watchlist import Watchlist

from .conftest import make_item
from .golden_round7 import ROUND7


@pytest.mark.parametrize(("title", "expected"), [
    ("Clearview AI fined again in France - TechCrunch", "Clearview AI fined again in France"),
    ("Police buy face recognition software - Bloomberg Law",
     "Police buy face recognition software"),
    ("Vendor drops face search from its cameras - iTnews",
     "Vendor drops face search from its cameras"),
    ("Canada's watchdog weighs in - The Globe and Mail", "Canada's watchdog weighs in"),
    ("Google to retire its face API - Google blog", "Google to retire its face API"),
    ("Spain fines a grocer - El País", "Spain fines a grocer"),
])
def test_an_outlet_after_the_title_is_cut(title: str, expected: str) -> None:
    assert headline(title) == expected


@pytest.mark.parametrize("title", [
    # A bill's own page: its Congress or session follows the dash.
    "H.R.3907 - 117th Congress (2021-2022)",
    "S.681 - 118th Congress: Text",
    "HB 2031 - Virginia 2021 Special Session I",
    # A dash inside a sentence, and tails that read as words, not names.
    "Facial recognition: the good - and the bad",
    "Council votes on face recognition - what happens next?",
    "Police face recognition use - a five-year look at every search the city ran",
    "No dash at all in this facial recognition headline",
])
def test_a_title_without_an_outlet_is_kept(title: str) -> None:
    assert headline(title) == title


def test_an_outlet_named_like_a_policy_word_is_no_evidence(watchlist: Watchlist) -> None:
    summary = "Officers will compare photos with mugshots, the chief said."
    bare = classify(make_item("Police department buys facial recognition software", summary),
                    watchlist)
    for outlet in ("Bloomberg Law", "Courthouse News", "Law360", "Amnesty International",
                   "The Legislative Gazette", "Court TV"):
        titled = classify(make_item(f"Police department buys facial recognition software"
                                    f" - {outlet}", summary), watchlist)
        assert (titled.relevant, titled.kind, titled.event) == (
            bare.relevant, bare.kind, bare.event), (outlet, titled.reasons)
    assert not bare.relevant


def test_the_round_reads_the_same_with_or_without_its_outlets(watchlist: Watchlist) -> None:
    changed = 0
    for case in ROUND7:
        title = headline(case["title"])
        changed += title != case["title"]
        with_outlet = classify(make_item(case["title"], case["summary"]), watchlist)
        without = classify(make_item(title, case["summary"]), watchlist)
        assert with_outlet == without, case["title"]
    assert changed >= 140
