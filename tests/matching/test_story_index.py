"""The story index: it hands find_story exactly the sources that could matter, so stories
come out as over every recent source, and how many it hands does not grow with the store."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from bot.domain.classify import classify
from bot.domain.stories import StoryCandidate, StoryIndex, candidate_for, find_story
from bot.domain.types import FeedItem, Match
from bot.domain.watchlist import Watchlist

from .conftest import EPOCH, make_item

TEMPLATES = [
    "{place} bans police use of facial recognition",
    "{place} lawmakers advance facial recognition moratorium",
    "{company} extends moratorium on police use of {product}",
    "{company} faces lawsuit over facial recognition database",
    "Police in {place} used {company} facial recognition despite ban, records show",
    "{place} governor signs bill limiting facial recognition by law enforcement",
    "{place} repeals facial recognition ban amid crime concerns",
    "Senators reintroduce Facial Recognition and Biometric Technology Moratorium Act",
    "{company} reports quarterly earnings above expectations",
]
PLACES = ["San Francisco", "Boston", "Portland", "Washington state", "California", "Illinois"]
OUTLETS = ["Reuters", "AP News", "The Verge", "Wired", "NPR"]

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WINDOW = timedelta(days=3)
OPEN = T0 - timedelta(days=30)  # every story counts as open in these tests


def _stream(count: int, seed: int) -> list[FeedItem]:
    """Headlines on the beat, many of them re-reports of one another, some undated."""
    rng = random.Random(seed)
    items = []
    for n in range(count):
        title = rng.choice(TEMPLATES).format(
            place=rng.choice(PLACES), company=rng.choice(["Amazon", "Clearview AI"]),
            product="Rekognition",
        )  # fmt: skip
        if rng.random() < 0.5:
            title += f" - {rng.choice(OUTLETS)}"
        published = EPOCH if rng.random() < 0.1 else T0 + timedelta(hours=rng.randint(0, 150))
        url = f"https://o{rng.randint(0, 40)}.example/{n % 97}"
        items.append(make_item(title, published=published, url=url))
    return items


def test_stories_are_the_same_as_over_every_recent_source(watchlist: Watchlist) -> None:
    for seed in range(2):
        items = _stream(300, seed)
        matches = [classify(item, watchlist) for item in items]
        everything: list[StoryCandidate] = []
        index = StoryIndex()
        scanned: list[str] = []
        indexed: list[str] = []
        for n, (item, match) in enumerate(zip(items, matches, strict=True)):
            story = find_story(item, match, everything, window=WINDOW) or f"s{n}"
            everything.append(candidate_for(story, item, match))
            scanned.append(story)
            near = index.candidates(item, match, open_since=OPEN, window=WINDOW)
            story = find_story(item, match, near, window=WINDOW) or f"s{n}"
            index.add(candidate_for(story, item, match), seen=T0)
            indexed.append(story)
        assert indexed == scanned
        assert len(set(scanned)) < len(scanned) / 2  # the stream did join stories


def _unrelated(n: int) -> tuple[FeedItem, Match]:
    item = FeedItem(
        feed_id="other", guid=str(n), url=f"https://far.example/{n}",
        title=f"Zeta{n} quorum{n % 997} ledger{n % 89}", summary="", published=T0,
    )  # fmt: skip
    return item, Match(relevant=True, kind="news", event="none")


def test_how_many_sources_an_item_is_compared_with_does_not_grow_with_the_store(
    watchlist: Watchlist,
) -> None:
    probe = make_item("Boston bans police use of facial recognition", published=T0)
    probe_match = classify(probe, watchlist)
    related = [
        make_item("Boston council bans police facial recognition - Reuters", published=T0),
        make_item("Boston becomes latest city to ban facial recognition", published=T0),
    ]
    sizes = []
    for stories in (10, 100_000):
        index = StoryIndex()
        for n in range(stories):
            index.add(candidate_for(f"u{n}", *_unrelated(n)), seen=T0)
        for n, item in enumerate(related):
            index.add(candidate_for(f"r{n}", item, classify(item, watchlist)), seen=T0)
        near = index.candidates(probe, probe_match, open_since=OPEN, window=WINDOW)
        sizes.append(len(near))
        assert find_story(probe, probe_match, near, window=WINDOW) in {"r0", "r1"}
    assert sizes[0] == sizes[1] == len(related)


def test_sources_of_closed_stories_are_not_offered_and_can_be_dropped(
    watchlist: Watchlist,
) -> None:
    old = make_item("Boston bans police use of facial recognition", published=T0)
    index = StoryIndex()
    index.add(candidate_for("old", old, classify(old, watchlist)), seen=T0)
    again = make_item("Boston bans police use of facial recognition - AP", published=T0)
    match = classify(again, watchlist)
    assert [c.story_id for c in index.candidates(again, match, open_since=T0)] == ["old"]
    later = T0 + timedelta(days=4)
    assert index.candidates(again, match, open_since=later) == []
    assert len(index.pruned(later)) == 0
    assert len(index.pruned(T0)) == 1


def test_a_story_with_many_identical_sources_is_offered_once(watchlist: Watchlist) -> None:
    index = StoryIndex()
    title = "Boston bans police use of facial recognition"
    for n in range(500):
        copy = make_item(f"{title} - Outlet {n % 7}", published=T0 + timedelta(minutes=n))
        index.add(candidate_for("big", copy, classify(copy, watchlist)), seen=T0)
    probe = make_item(title, published=T0 + timedelta(days=1))
    near = index.candidates(probe, classify(probe, watchlist), open_since=OPEN, window=WINDOW)
    assert [c.story_id for c in near] == ["big"]
    assert near[0].published == T0  # the first source inside the window
    late = make_item(title, published=T0 + timedelta(days=3, minutes=30))
    near = index.candidates(late, classify(late, watchlist), open_since=OPEN, window=WINDOW)
    assert [c.published for c in near] == [T0 + timedelta(minutes=30)]


def test_sources_of_one_story_and_syndicated_copies_share_their_records(
    watchlist: Watchlist,
) -> None:
    index = StoryIndex()
    title = "Boston bans police use of facial recognition - Reuters"
    copies = [make_item(title, url=f"https://outlet{n}.example/a", published=T0) for n in range(3)]
    filed = [candidate_for(str(7), item, classify(item, watchlist)) for item in copies]
    for candidate in filed:
        index.add(candidate, seen=T0)
    by_url = [index.candidates(c, classify(c, watchlist), open_since=OPEN) for c in copies]
    assert by_url == [filed[:1], filed[:2], [filed[0], filed[2]]]  # equal to what was filed
    kept = [entry[1] for group in index._groups for entry in group]
    assert kept == filed
    assert len({id(c.key) for c in kept}) == 1
    assert len({id(c.story_id) for c in kept}) == 1
