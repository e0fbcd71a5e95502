"""One state bill has one identity whether Open States or LegiScan reports it."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.ingest.adapters import ADAPTERS, AdapterContext

CTX = AdapterContext(feed_id="f", source_kind="legislative", now=datetime(2026, 1, 1, tzinfo=UTC))

OPENSTATES = {
    "results": [
        {
            "id": "ocd-bill/1",
            "session": "2019-2020",
            "jurisdiction": {
                "id": "ocd-jurisdiction/country:us/state:wa/government",
                "name": "Washington",
            },
            "identifier": "SB 6280",
            "title": "Concerning the use of facial recognition services",
            "openstates_url": "https://openstates.org/wa/bills/2019-2020/SB6280/",
            "latest_action_date": "2020-03-31",
            "latest_action_description": "Governor partially vetoed.",
        }
    ]
}
LEGISCAN = {
    "status": "OK",
    "bill": {
        "bill_id": 1,
        "state": "WA",
        "bill_number": "SB6280",
        "session": {
            "year_start": 2019,
            "year_end": 2020,
            "session_name": "2019-2020 Regular Session",
        },
        "url": "https://legiscan.com/WA/bill/SB6280/2019",
        "title": "Concerning the use of facial recognition services.",
        "status": 4,
        "history": [{"date": "2020-03-31", "action": "Chapter 257, 2020 Laws.", "chamber": "S"}],
        "progress": [{"date": "2020-03-31", "event": 4}],
    },
}


def test_open_states_and_legiscan_give_the_same_key_for_one_bill() -> None:
    [from_openstates] = ADAPTERS["openstates"](OPENSTATES, CTX)
    [from_legiscan] = ADAPTERS["legiscan"](LEGISCAN, CTX)
    assert from_openstates.bill is not None
    assert from_legiscan.bill is not None
    assert from_openstates.bill.key == from_legiscan.bill.key == "us-wa-2019-sb-6280"
    assert from_openstates.bill.identifier == from_legiscan.bill.identifier == "SB 6280"


def test_both_sources_link_the_bill_to_the_tracked_law() -> None:
    from bot.domain.bills import tracked_law_for
    from bot.domain.watchlist import load_watchlist

    laws = load_watchlist().laws
    for adapter, data in (("openstates", OPENSTATES), ("legiscan", LEGISCAN)):
        [item] = ADAPTERS[adapter](data, CTX)
        assert item.bill is not None
        assert tracked_law_for(item.bill, laws) == "wa-sb6280-2020", adapter
