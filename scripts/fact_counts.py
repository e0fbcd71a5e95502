"""Count the facts the bot states about pledges and laws: stated, sourced, matching the fact
sheet, labelled, derived (and labelled so). Lists every fact that does not match.

    .venv/bin/python scripts/fact_counts.py [PATH/TO/moratoria.yaml] [--today YYYY-MM-DD]

The fact sheet defaults to ../shared/facts/moratoria.yaml beside the project.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

from bot.domain.facts import check_facts, count_facts, stated_facts
from bot.domain.watchlist import load_watchlist

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "facts" / "moratoria.yaml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sheet", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--today", type=date.fromisoformat, default=datetime.now(UTC).date())
    args = parser.parse_args()
    if not args.sheet.exists():
        sys.stderr.write(f"{args.sheet}: no fact sheet there\n")
        return 2
    sheet = yaml.safe_load(args.sheet.read_text(encoding="utf-8"))
    checks = check_facts(stated_facts(load_watchlist(), today=args.today), sheet)
    counts = count_facts(checks)
    out = sys.stdout
    out.write(f"facts stated            {counts.stated}\n")
    out.write(f"  with a source URL     {counts.sourced}\n")
    out.write(f"  matching the sheet    {counts.matching}\n")
    out.write(f"  with a label beside   {counts.labelled}\n")
    out.write(f"  derived               {counts.derived}\n")
    out.write(f"  derived, labelled so  {counts.derived_labelled}\n")
    for check in checks:
        if not check.matches:
            out.write(f"MISMATCH {check.fact.entry} {check.fact.field}: {check.why}\n")
    return 0 if counts.matching == counts.stated else 1


if __name__ == "__main__":
    raise SystemExit(main())
