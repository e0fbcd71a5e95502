"""feeds.yaml: validated at start; an error names the file, the line, the feed and the field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import load_feeds, parse_duration, parse_feeds
from bot.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]

GOOD = """\
feeds:
  - id: one
    url: https://example.org/a.xml
    kind: news
  - id: two
    url: https://example.org/b.json
    kind: legislative
    format: congress
    every: 1h
    requires: CONGRESS_API_KEY
"""


def test_the_shipped_feeds_file_is_valid_and_covers_every_source_kind() -> None:
    feeds = load_feeds(REPO / "feeds.yaml")
    assert len({f.id for f in feeds}) == len(feeds)
    assert {f.format for f in feeds} == {
        "rss",
        "congress",
        "openstates",
        "federal_register",
        "legiscan",
    }
    keyed = {f.format: f.requires for f in feeds if f.requires}
    assert keyed == {
        "congress": "CONGRESS_API_KEY",
        "openstates": "OPENSTATES_API_KEY",
        "legiscan": "LEGISCAN_API_KEY",
    }
    assert all("{key}" in f.url for f in feeds if f.requires)
    assert all(f.url.startswith("https://") for f in feeds)


def test_defaults_and_durations() -> None:
    one, two = parse_feeds(GOOD)
    assert (one.format, one.every, one.enabled, one.requires) == (
        "rss",
        timedelta(minutes=15),
        True,
        None,
    )
    assert (two.every, two.effective_jitter) == (timedelta(hours=1), timedelta(minutes=6))
    assert parse_duration("90s") == timedelta(seconds=90)
    assert parse_duration("2d") == timedelta(days=2)
    with pytest.raises(ValueError, match="invalid duration"):
        parse_duration("soon")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            GOOD.replace("kind: legislative", "kind: gossip"),
            r"feeds\.yaml:5: feed 'two': field 'kind'",
        ),
        (GOOD.replace("every: 1h", "every: soon"), r"feeds\.yaml:5: feed 'two': field 'every'"),
        (GOOD.replace("every: 1h", "every: 5s"), r"field 'every'.*at least 30s"),
        (
            GOOD.replace("https://example.org/a.xml", "ftp://x"),
            r"feeds\.yaml:2: feed 'one': field 'url'",
        ),
        (GOOD.replace("id: two", "id: one"), r"feeds\.yaml:5: feed 'one': field 'id': duplicate"),
        (
            GOOD.replace("    kind: news\n", "    kind: news\n    colour: red\n"),
            r"feed 'one': field 'colour'",
        ),
        ("feeds:\n  - url: https://x.org\n    kind: news\n", r"feed #1: field 'id'"),
        ("feeds: [", r"not valid YAML"),
        (GOOD.replace("id: one", "id: off"), r"feed #1: field 'id': .*put the id in quotes"),
        ("- just a list\n", r"expected a mapping with a 'feeds' list"),
    ],
)
def test_errors_name_file_line_feed_and_field(text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        parse_feeds(text, source="feeds.yaml")


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read feeds file"):
        load_feeds(tmp_path / "nope.yaml")
