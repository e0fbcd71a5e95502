"""Adapters refuse shapes they do not know, with a message naming the shape."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.errors import FeedError
from bot.ingest.adapters import ADAPTERS, AdapterContext
from bot.ingest.adapters.base import state_identifier
from bot.ingest.adapters.congress import federal_bill

CTX = AdapterContext(feed_id="f", source_kind="legislative", now=datetime(2026, 9, 25, tzinfo=UTC))


@pytest.mark.parametrize("fmt", sorted(ADAPTERS))
@pytest.mark.parametrize("data", [[], "text", 42, None, {"unexpected": True}])
def test_unknown_shapes_raise_a_clear_feed_error(fmt: str, data: Any):
    with pytest.raises(FeedError, match=f"^{fmt}: unrecognised response shape"):
        ADAPTERS[fmt](data, CTX)


@pytest.mark.parametrize(
    ("fmt", "data", "message"),
    [
        (
            "congress",
            {"error": "API rate limit exceeded"},
            "congress: API error: API rate limit exceeded",
        ),
        ("openstates", {"detail": "Invalid API key"}, "openstates: API error: Invalid API key"),
        ("federal_register", {"errors": {"conditions": "bad"}}, "federal_register: API error"),
        (
            "legiscan",
            {"status": "ERROR", "alert": {"message": "Unknown API key"}},
            "legiscan: API error: Unknown API key",
        ),
    ],
)
def test_api_error_bodies_say_what_the_api_said(fmt: str, data: Any, message: str):
    with pytest.raises(FeedError, match=message):
        ADAPTERS[fmt](data, CTX)


def test_a_page_where_no_record_is_readable_is_an_error():
    with pytest.raises(
        FeedError, match=r"congress: none of the 2 records could be read \(record 0"
    ):
        ADAPTERS["congress"]({"bills": [{"type": "??"}, "not an object"]}, CTX)


def test_congress_actions_without_a_bill_identity():
    with pytest.raises(FeedError, match="congress: actions response without a usable bill"):
        ADAPTERS["congress"]({"actions": [], "request": {}}, CTX)


def test_legiscan_search_with_no_hits_is_empty():
    data = {"status": "OK", "searchresult": {"summary": {"count": 0}}}

    assert ADAPTERS["legiscan"](data, CTX) == []


def test_openstates_empty_page():
    assert ADAPTERS["openstates"]({"results": [], "pagination": {}}, CTX) == []


@pytest.mark.parametrize(
    ("congress", "bill_type", "number", "expected"),
    [
        (117, "HR", "3907", ("us-117-hr-3907", "H.R.3907")),
        ("116", "s", 4084, ("us-116-s-4084", "S.4084")),
        (118, "SJRES", "7", ("us-118-sjres-7", "S.J.Res.7")),
        (118, "hconres", "12", ("us-118-hconres-12", "H.Con.Res.12")),
        (121, "HRES", "1", ("us-121-hres-1", "H.Res.1")),
    ],
)
def test_federal_bill_identity(congress, bill_type, number, expected):
    key, identifier, url = federal_bill(congress, bill_type, number)

    assert (key, identifier) == expected
    assert url.startswith("https://www.congress.gov/bill/")


def test_public_congress_urls_use_ordinals():
    assert (
        federal_bill(121, "HR", 1)[2] == "https://www.congress.gov/bill/121st-congress/house-bill/1"
    )
    assert (
        federal_bill(112, "S", 2)[2] == "https://www.congress.gov/bill/112th-congress/senate-bill/2"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SB 6280", ("SB 6280", "sb-6280")),
        ("SB6280", ("SB 6280", "sb-6280")),
        ("A 10774", ("A 10774", "a-10774")),
        ("H.B. 0012", ("HB 12", "hb-12")),
        ("LD1585", ("LD 1585", "ld-1585")),
        ("SB 5A", ("SB 5A", "sb-5a")),
        ("Proposal 2", ("PROPOSAL 2", "proposal-2")),
    ],
)
def test_state_identifiers_are_written_with_one_space(raw: str, expected: tuple[str, str]):
    assert state_identifier(raw) == expected
