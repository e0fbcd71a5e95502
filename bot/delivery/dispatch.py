"""The outbox dispatcher: claims targets, sends each target's queue in order, retries with
backoff, and probes a failing sink instead of hammering it.

Any number of dispatchers (runners, one per process) share one store. A runner sends to a
target (a channel, the webhook, the console) only while it holds that target's *claim*, a
row leased for 30 s and renewed while it works (``Repository.claim_targets``), so two
runners never interleave one channel's alerts; a dead runner's claims return when their
lease runs out. Targets are worked concurrently, each by its own task, so a slow or rate
limited channel holds back only itself.

Each delivery is marked sent right after its sink returns. A crash between the two is the
one window for a repeat; Discord's ``enforce_nonce`` (same nonce on the resend) closes it for
bot messages, and the webhook sink guards its own.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from bot.delivery.sinks import EditingSink, Sink
from bot.errors import DeliveryError, StorageError
from bot.ingest.backoff import next_attempt_delay
from storage.records import PendingDelivery
from storage.repository import Repository

log = logging.getLogger(__name__)

RETRY_BASE = timedelta(seconds=5)
# Never give up on a transient failure: an outage ends, and the alert must still arrive.
RETRY_CEILING = timedelta(minutes=5)
# While a sink is down, one request probes it at this backoff; its success resumes all.
PROBE_BASE = timedelta(seconds=5)
PROBE_CEILING = timedelta(seconds=15)
# A claim is renewed with each delivery recorded and by the loop's heartbeat (every quarter
# lease), so a send may take longer than the lease; a dead runner's claims lapse after it.
LEASE = timedelta(seconds=30)
POLL_EVERY = 1.0  # seconds between looks for new work when nothing wakes the dispatcher
STEP_GAP = 0.05  # seconds at least between two looks
MAX_TARGETS = 64  # targets worked at once by one runner
BATCH = 100  # deliveries read per query from one target's queue


def runner_id() -> str:
    """Unique per dispatcher; readable in the claims table (host, pid)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass(frozen=True, slots=True)
class DispatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    paused: int = 0
    edited: int = 0

    def __add__(self, other: DispatchReport) -> DispatchReport:
        return DispatchReport(
            *(getattr(self, f.name) + getattr(other, f.name) for f in fields(self))
        )


@dataclass
class _Tally:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    paused: int = 0
    edited: int = 0

    def report(self) -> DispatchReport:
        return DispatchReport(self.sent, self.retried, self.failed, self.paused, self.edited)


@dataclass
class _Outage:
    """A sink that is failing: nothing goes to it but one probe at ``probe_at``."""

    since: datetime
    probe_at: datetime
    failures: int = 1
    prober: str | None = None  # the target whose worker is probing now


class Dispatcher:
    def __init__(
        self,
        repo: Repository,
        sinks: Mapping[str, Sink],
        clock: Callable[[], datetime],
        *,
        on_paused: Callable[[PendingDelivery, str], object] | None = None,
        runner: str | None = None,
        lease: timedelta = LEASE,
        poll_every: float = POLL_EVERY,
        max_targets: int = MAX_TARGETS,
    ) -> None:
        self._repo = repo
        self._sinks = dict(sinks)
        self._clock = clock
        self._on_paused = on_paused
        self.runner = runner or runner_id()
        self._lease = lease
        self._poll_every = poll_every
        self._max_targets = max_targets
        self._workers: dict[str, asyncio.Task[DispatchReport]] = {}
        self._outages: dict[str, _Outage] = {}
        self._store_failing = False
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_renewal: datetime | None = None
        self._finished = DispatchReport()

    # --- running ---------------------------------------------------------------------

    async def run_once(self) -> DispatchReport:
        """Send everything due now and return when done: every target with work is claimed
        and its queue sent in order, targets concurrently. Stops a target at its first
        failure so that alerts to one channel never arrive out of order."""
        await self._claim()
        return await self._join()

    def start(self) -> None:
        """Deliver in the background until :meth:`stop`."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self.run())

    async def stop(self, *, grace: float = 10.0) -> None:
        """No new claims; sends under way get ``grace`` seconds, then are cancelled."""
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
        running = [t for t in self._workers.values() if not t.done()]
        if running:
            _done, late = await asyncio.wait(running, timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.wait(running)
        await self._join(raise_errors=False)

    @property
    def running(self) -> bool:
        """Whether the background delivery started by :meth:`start` is on."""
        return self._task is not None and not self._task.done()

    def wake(self) -> None:
        """Look for work now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        """Claim new work every ``poll_every`` seconds, or at once when woken."""
        while not self._stopping.is_set():
            try:
                await self.step()
            except Exception:
                log.exception("delivery step crashed (a bug)")
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_every)
            # Wake-ups that come close together (workers finishing) make one claim query.
            await asyncio.sleep(min(STEP_GAP, self._poll_every))
            self._wake.clear()

    async def step(self) -> int:
        """One look for work: claims due targets and starts their workers; renews the
        claims held. A store that fails is transient: one log line, and the next step
        tries again. Returns how many targets were started."""
        try:
            started = await self._claim()
            now = self._clock()
            if self._workers and (
                self._last_renewal is None or now - self._last_renewal >= self._lease / 4
            ):
                # A heartbeat: claims outlive a send that takes longer than the lease.
                self._last_renewal = now
                await self._repo.renew_claims(runner=self.runner, until=now + self._lease)
        except StorageError as exc:
            self._store_trouble(exc)
            return 0
        self._store_back()
        return started

    # --- claims and workers ------------------------------------------------------------

    async def _claim(self) -> int:
        self._reap()
        started = 0
        for name, sink in self._sinks.items():
            room = self._max_targets - len(self._workers)
            outage = self._outages.get(name)
            if outage is not None:
                if outage.prober is not None or self._clock() < outage.probe_at:
                    continue
                room = min(room, 1)  # one probe, not every channel at once
            targets = await self._repo.claim_targets(
                runner=self.runner,
                sinks=[name],
                now=self._clock(),
                lease=self._lease,
                limit=room,
                busy=list(self._workers),
            )
            for target in targets:
                self._workers[target] = asyncio.get_running_loop().create_task(
                    self._work(name, sink, target), name=f"deliver {target}"
                )
                started += 1
        return started

    def _reap(self) -> None:
        for target, task in list(self._workers.items()):
            if task.done():
                del self._workers[target]
                if not task.cancelled() and task.exception() is None:
                    self._finished += task.result()
                elif not task.cancelled():
                    log.error(
                        "delivery worker crashed (a bug)",
                        exc_info=task.exception(),
                        extra={"target": target},
                    )

    async def _join(self, *, raise_errors: bool = True) -> DispatchReport:
        tasks = list(self._workers.values())
        results = await asyncio.gather(*tasks, return_exceptions=True)
        self._workers.clear()
        report, self._finished = self._finished, DispatchReport()
        for result in results:
            if isinstance(result, DispatchReport):
                report += result
            elif isinstance(result, BaseException) and raise_errors:
                raise result
        return report

    async def _work(self, name: str, sink: Sink, target: str) -> DispatchReport:
        tally = _Tally()
        try:
            await self._send_queue(name, sink, target, tally)
            if name not in self._outages:  # a waiting post does not hold back an edit
                await self._edit_target(name, sink, target, tally)
        except StorageError as exc:
            self._store_trouble(exc)
        finally:
            outage = self._outages.get(name)
            if outage is not None and outage.prober == target:
                outage.prober = None
            with suppress(StorageError):
                await self._repo.release_claim(target, runner=self.runner)
            self._wake.set()  # a free slot: look for more work now
        return tally.report()

    async def _send_queue(self, name: str, sink: Sink, target: str, tally: _Tally) -> bool:
        """Send the target's due deliveries in order; False when it stopped on one. The
        claim was taken or renewed just before each send (with the previous record)."""
        while queue := await self._repo.target_queue(target, limit=BATCH):
            for delivery in queue:
                now = self._clock()
                if delivery.next_attempt_at > now or not self._may_send(name, target):
                    return False  # an earlier alert waits: keep the order
                if not await self._deliver(name, sink, target, delivery, tally):
                    return False
        return True

    def _may_send(self, name: str, target: str) -> bool:
        outage = self._outages.get(name)
        if outage is None:
            return True
        if outage.prober not in (None, target) or self._clock() < outage.probe_at:
            return False
        outage.prober = target
        return True

    async def _deliver(
        self, name: str, sink: Sink, target: str, delivery: PendingDelivery, tally: _Tally
    ) -> bool:
        """Send one delivery and record the outcome; False when the target must stop
        (a failure, or the claim lost to another runner)."""
        try:
            message_id = await sink.send(delivery)
        except DeliveryError as exc:
            go_on = False
            if exc.target_lost and delivery.subscription_id is not None:
                if await self._repo.pause_subscription(delivery.subscription_id, reason=str(exc)):
                    tally.paused += 1
                    if self._on_paused is not None:
                        self._on_paused(delivery, str(exc))
            elif exc.target_lost and delivery.target.startswith("channel:"):
                # A channel that only follows things has no subscription to pause: its
                # follows end, so a lost channel costs one request, not one per retry.
                ended = await self._repo.drop_lost_channel(
                    int(delivery.target.partition(":")[2]), reason=str(exc)
                )
                log.warning(
                    "a following channel is lost; its follows ended",
                    extra={"target": delivery.target, "follows": ended, "error": str(exc)},
                )
                tally.failed += 1
            elif exc.permanent:
                # This one message can never go; the ones after it still can.
                await self._repo.mark_undeliverable(delivery.id, error=str(exc))
                tally.failed += 1
                go_on = not exc.target_lost
            else:
                if exc.outage:
                    retry_at = self._sink_failed(name)
                else:
                    retry_at = self._clock() + next_attempt_delay(
                        delivery.attempts + 1, base=RETRY_BASE, ceiling=RETRY_CEILING
                    )
                await self._repo.mark_retry(delivery.id, error=str(exc), next_attempt_at=retry_at)
                tally.retried += 1
            log.warning(
                "delivery failed",
                extra={"target": delivery.target, "alert": delivery.alert.key, "error": str(exc)},
            )
            return go_on and await self._held(target)
        held = await self._repo.mark_delivered(
            delivery.id,
            message_id=message_id,
            at=self._clock(),
            hold=(target, self.runner, self._clock() + self._lease),
        )
        tally.sent += 1
        await self._sink_works(name)
        return held or self._lost(target)

    async def _held(self, target: str) -> bool:
        until = self._clock() + self._lease
        return await self._repo.hold_claim(target, runner=self.runner, until=until) or self._lost(
            target
        )

    @staticmethod
    def _lost(target: str) -> bool:
        log.warning(
            "delivery claim taken over by another runner; leaving it", extra={"target": target}
        )
        return False

    async def _edit_target(self, name: str, sink: Sink, target: str, tally: _Tally) -> None:
        """Bring posted messages up to date with their alerts (new sources on a story).
        Several changes since the last run make one edit."""
        if not isinstance(sink, EditingSink):
            return
        for delivery in await self._repo.pending_edits(target=target, limit=BATCH):
            try:
                await sink.edit(delivery)
            except DeliveryError as exc:
                if exc.outage:
                    self._sink_failed(name)
                log.warning("edit failed", extra={"target": target, "error": str(exc)})
                return
            await self._repo.clear_edit(delivery.id)
            tally.edited += 1

    # --- a failing sink, a failing store -----------------------------------------------

    def _sink_failed(self, name: str) -> datetime:
        """Note a sink-wide failure; returns when its next probe goes."""
        now = self._clock()
        outage = self._outages.get(name)
        if outage is None:
            outage = self._outages[name] = _Outage(
                since=now,
                probe_at=now + next_attempt_delay(1, base=PROBE_BASE, ceiling=PROBE_CEILING),
            )
            log.warning(
                "delivery sink failing; probing it before sending more",
                extra={"sink": name, "next_probe": outage.probe_at.isoformat()},
            )
        elif outage.prober is not None:  # the probe failed: back off further
            outage.failures += 1
            outage.prober = None
            outage.probe_at = now + next_attempt_delay(
                outage.failures, base=PROBE_BASE, ceiling=PROBE_CEILING
            )
        return outage.probe_at

    async def _sink_works(self, name: str) -> None:
        outage = self._outages.pop(name, None)
        if outage is None:
            return
        # Every target waiting on this sink, this runner's or another's, is due again.
        due = await self._repo.make_due(sinks=[name], now=self._clock())
        log.info(
            "delivery sink is back; resuming",
            extra={"sink": name, "down_for": str(self._clock() - outage.since), "due": due},
        )
        self.wake()

    def _store_trouble(self, exc: StorageError) -> None:
        if not self._store_failing:
            self._store_failing = True
            log.warning(
                "delivery waits: the store failed; retrying until it answers",
                extra={"error": str(exc)},
            )

    def _store_back(self) -> None:
        if self._store_failing:
            self._store_failing = False
            log.info("delivery resumes: the store answers again")
