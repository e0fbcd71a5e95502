"""Keyword filters: words, phrases and exclusions, case-insensitive, whole words, on an
alert's title and summary; a filter that cannot be read says why."""

from __future__ import annotations

import pytest

from bot.domain.alerts import SubscriptionFilter, wants
from bot.domain.keywords import (
    MAX_TERMS,
    KeywordError,
    KeywordFilter,
    alert_texts,
    keywords_match,
    parse_keywords,
)


def test_words_phrases_and_exclusions_are_read_lower_cased_and_deduplicated():
    flt = parse_keywords('Ban, "Police   Use", -Lottery, !raffle, ban, moratorium')
    assert flt == KeywordFilter(("ban", "police use", "moratorium"), ("lottery", "raffle"))
    assert flt.describe() == 'ban, "police use", moratorium, -lottery, -raffle'


@pytest.mark.parametrize("empty", [None, "", "  ", ", ,"])
def test_no_keywords_mean_no_filter(empty):
    flt = parse_keywords(empty)
    assert not flt
    assert keywords_match(flt, ["anything at all"])


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('"police use, ban', "quote is not closed"),
        ("ban, -", "must be followed"),
        ("ban, ???", "no letter or digit"),
        ("x" * 61, "longer than 60"),
        ("ban, -ban", "both wanted and excluded"),
        (", ".join(f"w{i}" for i in range(MAX_TERMS + 1)), f"At most {MAX_TERMS}"),
    ],
)
def test_a_filter_that_cannot_be_read_says_what_to_change(text, says):
    with pytest.raises(KeywordError, match=says):
        parse_keywords(text)


@pytest.mark.parametrize(
    ("texts", "passes"),
    [
        (["Council votes on a BAN of face surveillance"], True),
        (["Banking app adds face login"], False),  # whole words only
        (["Report", "on police\nuse of face recognition"], True),  # a phrase across spaces
        (["Police used it"], False),
        (["A ban, and a state lottery for cameras"], False),  # an exclusion wins
        (["Nothing to see"], False),
    ],
)
def test_matching_is_on_whole_words_and_phrases_and_exclusions_win(texts, passes):
    flt = parse_keywords('ban, "police use", -lottery')
    assert keywords_match(flt, texts) is passes


def test_only_exclusions_let_everything_else_through():
    flt = parse_keywords("-clearview")
    assert keywords_match(flt, ["Amazon extends its moratorium"])
    assert not keywords_match(flt, ["Clearview AI settles"])


def test_bill_numbers_match_as_written():
    assert keywords_match(parse_keywords("s.4084"), ["Senate sees S.4084 reintroduced"])
    assert not keywords_match(parse_keywords("s.4084"), ["Senate sees S.40845"])


def test_the_subscription_filter_applies_keywords_to_every_kind_but_feed_health():
    flt = SubscriptionFilter(keywords=parse_keywords("moratorium"))
    bill = {"title": "An act on drones", "action_text": "Referred", "jurisdictions": []}
    assert not wants(flt, "bill_stage", 2, bill)
    assert wants(flt, "bill_stage", 2, {**bill, "title": "Facial recognition moratorium act"})
    assert wants(flt, "pledge_deadline", 2, {"pledge_title": "One-year moratorium"})
    assert wants(flt, "feed_health", 1, {"title": "feed down"})  # operational, always
    assert alert_texts({"title": "t", "summary": "s", "url": "https://x"}) == ["t", "s"]
