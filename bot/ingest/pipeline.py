"""One poll of one feed, as named stages: fetch -> parse -> classify -> store (dedupe,
stories, alerts). Fetching, parsing and classifying run concurrently across feeds (parsing
and classifying off the event loop); only the store step is serialized.

Expected failures (a broken feed) are recorded on the feed with a backoff and the cycle
goes on; anything else escaping here is a bug.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from bot.config import FeedConfig
from bot.domain.alerts import AlertDraft, news_alert
from bot.domain.bills import law_standing, tracked_law_for
from bot.domain.classify import classify
from bot.domain.pledges import Signal, pledge_state, signals_for, suggested_status
from bot.domain.stories import StoryCandidate, find_story
from bot.domain.types import FeedItem, Match
from bot.domain.watchlist import Watchlist
from bot.errors import FeedError, StorageError
from bot.ingest.backoff import next_attempt_delay
from bot.ingest.fetch import Fetcher
from bot.ingest.parse import parse_feed
from bot.settings import Settings, redact
from storage.records import AlertView, FeedState, IngestEntry, NewItem
from storage.repository import Repository

log = logging.getLogger(__name__)

Status = Literal["new", "unchanged", "not_modified", "failed", "skipped"]
BACKOFF_BASE = timedelta(minutes=2)
BACKOFF_CEILING = timedelta(hours=6)
STORY_WINDOW = timedelta(days=3)
# Which crosswalk reads a legislative feed's actions (plain RSS carries action text).
BILL_SOURCES = {"congress": "congress", "openstates": "openstates", "legiscan": "legiscan"}
# Consecutive failures before the admins hear about a feed (and, once, when it recovers).
HEALTH_NOTICE_AFTER = 3


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    feed_id: str
    status: Status
    new_items: list[NewItem] = field(default_factory=list)
    duplicates: int = 0
    alerts: list[AlertView] = field(default_factory=list)
    error: str | None = None
    next_attempt_at: datetime | None = None
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class CycleReport:
    outcomes: list[FeedOutcome]

    @property
    def alerts(self) -> list[AlertView]:
        return [alert for outcome in self.outcomes for alert in outcome.alerts]

    @property
    def new_items(self) -> list[NewItem]:
        return [item for outcome in self.outcomes for item in outcome.new_items]

    def count(self, status: Status) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)


@dataclass(slots=True)
class Cycle:
    """What the feeds of one cycle share: their stored states, read once, and the times of
    the healthy feeds that answered 304, written in one statement when the cycle ends (a
    304 of a healthy feed changes nothing else; losing its time in a crash costs nothing)."""

    states: Mapping[str, FeedState]
    unchanged: list[tuple[str, datetime]] = field(default_factory=list)


def choose_story(item: FeedItem, match: Match, recent: Sequence[StoryCandidate]) -> int | None:
    found = find_story(item, match, recent, window=STORY_WINDOW)
    return int(found) if found is not None else None


class Poller:
    """Polls feeds into the store. Built once by the composition root."""

    def __init__(
        self,
        *,
        repo: Repository,
        fetcher: Fetcher,
        watchlist: Watchlist,
        settings: Settings,
        clock: Callable[[], datetime],
        sinks: Sequence[str],
        jitter: Callable[[], float] = random.random,
        max_concurrent: int = 8,
    ) -> None:
        self._repo = repo
        self._fetcher = fetcher
        self._watchlist = watchlist
        self._settings = settings
        self._clock = clock
        self._sinks = tuple(sinks)
        self._jitter = jitter
        self._limit = asyncio.Semaphore(max_concurrent)
        self._secrets = settings.secret_values()
        self._pledges = {p.id: p for p in watchlist.pledges}
        self._laws = {law.id: law for law in watchlist.laws}

    def skip_reason(self, feed: FeedConfig) -> str | None:
        """Why a feed is not polled at all (disabled, or its key is unset), else None."""
        if not feed.enabled:
            return "disabled"
        if feed.requires and not self._settings.secret(feed.requires):
            return f"needs {feed.requires} (unset): source skipped"
        return None

    async def poll_all(
        self,
        feeds: Sequence[FeedConfig],
        *,
        on_done: Callable[[FeedOutcome], Awaitable[None] | None] | None = None,
        keep_items: bool = True,
    ) -> CycleReport:
        """Poll ``feeds`` concurrently; ``on_done`` sees each outcome as its feed finishes.
        With ``keep_items`` False the report keeps each feed's status and counts but not its
        new items and alerts (``on_done`` had them), so a large cycle holds no more than
        its feeds in flight."""
        cycle = Cycle(await self._repo.feed_states())  # one read, not one per feed

        async def one(feed: FeedConfig) -> FeedOutcome:
            outcome = await self.poll_feed(feed, cycle=cycle)
            if on_done is not None:
                result = on_done(outcome)
                if result is not None:
                    await result
            if not keep_items:
                outcome = replace(outcome, new_items=[], alerts=[])
            return outcome

        outcomes = await asyncio.gather(*(one(feed) for feed in feeds))
        if cycle.unchanged:
            try:
                await self._repo.record_not_modified(cycle.unchanged)
            except StorageError as exc:  # only the 304s' times are lost; the cycle stands
                error = redact(str(exc), self._secrets)
                log.error("recording unchanged feeds failed", extra={"error": error})
        return CycleReport(list(outcomes))

    async def poll_feed(self, feed: FeedConfig, *, cycle: Cycle | None = None) -> FeedOutcome:
        """Poll one feed, alone (its state read now, its marks written now) or as part of
        ``cycle``."""
        started = time.perf_counter()
        reason = self.skip_reason(feed)
        if reason is not None:
            return FeedOutcome(feed.id, "skipped", error=reason)
        if cycle is not None:
            state = cycle.states.get(feed.id)
        else:
            state = await self._repo.feed(feed.id)
        now = self._clock()
        if state and not state.enabled:
            return FeedOutcome(feed.id, "skipped", error="disabled")
        if state and state.next_attempt_at and state.next_attempt_at > now:
            return FeedOutcome(
                feed.id,
                "skipped",
                error=f"backing off until {state.next_attempt_at:%Y-%m-%d %H:%M} UTC "
                f"after: {state.backoff_reason}",
                next_attempt_at=state.next_attempt_at,
            )
        async with self._limit:
            try:
                outcome = await self._fetch_and_store(feed, state, cycle)
            except FeedError as exc:
                outcome = await self._failed(feed, state, exc)
            except StorageError as exc:
                # Not the feed's fault: no backoff on it. Reported, and the cycle goes on.
                error = redact(str(exc), self._secrets)
                log.error("storing a feed's items failed", extra={"feed": feed.id, "error": error})
                outcome = FeedOutcome(feed.id, "failed", error=f"store: {error}"[:500])
        return replace(outcome, seconds=time.perf_counter() - started)

    async def _fetch_and_store(
        self, feed: FeedConfig, state: FeedState | None, cycle: Cycle | None
    ) -> FeedOutcome:
        url = feed.url
        if feed.requires:
            url = url.replace("{key}", self._settings.secret(feed.requires) or "")
        result = await self._fetcher.fetch(
            url,
            etag=state.etag if state else None,
            last_modified=state.last_modified if state else None,
        )
        now = self._clock()
        if result.status == "not_modified":
            if cycle is not None and state is not None and state.consecutive_failures == 0:
                cycle.unchanged.append((feed.id, now))  # nothing to announce: mark at the end
            else:
                await self._succeeded(feed, now, None, None, not_modified=True)
            return FeedOutcome(feed.id, "not_modified")
        items = await parse_feed(
            result.body,
            feed_id=feed.id,
            fmt=feed.format,
            source_kind=feed.kind,
            headers=result.headers,
            now=now,
            base_url=result.final_url,
        )
        # Classifying is CPU work: off the event loop, so fetches and other feeds go on.
        matches = await asyncio.to_thread(self._classify_all, items)
        entries = await self._track(list(zip(items, matches, strict=True)), now)
        # The store serializes ingests (one feed's items must see another's stories); all
        # the work above runs concurrently, only the decide-and-write step waits its turn.
        now = self._clock()
        stored = await self._repo.ingest(
            feed.id,
            entries,
            now=now,
            story_window=STORY_WINDOW,
            choose_story=choose_story,
            make_alert=self._alert_for,
            sinks=self._sinks,
            bill_source=BILL_SOURCES.get(feed.format, "text"),
        )
        await self._succeeded(feed, now, result.etag, result.last_modified)
        status: Status = "new" if stored.new_items else "unchanged"
        log.info(
            "feed polled",
            extra={"feed": feed.id, "items": len(items), "new": len(stored.new_items)},
        )
        return FeedOutcome(
            feed.id,
            status,
            new_items=stored.new_items,
            duplicates=stored.duplicates,
            alerts=stored.alerts,
        )

    def classify(self, item: FeedItem) -> Match:
        return classify(item, self._watchlist)

    def _classify_all(self, items: Sequence[FeedItem]) -> list[Match]:
        return [classify(item, self._watchlist) for item in items]

    async def _track(
        self, classified: list[tuple[FeedItem, Match]], now: datetime
    ) -> list[IngestEntry]:
        """What tracking derives from each item: pledge signals and the tracked law."""
        states = None
        entries = []
        for item, match in classified:
            signals: list[Signal] = []
            if match.pledges and suggested_status(match.event):
                if states is None:  # only read the store when a signal is possible
                    events = await self._repo.pledge_events()
                    states = {
                        p.id: pledge_state(p, events.get(p.id, ()), today=now.date())
                        for p in self._watchlist.pledges
                    }
                signals = signals_for(match, self._pledges, states)
            law_id = tracked_law_for(item.bill, self._watchlist.laws) if item.bill else None
            standing = (
                law_standing(self._laws[law_id], today=now.date()) if law_id else None
            )
            entries.append(IngestEntry(item, match, tuple(signals), law_id, standing))
        return entries

    def _alert_for(self, story_id: int, item: FeedItem, match: Match) -> AlertDraft:
        draft = news_alert(story_id, item, match)
        draft.payload["feed_kind"] = item.source_kind
        return draft

    async def _succeeded(
        self,
        feed: FeedConfig,
        now: datetime,
        etag: str | None,
        last_modified: str | None,
        *,
        not_modified: bool = False,
    ) -> None:
        recovered = await self._repo.record_fetch_success(
            feed.id, at=now, etag=etag, last_modified=last_modified, not_modified=not_modified
        )
        if recovered and await self._repo.set_feed_health_notified(feed.id, False):
            await self._repo.queue_alert(
                _health_alert(feed, "recovered", now, None), now=now, sinks=self._sinks
            )

    async def _failed(
        self, feed: FeedConfig, state: FeedState | None, exc: FeedError
    ) -> FeedOutcome:
        now = self._clock()
        message = redact(str(exc), self._secrets) or type(exc).__name__
        failures = (state.consecutive_failures if state else 0) + 1
        delay = next_attempt_delay(
            failures,
            base=BACKOFF_BASE,
            ceiling=BACKOFF_CEILING,
            retry_after=exc.retry_after,
            jitter=self._jitter(),
        )
        next_at = now + delay
        failures = await self._repo.record_fetch_failure(
            feed.id, at=now, error=message, next_attempt_at=next_at
        )
        log.warning("feed failed", extra={"feed": feed.id, "error": message, "failures": failures})
        if failures >= HEALTH_NOTICE_AFTER and await self._repo.set_feed_health_notified(
            feed.id, True
        ):
            await self._repo.queue_alert(
                _health_alert(feed, "failing", now, message), now=now, sinks=self._sinks
            )
        return FeedOutcome(feed.id, "failed", error=message, next_attempt_at=next_at)


def _health_alert(feed: FeedConfig, state: str, now: datetime, error: str | None) -> AlertDraft:
    return AlertDraft(
        key=f"feed:{feed.id}:{state}:{now.isoformat()}",
        kind="feed_health",
        importance=2,
        payload={
            "feed_id": feed.id,
            "feed_name": feed.display_name,
            "state": state,
            "error": error,
            "at": now.isoformat(),
            "after_failures": HEALTH_NOTICE_AFTER,
        },
    )
