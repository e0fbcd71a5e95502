"""The information commands through the fake Discord: /pledge, /pledges, /bill, /bills,
/news, /about; their autocomplete, their pages, and the central error handler."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.domain.alerts import news_alert
from bot.domain.pledges import Deadline, pledge_state
from bot.domain.types import FeedItem, Match
from bot.domain.watchlist import load_watchlist
from bot.exts.cards import pledge_card
from bot.ingest.pipeline import choose_story
from bot.status import PledgeStatusView
from storage.records import IngestEntry
from storage.repository import Repository
from tests.discord.test_bot_world import (  # noqa: F401 (fixtures used by name)
    World,
    migrated_db_fixture,
    text_of,
    world_fixture,
    world_settings_fixture,
)
from tests.fakediscord import FakeMessage

AMAZON = "amazon-rekognition-police-moratorium"
LINK = re.compile(r"\]\((https?://[^)\s]+)\)")


async def add_story(
    repo: Repository,
    *,
    guid: str,
    title: str,
    published: datetime,
    companies: tuple[str, ...] = (),
    pledges: tuple[str, ...] = (),
    source: str = "Example News",
) -> None:
    await repo.sync_feeds([])
    item = FeedItem(
        feed_id="gnews-fr-police",
        guid=guid,
        url=f"https://news.example/{guid}",
        title=title,
        summary="",
        published=published,
        source_name=source,
    )
    match = Match(
        relevant=True,
        kind="company_statement",
        companies=companies,
        pledges=pledges,
        event="none",
    )
    await repo.ingest(
        "gnews-fr-police",
        [IngestEntry(item, match)],
        now=published,
        story_window=timedelta(days=2),
        choose_story=choose_story,
        make_alert=news_alert,
        sinks=(),
    )


def embed(message: FakeMessage, index: int = 0) -> dict[str, Any]:
    assert message.embeds, f"no embed in {message.content!r}"
    return message.embeds[index]


def field(message: FakeMessage, name: str) -> str:
    fields = {f["name"]: f["value"] for f in embed(message).get("fields", [])}
    assert name in fields, f"no field {name!r} in {sorted(fields)}"
    return fields[name]


# --- /pledge, /pledges ----------------------------------------------------------------------


async def test_pledge_shows_status_scope_history_and_a_source_for_each(world: World):
    message = await world.reply("pledge", {"company": "amazon"})

    card = embed(message)
    assert card["title"].startswith("Amazon")
    assert card["url"].startswith("https://")
    assert "**Status:** extended since 2021-05-18" in card["description"]
    assert "nasdaq.com" in card["description"]  # the extension's source
    assert "one-year moratorium" in field(message, "Scope")
    assert LINK.search(field(message, "Scope"))
    # the sheet's notes: the quote comes from news reports of Amazon's post
    assert "*(quoted from news reports of Amazon" in field(message, "Scope")
    assert "2021-05-18" in field(message, "History")
    for line in field(message, "History").splitlines():
        if line.startswith("`"):
            assert LINK.search(line), f"history entry without a source: {line}"
    assert LINK.search(field(message, "Sources"))
    assert "None" not in text_of(message)
    assert not message.ephemeral


def test_a_pledge_deadline_shows_as_a_discord_timestamp_with_its_source():
    watchlist = load_watchlist()
    pledge = watchlist.pledge(AMAZON)
    running = pledge_state(pledge, today=date(2020, 9, 1))
    deadline = Deadline(
        date(2021, 6, 10), "end of the one-year term (derived)", "https://a.example/t", derived=True
    )
    view = PledgeStatusView(pledge, replace(running, status="active", deadline=deadline))

    expiry = next(f.value for f in pledge_card(view).fields if f.name == "Expiry")

    stamp = int(datetime(2021, 6, 10, tzinfo=UTC).timestamp())
    assert f"<t:{stamp}:R>" in expiry
    assert f"<t:{stamp}:D>" in expiry
    assert "[source](https://a.example/t)" in expiry


async def test_pledge_shows_the_latest_related_news_with_links(world: World):
    now = world.clock.now
    await add_story(
        world.repo,
        guid="a1",
        title="Amazon keeps Rekognition moratorium in place",
        published=now - timedelta(days=3),
        companies=("amazon",),
        pledges=(AMAZON,),
    )

    message = await world.reply("pledge", {"company": "amazon"})

    news = field(message, "Latest news")
    assert "[Amazon keeps Rekognition moratorium in place](https://news.example/a1)" in news
    assert re.search(r"<t:\d+:R>", news)


async def test_an_unknown_pledge_gets_an_ephemeral_not_found_with_the_choices(world: World):
    message = await world.reply("pledge", {"company": "Initech"})

    assert message.ephemeral
    assert message.content.startswith("Not found: no tracked pledge matches 'Initech'")
    assert "amazon" in message.content
    assert message.embeds == []


async def test_pledges_lists_every_company_with_status_and_source(world: World):
    message = await world.reply("pledges")

    description = embed(message)["description"]
    for company in ("IBM", "Amazon", "Microsoft", "Google", "Axon", "Meta", "Clearview"):
        assert company in description
    entries = description.split("\n\n")
    assert len(entries) == len(world.bot.watchlist.pledges)
    assert all(LINK.search(e) for e in entries)


async def test_pledge_autocomplete_offers_pledges_by_company_and_product(world: World):
    by_company = await world.choices("pledge", {"company": "micro"}, "company")
    by_product = await world.choices("pledge", {"company": "rekog"}, "company")

    assert by_company[0]["value"] == "microsoft-us-police-fr-sales-pledge"
    assert {c["value"] for c in by_product} == {AMAZON}
    assert all(len(c["name"]) <= 100 for c in by_company + by_product)


# --- /bill, /bills --------------------------------------------------------------------------


async def test_bill_by_number_shows_stage_history_and_sources(world: World):
    message = await world.reply("bill", {"id": "s 4084"})

    card = embed(message)
    assert card["title"] == "Facial Recognition and Biometric Technology Moratorium Act of 2020"
    assert "H.R.7356, S.4084" in card["description"]
    assert "**Stage:**" in card["description"]
    assert "**Introduced:** 2020-06-25" in card["description"]
    assert LINK.search(card["description"])
    assert "referred to Judiciary" in field(message, "History")
    assert "None" not in text_of(message)


async def test_an_unknown_bill_gets_an_ephemeral_not_found(world: World):
    message = await world.reply("bill", {"id": "HB 99999"})

    assert message.ephemeral
    assert message.content.startswith("Not found: no tracked law or bill matches 'HB 99999'")


async def test_bill_autocomplete_finds_bills_by_number(world: World):
    found = await world.choices("bill", {"id": "6280"}, "id")

    assert [c["value"] for c in found] == ["wa-sb6280-2020"]
    assert found[0]["name"].startswith("SB 6280 (US-WA)")


async def test_bills_filters_by_state_including_its_cities_and_by_stage(world: World):
    washington = await world.reply("bills", {"jurisdiction": "US-WA"})
    enacted = await world.reply("bills", {"stage": "enacted"})

    wa_text = text_of(washington)
    assert "SB 6280" in wa_text
    assert "US-WA-King County" in wa_text
    assert "US-CA" not in wa_text
    assert "in US-WA" in embed(washington)["title"]
    assert "\u2014 enacted" in text_of(enacted)
    assert "\u2014 introduced" not in text_of(enacted)


async def test_bills_with_no_match_says_so_privately(world: World):
    message = await world.reply("bills", {"jurisdiction": "Atlantis"})

    assert message.ephemeral
    assert message.content == "No tracked law or bill in Atlantis."


async def test_bills_jurisdiction_autocomplete_offers_known_places(world: World):
    found = await world.choices("bills", {"jurisdiction": "US-W"}, "jurisdiction")

    assert found[0]["value"] == "US-WA"
    assert len(found) <= 25


# --- labels beside what the fact sheet marks, and what the project derives ----------------


def stage_line(message: FakeMessage) -> str:
    return next(
        line for line in embed(message)["description"].splitlines() if "**Stage:**" in line
    )


async def test_a_bill_of_an_ended_congress_shows_expired_derived_with_the_day_it_ended(
    world: World,
):
    message = await world.reply("bill", {"id": "H.R. 3907"})

    line = stage_line(message)
    assert "expired since 2023-01-03" in line
    assert "derived" in line
    assert "derived from: the 117th Congress ended on 2023-01-03" in line
    assert LINK.search(line)


async def test_a_replaced_law_shows_its_replacement_and_no_invented_enactment_date(world: World):
    message = await world.reply("bill", {"id": "HB 2031"})

    description = embed(message)["description"]
    line = stage_line(message)
    assert "**Stage:** enacted *(effective; then replaced 2022-04-27; derived)*" in line
    assert "since" not in line  # the sheet gives no enactment date, only the in-force date
    assert "derived from: in force from 2021-07-01" in line
    assert "**In force:** 2021-07-01" in description
    assert "**Replaced 2022-04-27:** SB 741 (2022) became law" in description


async def test_a_rollback_signing_is_shown_as_the_rollbacks(world: World):
    message = await world.reply("bill", {"id": "new-orleans-la-2020-2022"})

    description = embed(message)["description"]
    assert "enacted since 2020-12-17" in stage_line(message)
    assert "**Partly reversed 2022-07-21:**" in description
    assert "rollback signed 2022-07-28 *(sources conflict: AP says judge approval" in description


async def test_oaklands_approval_counts_and_its_final_adoption_is_labelled_unverified(
    world: World,
):
    message = await world.reply("bill", {"id": "oakland-ca-2019"})

    line = stage_line(message)
    assert "enacted since 2019-07-16 *(passed first vote; final adoption unverified)*" in line


async def test_weak_sources_and_conflicts_are_labelled_beside_their_facts(world: World):
    policing = await world.reply("bill", {"id": "H.R. 7120"})
    maryland = await world.reply("bill", {"id": "md-sb182-2024"})

    assert "S.3912 *(weakly sourced (an advocacy page only))*" in embed(policing)["description"]
    assert "Exact section text NOT verified" in field(policing, "Facial-recognition provisions")
    assert (
        "**Introduced:** 2024-01-10 *(sources conflict: the bill text is dated 2024-01-05)*"
        in embed(maryland)["description"]
    )
    assert "`2024-01-10` Introduced" in field(maryland, "History")
    assert "*(sources conflict: the bill text is dated 2024-01-05)*" in field(maryland, "History")


async def test_a_derived_pledge_status_names_the_events_it_comes_from(world: World):
    microsoft = await world.reply("pledge", {"company": "microsoft"})
    meta = await world.reply("pledge", {"company": "meta"})
    ibm = await world.reply("pledge", {"company": "ibm"})

    assert "**Status:** conditional since 2020-06-11 *(derived)*" in embed(microsoft)["description"]
    assert "derived from: the pledge holds until a condition is met" in (
        embed(microsoft)["description"]
    )
    meta_text = embed(meta)["description"]
    assert "**Status:** reversed or disputed since 2024-10-22 *(derived; sources conflict" in (
        meta_text
    )
    assert "derived from: 2024-10-22: Meta tests FR" in meta_text
    assert "**Announced:** 2021-11-02 *(an opinion piece" in meta_text
    assert "**Disputed (~2023-08):**" in embed(ibm)["description"]
    assert "*(approximate date: 2023-08" in embed(ibm)["description"]


async def test_the_pledge_list_labels_derived_statuses(world: World):
    message = await world.reply("pledges")

    entries = embed(message)["description"].split("\n\n")
    microsoft = next(e for e in entries if e.startswith("**Microsoft**"))
    amazon = next(e for e in entries if e.startswith("**Amazon"))
    assert "conditional since 2020-06-11 *(derived)*" in microsoft
    assert "*(" not in amazon.split("\n")[0]  # the extension is the sheet's own, verified


async def test_an_unconfirmed_bill_is_watched_for_not_listed(world: World):
    expired = await world.reply("bills", {"stage": "expired"})
    about = await world.reply("about")
    found = await world.choices("bill", {"id": "119th"}, "id")

    shown = text_of(expired)
    assert "reintroduction" not in shown
    assert "H.R.7356, S.4084" in shown  # the 116th Congress's bills expired with it
    assert "Watching for (not confirmed to exist)" in text_of(about)
    assert "Facial Recognition and Biometric Technology Moratorium Act (119th" in text_of(about)
    assert "us-frbtma-119" not in {c["value"] for c in found}


# --- pages ------------------------------------------------------------------------------------


async def test_a_long_list_pages_with_buttons_for_the_person_who_asked(world: World):
    first = await world.reply("bills")
    buttons = {c["label"]: c for row in first.components for c in row["components"]}
    assert set(buttons) >= {"Previous", "Next"}
    assert buttons["Previous"].get("disabled") is True
    total = int(embed(first)["footer"]["text"].split("/")[1].split(" ")[0])
    assert total >= 2

    click = world.fake.inject_component(first, buttons["Next"]["custom_id"], member=world.alice)
    await click.wait_for_callback()

    assert click.callback is not None
    assert click.callback["type"] == 7  # the message itself is updated
    assert embed(first)["footer"]["text"].startswith(f"Page 2/{total}")
    assert embed(first)["description"] != ""

    stranger = world.fake.inject_component(first, buttons["Next"]["custom_id"], member=world.mod)
    refusal = await stranger.wait_for_original()
    assert refusal.ephemeral
    assert "Only the person who ran the command" in refusal.content
    assert embed(first)["footer"]["text"].startswith(f"Page 2/{total}")


# --- /news --------------------------------------------------------------------------------


async def test_news_lists_recent_stories_filtered_by_company_and_days(world: World):
    now = world.clock.now
    await add_story(
        world.repo,
        guid="n1",
        title="Amazon extends Rekognition pause",
        published=now - timedelta(days=2),
        companies=("amazon",),
    )
    await add_story(
        world.repo,
        guid="n2",
        title="Microsoft restates police sales pledge",
        published=now - timedelta(days=20),
        companies=("microsoft",),
    )

    week = text_of(await world.reply("news"))
    month = text_of(await world.reply("news", {"days": 30}))
    amazon = text_of(await world.reply("news", {"company": "amazon", "days": 30}))

    assert "Amazon extends" in week
    assert "Microsoft" not in week
    assert "Amazon extends" in month
    assert "Microsoft restates" in month
    assert "Microsoft" not in amazon
    assert "[Amazon extends Rekognition pause](https://news.example/n1)" in amazon


async def test_news_escapes_feed_text_and_pings_nobody(world: World):
    await add_story(
        world.repo,
        guid="evil",
        title="@everyone **Amazon** <@&123456789012345678> lifts ban",
        published=world.clock.now - timedelta(hours=1),
        companies=("amazon",),
        source="@here News",
    )

    message = await world.reply("news")

    assert not message.mention_everyone
    assert message.mention_roles == []
    shown = text_of(message)
    assert "@everyone" not in shown
    assert "<@&123456789012345678>" not in shown
    assert "\\*\\*Amazon\\*\\*" in shown


async def test_news_with_nothing_recent_says_so(world: World):
    message = await world.reply("news", {"days": 1})

    assert "No relevant stories" in embed(message)["description"]


# --- /about, errors -------------------------------------------------------------------------


async def test_about_names_what_is_tracked_and_every_command(world: World):
    message = await world.reply("about")

    assert message.ephemeral
    shown = text_of(message)
    assert f"{len(world.bot.watchlist.pledges)} pledges" in shown
    assert "`/pledge-review confirm`" in shown
    assert "`/news`" in shown


async def test_an_unexpected_error_is_logged_and_the_user_gets_an_apology(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    async def broken(**_kwargs: Any) -> None:
        raise RuntimeError("the store fell over")

    monkeypatch.setattr(world.repo, "recent_stories", broken)
    with caplog.at_level(logging.ERROR, logger="bot.exts.errors"):
        message = await world.reply("news")

    assert message.ephemeral
    assert message.content.startswith("Sorry, something went wrong")
    assert "fell over" not in message.content
    [record] = [r for r in caplog.records if r.name == "bot.exts.errors"]
    assert record.exc_info is not None
    assert "the store fell over" in str(record.exc_info[1])
