"""A posted news alert is updated, not repeated, as more outlets report the story."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.alerts import news_alert
from bot.domain.types import FeedItem, Match
from bot.ingest.pipeline import choose_story
from storage.records import IngestEntry
from tests.delivery.conftest import World

MATCH = Match(
    relevant=True,
    kind="company_statement",
    companies=("amazon",),
    jurisdictions=("US-federal",),
    event="moratorium_extended",
)


def report(n: int, outlet: str, title: str) -> IngestEntry:
    item = FeedItem(
        feed_id=f"feed-{n}",
        guid=f"g{n}",
        url=f"https://{outlet.lower().replace(' ', '')}.example/{n}",
        title=title,
        summary="",
        published=datetime(2026, 1, 5, 10, n, tzinfo=UTC),
        source_name=outlet,
    )
    return IngestEntry(item, MATCH)


async def ingest(world: World, entry: IngestEntry) -> None:
    await world.store.ingest(
        entry.item.feed_id,
        [entry],
        now=world.fake.clock(),
        story_window=timedelta(days=3),
        choose_story=choose_story,
        make_alert=news_alert,
        sinks=["discord"],
    )


async def test_new_sources_edit_the_posted_alert_once_per_run_and_post_nothing_new(
    world: World,
) -> None:
    await world.subscribe(world.alerts)
    await ingest(world, report(1, "Wire A", "Amazon extends Rekognition moratorium indefinitely"))
    dispatcher = world.dispatcher(world.sink())
    assert (await dispatcher.run_once()).sent == 1

    await ingest(
        world, report(2, "Paper B", "Amazon extends its Rekognition moratorium indefinitely")
    )
    await ingest(world, report(3, "Radio C", "Amazon extends Rekognition moratorium, indefinitely"))
    result = await dispatcher.run_once()
    assert (result.sent, result.edited) == (0, 1)  # two new sources, one edit

    [message] = world.fake.messages(world.alerts)
    assert message.edits == 1
    text = str(message.embeds[0])
    assert "Paper B" in text
    assert "Radio C" in text
    assert message.mention_everyone is False

    again = await dispatcher.run_once()
    assert (again.sent, again.edited) == (0, 0)  # nothing changed since: no edit
