"""Evaluate the classifier on a labelled corpus (default: ../shared/eval/dev.jsonl).

Usage:
  .venv/bin/python bench/eval_matching.py [PATH]   the corpus figures and every disagreement
  .venv/bin/python bench/eval_matching.py --general  the same on tests/matching/golden_general.py
  .venv/bin/python bench/eval_matching.py --blind    the cases written after tuning (four rounds)
  .venv/bin/python bench/eval_matching.py --headlines  the fifth blind round: news-search
                                                     headlines (tests/matching/golden_headlines.py)
  .venv/bin/python bench/eval_matching.py --checks     the sixth: edges of the fifth round's rules
  .venv/bin/python bench/eval_matching.py --round7     the seventh: headlines in new sentence shapes
                                                     (tests/matching/golden_round7.py)
  .venv/bin/python bench/eval_matching.py --round8     the eighth: topic in the summary, policy
                                                     families meeting, look-alike negatives
                                                     (tests/matching/golden_round8.py)
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
from bot.domain.pledges import pledge_state, signals_for, suggested_status  # noqa: E402
from bot.domain.types import FeedItem, Match  # noqa: E402
from bot.domain.watchlist import load_watchlist  # noqa: E402

DEFAULT = ROOT / ".." / "shared" / "eval" / "dev.jsonl"
_LABELS = ("relevant", "kind", "companies", "jurisdiction", "bill_ids", "event", "bills")


def general_rows(
    blind: bool = False, headlines: bool = False, checks: bool = False, round7: bool = False,
    round8: bool = False,
) -> list[dict[str, Any]]:
    from tests.matching.golden_general import BLIND_2, BLIND_3, BLIND_4, BLIND_CASES, GENERAL
    from tests.matching.golden_headlines import CHECKS, HEADLINES
    from tests.matching.golden_round7 import ROUND7
    from tests.matching.golden_round8 import ROUND8

    blind_rounds = BLIND_CASES + BLIND_2 + BLIND_3 + BLIND_4
    cases = (ROUND8 if round8 else ROUND7 if round7 else CHECKS if checks
             else HEADLINES if headlines
             else blind_rounds if blind else GENERAL)
    return [
        {"id": f"{case['group']}-{i}", "title": case["title"], "summary": case["summary"],
         "published": case["published"],
         "labels": {k: case[k] for k in _LABELS if k in case}}
        for i, case in enumerate(cases)
    ]


def signals() -> None:
    """Pledge-signal headlines through the classifier and ``signals_for``, as ingest runs them
    (states from the shipped histories)."""
    from tests.matching.golden_general import ORDINARY, SIGNALS

    wl = load_watchlist()
    pledges = {p.id: p for p in wl.pledges}
    states = {p.id: pledge_state(p) for p in wl.pledges}

    def suggestions(case: dict[str, Any]) -> tuple[Match, dict[str, str]]:
        item = FeedItem(feed_id="eval", guid=case["title"], url="", title=case["title"],
                        summary=case["summary"], published=UNKNOWN_TIME)
        match = classify(item, wl)
        return match, {s.pledge_id: s.suggested_status for s in signals_for(match, pledges, states)}

    became = right = already = 0
    for case in SIGNALS:
        match, got = suggestions(case)
        pledge, want = case["pledge"], case["status"]
        if pledge in got:
            became += 1
            right += got[pledge] == want
            if got[pledge] != want:
                print(f"  WRONG STATUS: {case['title']}: {got[pledge]} ({match.event})")
        elif states[pledge].status == want and suggested_status(match.event) == want:
            already += 1  # right reading; the pledge is in that status already
        else:
            print(f"  MISS: {case['title']}\n      event {match.event}, pledges {match.pledges}, "
                  f"relevant {match.relevant}")
    false = 0
    for case in ORDINARY:
        match, got = suggestions(case)
        if got:
            false += 1
            print(f"  FALSE SUGGESTION: {case['title']} ({match.event}: {got})")
    print(f"pledge signals that become suggestions: {became} of {len(SIGNALS)} "
          f"({right} with the expected status); {already} more read right for a pledge "
          "already in that status")
    print(f"false suggestions on ordinary news: {false} of {len(ORDINARY)}")


def main(argv: list[str]) -> int:
    if len(argv) > 1 and argv[1] == "--general":
        eval_rows(general_rows(), sys.stdout, name="tests/matching/golden_general.py")
        return 0
    if len(argv) > 1 and argv[1] == "--blind":
        eval_rows(general_rows(blind=True), sys.stdout, name="cases written after tuning")
        return 0
    if len(argv) > 1 and argv[1] == "--headlines":
        eval_rows(general_rows(headlines=True), sys.stdout,
                  name="news-search headlines (fifth blind round)")
        return 0
    if len(argv) > 1 and argv[1] == "--checks":
        eval_rows(general_rows(checks=True), sys.stdout,
                  name="checks of the fifth round's rules (sixth blind round)")
        return 0
    if len(argv) > 1 and argv[1] == "--round7":
        eval_rows(general_rows(round7=True), sys.stdout,
                  name="headlines in new sentence shapes (seventh blind round)")
        return 0
    if len(argv) > 1 and argv[1] == "--round8":
        eval_rows(general_rows(round8=True), sys.stdout,
                  name="topic in the summary, families meeting (eighth blind round)")
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
