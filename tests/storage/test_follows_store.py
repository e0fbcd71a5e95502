"""Follows and keyword filters in the store's fan-out, and an untracked bill a follow adds
to what is tracked; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.domain.alerts import AlertDraft, news_alert
from bot.domain.keywords import parse_keywords
from bot.domain.stories import StoryCandidate
from bot.domain.types import BillAction, BillRecord, FeedItem, Match
from storage.models import Delivery
from storage.records import IngestEntry
from storage.repository import Repository

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
URL = "https://www.congress.gov/bill/119th-congress/senate-bill/1234"
OFF_TOPIC = Match(relevant=False, kind="other")
AMAZON = "amazon-rekognition-police-moratorium"


def no_story(item: FeedItem, match: Match, recent: Sequence[StoryCandidate]) -> int | None:
    return None


def bill_item(*actions: tuple[str, str, tuple[str, ...]]) -> FeedItem:
    record = BillRecord(
        key="us-119-s-1234",
        jurisdiction="US-federal",
        session="119",
        identifier="S.1234",
        title="A bill on highway signage",
        url=URL,
        actions=tuple(
            BillAction(date.fromisoformat(d), text, URL, codes) for d, text, codes in actions
        ),
    )
    last = actions[-1][0] if actions else "undated"
    return FeedItem(
        feed_id="congress",
        guid=f"us-119-s-1234#{last}-x",
        url=URL,
        title=record.title,
        summary="S.1234",
        published=NOW,
        source_kind="legislative",
        bill=record,
    )


INTRO = ("2025-03-01", "Introduced in Senate", ("IntroReferral", "10000"))
PASSED = ("2025-06-01", "Passed Senate without amendment by Unanimous Consent.", ("Floor", "17000"))


async def ingest(repo: Repository, item: FeedItem, match: Match = OFF_TOPIC, *, now=NOW):
    return await repo.ingest(
        "congress",
        [IngestEntry(item, match)],
        now=now,
        story_window=timedelta(days=3),
        choose_story=no_story,
        make_alert=news_alert,
        sinks=["discord"],
        bill_source="congress",
    )


async def targets(repo: Repository, alert_key: str) -> set[str]:
    async with repo._tx() as session:  # the outbox rows as the dispatcher will read them
        from storage.models import Alert

        alert_id = await session.scalar(select(Alert.id).where(Alert.key == alert_key))
        rows = await session.scalars(select(Delivery.target).where(Delivery.alert_id == alert_id))
        return set(rows.all())


def pledge_alert(key: str, pledge_id: str, title: str) -> AlertDraft:
    payload = {"pledge_id": pledge_id, "title": title, "companies": ["amazon"]}
    return AlertDraft(key=key, kind="pledge_status", importance=3, payload=payload)


async def test_a_followed_pledge_reaches_a_channel_whose_filters_refuse_it(repo: Repository):
    await repo.subscribe(guild_id=1, channel_id=10, now=NOW, kinds=["bill_stage"])
    await repo.subscribe(guild_id=1, channel_id=11, now=NOW, kinds=["bill_stage"])
    await repo.follow(
        guild_id=1,
        channel_id=10,
        kind="pledge",
        target=AMAZON,
        label="Amazon",
        source_url=None,
        now=NOW,
    )
    await repo.follow(  # a channel with no subscription at all
        guild_id=1,
        channel_id=12,
        kind="pledge",
        target=AMAZON,
        label="Amazon",
        source_url=None,
        now=NOW,
    )

    await repo.queue_alert(pledge_alert("p:1", AMAZON, "Extended"), now=NOW, sinks=["discord"])
    await repo.queue_alert(
        pledge_alert("p:2", "ibm-2020-general-purpose-fr-exit", "IBM"), now=NOW, sinks=["discord"]
    )

    assert await targets(repo, "p:1") == {"channel:10", "channel:12"}
    assert await targets(repo, "p:2") == set()
    pending = await repo.pending_deliveries(now=NOW)
    assert {d.target for d in pending} == {"channel:10", "channel:12"}


async def test_a_paused_channel_gets_nothing_from_its_follows(repo: Repository):
    sub = await repo.subscribe(guild_id=1, channel_id=10, now=NOW)
    await repo.pause_subscription(sub.id, reason="403")
    await repo.follow(
        guild_id=1,
        channel_id=10,
        kind="place",
        target="US-WA",
        label="Washington",
        source_url=None,
        now=NOW,
    )
    payload = {"title": "Spokane bans it", "jurisdictions": ["US-WA-Spokane"]}
    await repo.queue_alert(AlertDraft("n:1", "news", 2, payload), now=NOW, sinks=["discord"])

    assert await targets(repo, "n:1") == set()


async def test_keyword_filters_choose_alerts_by_title_and_summary(repo: Repository):
    await repo.subscribe(
        guild_id=1, channel_id=10, now=NOW, keywords=parse_keywords('"police use", -lottery')
    )
    views = await repo.subscriptions(1)
    assert views[0].keywords == ("police use",)
    assert views[0].exclude_keywords == ("lottery",)

    def news(key: str, title: str, summary: str = "") -> AlertDraft:
        return AlertDraft(key, "news", 2, {"title": title, "summary": summary})

    for draft in (
        news("a", "City ends POLICE   use of face scans"),
        news("b", "Face scans", "a ban on police use"),
        news("c", "Police use face scans for the lottery"),
        news("d", "Police used face scans"),
    ):
        await repo.queue_alert(draft, now=NOW, sinks=["discord"])

    assert [bool(await targets(repo, k)) for k in "abcd"] == [True, True, False, False]
    # Running /subscribe again without keywords clears them.
    await repo.subscribe(guild_id=1, channel_id=10, now=NOW)
    assert (await repo.subscriptions(1))[0].keywords == ()


async def test_following_an_untracked_reported_bill_tracks_it_and_alerts_its_next_stage(
    repo: Repository,
):
    await ingest(repo, bill_item(INTRO))  # off topic: stored as an item, not tracked
    assert await repo.bills() == []
    assert await repo.seen_bill("S. 9999") is None

    seen = await repo.seen_bill("s 1234")
    assert seen is not None
    assert (seen.key, seen.jurisdiction, seen.session, seen.url) == (
        "us-119-s-1234",
        "US-federal",
        "119",
        URL,
    )
    bill = await repo.track_seen_bill(seen, identifier="S.1234", now=NOW)
    assert (bill.key, bill.url, bill.identifier) == ("us-119-s-1234", URL, "S.1234")
    await repo.follow(
        guild_id=1,
        channel_id=20,
        kind="bill",
        target=bill.key,
        label="S.1234",
        source_url=bill.url,
        now=NOW,
    )

    result = await ingest(repo, bill_item(INTRO, PASSED), now=NOW + timedelta(hours=1))

    stages = [a for a in result.alerts if a.kind == "bill_stage"]
    assert [a.payload["new_stage"] for a in stages] == ["passed_one_chamber"]
    assert await targets(repo, stages[0].key) == {"channel:20"}
    assert [b.key for b in await repo.bills()] == ["us-119-s-1234"]


async def test_follow_is_once_per_channel_and_unfollow_removes_it(repo: Repository):
    first, created = await repo.follow(
        guild_id=1,
        channel_id=10,
        kind="bill",
        target="us-frbtma-118",
        label="S.681",
        source_url="https://example.org/b",
        now=NOW,
    )
    again, created_again = await repo.follow(
        guild_id=1,
        channel_id=10,
        kind="bill",
        target="us-frbtma-118",
        label="S.681",
        source_url="https://example.org/b",
        now=NOW,
    )
    assert (created, created_again, first.id) == (True, False, again.id)
    assert [f.target for f in await repo.follows(guild_id=1)] == ["us-frbtma-118"]
    assert await repo.unfollow(10, "bill", "us-frbtma-118") is True
    assert await repo.unfollow(10, "bill", "us-frbtma-118") is False
    assert await repo.follows(channel_id=10) == []
