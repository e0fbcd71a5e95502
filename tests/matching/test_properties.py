"""classify never raises and is deterministic, whatever the text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.classify import classify
from bot.domain.types import COMPANY_IDS, Match
from bot.domain.watchlist import Watchlist, load_watchlist

from .conftest import make_item

WATCHLIST = load_watchlist()
KINDS = {"company_statement", "legislation", "litigation_or_report", "other"}
EVENTS = {rule.name for rule in WATCHLIST.vocabulary.events} | {"none"}

# Vocabulary-heavy text reaches the deeper rules more often than random characters do.
WORDS = st.sampled_from([
    "facial", "recognition", "ban", "bill", "S.", "4084", "H.R.", "SB", "22-113", "Amazon",
    "police", "council", "votes", "court", "rules", "settles", "moratorium", "extends",
    "market", "unlock", "Clearview", "Rekognition", "Vermont", "S.124", "LD", "1585", "’s",
    "won't", "sign", "GAO", "report", "EU", "AI", "Act", "İ", "ß", "ﬁ", "\u0000", "\n",
])
TEXT = st.one_of(st.text(), st.lists(WORDS, max_size=60).map(" ".join))


def _check(match_a: Match, match_b: Match) -> None:
    assert match_a == match_b
    assert match_a.reasons == match_b.reasons
    assert match_a.kind in KINDS
    assert match_a.event in EVENTS
    assert set(match_a.companies) <= set(COMPANY_IDS)
    assert 0.0 <= match_a.score <= 1.0
    if not match_a.relevant:
        assert (match_a.kind, match_a.event) == ("other", "none")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(title=TEXT, summary=TEXT)
def test_classify_never_raises_and_is_deterministic(title: str, summary: str) -> None:
    item = make_item(title, summary)
    _check(classify(item, WATCHLIST), classify(item, WATCHLIST))


def test_empty_item(watchlist: Watchlist) -> None:
    match = classify(make_item("", ""), watchlist)
    assert not match.relevant
    assert match.bill_ids == ()


@settings(max_examples=5, deadline=None)
@given(st.text(min_size=1, max_size=20))
def test_hundred_thousand_character_input(chunk: str) -> None:
    body = (chunk * (100_000 // len(chunk) + 1))[:100_000]
    item = make_item(body, body)
    _check(classify(item, WATCHLIST), classify(item, WATCHLIST))


def test_long_policy_text_is_still_classified(watchlist: Watchlist) -> None:
    filler = "word " * 20_000
    item = make_item("City council votes to ban facial recognition", filler)
    assert classify(item, watchlist).relevant


def test_a_bill_number_of_zeros_is_no_bill_and_never_breaks_classify(watchlist: Watchlist) -> None:
    # Found by the property test above: "AB" then "0" read as a bill id with no number.
    for title, summary in [("AB", "0"), ("AB 00", ""), ("SB 0 and H.R. 0", "HB 000")]:
        match = classify(make_item(title, summary), watchlist)
        assert match.bill_ids == ()
