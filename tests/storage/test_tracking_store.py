"""Tracking in the store: bills and actions, stage-change and new-bill alerts, pledge
suggestions and their review; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.alerts import news_alert
from bot.domain.pledges import Signal
from bot.domain.stories import StoryCandidate
from bot.domain.types import BillAction, BillRecord, FeedItem, Match
from bot.errors import NotFoundError, StorageError
from storage.records import IngestEntry
from storage.repository import Repository

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
URL = "https://www.congress.gov/bill/117th-congress/house-bill/3907"
RELEVANT = Match(relevant=True, kind="legislation", bill_ids=("H.R.3907",), event="bill_introduced")


def no_story(item: FeedItem, match: Match, recent: Sequence[StoryCandidate]) -> int | None:
    return None


def bill_item(guid: str, *actions: tuple[str, str, tuple[str, ...]]) -> FeedItem:
    record = BillRecord(
        key="us-117-hr-3907",
        jurisdiction="US-federal",
        session="117",
        identifier="H.R.3907",
        title="Facial Recognition and Biometric Technology Moratorium Act of 2021",
        url=URL,
        actions=tuple(
            BillAction(date.fromisoformat(d), text, URL, codes) for d, text, codes in actions
        ),
    )
    return FeedItem(
        feed_id="congress",
        guid=guid,
        url=URL,
        title=record.title,
        summary="",
        published=NOW,
        source_kind="legislative",
        bill=record,
    )


async def ingest(repo: Repository, *entries: IngestEntry, now: datetime = NOW):
    return await repo.ingest(
        "congress",
        list(entries),
        now=now,
        story_window=timedelta(days=3),
        choose_story=no_story,
        make_alert=news_alert,
        sinks=["console"],
        bill_source="congress",
    )


INTRO = ("2021-06-15", "Introduced in House", ("IntroReferral", "Intro-H"))
REFERRED = (
    "2021-06-15",
    "Referred to the House Committee on the Judiciary.",
    ("IntroReferral", "H11100"),
)
PASSED = (
    "2021-09-01",
    "Passed/agreed to in House: On passage Passed by recorded vote.",
    ("Floor", "8000"),
)
DEBATE = (
    "2021-09-01",
    "DEBATE - The House proceeded with one hour of debate.",
    ("Floor", "H8D000"),
)


# While the 117th Congress sat (it ended on 2023-01-03).
IN_117 = datetime(2021, 10, 1, 12, 0, tzinfo=UTC)


async def test_a_new_bill_on_the_topic_is_announced_once_with_its_stage(repo: Repository) -> None:
    result = await ingest(repo, IngestEntry(bill_item("g1", INTRO, REFERRED), RELEVANT), now=IN_117)
    assert [(a.kind, a.payload["stage"]) for a in result.alerts] == [("new_bill", "in_committee")]
    again = await ingest(
        repo, IngestEntry(bill_item("g1", INTRO, REFERRED), RELEVANT), now=IN_117
    )
    assert again.alerts == []
    bill = await repo.bill("us-117-hr-3907")
    assert bill is not None
    assert (bill.stage, bill.stage_date) == ("in_committee", date(2021, 6, 15))
    assert [a.text for a in bill.actions] == [INTRO[1], REFERRED[1]]


async def test_a_stage_change_is_an_alert_with_old_and_new_stage_and_its_source(
    repo: Repository,
) -> None:
    await ingest(repo, IngestEntry(bill_item("g1", INTRO, REFERRED), RELEVANT), now=IN_117)
    result = await ingest(repo, IngestEntry(bill_item("g2", PASSED), RELEVANT), now=IN_117)
    [alert] = result.alerts
    assert alert.kind == "bill_stage"
    p = alert.payload
    assert (p["old_stage"], p["new_stage"], p["action_date"]) == (
        "in_committee",
        "passed_one_chamber",
        "2021-09-01",
    )
    assert p["action_text"].startswith("Passed/agreed to in House")
    assert p["source_url"] == URL
    assert p["earlier_alerts"] == ["bill:us-117-hr-3907:new"]  # for the delivery layer to edit


async def test_a_bill_of_an_ended_congress_is_kept_but_never_announced(repo: Repository) -> None:
    from bot.domain.watchlist import load_watchlist
    from bot.status import bill_statuses

    law = "us-frbtma-117"
    first = await ingest(repo, IngestEntry(bill_item("g1", INTRO, REFERRED), RELEVANT, law_id=law))
    later = await ingest(repo, IngestEntry(bill_item("g2", PASSED), RELEVANT, law_id=law))
    assert first.alerts == []  # not a new bill: the 117th Congress ended on 2023-01-03
    assert later.alerts == []
    bill = await repo.bill("us-117-hr-3907")
    assert bill is not None
    assert bill.stage == "passed_one_chamber"  # the record's own actions are kept as they are
    views = await bill_statuses(repo, load_watchlist(), today=NOW.date())
    [view] = [v for v in views if v.id == law]
    assert (view.stage, view.stage_date) == ("expired", date(2023, 1, 3))
    assert "derived" in view.stage_caveats
    assert view.stage_basis[-1] == "the 117th Congress ended on 2023-01-03"


async def test_an_unknown_action_keeps_the_stage_and_is_kept(repo: Repository) -> None:
    await ingest(repo, IngestEntry(bill_item("g1", INTRO, REFERRED), RELEVANT))
    result = await ingest(repo, IngestEntry(bill_item("g2", DEBATE), RELEVANT))
    assert result.alerts == []
    bill = await repo.bill("us-117-hr-3907")
    assert bill is not None
    assert bill.stage == "in_committee"
    assert DEBATE[1] in [a.text for a in bill.actions]


async def test_an_off_topic_bill_is_not_tracked(repo: Repository) -> None:
    off = Match(relevant=False, kind="other")
    result = await ingest(repo, IngestEntry(bill_item("g1", INTRO), off))
    assert result.alerts == []
    assert await repo.bills() == []


async def test_a_tracked_law_is_followed_even_when_the_item_is_judged_off_topic(
    repo: Repository,
) -> None:
    off = Match(relevant=False, kind="other")
    await ingest(repo, IngestEntry(bill_item("g1", INTRO), off, law_id="us-frbtma-117"))
    [bill] = await repo.bills()
    assert bill.tracked_id == "us-frbtma-117"


def signal_item(guid: str) -> FeedItem:
    return FeedItem(
        feed_id="news",
        guid=guid,
        url=f"https://news.example/{guid}",
        title="Amazon ends its moratorium on police use of Rekognition",
        summary="",
        published=datetime(2026, 1, 4, 9, tzinfo=UTC),
        source_name="Example News",
    )


SIGNAL = Signal(
    "amazon-rekognition-police-moratorium", "lifted", "moratorium_expired", {"company": "amazon"}
)
SIGNAL_MATCH = Match(
    relevant=True,
    kind="company_statement",
    companies=("amazon",),
    event="moratorium_expired",
    pledges=("amazon-rekognition-police-moratorium",),
)


async def test_a_pledge_signal_is_a_pending_suggestion_and_a_signal_alert(repo: Repository) -> None:
    result = await ingest(repo, IngestEntry(signal_item("a"), SIGNAL_MATCH, (SIGNAL,)))
    kinds = sorted(a.kind for a in result.alerts)
    assert kinds == ["news", "pledge_signal"]
    [suggestion] = await repo.suggestions()
    assert (suggestion.pledge_id, suggestion.suggested_status, suggestion.state) == (
        "amazon-rekognition-police-moratorium",
        "lifted",
        "pending",
    )
    assert await repo.pledge_events() == {}  # nothing changes on a headline alone


async def test_confirming_records_who_when_and_source_and_queues_a_status_alert(
    repo: Repository,
) -> None:
    await ingest(repo, IngestEntry(signal_item("a"), SIGNAL_MATCH, (SIGNAL,)))
    [pending] = await repo.suggestions()
    later = NOW + timedelta(hours=2)
    decided = await repo.decide_suggestion(
        pending.id,
        confirm=True,
        by="moderator#1",
        now=later,
        sinks=["console"],
        alert_payload={"old_status": "extended"},
    )
    assert (decided.state, decided.decided_by, decided.decided_at) == (
        "confirmed",
        "moderator#1",
        later,
    )
    [event] = (await repo.pledge_events())["amazon-rekognition-police-moratorium"]
    assert (event.status, event.date, event.source_url) == (
        "lifted",
        date(2026, 1, 4),  # the report's date, not the review's
        "https://news.example/a",
    )
    assert "moderator#1" in event.summary
    pending_alerts = [p.alert for p in await repo.pending_deliveries(now=later)]
    status = [a for a in pending_alerts if a.kind == "pledge_status"]
    assert [(a.payload["old_status"], a.payload["new_status"]) for a in status] == [
        ("extended", "lifted")
    ]
    with pytest.raises(StorageError):
        await repo.decide_suggestion(pending.id, confirm=False, by="x", now=later)


async def test_rejecting_changes_nothing_but_is_recorded(repo: Repository) -> None:
    await ingest(repo, IngestEntry(signal_item("a"), SIGNAL_MATCH, (SIGNAL,)))
    [pending] = await repo.suggestions()
    decided = await repo.decide_suggestion(
        pending.id, confirm=False, by="moderator#2", now=NOW, note="old news"
    )
    assert (decided.state, decided.note) == ("rejected", "old news")
    assert await repo.pledge_events() == {}
    assert await repo.suggestions() == []
    assert [s.state for s in await repo.suggestions(state=None)] == ["rejected"]
    with pytest.raises(NotFoundError):
        await repo.decide_suggestion(999, confirm=True, by="x", now=NOW)


def tracked_item(guid: str, key: str, identifier: str, jurisdiction: str, session: str,
                 *actions: tuple[str, str, tuple[str, ...]]) -> FeedItem:
    record = BillRecord(
        key=key, jurisdiction=jurisdiction, session=session, identifier=identifier,
        title=identifier, url=f"https://legislature.example/{key}",
        actions=tuple(
            BillAction(date.fromisoformat(d), text, f"https://legislature.example/{key}", codes)
            for d, text, codes in actions
        ),
    )
    return FeedItem(
        feed_id="congress", guid=guid, url=record.url, title=record.title, summary="",
        published=NOW, source_kind="legislative", bill=record,
    )


def tracked_entry(item: FeedItem, law_id: str) -> IngestEntry:
    from bot.domain.bills import law_standing
    from bot.domain.watchlist import load_watchlist

    [law] = [law for law in load_watchlist().laws if law.id == law_id]
    return IngestEntry(item, RELEVANT, law_id=law_id, standing=law_standing(law, today=NOW.date()))


async def test_a_tracked_law_first_seen_in_legislative_data_is_not_a_new_bill(
    repo: Repository,
) -> None:
    # Washington's SB 6280 is shipped as enacted: state data replaying its early actions is
    # neither news of a new bill nor a stage change.
    item = tracked_item(
        "g1", "us-wa-2020-sb-6280", "SB 6280", "US-WA", "2020",
        ("2020-01-14", "First reading, referred to Environment, Energy & Technology.", ()),
        ("2020-02-14", "Passed the Senate.", ()),
    )
    result = await ingest(repo, tracked_entry(item, "wa-sb6280-2020"))
    assert result.alerts == []
    [bill] = await repo.bills()
    assert bill.tracked_id == "wa-sb6280-2020"


async def test_a_tracked_law_moving_past_its_shipped_stage_is_one_stage_alert(
    repo: Repository,
) -> None:
    # H.R. 4695 (119th Congress) is shipped as in committee since 2025-07-23.
    key, law = "us-119-hr-4695", "us-facial-recognition-act-2025"
    intro = (
        "2025-07-23",
        "Referred to the House Committee on the Judiciary.",
        ("IntroReferral", "H11100"),
    )
    first = await ingest(
        repo, tracked_entry(tracked_item("g1", key, "H.R.4695", "US-federal", "119", intro), law)
    )
    assert first.alerts == []  # what the store learned says no more than the shipped stage
    passed = ("2025-12-01", "Passed/agreed to in House: On passage.", ("Floor", "8000"))
    later = await ingest(
        repo,
        tracked_entry(tracked_item("g2", key, "H.R.4695", "US-federal", "119", intro, passed), law),
    )
    [alert] = later.alerts
    assert alert.kind == "bill_stage"
    assert (alert.payload["old_stage"], alert.payload["new_stage"]) == (
        "in_committee",
        "passed_one_chamber",
    )
