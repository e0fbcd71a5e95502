"""Evaluate the classifier on a labelled corpus (default: ../shared/eval/dev.jsonl).

Usage:
  .venv/bin/python bench/eval_matching.py [PATH]   the corpus figures and every disagreement
  .venv/bin/python bench/eval_matching.py --general  the same on tests/matching/golden_general.py
  .venv/bin/python bench/eval_matching.py --signals  pledge signals that become suggestions, and
                                                     false suggestions on ordinary news
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.classify_io import (  # noqa: E402
    UNKNOWN_TIME,
    eval_rows,
    run_eval,
)
from bot.domain.classify import classify  # noqa: E402
from bot.domain.pledges import suggested_status  # noqa: E402
from bot.domain.types import FeedItem  # noqa: E402
from bot.domain.watchlist import load_watchlist  # noqa: E402

DEFAULT = ROOT / ".." / "shared" / "eval" / "dev.jsonl"
_LABELS = ("relevant", "kind", "companies", "jurisdiction", "bill_ids", "event", "bills")


def general_rows() -> list[dict[str, Any]]:
    from tests.matching.golden_general import GENERAL

    return [
        {"id": f"{case['group']}-{i}", "title": case["title"], "summary": case["summary"],
         "published": case["published"],
         "labels": {k: case[k] for k in _LABELS if k in case}}
        for i, case in enumerate(GENERAL)
    ]


def signals() -> None:
    from tests.matching.golden_general import ORDINARY, SIGNALS

    wl = load_watchlist()

    def item(case: dict[str, Any]) -> FeedItem:
        return FeedItem(feed_id="eval", guid=case["title"], url="", title=case["title"],
                        summary=case["summary"], published=UNKNOWN_TIME)

    hits = 0
    for case in SIGNALS:
        m = classify(item(case), wl)
        got = suggested_status(m.event) if m.relevant else None
        ok = case["pledge"] in m.pledges and got is not None
        right = ok and got == case["status"]
        hits += ok
        if not right:
            print(f"  {'WRONG' if ok else 'MISS'}: {case['title']}\n"
                  f"      want {case['status']} got {m.event}->{got} pledges {m.pledges}")
    false = 0
    for case in ORDINARY:
        m = classify(item(case), wl)
        if m.relevant and m.pledges and suggested_status(m.event):
            false += 1
            print(f"  FALSE SUGGESTION: {case['title']} ({m.event})")
    print(f"pledge signals that become suggestions: {hits} of {len(SIGNALS)}")
    right = sum(
        1 for case in SIGNALS
        if (m := classify(item(case), wl)).relevant and case["pledge"] in m.pledges
        and suggested_status(m.event) == case["status"]
    )
    print(f"  of which suggest the expected status: {right} of {len(SIGNALS)}")
    print(f"false suggestions on ordinary news: {false} of {len(ORDINARY)}")


def main(argv: list[str]) -> int:
    if len(argv) > 1 and argv[1] == "--general":
        eval_rows(general_rows(), sys.stdout, name="tests/matching/golden_general.py")
        return 0
    if len(argv) > 1 and argv[1] == "--signals":
        signals()
        return 0
    corpus = Path(argv[1]) if len(argv) > 1 else DEFAULT
    if not corpus.exists():
        print(f"corpus not found: {corpus}", file=sys.stderr)
        return 2
    run_eval(corpus, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
