"""Story clustering: re-reports join one story; different events on one topic stay apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.classify import classify
from bot.domain.stories import (
    StoryCandidate,
    candidate_for,
    canonical_url,
    find_story,
    title_fingerprint,
    title_similarity,
)
from bot.domain.types import FeedItem
from bot.domain.watchlist import Watchlist

from .conftest import make_item

T0 = datetime(2021, 5, 18, 14, 0, tzinfo=UTC)


def _file(items: list[FeedItem], watchlist: Watchlist) -> list[str]:
    """Run items through find_story in order, as the store would; return their story ids."""
    filed: list[StoryCandidate] = []
    ids: list[str] = []
    for item in items:
        match = classify(item, watchlist)
        story = find_story(item, match, filed) or f"story-{len(set(ids)) + 1}"
        filed.append(candidate_for(story, item, match))
        ids.append(story)
    return ids


def test_fingerprint_ignores_outlet_tags_case_and_plurals() -> None:
    a = title_fingerprint("Amazon extends moratorium on police use of facial recognition - Reuters")
    b = title_fingerprint("AMAZON EXTENDS MORATORIUM ON POLICE USE OF FACIAL RECOGNITION")
    assert a == b
    assert title_similarity(a, title_fingerprint("Amazon to extend police moratorium")) > 0.3
    assert title_similarity(a, title_fingerprint("")) == 0.0


def test_canonical_url_drops_tracking_and_presentation() -> None:
    assert canonical_url("https://www.Example.com/a/b/?utm_source=x&id=3#top") == (
        "https://example.com/a/b?id=3"
    )
    assert canonical_url("http://example.com/story/amp/") == canonical_url(
        "https://example.com/story"
    )


def test_reports_of_one_event_from_many_outlets_are_one_story(watchlist: Watchlist) -> None:
    items = [
        make_item("Amazon extends moratorium on police use of facial recognition software",
                  "Amazon told Reuters it is extending its moratorium until further notice.",
                  published=T0, url="https://wire.example/amazon-1"),
        make_item("Amazon to extend pause on police use of facial recognition",
                  "Amazon will keep its ban on police use of Rekognition in place.",
                  published=T0 + timedelta(hours=3), url="https://local.example/amazon"),
        make_item("EXCLUSIVE-Amazon extends moratorium on police use of facial recognition",
                  "The company said the pause stays until further notice.",
                  published=T0 + timedelta(days=1), url="https://markets.example/x"),
    ]
    ids = _file(items, watchlist)
    assert len(set(ids)) == 1


def test_the_same_url_is_the_same_story(watchlist: Watchlist) -> None:
    first = make_item("Council bans facial recognition", "The vote was 9-0.", published=T0,
                      url="https://news.example/ban?utm_medium=rss")
    again = make_item("Updated: council ban passes", "", published=T0 + timedelta(days=30),
                      url="https://www.news.example/ban")
    ids = _file([first, again], watchlist)
    assert ids[0] == ids[1]


def test_two_different_bills_stay_apart(watchlist: Watchlist) -> None:
    items = [
        make_item("Senate passes SB 6280 limiting facial recognition",
                  "The facial recognition bill passed the Washington Senate.", published=T0),
        make_item("Senate passes SB 6281 limiting facial recognition",
                  "The facial recognition bill passed the Washington Senate.",
                  published=T0 + timedelta(hours=2)),
    ]
    ids = _file(items, watchlist)
    assert ids[0] != ids[1]


def test_a_bill_introduced_and_the_same_bill_signed_stay_apart(watchlist: Watchlist) -> None:
    items = [
        make_item("Lawmakers introduce facial recognition bill SB 6280",
                  "The bill would limit government facial recognition in Washington state.",
                  published=T0),
        make_item("Governor signs facial recognition bill SB 6280 into law",
                  "The bill limits government facial recognition in Washington state.",
                  published=T0 + timedelta(days=2)),
    ]
    ids = _file(items, watchlist)
    assert ids[0] != ids[1]


def test_the_same_bill_and_event_join_even_with_different_titles(watchlist: Watchlist) -> None:
    items = [
        make_item("Governor signs SB 6280", "The facial recognition bill is now law.",
                  published=T0),
        make_item("Washington now has a facial recognition law",
                  "Gov. Jay Inslee signed SB 6280 into law on Tuesday.",
                  published=T0 + timedelta(hours=5)),
    ]
    ids = _file(items, watchlist)
    assert ids[0] == ids[1]


def test_reports_outside_the_window_start_a_new_story(watchlist: Watchlist) -> None:
    items = [
        make_item("City council votes to ban facial recognition", "The ordinance passed.",
                  published=T0),
        make_item("City council votes to ban facial recognition", "The ordinance passed.",
                  published=T0 + timedelta(days=60), url="https://other.example/x"),
    ]
    ids = _file(items, watchlist)
    assert ids[0] != ids[1]


def test_different_companies_stay_apart(watchlist: Watchlist) -> None:
    items = [
        make_item("Amazon extends moratorium on police facial recognition", "", published=T0),
        make_item("Microsoft extends moratorium on police facial recognition", "",
                  published=T0 + timedelta(hours=1), url="https://other.example/ms"),
    ]
    ids = _file(items, watchlist)
    assert ids[0] != ids[1]


def test_no_candidates_means_a_new_story(watchlist: Watchlist) -> None:
    item = make_item("Council bans facial recognition", "", published=T0)
    assert find_story(item, classify(item, watchlist), []) is None
