"""Each format parses into the expected items (golden files in tests/fixtures/feeds)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.types import SourceKind
from bot.ingest.parse import parse_feed
from tests.ingest.conftest import FIXTURES
from tests.ingest.golden import assert_matches_golden

NOW = datetime(2026, 9, 25, 18, 0, tzinfo=UTC)

# name, file extension, format, source kind, URL the body was fetched from, headers
CASES: list[tuple[str, str, str, SourceKind, str, dict[str, str]]] = [
    (
        "google_news",
        "xml",
        "rss",
        "news",
        "https://news.google.com/rss/search?q=%22facial+recognition%22+police&hl=en-US",
        {"Content-Type": "application/rss+xml; charset=utf-8"},
    ),
    (
        "federal_register",
        "xml",
        "rss",
        "legislative",
        "https://www.federalregister.gov/api/v1/documents.rss?conditions%5Bterm%5D=facial",
        {"Content-Type": "application/rss+xml; charset=utf-8"},
    ),
    ("atom", "xml", "rss", "advocacy", "https://advocacy.example.org/feed.atom", {}),
    (
        "rdf",
        "xml",
        "rss",
        "legislative",
        "https://legis.example.gov/rss",
        {"Content-Type": "application/rdf+xml"},
    ),
    (
        "congress_bill_list",
        "json",
        "congress",
        "legislative",
        "https://api.congress.gov/v3/bill",
        {},
    ),
    (
        "congress_bill",
        "json",
        "congress",
        "legislative",
        "https://api.congress.gov/v3/bill/116/hr/7356",
        {},
    ),
    (
        "congress_actions",
        "json",
        "congress",
        "legislative",
        "https://api.congress.gov/v3/bill/116/hr/7356/actions",
        {},
    ),
    (
        "openstates_bills",
        "json",
        "openstates",
        "legislative",
        "https://v3.openstates.org/bills",
        {},
    ),
    (
        "federal_register_documents",
        "json",
        "federal_register",
        "legislative",
        "https://www.federalregister.gov/api/v1/documents.json",
        {},
    ),
    (
        "federal_register_empty",
        "json",
        "federal_register",
        "legislative",
        "https://www.federalregister.gov/api/v1/documents.json",
        {},
    ),
    (
        "legiscan_search",
        "json",
        "legiscan",
        "legislative",
        "https://api.legiscan.com/?op=getSearch",
        {},
    ),
    (
        "legiscan_bill",
        "json",
        "legiscan",
        "legislative",
        "https://api.legiscan.com/?op=getBill",
        {},
    ),
]


@pytest.mark.parametrize(
    ("name", "ext", "fmt", "kind", "base_url", "headers"), CASES, ids=[c[0] for c in CASES]
)
async def test_fixture_parses_into_expected_items(
    name: str, ext: str, fmt: str, kind: SourceKind, base_url: str, headers: dict[str, str]
):
    body = (FIXTURES / f"{name}.{ext}").read_bytes()

    items = await parse_feed(
        body,
        feed_id=f"fixture-{name}",
        fmt=fmt,
        source_kind=kind,
        headers=headers,
        now=NOW,
        base_url=base_url,
    )

    assert_matches_golden(items, FIXTURES / f"{name}.expected.json")


def test_every_fixture_has_a_case():
    covered = {f"{c[0]}.{c[1]}" for c in CASES}
    bodies = {p.name for p in FIXTURES.iterdir() if not p.name.endswith(".expected.json")}

    assert bodies == covered
