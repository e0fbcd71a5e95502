"""`pledgewatch poll --once` end to end: a loopback feed server, the real fetcher, parser,
classifier and a SQLite file."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

from pydantic import SecretStr

from bot.app import open_app
from bot.cli import poll_once
from bot.settings import Settings
from tests.conftest import Clock
from tests.pipeline.conftest import Feeds, write_feeds


async def run_json(settings: Settings) -> list[dict]:
    out = io.StringIO()
    assert await poll_once(settings, feeds_path=None, as_json=True, out=out) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


async def test_poll_json_lists_new_items_then_a_second_poll_is_a_304(
    feeds: Feeds, settings: Settings
) -> None:
    write_feeds(
        settings.pledgewatch_feeds,
        ("news", feeds.serve_fixture("news.xml", "google_news.xml"), "news", "rss"),
    )
    first = await run_json(settings)
    assert first
    assert {row["feed"] for row in first} == {"news"}
    assert set(first[0]) >= {
        "feed",
        "guid",
        "title",
        "url",
        "published",
        "relevant",
        "kind",
        "companies",
        "bill_ids",
        "event",
    }
    amazon = [r for r in first if "Rekognition" in r["title"]]
    assert amazon
    assert amazon[0]["relevant"]
    assert amazon[0]["companies"] == ["amazon"]

    second = await run_json(settings)
    assert second == []
    sent = feeds.hits["news.xml"][-1]
    assert sent.get("If-None-Match", "").startswith('"')  # the validator went back


async def test_a_failing_feed_is_reported_and_the_others_are_polled(
    feeds: Feeds, settings: Settings, capsys
) -> None:
    feeds.bodies["broken.xml"] = 500
    write_feeds(
        settings.pledgewatch_feeds,
        ("broken", feeds.url("broken.xml"), "news", "rss"),
        ("news", feeds.serve_fixture("news.xml", "google_news.xml"), "news", "rss"),
    )
    rows = await run_json(settings)
    assert {row["feed"] for row in rows} == {"news"}
    err = capsys.readouterr().err
    assert "broken: failed: " in err
    assert "500" in err
    async with open_app(settings) as app:
        state = (await app.repo.feed_states())["broken"]
    assert state.consecutive_failures == 1
    assert state.next_attempt_at is not None
    assert state.backoff_reason


async def test_plain_poll_prints_a_summary_and_the_alerts(feeds: Feeds, settings: Settings) -> None:
    write_feeds(
        settings.pledgewatch_feeds,
        ("news", feeds.serve_fixture("news.xml", "google_news.xml"), "news", "rss"),
    )
    out = io.StringIO()
    assert await poll_once(settings, feeds_path=None, as_json=False, out=out) == 0
    text = out.getvalue()
    assert "1 feeds: 1 with new items" in text
    assert "[news] Amazon extends Rekognition moratorium" in text
    assert "source: Example Wire" in text
    # Printed once: a second poll prints no alert again.
    again = io.StringIO()
    await poll_once(settings, feeds_path=None, as_json=False, out=again)
    assert "[news]" not in again.getvalue()


async def test_a_feed_needing_an_unset_key_is_skipped_with_a_notice(
    feeds: Feeds, settings: Settings
) -> None:
    settings.pledgewatch_feeds.write_text(
        "feeds:\n  - id: congress\n    url: " + feeds.url("c.json") + "?api_key={key}\n"
        "    kind: legislative\n    format: congress\n    requires: CONGRESS_API_KEY\n"
    )
    out = io.StringIO()
    await poll_once(settings, feeds_path=None, as_json=False, out=out)
    assert "needs CONGRESS_API_KEY (unset): source skipped" in out.getvalue()
    assert "c.json" not in feeds.hits


async def test_the_api_key_reaches_the_source_but_never_the_report(
    feeds: Feeds, settings: Settings
) -> None:
    feeds.bodies["c.json"] = 503
    settings.pledgewatch_feeds.write_text(
        "feeds:\n  - id: congress\n    url: " + feeds.url("c.json") + "?api_key={key}\n"
        "    kind: legislative\n    format: congress\n    requires: CONGRESS_API_KEY\n"
    )
    keyed = settings.model_copy(update={"congress_api_key": SecretStr("sekret-key-123")})
    out = io.StringIO()
    await poll_once(keyed, feeds_path=None, as_json=False, out=out)
    assert len(feeds.hits["c.json"]) == 1
    assert "sekret-key-123" not in out.getvalue()
    async with open_app(keyed) as app:
        state = (await app.repo.feed_states())["congress"]
    assert state.last_error
    assert "sekret-key-123" not in state.last_error


async def test_legislative_feed_tracks_bills_and_announces_new_ones(
    feeds: Feeds, settings: Settings
) -> None:
    write_feeds(
        settings.pledgewatch_feeds,
        (
            "congress",
            feeds.serve_fixture("c.json", "congress_bill_list.json"),
            "legislative",
            "congress",
        ),
    )
    out = io.StringIO()
    await poll_once(settings, feeds_path=None, as_json=False, out=out)
    async with open_app(settings) as app:
        bills = {b.key: b for b in await app.repo.bills()}
    assert "us-118-s-681" in bills
    assert bills["us-118-s-681"].tracked_id == "us-frbtma-118"
    assert bills["us-118-s-681"].stage == "in_committee"
    # The 118th Congress ended on 2025-01-03: its bills are kept, never announced as new.
    assert "[new bill]" not in out.getvalue()


async def test_a_failing_feed_tells_the_admins_once_and_again_when_it_recovers(
    feeds: Feeds, settings: Settings
) -> None:
    feeds.bodies["flaky.xml"] = 500
    write_feeds(settings.pledgewatch_feeds, ("flaky", feeds.url("flaky.xml"), "news", "rss"))
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC))
    async with open_app(settings, clock=clock) as app:
        [feed] = app.feeds
        for _ in range(5):
            outcome = await app.poller.poll_feed(feed)
            assert outcome.status == "failed"
            clock.now = outcome.next_attempt_at + timedelta(seconds=1)
        feeds.serve_fixture("flaky.xml", "google_news.xml")
        assert (await app.poller.poll_feed(feed)).status == "new"
        health = [
            d.alert.payload["state"]
            for d in await app.repo.pending_deliveries(now=None)
            if d.alert.kind == "feed_health"
        ]
    assert health == ["failing", "recovered"]


async def test_backoff_skips_a_failing_feed_until_its_time(
    feeds: Feeds, settings: Settings
) -> None:
    feeds.bodies["down.xml"] = 500
    write_feeds(settings.pledgewatch_feeds, ("down", feeds.url("down.xml"), "news", "rss"))
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC))
    async with open_app(settings, clock=clock) as app:
        [feed] = app.feeds
        failed = await app.poller.poll_feed(feed)
        skipped = await app.poller.poll_feed(feed)
    assert skipped.status == "skipped"
    assert "backing off until" in (skipped.error or "")
    assert len(feeds.hits["down.xml"]) == 1
    assert failed.next_attempt_at is not None


def rss(title: str, link: str, outlet: str) -> bytes:
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{outlet}</title>'
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        "<pubDate>Tue, 18 May 2021 20:15:00 GMT</pubDate></item></channel></rss>"
    ).encode()


async def test_two_feeds_with_one_event_in_one_cycle_make_one_story_and_one_alert(
    feeds: Feeds, settings: Settings
) -> None:
    feeds.bodies["a.xml"] = rss(
        "Amazon extends Rekognition moratorium indefinitely", "https://a.example/1", "Wire A"
    )
    feeds.bodies["b.xml"] = rss(
        "Amazon extends its Rekognition moratorium indefinitely", "https://b.example/2", "Paper B"
    )
    write_feeds(
        settings.pledgewatch_feeds,
        ("news-a", feeds.url("a.xml"), "news", "rss"),
        ("news-b", feeds.url("b.xml"), "news", "rss"),
        (
            "bills-a",
            feeds.serve_fixture("c1.json", "congress_bill_list.json"),
            "legislative",
            "congress",
        ),
        (
            "bills-b",
            feeds.serve_fixture("c2.json", "congress_bill_list.json"),
            "legislative",
            "congress",
        ),
    )
    # While the 118th Congress sat, so that its bills are news.
    async with open_app(settings, clock=Clock(datetime(2023, 6, 1, tzinfo=UTC))) as app:
        report = await app.poller.poll_all(app.feeds)
        assert "failed" not in {o.status for o in report.outcomes}
        alerts = [d.alert for d in await app.repo.pending_deliveries(now=None)]
        bills = {b.key: b.tracked_id for b in await app.repo.bills()}
    news = [a for a in alerts if a.kind == "news"]
    assert len(news) == 1
    names = {news[0].payload["source"], *(o["name"] for o in news[0].payload["also_reported_by"])}
    assert names == {"Wire A", "Paper B"}
    # Both feeds list the same bills: each is stored once, and the tracked moratorium acts
    # are the shipped laws, not new bills.
    assert bills["us-118-s-681"] == bills["us-118-hr-1404"] == "us-frbtma-118"
    assert [a for a in alerts if a.kind == "new_bill"] == []


async def test_feeds_added_at_run_time_are_polled_by_every_runner(
    feeds: Feeds, settings: Settings
) -> None:
    from bot.config import FeedConfig

    write_feeds(settings.pledgewatch_feeds, ("news", feeds.url("none.xml"), "news", "rss"))
    feeds.bodies["none.xml"] = 404
    async with open_app(settings) as app:
        await app.repo.add_feed(
            FeedConfig(id="added", url=feeds.serve_fixture("a.xml", "google_news.xml"), kind="news")
        )
    rows = await run_json(settings)
    assert {row["feed"] for row in rows} == {"added"}


async def test_a_removed_file_feed_is_not_polled_after_a_restart(
    feeds: Feeds, settings: Settings
) -> None:
    write_feeds(
        settings.pledgewatch_feeds,
        ("news", feeds.serve_fixture("news.xml", "google_news.xml"), "news", "rss"),
    )
    async with open_app(settings) as app:
        await app.repo.remove_feed("news")
    assert await run_json(settings) == []
    assert "news.xml" not in feeds.hits


async def test_an_absurd_retry_after_is_capped_and_recorded_not_a_crash(
    feeds: Feeds, settings: Settings
) -> None:
    feeds.bodies["slow.xml"] = 429
    feeds.headers["slow.xml"] = {"Retry-After": "999999999999"}
    feeds.serve_fixture("news.xml", "google_news.xml")
    write_feeds(
        settings.pledgewatch_feeds,
        ("slow", feeds.url("slow.xml"), "news", "rss"),
        ("news", feeds.url("news.xml"), "news", "rss"),
    )
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC))
    async with open_app(settings, clock=clock) as app:
        report = await app.poller.poll_all(app.feeds)
        states = await app.repo.feed_states()
    outcomes = {o.feed_id: o for o in report.outcomes}
    assert outcomes["news"].status == "new"  # the cycle went on
    assert outcomes["slow"].status == "failed"
    assert outcomes["slow"].next_attempt_at == clock.now + timedelta(days=7)
    assert states["slow"].next_attempt_at == clock.now + timedelta(days=7)
    assert "HTTP 429" in (states["slow"].last_error or "")


async def test_a_password_in_a_feed_url_is_never_logged_stored_or_shown(
    feeds: Feeds, settings: Settings, caplog
) -> None:
    from bot.exts.cards import feed_pages
    from bot.logs import ContextFormatter

    feeds.bodies["loop.xml"] = 302
    feeds.headers["loop.xml"] = {"Location": "/loop.xml"}
    url = feeds.url("loop.xml").replace("http://", "http://reader:hunter2@")
    write_feeds(settings.pledgewatch_feeds, ("locked", url, "news", "rss"))
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC))
    caplog.set_level("INFO")
    async with open_app(settings, clock=clock) as app:
        [feed] = app.feeds
        errors = []
        for _ in range(3):
            outcome = await app.poller.poll_feed(feed)
            errors.append(outcome.error or "")
            clock.now = (outcome.next_attempt_at or clock.now) + timedelta(seconds=1)
        states = await app.repo.feed_states()
        health = [
            d.alert.payload
            for d in await app.repo.pending_deliveries(now=None)
            if d.alert.kind == "feed_health"
        ]
    listed = io.StringIO()
    from bot.cli import feeds_list

    await feeds_list(settings, feeds_path=None, out=listed)
    shown = [embed.to_dict() for embed in feed_pages(list(states.values()), status=False)]
    shown += [embed.to_dict() for embed in feed_pages(list(states.values()), status=True)]
    logged = [ContextFormatter().format(record) for record in caplog.records]

    assert len(feeds.hits["loop.xml"]) == 3  # it was fetched, with its credentials
    assert all("redirect loop: back to http://***@127.0.0.1" in e for e in errors)
    texts = [
        *errors,
        states["locked"].last_error or "",
        listed.getvalue(),
        json.dumps(shown),
        json.dumps(health),
        *logged,
    ]
    assert health
    assert "***@" in json.dumps(health)
    assert json.dumps(shown).count("http://***@") >= 2  # the address and the last error
    assert not [t for t in texts if "hunter2" in t]


async def test_a_cycle_of_304s_records_every_feed_and_a_failing_one_recovers(
    feeds: Feeds, settings: Settings
) -> None:
    write_feeds(
        settings.pledgewatch_feeds,
        ("a", feeds.serve_fixture("a.xml", "google_news.xml"), "news", "rss"),
        ("b", feeds.serve_fixture("b.xml", "google_news.xml"), "news", "rss"),
    )
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC))
    async with open_app(settings, clock=clock) as app:
        first = await app.poller.poll_all(app.feeds)
        assert sorted(o.status for o in first.outcomes) == ["new", "unchanged"]  # one article
        etags = {k: s.etag for k, s in (await app.repo.feed_states()).items()}
        body = feeds.bodies["b.xml"]
        feeds.bodies["b.xml"] = 500
        clock.advance(minutes=15)
        await app.poller.poll_all(app.feeds)  # a: 304 (marked at the end), b: failed
        assert (await app.repo.feed_states())["b"].consecutive_failures == 1
        feeds.bodies["b.xml"] = body
        third = clock.advance(hours=1)
        report = await app.poller.poll_all(app.feeds)
        states = await app.repo.feed_states()
    assert [o.status for o in report.outcomes] == ["not_modified", "not_modified"]
    assert {k: s.last_success_at for k, s in states.items()} == {"a": third, "b": third}
    assert {k: s.last_attempt_at for k, s in states.items()} == {"a": third, "b": third}
    assert {k: s.etag for k, s in states.items()} == etags  # a 304 keeps the validators
    assert (states["b"].consecutive_failures, states["b"].next_attempt_at) == (0, None)


async def test_a_streamed_cycle_hands_each_feeds_items_over_and_keeps_only_counts(
    feeds: Feeds, settings: Settings
) -> None:
    write_feeds(
        settings.pledgewatch_feeds,
        ("news", feeds.serve_fixture("news.xml", "google_news.xml"), "news", "rss"),
    )
    handed: list[str] = []
    async with open_app(settings) as app:
        report = await app.poller.poll_all(
            app.feeds, on_done=lambda o: handed.extend(i.url for i in o.new_items), keep_items=False
        )
        stored = await app.repo.count("items")
    assert [o.status for o in report.outcomes] == ["new"]
    assert len(handed) == stored > 0
    assert report.new_items == []
    assert report.alerts == []
