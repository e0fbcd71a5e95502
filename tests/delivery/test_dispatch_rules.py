"""Dispatcher rules at the sink boundary: a message Discord refuses fails alone; a lost
channel pauses its subscription once; a transient failure keeps the channel's order."""

from __future__ import annotations

from bot.delivery.dispatch import Dispatcher
from bot.errors import DeliveryError
from storage.records import PendingDelivery
from storage.repository import Repository
from tests.conftest import Clock
from tests.delivery.conftest import news


class EdgeSink:
    """Stands where Discord answers: raises, per alert key, what the real sink raises."""

    def __init__(self, failures: dict[str, DeliveryError]) -> None:
        self.failures = failures
        self.sent: list[str] = []

    async def send(self, delivery: PendingDelivery) -> str | None:
        error = self.failures.pop(delivery.alert.key, None)
        if error is not None:
            raise error
        self.sent.append(delivery.alert.key)
        return f"m-{delivery.id}"


async def setup(repo: Repository, clock: Clock, count: int) -> int:
    sub = await repo.subscribe(guild_id=1, channel_id=10, now=clock())
    for n in range(count):
        await repo.queue_alert(news(n), now=clock.advance(seconds=1), sinks=["discord"])
    return sub.id


async def test_a_refused_message_fails_alone_and_the_channel_goes_on(
    repo: Repository, clock: Clock
) -> None:
    await setup(repo, clock, 3)
    sink = EdgeSink({"story:1": DeliveryError("400 Invalid Form Body", permanent=True)})
    report = await Dispatcher(repo, {"discord": sink}, clock).run_once()
    assert (report.sent, report.failed, report.paused) == (2, 1, 0)
    assert sink.sent == ["story:0", "story:2"]
    [view] = await repo.subscriptions()
    assert not view.paused


async def test_a_lost_channel_pauses_once_and_tells_the_callback(
    repo: Repository, clock: Clock
) -> None:
    await setup(repo, clock, 3)
    told: list[str] = []
    sink = EdgeSink({"story:0": DeliveryError("404 Unknown Channel", target_lost=True)})
    dispatcher = Dispatcher(
        repo, {"discord": sink}, clock, on_paused=lambda d, why: told.append(why)
    )
    report = await dispatcher.run_once()
    assert (report.sent, report.paused) == (0, 1)
    assert told == ["404 Unknown Channel"]
    assert (await dispatcher.run_once()).sent == 0  # nothing more goes to a lost channel
    [view] = await repo.subscriptions()
    assert view.paused


async def test_a_transient_failure_holds_the_rest_of_the_channel_in_order(
    repo: Repository, clock: Clock
) -> None:
    await setup(repo, clock, 3)
    sink = EdgeSink({"story:0": DeliveryError("503 Service Unavailable")})
    dispatcher = Dispatcher(repo, {"discord": sink}, clock)
    assert (await dispatcher.run_once()).retried == 1
    assert sink.sent == []  # story:1 and story:2 wait behind story:0
    clock.advance(minutes=10)
    await dispatcher.run_once()
    assert sink.sent == ["story:0", "story:1", "story:2"]
