"""Two and three real `pledgewatch run` processes on one fresh PostgreSQL database, as a Discord
bot (one shard each) and through a webhook, against the fake Discord and a loopback feed with
a few hundred stories. One runner is killed with SIGKILL while it holds a delivery claim; the
others finish. Counted per channel: no story lost; none posted twice by the bot; through the
webhook, a story repeats only where a request was in flight, and the repeat says so."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.fakediscord import FakeDiscord
from tests.scaleout.world import (
    Fleet,
    feed_server,
    in_doubt_repeats,
    stories_posted,
    story_feed,
)

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(150)]

STORIES = 200
CHANNELS = 2


async def run_fleet(
    *, mode: str, runners: int, pg_url: str, tmp_path: Path
) -> tuple[FakeDiscord, list[int], Fleet]:
    """Start the fleet, kill one claim holder mid-delivery, wait for every story everywhere,
    stop the rest; returns the fake (closed) and the channel ids."""
    async with FakeDiscord(shard_count=runners if mode == "bot" else 1) as fake:
        # Faster than Discord's 5 per 5 s per channel, so a case takes seconds, not minutes.
        fake.set_bucket("POST /channels/{channel_id}/messages", 20, 0.5)
        fake.set_bucket("POST /webhooks/{webhook_id}/{webhook_token}", 20, 0.5)
        guild = fake.add_guild("Policy Watch")
        channels = [fake.add_channel(guild, f"alerts-{i}") for i in range(CHANNELS)]
        webhook = fake.create_webhook(channels[0]) if mode == "webhook" else None
        targets = [c.id for c in channels] if mode == "bot" else [channels[0].id]
        async with feed_server(story_feed(STORIES)) as feed_url:
            fleet = Fleet(pg_url, tmp_path, fake, mode, feed_url, webhook.url if webhook else None)
            await fleet.prepare([(guild.id, c.id) for c in channels] if mode == "bot" else [])
            await fleet.start(runners)
            try:
                # Mid-delivery: some stories are out, and a runner holds a claim right now.
                await fake.changes.until(
                    lambda: (
                        sum(len(stories_posted(fake, t)) for t in targets) >= STORIES // 4 or None
                    ),
                    timeout=60,
                    what="the first quarter of the deliveries",
                )
                holders: set[int] = set()
                for _ in range(200):  # bounded: a claim is held nearly all the time
                    holders = await fleet.claim_holders()
                    if holders:
                        break
                    await asyncio.sleep(0.02)
                victim = next(r for r in fleet.runners if r.pid in holders)
                fleet.kill(victim)
                await victim.process.wait()
                await fake.changes.until(
                    lambda: all(len(stories_posted(fake, t)) == STORIES for t in targets) or None,
                    timeout=60,
                    what="every story in every channel",
                )
            finally:
                codes = await fleet.stop()
            survivors = [r for r in fleet.runners if r is not victim]
            for runner in survivors:
                assert codes[runner.index] == 0, runner.output()
                if mode == "bot":  # each runner connected its own shard of the bot
                    assert f"Shard ID {runner.index} has connected" in runner.output()
            assert codes[victim.index] == -9
            fake.verify()
    return fake, targets, fleet


@pytest.mark.parametrize("runners", [2, 3])
async def test_bot_runners_lose_nothing_and_post_nothing_twice_when_one_is_killed(
    pg_url: str, tmp_path: Path, runners: int
) -> None:
    fake, targets, _fleet = await run_fleet(
        mode="bot", runners=runners, pg_url=pg_url, tmp_path=tmp_path
    )
    for target in targets:
        posted = stories_posted(fake, target)
        assert sorted(posted) == list(range(STORIES)), "a story was lost"
        assert [n for n, times in posted.items() if times > 1] == [], "a story was posted twice"


@pytest.mark.parametrize("runners", [2, 3])
async def test_webhook_runners_repeat_only_an_interrupted_request_and_say_so(
    pg_url: str, tmp_path: Path, runners: int
) -> None:
    fake, [target], _fleet = await run_fleet(
        mode="webhook", runners=runners, pg_url=pg_url, tmp_path=tmp_path
    )
    posted = stories_posted(fake, target)
    assert sorted(posted) == list(range(STORIES)), "a story was lost"
    repeated = {n: times for n, times in posted.items() if times > 1}
    # One webhook is one queue, worked by one runner at a time: at most the one request it
    # had in flight when it was killed can repeat, once, marked as a possible repeat.
    assert len(repeated) <= 1
    assert all(times == 2 for times in repeated.values())
    assert set(repeated) <= set(in_doubt_repeats(fake, target))
