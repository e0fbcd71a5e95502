"""The real response samples in ../shared/samples parse as expected (skipped when absent)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.domain.types import FeedItem, SourceKind
from bot.ingest.parse import parse_feed
from tests.ingest.conftest import shared_sample

NOW = datetime(2026, 9, 25, 18, 30, tzinfo=UTC)


async def parse_sample(
    name: str, fmt: str, *, kind: SourceKind = "legislative", base_url: str = ""
) -> list[FeedItem]:
    return await parse_feed(
        shared_sample(name).read_bytes(),
        feed_id="sample",
        fmt=fmt,
        source_kind=kind,
        headers={"Content-Type": "application/rss+xml; charset=UTF-8"} if fmt == "rss" else {},
        now=NOW,
        base_url=base_url,
    )


async def test_google_news_sample():
    items = await parse_sample(
        "googlenews_rss_search_trimmed_2026-09-25.xml",
        "rss",
        kind="news",
        base_url="https://news.google.com/rss/search?q=breaking",
    )

    assert [(i.title, i.source_name) for i in items] == [
        (
            "Fall Related Emergency Visits for Older Adults Continue to Climb",
            "countynewscenter.com",
        ),
        (
            "Ketanji Brown Jackson criticizes supreme court’s handling of emergency docket",
            "The Guardian",
        ),
    ]
    assert items[0].guid == "CBMinwFBVV95cUxObDNTMW1VT3pC"
    assert items[0].url == "https://news.google.com/rss/articles/CBMinwFBVV95cUxObDNTMW1VT3pC?oc=5"
    assert items[0].published == datetime(2026, 9, 25, 13, 53, 48, tzinfo=UTC)
    assert all(i.summary == "" for i in items)  # the description only repeats the headline


async def test_federal_register_rss_sample_decodes_double_escaped_entities():
    (item,) = await parse_sample(
        "federalregister_rss_shape_fixture_TRIMMED.xml",
        "rss",
        base_url="https://www.federalregister.gov/api/v1/documents.rss",
    )

    assert item.title == "Privacy Act of 1974; Matching Program"
    assert item.summary == "Provides the SPAAs with VA's data."
    assert item.published == datetime(2026, 7, 27, 4, 0, tzinfo=UTC)


async def test_congress_bill_list_sample():
    items = await parse_sample("congressgov_v3_bill_list_117-hr.json", "congress")

    assert len(items) == 20
    assert items[0].bill is not None
    assert (items[0].bill.key, items[0].bill.identifier, items[0].title) == (
        "us-117-hr-3617",
        "H.R.3617",
        "MORE Act",
    )
    assert items[0].url == "https://www.congress.gov/bill/117th-congress/house-bill/3617"
    assert all(i.bill and i.bill.key.startswith("us-117-hr-") for i in items)
    assert items[1].title == "H.R.7343"  # an empty title falls back to the identifier


async def test_congress_bill_item_sample():
    (item,) = await parse_sample("congressgov_v3_bill_item_117-hr-21.json", "congress")

    assert item.bill is not None
    assert (item.bill.key, item.bill.identifier, item.bill.session) == (
        "us-117-hr-21",
        "H.R.21",
        "117",
    )
    assert item.title == "FedRAMP Authorization Act"
    assert item.bill.actions[-1].date == date(2021, 1, 6)


async def test_congress_actions_sample_keeps_codes_oldest_first():
    (item,) = await parse_sample("congressgov_v3_bill_actions_117-hr-21.json", "congress")

    assert item.bill is not None
    actions = item.bill.actions
    assert len(actions) == 10
    assert [a.date for a in actions] == sorted(a.date for a in actions if a.date)
    assert actions[-1].codes == ("IntroReferral",)
    assert actions[-1].chamber == "senate"
    assert ("Floor", "H38310") in [a.codes for a in actions]
    assert ("Floor", "8000") in [a.codes for a in actions]
    assert all(a.source == "congress" for a in actions)


async def test_openstates_sample():
    (item,) = await parse_sample(
        "openstates_v3_bills_search_result_item_NY_A10774.json", "openstates"
    )

    assert item.bill is not None
    assert (item.bill.key, item.bill.jurisdiction, item.bill.identifier) == (
        "us-ny-2025-a-10774",
        "US-NY",
        "A 10774",
    )
    assert item.url == "https://openstates.org/ny/bills/2025-2026/A10774/"
    assert item.bill.actions[-1].text == "REFERRED TO GOVERNMENTAL EMPLOYEES"


async def test_federal_register_document_sample():
    (item,) = await parse_sample("federalregister_v1_document_2025-05887.json", "federal_register")

    assert item.guid == "federalregister:2025-05887"
    assert item.published == datetime(2025, 4, 7, tzinfo=UTC)
    assert item.url.startswith("https://www.federalregister.gov/documents/2025/04/07/2025-05887/")


async def test_federal_register_search_without_results_key_is_empty():
    items = await parse_sample(
        "federalregister_v1_documents_search_EMPTY_no_results_key.json", "federal_register"
    )

    assert items == []


async def test_legiscan_bill_sample():
    (item,) = await parse_sample("legiscan_bill_AK_HB1_2011_bulkdataset.json", "legiscan")

    assert item.bill is not None
    assert (item.bill.key, item.bill.identifier, item.bill.status_code) == (
        "us-ak-2011-hb-1",
        "HB 1",
        "2",
    )
    progress = [a.codes[0] for a in item.bill.actions if a.codes]
    assert progress == ["1", "9", "11", "10", "2", "9"]
    assert item.bill.actions[-1].date == date(2011, 4, 12)
