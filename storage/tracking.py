"""Tracking inside a transaction: bills and their actions, pledge suggestions and events.

Called by :class:`storage.repository.Repository` with its open session, so the facts and the
alerts they cause are written together.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.alerts import AlertDraft, bill_stage_alert, new_bill_alert
from bot.domain.bills import Standing, derive_stage, ended_congress, with_runtime
from bot.domain.types import BillAction, BillRecord
from storage.models import Alert, Bill, BillActionRow
from storage.records import BillView
from storage.sql import insert

log = logging.getLogger(__name__)


def action_fingerprint(action: BillAction) -> str:
    raw = f"{action.date}|{action.text.strip()}|{','.join(action.codes)}"
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()[:32]


async def track_bill(
    session: AsyncSession,
    record: BillRecord,
    *,
    relevant: bool,
    law_id: str | None,
    source: str,
    now: datetime,
    standing: Standing | None = None,
) -> list[AlertDraft]:
    """Store the bill's new actions and re-derive its stage; the alerts a change calls for.

    A bill is tracked once it is on the topic (relevant or a tracked law); after that every
    action is kept, whatever the item's classification. A bill of a Congress that has ended
    raises no alert. A tracked law (``standing`` is where its shipped history puts it) is
    never a new bill, and moves only when run-time data takes it past that standing.
    """
    row = await session.get(Bill, record.key)
    if row is None and not (relevant or law_id):
        return []
    is_new = row is None
    if row is None:
        # Insert-or-nothing: another writer may have created it since we looked.
        await session.execute(
            insert(session, Bill)
            .values(
                key=record.key,
                jurisdiction=record.jurisdiction,
                session=record.session,
                identifier=record.identifier,
                title=record.title,
                url=record.url,
                stage=None,
                source=source,
                tracked_id=law_id,
                first_seen=now,
                updated_at=now,
            )
            .on_conflict_do_nothing()
        )
        row = await session.get(Bill, record.key, populate_existing=True)
        if row is None:  # pragma: no cover - the insert or the other writer made it
            raise RuntimeError(f"bill {record.key} vanished")
    elif law_id and not row.tracked_id:
        row.tracked_id = law_id
    if record.title and record.title != record.identifier:
        row.title = record.title
    for action in record.actions:
        await session.execute(
            insert(session, BillActionRow)
            .values(
                bill_key=record.key,
                fingerprint=action_fingerprint(action),
                action_date=action.date,
                text=action.text,
                codes=list(action.codes),
                chamber=action.chamber,
                source=action.source or source,
                source_url=action.source_url or record.url,
                recorded_at=now,
            )
            .on_conflict_do_nothing()
        )
    actions = await bill_actions(session, record.key)
    result = derive_stage(actions, source=source)
    for unknown in result.unknown:
        log.info(
            "bill action not recognised; stage left as it was",
            extra={"bill": record.key, "action": unknown.text[:200]},
        )
    old, old_date = row.stage, row.stage_date
    if result.stage is not None and result.stage != old:
        row.stage, row.stage_date = result.stage, result.date
    row.updated_at = now
    summary = _public(row, result.action, record)
    if ended_congress(record.jurisdiction, record.session, now.date(), record.key) is not None:
        # A bill of a Congress that has ended is history: kept, never announced as new or
        # as moving (its expiry is shown by the status views).
        return []
    if standing is not None:
        return await _tracked_law_moved(session, row, summary, standing, old, old_date, now)
    if is_new:
        return [new_bill_alert(summary)]
    if row.stage != old and row.stage is not None:
        summary["earlier_alerts"] = await _earlier_alert_keys(session, record.key)
        return [bill_stage_alert(summary, old, row.stage)]
    return []


async def _tracked_law_moved(
    session: AsyncSession,
    row: Bill,
    summary: dict[str, Any],
    standing: Standing,
    old: str | None,
    old_date: date | None,
    now: datetime,
) -> list[AlertDraft]:
    """The stage alert a tracked law's run-time data calls for: only a move of the stage
    users are shown (the shipped standing, moved on by run-time data), never a replay of
    steps the shipped history already has."""

    def shown(stage: str | None, when: date | None) -> str | None:
        return with_runtime(
            standing,
            stage,
            when,
            None,
            jurisdiction=row.jurisdiction,
            session=row.session,
            key=row.key,
            today=now.date(),
        ).stage

    before, after = shown(old, old_date), shown(row.stage, row.stage_date)
    if after is None or after == before:
        return []
    summary["earlier_alerts"] = await _earlier_alert_keys(session, row.key)
    return [bill_stage_alert(summary, before, after)]


async def bill_actions(session: AsyncSession, key: str) -> list[BillAction]:
    rows = (
        await session.scalars(
            select(BillActionRow)
            .where(BillActionRow.bill_key == key)
            .order_by(BillActionRow.action_date, BillActionRow.id)
        )
    ).all()
    return [
        BillAction(
            date=r.action_date,
            text=r.text,
            source_url=r.source_url,
            codes=tuple(r.codes),
            chamber=r.chamber,
            source=r.source,
        )
        for r in rows
    ]


async def _earlier_alert_keys(session: AsyncSession, key: str) -> list[str]:
    rows = await session.scalars(
        select(Alert.key).where(Alert.key.startswith(f"bill:{key}:")).order_by(Alert.id)
    )
    return list(rows.all())


def _public(row: Bill, action: BillAction | None, record: BillRecord) -> dict[str, Any]:
    return {
        "key": row.key,
        "identifier": row.identifier,
        "title": row.title,
        "jurisdiction": row.jurisdiction,
        "session": row.session,
        "url": row.url,
        "stage": row.stage,
        "stage_date": _iso(row.stage_date),
        "tracked_id": row.tracked_id,
        "action_text": action.text if action else None,
        "action_date": _iso(action.date) if action else None,
        "source_url": (action.source_url if action else None) or record.url,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def bill_view(row: Bill, actions: list[BillAction]) -> BillView:
    return BillView(
        key=row.key,
        jurisdiction=row.jurisdiction,
        session=row.session,
        identifier=row.identifier,
        title=row.title,
        url=row.url,
        stage=row.stage,
        stage_date=row.stage_date,
        tracked_id=row.tracked_id,
        source=row.source,
        first_seen=row.first_seen,
        updated_at=row.updated_at,
        actions=tuple(actions),
    )
