"""/timeline through the fake Discord: a PNG attachment inside an embed that lists the
latest events with their sources; an unknown subject is refused clearly."""

from __future__ import annotations

import re

from tests.discord.test_bot_world import (  # noqa: F401 (fixtures used by name)
    World,
    migrated_db_fixture,
    text_of,
    world_fixture,
    world_settings_fixture,
)

LINK = re.compile(r"\]\((https?://[^)\s]+)\)")


async def test_timeline_answers_with_a_png_and_the_sources_of_its_latest_events(world: World):
    message = await world.reply("timeline", {"about": "amazon"})

    [attachment] = message.attachments
    assert attachment["filename"] == "timeline.png"
    assert attachment["content_type"] == "image/png"
    assert attachment["size"] > 10_000
    [embed] = message.embeds
    assert embed["image"]["url"] == "attachment://timeline.png"
    assert embed["title"] == "Amazon: pledge timeline"
    lines = embed["description"].splitlines()
    assert lines[0].startswith("`2024-")  # newest first
    assert all(LINK.search(line) for line in lines), lines
    assert "2021-05-18" in embed["description"]  # the extension, with its source
    assert embed["footer"]["text"] == "3 dated events, each from a source"
    assert not message.ephemeral


async def test_timeline_of_everything_says_where_the_rest_of_the_sources_are(world: World):
    message = await world.reply("timeline")

    assert message.attachments[0]["size"] > 10_000
    assert "`pledgewatch export` lists every one with its source" in text_of(message)


async def test_timeline_of_an_unknown_subject_is_refused_privately(world: World):
    message = await world.reply("timeline", {"about": "Atlantis"})

    assert message.ephemeral
    assert message.attachments == []
    assert message.content.startswith("Not found: no tracked company, bill or place matches")


async def test_timeline_autocompletes_companies_places_and_bills(world: World):
    offered = [c["value"] for c in await world.choices("timeline", {"about": ""}, "about")]
    assert "amazon" in offered
    wa = [c["value"] for c in await world.choices("timeline", {"about": "US-W"}, "about")]
    assert "US-WA" in wa
