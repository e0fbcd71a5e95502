"""Story matching alone, replayed over the generated feeds: every relevant item's index
lookup, `find_story` and filing, as an ingest does them, without fetching or the store.

    .venv/bin/python bench/story_matching.py             # 200 feeds
    .venv/bin/python bench/story_matching.py --feeds 50

Prints the best of three replays, and the stories and joins they came to (the same for any
change that keeps the decisions).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feedgen import build_feeds

from bot.domain.matching.decide import classify
from bot.domain.stories import DEFAULT_WINDOW, StoryIndex, candidate_for, find_story
from bot.domain.types import FeedItem, Match
from bot.domain.watchlist import load_watchlist
from bot.ingest.parse import parse_feed_sync


def replay(items: list[tuple[FeedItem, Match]], now: datetime) -> tuple[float, int, int]:
    started = time.perf_counter()
    index, stories, joined = StoryIndex(), 0, 0
    for item, match in items:
        found = find_story(
            item,
            match,
            index.candidates(item, match, open_since=now - DEFAULT_WINDOW),
            window=DEFAULT_WINDOW,
        )
        if found is None:
            stories += 1
            found = str(stories)
        else:
            joined += 1
        index.add(candidate_for(found, item, match), seen=now)
    return time.perf_counter() - started, stories, joined


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    args = parser.parse_args()
    watchlist, now = load_watchlist(), datetime.now(UTC)
    items = []
    for name, body in build_feeds(args.feeds).items():
        for item in parse_feed_sync(
            body, feed_id=name, fmt="rss", source_kind="news", headers={}, now=now,
            base_url="http://127.0.0.1/",
        ):  # fmt: skip
            match = classify(item, watchlist)
            if match.relevant:
                items.append((item, match))
    runs = [replay(items, now) for _ in range(3)]
    best = min(seconds for seconds, _, _ in runs)
    _, stories, joined = runs[0]
    print(f"{args.feeds} feeds, {len(items)} relevant items: {stories} stories, {joined} joins")
    print(f"matching: {best:.3f} s, {1e6 * best / len(items):.0f} us per item (best of 3)")


if __name__ == "__main__":
    main()
