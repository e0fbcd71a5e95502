"""Feeds and their fetch state."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import FeedConfig
from bot.errors import NotFoundError, StorageError
from storage.locks import take_startup_lock
from storage.models import (
    Base,
    Feed,
)
from storage.records import (
    FeedState,
)
from storage.sql import insert
from storage.store_base import (
    REMOVED,
    StoreBase,
    log,
)


class FeedStore(StoreBase):
    # --- feeds ---------------------------------------------------------------------------

    async def sync_feeds(self, feeds: Iterable[FeedConfig]) -> None:
        """Make the stored file-feeds match ``feeds.yaml``; fetch state is kept. Runners that
        start at once take turns (PostgreSQL), and a new feed is inserted-or-nothing, so a
        race never ends in a UNIQUE error."""
        feeds = list(feeds)
        async with self._tx() as session:
            await take_startup_lock(session)
            known = set((await session.scalars(select(Feed.id))).all())
            new = [
                {
                    "id": cfg.id,
                    "url": cfg.url,
                    "kind": cfg.kind,
                    "format": cfg.format,
                    "every_seconds": cfg.every.total_seconds(),
                    "origin": "file",
                    "consecutive_failures": 0,
                    "items_seen": 0,
                }
                for cfg in feeds
                if cfg.id not in known
            ]
            if new:
                await session.execute(
                    insert(session, Feed).values(new).on_conflict_do_nothing(index_elements=["id"])
                )
            existing = {f.id: f for f in (await session.scalars(select(Feed))).all()}
            for cfg in feeds:
                row = existing[cfg.id]
                row.url, row.kind, row.format = cfg.url, cfg.kind, cfg.format
                row.every_seconds = cfg.every.total_seconds()
                row.requires, row.name = cfg.requires, cfg.name
                # An admin's /feeds remove outlives restarts; the file cannot undo it.
                row.enabled = cfg.enabled and row.origin != REMOVED
            wanted = {cfg.id for cfg in feeds}
            for feed_id, row in existing.items():
                if row.origin == "file" and feed_id not in wanted:
                    row.enabled = False

    async def add_feed(self, cfg: FeedConfig) -> None:
        """A feed added at run time (``/feeds add``)."""
        async with self._tx() as session:
            if await session.get(Feed, cfg.id) is not None:
                raise StorageError(f"a feed with id {cfg.id!r} already exists")
            session.add(
                Feed(
                    id=cfg.id,
                    url=cfg.url,
                    kind=cfg.kind,
                    format=cfg.format,
                    every_seconds=cfg.every.total_seconds(),
                    enabled=cfg.enabled,
                    requires=cfg.requires,
                    name=cfg.name,
                    origin="user",
                    consecutive_failures=0,
                    items_seen=0,
                )
            )

    async def remove_feed(self, feed_id: str) -> None:
        async with self._tx() as session:
            row = await session.get(Feed, feed_id)
            if row is None:
                raise NotFoundError(f"no feed with id {feed_id!r}")
            if row.origin in ("file", REMOVED):
                # Kept (its fetch state too) but never polled again, whatever feeds.yaml says.
                row.enabled, row.origin = False, REMOVED
            else:
                await session.delete(row)

    async def user_feed_configs(self) -> list[FeedConfig]:
        """Feeds added at run time (``/feeds add``) and still enabled, as configs."""
        configs = []
        for state in (await self.feed_states()).values():
            if state.origin != "user" or not state.enabled:
                continue
            try:
                configs.append(
                    FeedConfig.model_validate(
                        {
                            "id": state.id,
                            "url": state.url,
                            "kind": state.kind,
                            "format": state.format,
                            "every": state.every_seconds or 900,
                            "name": state.name,
                            "requires": state.requires,
                        }
                    )
                )
            except ValueError as exc:  # stored before a stricter rule: skip, say so
                log.warning("stored feed is invalid", extra={"feed": state.id, "error": str(exc)})
        return configs

    async def feed_states(self) -> dict[str, FeedState]:
        async with self._tx() as session:
            rows = (await session.scalars(select(Feed).order_by(Feed.id))).all()
            return {row.id: _feed_state(row) for row in rows}

    async def record_fetch_success(
        self,
        feed_id: str,
        *,
        at: datetime,
        etag: str | None,
        last_modified: str | None,
        not_modified: bool = False,
    ) -> bool:
        """Record a good fetch; returns True when the feed had been failing (recovered)."""
        values: dict[str, object] = {
            "last_attempt_at": at,
            "last_success_at": at,
            "consecutive_failures": 0,
            "next_attempt_at": None,
            "backoff_reason": None,
        }
        if not not_modified:
            values.update(etag=etag, last_modified=last_modified)
        table = Base.metadata.tables["feeds"]
        mark = update(table).values(values).returning(table.c.id)
        async with self._tx() as session:
            # One statement for a feed that was fine (every poll but a recovery's).
            healthy = mark.where(table.c.id == feed_id, table.c.consecutive_failures == 0)
            if (await session.execute(healthy)).first() is not None:
                return False
            if (await session.execute(mark.where(table.c.id == feed_id))).first() is None:
                raise NotFoundError(f"no feed with id {feed_id!r}")
            return True

    async def record_not_modified(self, marks: Sequence[tuple[str, datetime]]) -> None:
        """Record many healthy feeds' 304s at once: (feed id, when), one statement."""
        table = Base.metadata.tables["feeds"]
        stmt = (
            update(table)
            .where(table.c.id == bindparam("feed"))
            .values(last_attempt_at=bindparam("at"), last_success_at=bindparam("at"))
        )
        async with self._tx() as session:
            await session.execute(stmt, [{"feed": feed, "at": at} for feed, at in marks])

    async def record_fetch_failure(
        self, feed_id: str, *, at: datetime, error: str, next_attempt_at: datetime
    ) -> int:
        """Record a failed fetch and its backoff; returns the consecutive failure count."""
        async with self._tx() as session:
            row = await self._feed(session, feed_id)
            row.last_attempt_at = row.last_error_at = at
            row.last_error = error[:2000]
            row.consecutive_failures += 1
            row.next_attempt_at = next_attempt_at
            row.backoff_reason = error[:500]
            return row.consecutive_failures

    async def set_feed_health_notified(self, feed_id: str, notified: bool) -> bool:
        """Flip the health-notice flag; returns True when it changed (notify once)."""
        async with self._tx() as session:
            row = await self._feed(session, feed_id)
            if row.health_notified == notified:
                return False
            row.health_notified = notified
            return True

    async def _feed(self, session: AsyncSession, feed_id: str) -> Feed:
        row = await session.get(Feed, feed_id)
        if row is None:
            raise NotFoundError(f"no feed with id {feed_id!r}")
        return row

    async def feed(self, feed_id: str) -> FeedState | None:
        """One feed's stored state (``/feeds remove`` checks it exists and where it came from)."""
        async with self._tx() as session:
            row = await session.get(Feed, feed_id)
            return None if row is None else _feed_state(row)


def _feed_state(row: Feed) -> FeedState:
    return FeedState(
        id=row.id,
        url=row.url,
        kind=row.kind,
        format=row.format,
        enabled=row.enabled,
        origin=row.origin,
        etag=row.etag,
        last_modified=row.last_modified,
        last_attempt_at=row.last_attempt_at,
        last_success_at=row.last_success_at,
        last_error=row.last_error,
        last_error_at=row.last_error_at,
        consecutive_failures=row.consecutive_failures,
        next_attempt_at=row.next_attempt_at,
        backoff_reason=row.backoff_reason,
        items_seen=row.items_seen,
        name=row.name,
        every_seconds=row.every_seconds,
        requires=row.requires,
    )
