"""The repository's delivery queries, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.errors import NotFoundError
from storage.repository import Repository
from tests.conftest import Clock
from tests.delivery.conftest import news


async def test_sending_marks_keep_the_earliest_and_clear_when_the_id_is_kept(
    repo: Repository, clock: Clock
) -> None:
    await repo.subscribe(guild_id=1, channel_id=10, now=clock())
    await repo.queue_alert(news(1), now=clock(), sinks=["discord", "webhook"])
    a, b = await repo.pending_deliveries(now=None)
    assert await repo.sending_mark(a.id) == (None, None)
    first = clock()
    await repo.mark_sending([a.id, b.id], at=first)
    await repo.mark_sending([a.id], at=clock.advance(minutes=3))
    assert await repo.sending_mark(a.id) == (first, None)
    await repo.clear_sending([b.id])
    assert await repo.sending_mark(b.id) == (None, None)
    await repo.record_message([a.id], "777")
    assert await repo.sending_mark(a.id) == (None, "777")
    [still] = [d for d in await repo.pending_deliveries(now=None) if d.id == a.id]
    assert still.message_id == "777"  # kept, but the dispatcher has not marked it sent yet
    with pytest.raises(NotFoundError):
        await repo.sending_mark(999_999)


async def test_sent_messages_are_those_sent_to_that_target(repo: Repository, clock: Clock) -> None:
    await repo.subscribe(guild_id=1, channel_id=10, now=clock())
    await repo.subscribe(guild_id=1, channel_id=11, now=clock())
    await repo.queue_alert(news(1), now=clock(), sinks=["discord"])
    await repo.queue_alert(news(2), now=clock() + timedelta(seconds=1), sinks=["discord"])
    for d in await repo.pending_deliveries(now=None):
        if d.target == "channel:10" or d.alert.key == "story:2":
            await repo.mark_delivered(d.id, message_id=f"m{d.id}", at=clock())
    found = await repo.sent_messages("channel:10", ["story:1", "story:2", "story:9"])
    assert [(alert.key, mid[0]) for alert, mid in found] == [("story:1", "m"), ("story:2", "m")]
    assert [a.key for a, _ in await repo.sent_messages("channel:11", ["story:1", "story:2"])] == [
        "story:2"
    ]
    assert await repo.sent_messages("channel:10", []) == []


async def test_only_digest_subscriptions_wait_for_the_digest_and_are_batched(
    repo: Repository, clock: Clock
) -> None:
    now = await repo.subscribe(guild_id=1, channel_id=10, now=clock())
    daily = await repo.subscribe(guild_id=1, channel_id=11, now=clock(), mode="digest")
    paused = await repo.subscribe(guild_id=1, channel_id=12, now=clock(), mode="digest")
    for n in (1, 2):
        await repo.queue_alert(news(n), now=clock.advance(seconds=1), sinks=["discord"])
    await repo.pause_subscription(paused.id, reason="gone")
    # The dispatcher sees only the immediate subscription's deliveries.
    pending = await repo.pending_deliveries(now=None)
    assert {d.subscription_id for d in pending} == {now.id}
    [(sub, waiting)] = await repo.digest_batches()
    assert sub.id == daily.id
    assert [d.alert.key for d in waiting] == ["story:1", "story:2"]
    await repo.mark_digest_sent([d.id for d in waiting], message_id="555", at=clock())
    assert await repo.digest_batches() == []
    assert [m for _, m in await repo.sent_messages("channel:11", ["story:1"])] == ["555"]


async def test_switching_mode_moves_the_waiting_alerts(repo: Repository, clock: Clock) -> None:
    await repo.subscribe(guild_id=1, channel_id=11, now=clock(), mode="digest")
    await repo.queue_alert(news(1), now=clock(), sinks=["discord"])
    assert await repo.pending_deliveries(now=None) == []
    await repo.subscribe(guild_id=1, channel_id=11, now=clock(), mode="immediate")
    assert [d.alert.key for d in await repo.pending_deliveries(now=None)] == ["story:1"]
    assert await repo.digest_batches() == []
