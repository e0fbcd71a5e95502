"""Golden-file helpers: items as JSON, compared with ``<name>.expected.json``.

Set ``PLEDGEWATCH_UPDATE_GOLDEN=1`` to rewrite the expected files from the current
output (then read the diff before committing it).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.domain.types import FeedItem


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def items_as_json(items: list[FeedItem]) -> list[dict[str, Any]]:
    return [_plain(asdict(item)) for item in items]


def assert_matches_golden(items: list[FeedItem], expected_path: Path) -> None:
    actual = items_as_json(items)
    if os.environ.get("PLEDGEWATCH_UPDATE_GOLDEN") == "1":
        expected_path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n")
    expected = json.loads(expected_path.read_text())
    assert actual == expected
