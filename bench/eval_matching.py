"""Evaluate the classifier on a labelled corpus (default: ../shared/eval/dev.jsonl).

Usage: .venv/bin/python bench/eval_matching.py [PATH]
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.classify_io import run_eval

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "dev.jsonl"


def main(argv: list[str]) -> int:
    corpus = Path(argv[1]) if len(argv) > 1 else DEFAULT
    if not corpus.exists():
        print(f"corpus not found: {corpus}", file=sys.stderr)
        return 2
    run_eval(corpus, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
