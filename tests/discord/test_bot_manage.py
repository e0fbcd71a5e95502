"""The management commands through the fake Discord: /subscribe, /unsubscribe,
/subscriptions, /feeds, /pledge-review; and a non-admin refused on every one of them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web

from bot.domain.alerts import news_alert
from bot.domain.pledges import Signal
from bot.domain.types import FeedItem, Match
from bot.ingest.pipeline import choose_story
from storage.records import IngestEntry
from tests.discord.test_bot_world import (  # noqa: F401 (fixtures used by name)
    MANAGEMENT,
    World,
    migrated_db_fixture,
    text_of,
    world_fixture,
    world_settings_fixture,
)

AMAZON = "amazon-rekognition-police-moratorium"
RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>
<item><guid>x1</guid><title>Council debates facial recognition ban</title>
<link>https://local.example/x1</link></item></channel></rss>"""


async def add_suggestion(world: World, guid: str = "s1") -> int:
    item = FeedItem(
        feed_id="gnews-fr-police",
        guid=guid,
        url=f"https://news.example/{guid}",
        title="Amazon ends its moratorium on police use of Rekognition",
        summary="",
        published=datetime(2026, 1, 4, 9, tzinfo=UTC),
        source_name="Example News",
    )
    match = Match(
        relevant=True,
        kind="company_statement",
        companies=("amazon",),
        event="moratorium_expired",
        pledges=(AMAZON,),
    )
    signal = Signal(AMAZON, "lifted", "moratorium_expired", {"company": "amazon"})
    await world.repo.ingest(
        "gnews-fr-police",
        [IngestEntry(item, match, (signal,))],
        now=world.clock.now,
        story_window=timedelta(days=2),
        choose_story=choose_story,
        make_alert=news_alert,
        sinks=(),
    )
    [pending] = [x for x in await world.repo.suggestions() if x.source_url.endswith(guid)]
    return pending.id


# --- who may manage ------------------------------------------------------------------------


async def test_a_member_without_manage_server_is_refused_every_management_command(
    world: World,
):
    for name, options in [*MANAGEMENT, ("feeds list", {}), ("feeds status", {})]:
        with pytest.raises(PermissionError):  # Discord does not even offer the command
            world.fake.inject_slash_command(name, options, member=world.alice, channel=world.alerts)

    # A server may open a command to everyone in its settings: the bot checks again.
    for name, options in MANAGEMENT:
        message = await world.reply(name, options, member=world.alice, bypass_permissions=True)
        assert message.ephemeral, name
        assert message.content == "You need the Manage Server permission to use this command."

    assert await world.repo.subscriptions() == []
    assert await world.repo.feed("x") is None


# --- /subscribe, /unsubscribe, /subscriptions ----------------------------------------------


async def test_subscribe_with_no_options_subscribes_this_channel_to_everything(world: World):
    message = await world.reply("subscribe", member=world.mod)

    [sub] = await world.repo.subscriptions(world.guild.id)
    assert (sub.channel_id, sub.kinds, sub.companies, sub.mode) == (
        world.alerts.id,
        (),
        (),
        "immediate",
    )
    assert message.ephemeral
    assert message.content.startswith("Subscribed.")
    assert f"<#{world.alerts.id}>" in message.content


async def test_subscribe_keeps_every_filter_and_the_one_role_to_mention(world: World):
    role = world.fake.add_role(world.guild, "policy-team")

    message = await world.reply(
        "subscribe",
        {
            "channel": world.other,
            "kinds": "news, BILL_STAGE pledge_status",
            "companies": "amazon,microsoft",
            "jurisdictions": "us-wa, US-CA-San Francisco",
            "min_importance": 2,
            "delivery": "digest",
            "role": role,
        },
        member=world.mod,
    )

    [sub] = await world.repo.subscriptions(world.guild.id)
    assert sub.channel_id == world.other.id
    assert sub.kinds == ("news", "bill_stage", "pledge_status")
    assert sub.companies == ("amazon", "microsoft")
    assert sub.jurisdictions == ("US-WA", "US-CA-San Francisco")
    assert (sub.min_importance, sub.mode, sub.mention_role_id) == (2, "digest", role.id)
    assert message.ephemeral
    assert message.mention_roles == []  # naming the role here pings nobody
    assert "is not mentionable and I lack Mention All Roles" in message.content


async def test_subscribe_refuses_unknown_filters_and_says_what_is_valid(world: World):
    kinds = await world.reply("subscribe", {"kinds": "news, gossip"}, member=world.mod)
    places = await world.reply("subscribe", {"jurisdictions": "Atlantis"}, member=world.mod)
    company = await world.reply("subscribe", {"companies": "initech"}, member=world.mod)

    assert kinds.content.startswith("Unknown kinds: 'gossip'. Valid kinds: news, pledge_signal")
    assert places.content.startswith("Unknown jurisdictions: 'Atlantis'")
    assert company.content.startswith("Unknown companies: 'initech'. Valid companies: ibm")
    assert all(m.ephemeral for m in (kinds, places, company))
    assert await world.repo.subscriptions() == []


async def test_subscribe_refuses_a_channel_the_bot_cannot_post_in(world: World):
    updated = asyncio.ensure_future(world.bot.wait_for("guild_channel_update", timeout=5))
    world.fake.revoke_permission(world.other, "send_messages")
    await updated  # the bot saw the overwrite

    message = await world.reply("subscribe", {"channel": world.other}, member=world.mod)

    assert message.ephemeral
    assert "I cannot post alerts in" in message.content
    assert "Send Messages" in message.content
    assert await world.repo.subscriptions() == []


async def test_subscribe_refuses_everyone_as_the_role_to_mention(world: World):
    everyone = world.guild.roles[world.guild.id]

    message = await world.reply("subscribe", {"role": everyone}, member=world.mod)

    assert message.ephemeral
    assert "not @everyone" in message.content
    assert await world.repo.subscriptions() == []


async def test_subscribe_kinds_autocomplete_completes_the_last_item(world: World):
    found = await world.choices("subscribe", {"kinds": "news, pledge_s"}, "kinds")

    assert [c["value"] for c in found] == ["news, pledge_signal", "news, pledge_status"]


async def test_unsubscribe_stops_a_subscription_and_refuses_an_unknown_one(world: World):
    await world.reply("subscribe", member=world.mod)

    first = await world.reply("unsubscribe", member=world.mod)
    again = await world.reply("unsubscribe", member=world.mod)

    assert first.content == f"Unsubscribed <#{world.alerts.id}>: no more alerts there."
    assert again.ephemeral
    assert again.content.startswith(f"Not found: <#{world.alerts.id}> has no subscription")
    assert await world.repo.subscriptions() == []


async def test_subscriptions_lists_this_servers_channels_for_anyone(world: World):
    empty = await world.reply("subscriptions")
    await world.reply("subscribe", {"companies": "amazon"}, member=world.mod)

    listed = await world.reply("subscriptions")

    assert "No channel here is subscribed yet" in text_of(empty)
    assert listed.ephemeral
    assert f"<#{world.alerts.id}>" in text_of(listed)
    assert "companies: amazon" in text_of(listed)


# --- /feeds ---------------------------------------------------------------------------------


@pytest.fixture
async def feed_server() -> AsyncIterator[str]:
    async def rss(_request: web.Request) -> web.Response:
        return web.Response(body=RSS, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/feed.xml", rss)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/feed.xml"
    await runner.cleanup()


@pytest.mark.parametrize("world_settings", [{"pledgewatch_allow_private_feeds": True}])
async def test_feeds_add_validates_stores_and_schedules_the_feed(world: World, feed_server: str):
    world.bot.scheduler.pause()  # the test runs the poll itself

    message = await world.reply(
        "feeds add",
        {"id": "local-news", "url": feed_server, "kind": "news", "every": "30m", "name": "Local"},
        member=world.mod,
    )

    assert message.ephemeral
    assert message.content.startswith("Added feed `local-news` (news, rss, every 30m).")
    stored = await world.repo.feed("local-news")
    assert stored is not None
    assert (stored.origin, stored.every_seconds, stored.name) == ("user", 1800.0, "Local")
    job = world.bot.scheduler.get_job("feed:local-news")
    assert job is not None
    await job.func(*job.args)  # the scheduled poll
    status = text_of(await world.reply("feeds status", member=world.mod))
    assert "**Local** (`local-news`" in status
    assert "state: ok" in status
    listing = text_of(await world.reply("feeds list", member=world.mod))
    assert "added here" in listing
    assert "feeds.yaml" in listing  # the file's own feed


async def test_feeds_add_refuses_what_feeds_yaml_would_refuse(world: World):
    bad_id = await world.reply(
        "feeds add",
        {"id": "Bad ID!", "url": "https://example.org/f", "kind": "news"},
        member=world.mod,
    )
    too_often = await world.reply(
        "feeds add",
        {"id": "fast", "url": "https://example.org/f", "kind": "news", "every": "5s"},
        member=world.mod,
    )
    not_http = await world.reply(
        "feeds add", {"id": "ftp", "url": "ftp://example.org/f", "kind": "news"}, member=world.mod
    )
    taken = await world.reply(
        "feeds add",
        {"id": "gnews-fr-police", "url": "https://93.184.216.34/f", "kind": "news"},
        member=world.mod,
    )

    assert bad_id.content.startswith("Invalid feed: id: String should match pattern")
    assert "every: Value error, must be at least 30s between polls" in too_often.content
    assert "url: Value error, must be an http:// or https:// URL" in not_http.content
    assert taken.content == "A feed with id `gnews-fr-police` already exists; pick another id."
    assert all(m.ephemeral for m in (bad_id, too_often, not_http, taken))
    assert await world.repo.feed("fast") is None


async def test_feeds_add_refuses_a_private_address_unless_allowed(world: World):
    message = await world.reply(
        "feeds add",
        {"id": "router", "url": "http://192.168.1.1/admin", "kind": "news"},
        member=world.mod,
    )

    assert message.ephemeral
    assert message.content.startswith("Refused http://192.168.1.1/admin: refused private address")
    assert await world.repo.feed("router") is None
    assert world.bot.scheduler.get_job("feed:router") is None


async def test_feeds_remove_disables_a_file_feed_and_deletes_an_added_one(world: World):
    world.bot.scheduler.pause()
    await world.reply(
        "feeds add",
        {"id": "extra", "url": "https://93.184.216.34/feed.xml", "kind": "advocacy"},
        member=world.mod,
    )

    added = await world.reply("feeds remove", {"id": "extra"}, member=world.mod)
    filed = await world.reply("feeds remove", {"id": "gnews-fr-police"}, member=world.mod)
    unknown = await world.reply("feeds remove", {"id": "nope"}, member=world.mod)
    again = await world.reply("feeds remove", {"id": "gnews-fr-police"}, member=world.mod)

    assert added.content == "Removed feed `extra`."
    assert await world.repo.feed("extra") is None
    assert world.bot.scheduler.get_job("feed:extra") is None
    assert "comes from feeds.yaml" in filed.content
    state = await world.repo.feed("gnews-fr-police")
    assert state is not None
    assert not state.enabled
    assert unknown.content.startswith("Not found: no feed with id 'nope'")
    assert again.content == "Feed `gnews-fr-police` is already stopped."


async def test_feeds_status_shows_failures_with_the_last_error(world: World):
    at = world.clock.now
    await world.repo.record_fetch_failure(
        "gnews-fr-police", at=at, error="HTTP 503 from news.google.com", next_attempt_at=at
    )

    status = text_of(await world.reply("feeds status", member=world.mod))

    assert "state: failing (1 in a row)" in status
    assert "last success: never" in status
    assert "HTTP 503 from news.google.com" in status


async def test_feeds_remove_autocomplete_offers_enabled_feeds(world: World):
    found = await world.choices("feeds remove", {"id": "google"}, "id")
    await world.reply("feeds remove", {"id": "gnews-fr-police"}, member=world.mod)
    after = await world.choices("feeds remove", {"id": "google"}, "id")

    assert [c["value"] for c in found] == ["gnews-fr-police"]
    assert after == []


# --- /pledge-review -------------------------------------------------------------------------


async def test_pledge_review_lists_confirms_and_rebuilds_the_reminders(world: World):
    number = await add_suggestion(world)
    world.bot.scheduler.add_job(
        lambda: None, "date", id="reminder:stale", run_date=datetime(2099, 1, 1, tzinfo=UTC)
    )

    listed = await world.reply("pledge-review list", member=world.mod)
    confirmed = await world.reply(
        "pledge-review confirm", {"suggestion": number, "note": "checked"}, member=world.mod
    )
    again = await world.reply("pledge-review reject", {"suggestion": number}, member=world.mod)
    card = await world.reply("pledge", {"company": "amazon"})

    assert f"**#{number}** `{AMAZON}` \u2192 **lifted**" in text_of(listed)
    assert confirmed.ephemeral
    assert confirmed.content.startswith(f"Confirmed #{number}: `{AMAZON}` is now **lifted**")
    assert world.bot.scheduler.get_job("reminder:stale") is None  # the plan was rebuilt
    assert again.content == f"Suggestion #{number} was already confirmed."
    assert "**Status:** lifted since 2026-01-04" in card.embeds[0]["description"]
    [decided] = await world.repo.suggestions(state="confirmed")
    assert decided.decided_by == f"mod (Discord {world.mod.id})"
    assert decided.note == "checked"


async def test_pledge_review_reject_keeps_the_status(world: World):
    number = await add_suggestion(world)

    rejected = await world.reply("pledge-review reject", {"suggestion": number}, member=world.mod)
    unknown = await world.reply("pledge-review confirm", {"suggestion": 999}, member=world.mod)
    card = await world.reply("pledge", {"company": "amazon"})

    assert rejected.content == f"Rejected #{number}: `{AMAZON}` keeps its status."
    assert unknown.content.startswith("Not found: no suggestion #999")
    assert "**Status:** extended" in card.embeds[0]["description"]


async def test_pledge_review_autocomplete_offers_pending_suggestions(world: World):
    number = await add_suggestion(world)

    found = await world.choices("pledge-review confirm", {"suggestion": ""}, "suggestion")

    assert [c["value"] for c in found] == [number]
    assert found[0]["name"].startswith(f"#{number} {AMAZON} \u2192 lifted")


async def test_feeds_add_ties_a_keyed_api_url_to_its_key_and_waits_for_it(world: World):
    message = await world.reply(
        "feeds add",
        {
            "id": "congress-extra",
            "url": "https://93.184.216.34/v3/bill?api_key={key}",
            "kind": "legislative",
            "format": "congress",
        },
        member=world.mod,
    )

    stored = await world.repo.feed("congress-extra")
    assert stored is not None
    assert stored.requires == "CONGRESS_API_KEY"
    assert "It will not be polled: needs CONGRESS_API_KEY (unset)" in message.content
    assert world.bot.scheduler.get_job("feed:congress-extra") is None
