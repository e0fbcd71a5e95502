"""The repository on a real SQLite file and on the real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from bot.config import FeedConfig
from bot.domain.alerts import AlertDraft, news_alert
from bot.domain.stories import StoryCandidate, title_fingerprint
from bot.domain.types import FeedItem, Match
from bot.errors import NotFoundError, StorageError
from storage.records import IngestEntry
from storage.repository import Repository, nonce_for

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
WINDOW = timedelta(days=2)


def feed(feed_id: str = "news") -> FeedConfig:
    return FeedConfig(id=feed_id, url=f"https://example.org/{feed_id}.xml", kind="news")


def item(guid: str, url: str, title: str = "Council bans police facial recognition", **kw: str):
    return FeedItem(
        feed_id=kw.get("feed_id", "news"),
        guid=guid,
        url=url,
        title=title,
        summary="summary",
        published=NOW,
        source_name=kw.get("source", "Outlet"),
    )


RELEVANT = Match(relevant=True, kind="legislation", companies=("amazon",), event="ban_passed")
IRRELEVANT = Match(relevant=False, kind="other")


def join_by_title(item: FeedItem, match: Match, recent: Sequence[StoryCandidate]) -> int | None:
    fingerprint = title_fingerprint(item.title)
    return next((int(c.story_id) for c in recent if c.key.fingerprint == fingerprint), None)


async def ingest(repo: Repository, entries, sinks=("console",), now=NOW):
    return await repo.ingest(
        "news",
        [e if isinstance(e, IngestEntry) else IngestEntry(*e) for e in entries],
        now=now,
        story_window=WINDOW,
        choose_story=join_by_title,
        make_alert=news_alert,
        sinks=sinks,
    )


async def test_same_guid_or_same_canonical_url_is_stored_once(repo: Repository) -> None:
    await repo.sync_feeds([feed()])
    first = await ingest(repo, [(item("g1", "https://a.example/x"), IRRELEVANT)])
    again = await ingest(
        repo,
        [
            (item("g1", "https://a.example/other"), IRRELEVANT),  # same guid
            (item("g2", "https://a.example/x"), IRRELEVANT),  # same canonical URL
        ],
    )
    assert len(first.new_items) == 1
    assert again.new_items == []
    assert again.duplicates == 2
    assert await repo.count("items") == 1


async def test_new_relevant_item_creates_story_alert_and_delivery_together(
    repo: Repository,
) -> None:
    await repo.sync_feeds([feed()])
    result = await ingest(repo, [(item("g1", "https://a.example/1"), RELEVANT)])
    assert [a.kind for a in result.alerts] == ["news"]
    assert result.new_items[0].new_story
    pending = await repo.pending_deliveries(now=NOW)
    assert [(p.target, p.alert.payload["url"]) for p in pending] == [
        ("console", "https://a.example/1")
    ]
    assert pending[0].nonce == nonce_for(result.alerts[0].key, "console")
    assert len(pending[0].nonce) <= 25


async def test_irrelevant_items_are_kept_but_announce_nothing(repo: Repository) -> None:
    await repo.sync_feeds([feed()])
    result = await ingest(repo, [(item("g1", "https://a.example/1"), IRRELEVANT)])
    assert result.alerts == []
    assert result.new_items[0].story_id is None
    assert await repo.pending_deliveries(now=NOW) == []


async def test_re_report_joins_story_and_lists_the_other_outlet(repo: Repository) -> None:
    await repo.sync_feeds([feed()])
    await ingest(repo, [(item("g1", "https://a.example/1", source="Reuters"), RELEVANT)])
    second = await ingest(repo, [(item("g2", "https://b.example/2", source="AP"), RELEVANT)])
    assert second.alerts == []
    assert second.new_items[0].story_id is not None
    assert not second.new_items[0].new_story
    [pending] = await repo.pending_deliveries(now=NOW)
    assert pending.alert.payload["also_reported_by"] == [
        {"name": "AP", "url": "https://b.example/2"}
    ]
    assert await repo.count("stories") == 1


async def test_alert_key_is_unique_so_a_replayed_alert_queues_nothing(repo: Repository) -> None:
    draft = AlertDraft(key="bill:x:stage:enacted", kind="bill_stage", importance=3, payload={})
    assert await repo.queue_alert(draft, now=NOW, sinks=["console"]) is not None
    assert await repo.queue_alert(draft, now=NOW, sinks=["console"]) is None
    assert len(await repo.pending_deliveries(now=NOW)) == 1


async def test_deliveries_fan_out_only_to_subscriptions_whose_filters_match(
    repo: Repository,
) -> None:
    await repo.sync_feeds([feed()])
    await repo.subscribe(guild_id=1, channel_id=10, now=NOW)
    await repo.subscribe(guild_id=1, channel_id=11, now=NOW, companies=["microsoft"])
    await repo.subscribe(guild_id=1, channel_id=12, now=NOW, kinds=["news"], companies=["amazon"])
    await ingest(repo, [(item("g1", "https://a.example/1"), RELEVANT)], sinks=["discord"])
    targets = sorted(p.target for p in await repo.pending_deliveries(now=NOW))
    assert targets == ["channel:10", "channel:12"]


async def test_paused_subscription_parks_its_deliveries(repo: Repository) -> None:
    await repo.sync_feeds([feed()])
    sub = await repo.subscribe(guild_id=1, channel_id=10, now=NOW)
    await ingest(repo, [(item("g1", "https://a.example/1"), RELEVANT)], sinks=["discord"])
    assert await repo.pause_subscription(sub.id, reason="404 Unknown Channel")
    assert not await repo.pause_subscription(sub.id, reason="again")  # once only
    assert await repo.pending_deliveries(now=NOW) == []
    [view] = await repo.subscriptions(guild_id=1)
    assert view.paused
    assert view.paused_reason == "404 Unknown Channel"


async def test_pending_deliveries_come_oldest_first_and_respect_retry_time(
    repo: Repository,
) -> None:
    for n in range(3):
        draft = AlertDraft(key=f"k{n}", kind="news", importance=1, payload={"n": n})
        await repo.queue_alert(draft, now=NOW + timedelta(seconds=n), sinks=["console"])
    pending = await repo.pending_deliveries(now=NOW + timedelta(minutes=1))
    assert [p.alert.payload["n"] for p in pending] == [0, 1, 2]
    await repo.mark_retry(pending[0].id, error="503", next_attempt_at=NOW + timedelta(hours=1))
    await repo.mark_delivered(pending[1].id, message_id="99", at=NOW)
    later = await repo.pending_deliveries(now=NOW + timedelta(minutes=1))
    assert [p.alert.payload["n"] for p in later] == [2]
    much_later = await repo.pending_deliveries(now=NOW + timedelta(hours=2))
    assert [(p.alert.payload["n"], p.attempts) for p in much_later] == [(0, 1), (2, 0)]


async def test_feed_fetch_state_records_failures_backoff_and_recovery(repo: Repository) -> None:
    await repo.sync_feeds([feed()])
    retry = NOW + timedelta(minutes=5)
    assert (
        await repo.record_fetch_failure("news", at=NOW, error="HTTP 500", next_attempt_at=retry)
        == 1
    )
    assert (
        await repo.record_fetch_failure("news", at=NOW, error="HTTP 502", next_attempt_at=retry)
        == 2
    )
    state = (await repo.feed_states())["news"]
    assert (state.consecutive_failures, state.last_error, state.next_attempt_at) == (
        2,
        "HTTP 502",
        retry,
    )
    assert await repo.record_fetch_success("news", at=NOW, etag='"v1"', last_modified=None)
    state = (await repo.feed_states())["news"]
    assert (state.consecutive_failures, state.etag, state.next_attempt_at) == (0, '"v1"', None)
    assert not await repo.record_fetch_success(
        "news", at=NOW, etag=None, last_modified=None, not_modified=True
    )
    assert (await repo.feed_states())["news"].etag == '"v1"'  # a 304 keeps the validators


async def test_feeds_removed_from_the_file_are_disabled_not_forgotten(repo: Repository) -> None:
    await repo.sync_feeds([feed("a"), feed("b")])
    await repo.record_fetch_success("b", at=NOW, etag='"e"', last_modified=None)
    await repo.sync_feeds([feed("a")])
    states = await repo.feed_states()
    assert (states["b"].enabled, states["b"].etag) == (False, '"e"')
    with pytest.raises(NotFoundError):
        await repo.record_fetch_failure("zzz", at=NOW, error="x", next_attempt_at=NOW)


async def test_datetimes_come_back_aware_utc_and_naive_ones_are_refused(repo: Repository) -> None:
    await repo.sync_feeds([feed()])
    await repo.record_fetch_success("news", at=NOW, etag=None, last_modified=None)
    assert (await repo.feed_states())["news"].last_success_at == NOW
    assert (await repo.feed_states())["news"].last_success_at.tzinfo is not None
    with pytest.raises((StorageError, ValueError)):
        await repo.record_fetch_success(
            "news", at=datetime(2026, 1, 1), etag=None, last_modified=None
        )


async def test_unsubscribe_drops_pending_deliveries(repo: Repository) -> None:
    await repo.sync_feeds([feed()])
    await repo.subscribe(guild_id=1, channel_id=10, now=NOW)
    await ingest(repo, [(item("g1", "https://a.example/1"), RELEVANT)], sinks=["discord"])
    assert await repo.unsubscribe(10)
    assert not await repo.unsubscribe(10)
    assert await repo.pending_deliveries(now=NOW) == []


async def test_a_file_feed_an_admin_removed_stays_off_after_a_restart(repo: Repository) -> None:
    await repo.sync_feeds([feed("a")])
    await repo.remove_feed("a")
    await repo.sync_feeds([feed("a")])  # the next start reads feeds.yaml again
    assert not (await repo.feed_states())["a"].enabled


async def test_feeds_added_at_run_time_come_back_as_configs(repo: Repository) -> None:
    await repo.sync_feeds([feed("a")])
    await repo.add_feed(feed("extra"))
    assert [c.id for c in await repo.user_feed_configs()] == ["extra"]
    await repo.remove_feed("extra")
    assert await repo.user_feed_configs() == []


async def test_an_ingest_reads_the_subscriptions_once_for_all_its_alerts(repo: Repository) -> None:
    await repo.sync_feeds([feed()])
    await repo.subscribe(guild_id=1, channel_id=10, now=NOW)
    await repo.subscribe(guild_id=1, channel_id=11, now=NOW, companies=["microsoft"])
    reads: list[str] = []

    def count(_conn, _cursor, statement: str, *_args) -> None:
        if "FROM subscriptions" in statement:
            reads.append(statement)

    event.listen(repo.engine.sync_engine, "before_cursor_execute", count)
    try:
        microsoft = Match(relevant=True, kind="company", companies=("microsoft",), event="none")
        await ingest(
            repo,
            [
                (item("g1", "https://a.example/1", title="Council bans face scans"), RELEVANT),
                (item("g2", "https://b.example/2", title="Microsoft halts sales"), microsoft),
                (item("g3", "https://c.example/3", title="Lawmakers weigh ban"), RELEVANT),
            ],
            sinks=["discord"],
        )
    finally:
        event.remove(repo.engine.sync_engine, "before_cursor_execute", count)
    assert len(reads) == 1
    by_alert: dict[str, list[str]] = {}
    for pending in await repo.pending_deliveries(now=NOW):
        by_alert.setdefault(pending.alert.payload["title"], []).append(pending.target)
    assert {title: sorted(targets) for title, targets in by_alert.items()} == {
        "Council bans face scans": ["channel:10"],
        "Microsoft halts sales": ["channel:10", "channel:11"],
        "Lawmakers weigh ban": ["channel:10"],
    }
