"""Classifier throughput on one core, as ratios to the 5,000 items/s floor and a keyword filter.

Items: the labelled dev corpus when ../shared is present (titles and summaries only, read at
run time), else generated headlines; each pass classifies every item. Not a test: timings
vary by machine, so this prints ratios and never asserts.

Usage: .venv/bin/python bench/bench_classify.py [--seconds N]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.domain.classify import classify
from bot.domain.types import FeedItem
from bot.domain.watchlist import load_watchlist

FLOOR = 5_000.0
DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "dev.jsonl"
# The baseline from the issue: "facial recognition" or "Rekognition" or "Clearview" or "biometric".
KEYWORDS = re.compile(r"facial recognition|rekognition|clearview|biometric", re.IGNORECASE)

_SYNTHETIC = [
    ("City council votes to ban police use of facial recognition",
     "The ordinance bars city departments from acquiring face surveillance technology."),
    ("Amazon extends moratorium on police use of Rekognition",
     "The company said the pause will remain in place until further notice."),
    ("Facial recognition market to reach $12 billion by 2028",
     "A new market research report forecasts a 14% CAGR."),
    ("New phone unlocks with your face in the dark",
     "The flagship adds an infrared camera for face unlock."),
    ("Senators reintroduce S. 681 to halt federal biometric surveillance",
     "The bill would bar federal agencies from using facial recognition."),
]


def _items() -> list[FeedItem]:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    rows: list[tuple[str, str]] = []
    if DEV.exists():
        with DEV.open(encoding="utf-8") as fh:
            rows = [(r["title"], r["summary"]) for r in map(json.loads, fh) if r]
    rows = rows or _SYNTHETIC
    return [
        FeedItem(feed_id="bench", guid=str(i), url="", title=t, summary=s, published=now)
        for i, (t, s) in enumerate(rows)
    ]


def _rate(fn, items: list[FeedItem], seconds: float) -> float:
    done, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        for item in items:
            fn(item)
        done += len(items)
    return done / (time.process_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    wl = load_watchlist()
    items = _items()
    classify(items[0], wl)  # compile the vocabulary outside the timing
    ours = _rate(lambda it: classify(it, wl), items, args.seconds)
    naive = _rate(lambda it: bool(KEYWORDS.search(f"{it.title} {it.summary}")), items, args.seconds)
    print(f"items per pass: {len(items)}")
    print(f"classify: {ours:,.0f} items/s on one core")
    print(f"ratio to the 5,000 items/s floor: {ours / FLOOR:.2f}x")
    print(f"keyword filter: {naive:,.0f} items/s; classify is {ours / naive:.3f}x its speed")


if __name__ == "__main__":
    main()
