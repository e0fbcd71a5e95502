"""/follow, /unfollow and keyword filters through the fake Discord."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.domain.alerts import news_alert
from bot.domain.types import BillAction, BillRecord, FeedItem, Match
from bot.ingest.pipeline import choose_story
from storage.records import IngestEntry
from tests.discord.test_bot_manage import AMAZON, add_suggestion
from tests.discord.test_bot_world import (  # noqa: F401 (fixtures used by name)
    World,
    migrated_db_fixture,
    text_of,
    world_fixture,
    world_settings_fixture,
)

URL = "https://www.congress.gov/bill/119th-congress/senate-bill/1234"


async def report_untracked_bill(world: World) -> None:
    """A legislative source reports a bill off the topic: stored as an item, not tracked."""
    record = BillRecord(
        key="us-119-s-1234",
        jurisdiction="US-federal",
        session="119",
        identifier="S.1234",
        title="A bill on highway signage",
        url=URL,
        actions=(BillAction(date(2025, 3, 1), "Introduced in Senate", URL, ("IntroReferral",)),),
    )
    item = FeedItem(
        feed_id="congress",
        guid="us-119-s-1234#2025-03-01-x",
        url=URL,
        title=record.title,
        summary="S.1234",
        published=datetime(2025, 3, 1, tzinfo=UTC),
        source_kind="legislative",
        bill=record,
    )
    await world.repo.ingest(
        "congress",
        [IngestEntry(item, Match(relevant=False, kind="other"))],
        now=world.clock.now,
        story_window=timedelta(days=2),
        choose_story=choose_story,
        make_alert=news_alert,
        sinks=(),
    )


async def test_a_followed_pledge_posts_its_change_in_a_channel_with_no_subscription(
    world: World,
):
    answer = await world.reply("follow pledge", {"company": "amazon"}, member=world.mod)
    number = await add_suggestion(world)
    await world.reply("pledge-review confirm", {"suggestion": number}, member=world.mod)
    await world.bot.dispatcher.run_once()  # type: ignore[union-attr]

    assert answer.ephemeral
    assert answer.content.startswith("Now following pledge **Amazon")
    assert "[source](https://" in answer.content
    [follow] = await world.repo.follows(channel_id=world.alerts.id)
    assert (follow.kind, follow.target) == ("pledge", AMAZON)
    posted = await world.fake.wait_for_message(world.alerts, lambda m: bool(m.embeds))
    assert "lifted" in text_of(posted).lower()
    assert await world.repo.subscriptions(world.guild.id) == []


async def test_following_a_tracked_bill_by_number_follows_the_tracked_law(world: World):
    answer = await world.reply(
        "follow bill", {"id": "s 681", "channel": world.other}, member=world.mod
    )
    again = await world.reply(
        "follow bill", {"id": "S.681", "channel": world.other}, member=world.mod
    )

    [follow] = await world.repo.follows(channel_id=world.other.id)
    assert (follow.kind, follow.target) == ("bill", "us-frbtma-118")
    assert follow.source_url
    assert follow.source_url.startswith("https://")
    assert f"<#{world.other.id}>" in answer.content
    assert again.content.startswith("Already following")


async def test_following_an_untracked_reported_bill_adds_it_with_its_source(world: World):
    await report_untracked_bill(world)
    assert await world.repo.bills() == []

    answer = await world.reply("follow bill", {"id": "S. 1234"}, member=world.mod)
    card = await world.reply("bill", {"id": "S.1234"})

    assert "It was not tracked: it is now" in answer.content
    assert URL in answer.content
    [bill] = await world.repo.bills()
    assert (bill.key, bill.url, bill.identifier) == ("us-119-s-1234", URL, "S.1234")
    assert URL in text_of(card)


async def test_a_bill_nobody_reported_is_not_found_and_nothing_is_followed(world: World):
    answer = await world.reply("follow bill", {"id": "HB 99999"}, member=world.mod)

    assert answer.ephemeral
    assert answer.content.startswith("Not found: no tracked bill")
    assert await world.repo.follows(guild_id=world.guild.id) == []


async def test_follow_place_takes_known_codes_and_unfollow_removes_the_follow(world: World):
    bad = await world.reply("follow place", {"place": "Atlantis"}, member=world.mod)
    good = await world.reply("follow place", {"place": "us-wa"}, member=world.mod)
    offered = await world.choices("unfollow", {"followed": ""}, "followed")
    listing = await world.reply("subscriptions")
    gone = await world.reply("unfollow", {"followed": "place:US-WA"}, member=world.mod)
    missing = await world.reply("unfollow", {"followed": "place:US-WA"}, member=world.mod)

    assert bad.content.startswith("Unknown place 'Atlantis'")
    assert good.content.startswith("Now following place **")
    assert [c["value"] for c in offered] == ["place:US-WA"]
    assert "follows place" in text_of(listing)
    assert gone.content.startswith("Unfollowed place")
    assert missing.content.startswith("Not found:")
    assert await world.repo.follows(guild_id=world.guild.id) == []


async def test_subscribe_keywords_are_kept_and_a_bad_filter_is_refused_clearly(world: World):
    bad = await world.reply("subscribe", {"keywords": '"police use'}, member=world.mod)
    assert bad.ephemeral
    assert bad.content.startswith("Keywords: A quote is not closed")
    assert await world.repo.subscriptions(world.guild.id) == []

    good = await world.reply(
        "subscribe", {"keywords": 'Ban, "police use", -lottery'}, member=world.mod
    )
    listing = await world.reply("subscriptions")

    [sub] = await world.repo.subscriptions(world.guild.id)
    assert (sub.keywords, sub.exclude_keywords) == (("ban", "police use"), ("lottery",))
    assert 'keywords: ban, "police use", -lottery' in good.content
    assert 'keywords: ban, "police use", -lottery' in text_of(listing)
