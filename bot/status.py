"""Where each pledge and bill stands: the watchlist's sourced history joined with what the
store learned since. Read-only views shared by the CLI and the slash commands."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.domain.bills import LawChange, Standing, bill_standing, law_standing, with_runtime
from bot.domain.pledges import PledgeState, pledge_state
from bot.domain.watchlist import HistoryEntry, Law, Pledge, Watchlist
from storage.records import BillView, SuggestionView
from storage.repository import Repository


@dataclass(frozen=True, slots=True)
class PledgeStatusView:
    pledge: Pledge
    state: PledgeState
    pending: tuple[SuggestionView, ...] = ()

    def as_json(self) -> dict[str, Any]:
        p, s = self.pledge, self.state
        return {
            "id": p.id,
            "company": p.company,
            "company_name": p.company_name,
            "title": p.title,
            "status": s.status,
            "since": _iso(s.since),
            "status_source_url": s.source_url,
            "status_labels": list(s.caveats),
            "status_derived_from": list(s.basis),
            "fact_labels": dict(p.caveats),
            "announced_date": _iso(p.announced_date),
            "announced_source_url": p.announced_source_url,
            "scope_quote": p.scope_quote,
            "scope_quote_source_url": p.scope_quote_source_url,
            "conditions": p.conditions,
            "conditions_sources": list(p.conditions_sources),
            "exceptions": list(p.exceptions),
            "expiry": p.expiry,
            "expiry_sources": list(p.expiry_sources),
            "deadline": None
            if s.deadline is None
            else {
                "date": s.deadline.day.isoformat(),
                "label": s.deadline.label,
                "derived": s.deadline.derived,
                "source_url": s.deadline.source_url,
            },
            "disputes": [_entry(e) for e in s.disputes],
            "history": [_entry(e) for e in s.history if e.source_url],
            "pending_suggestions": [
                {"id": x.id, "suggested_status": x.suggested_status, "source_url": x.source_url}
                for x in self.pending
            ],
        }


@dataclass(frozen=True, slots=True)
class BillStatusView:
    """A tracked law (from the watchlist), a bill seen in legislative data, or both."""

    id: str
    title: str
    jurisdiction: str
    identifiers: tuple[str, ...]
    stage: str | None
    stage_date: date | None
    stage_source_url: str | None
    url: str | None
    tracked: bool
    history: tuple[dict[str, Any], ...]
    # How the stage is known: the event behind it, the labels to show beside it, and (when
    # the project derived it) the events it was derived from.
    stage_event: str | None = None
    stage_caveats: tuple[str, ...] = ()
    stage_basis: tuple[str, ...] = ()
    in_force: tuple[dict[str, Any], ...] = ()
    change: dict[str, Any] | None = None
    # Caveats on single facts (a bill number, the introduction date...), by field or id.
    caveats: dict[str, str] = field(default_factory=dict)
    fr_provisions: str | None = None
    fr_provisions_sources: tuple[str, ...] = ()
    # What the entry is when it is not a bill (a court-enforced settlement).
    instrument: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "jurisdiction": self.jurisdiction,
            "identifiers": list(self.identifiers),
            "stage": self.stage,
            "stage_date": _iso(self.stage_date),
            "stage_source_url": self.stage_source_url,
            "stage_event": self.stage_event,
            "stage_labels": list(self.stage_caveats),
            "stage_derived_from": list(self.stage_basis),
            "in_force": list(self.in_force),
            "change": self.change,
            "fact_labels": dict(self.caveats),
            "instrument": self.instrument,
            "fr_provisions": self.fr_provisions,
            "fr_provisions_sources": list(self.fr_provisions_sources),
            "url": self.url,
            "tracked": self.tracked,
            "history": list(self.history),
        }


@dataclass(frozen=True, slots=True)
class WatchingView:
    """An entry whose existence the fact sheet could not confirm: watched for, not listed."""

    id: str
    title: str
    jurisdiction: str
    note: str | None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "jurisdiction": self.jurisdiction,
                "note": self.note}


async def pledge_statuses(
    repo: Repository, watchlist: Watchlist, *, today: date
) -> list[PledgeStatusView]:
    events = await repo.pledge_events()
    pending = await repo.suggestions()
    return [
        PledgeStatusView(
            p,
            pledge_state(p, events.get(p.id, ()), today=today),
            tuple(x for x in pending if x.pledge_id == p.id),
        )
        for p in watchlist.pledges
    ]


def find_pledge(views: list[PledgeStatusView], query: str) -> PledgeStatusView | None:
    """By id, company id, company name, or a product alias."""
    q = query.strip().lower()
    for view in views:
        p = view.pledge
        names = {p.id, p.company, p.company_name.lower(), *(a.lower() for a in p.aliases)}
        if q in names or q in p.company_name.lower().split(" ("):
            return view
    return None


async def bill_statuses(
    repo: Repository, watchlist: Watchlist, *, today: date
) -> list[BillStatusView]:
    stored = await repo.bills()
    by_law: dict[str, list[BillView]] = {}
    for bill in stored:
        if bill.tracked_id:
            by_law.setdefault(bill.tracked_id, []).append(bill)
    views = [
        _law_view(law, by_law.get(law.id, []), today=today)
        for law in watchlist.laws
        if law.verified_existence
    ]
    views += [_bill_view(bill, today=today) for bill in stored if not bill.tracked_id]
    return views


def watching_for(watchlist: Watchlist) -> list[WatchingView]:
    """Entries the fact sheet could not confirm exist, with its note."""
    return [
        WatchingView(law.id, law.title, law.jurisdiction, law.note)
        for law in watchlist.laws
        if not law.verified_existence
    ]


def find_bill(views: list[BillStatusView], query: str) -> BillStatusView | None:
    """By tracked id, stored key, or identifier in any spelling ("S 4084", "s.4084")."""
    q = query.strip().lower()
    compact = _compact(query)
    for view in views:
        if q == view.id.lower() or compact in {_compact(i) for i in view.identifiers}:
            return view
    return None


def _law_view(law: Law, stored: list[BillView], *, today: date) -> BillStatusView:
    standing = law_standing(law, today=today)
    history = tuple(_law_entry(e) for e in law.history if e.source_url)
    for bill in stored:  # legislative data may know more, never less, than the history
        standing = with_runtime(
            standing,
            bill.stage,
            bill.stage_date,
            bill.url,
            jurisdiction=bill.jurisdiction,
            session=bill.session,
            key=bill.key,
            today=today,
        )
    return BillStatusView(
        id=law.id,
        title=law.title,
        jurisdiction=law.jurisdiction,
        identifiers=tuple(dict.fromkeys((*law.bill_ids, *(b.identifier for b in stored)))),
        stage=standing.stage,
        stage_date=standing.date,
        stage_source_url=standing.source_url or law.source_url,
        url=law.source_url,
        tracked=True,
        history=history,
        **_standing_fields(standing),
        caveats=dict(law.caveats),
        fr_provisions=law.fr_provisions if law.fr_provisions_sources else None,
        fr_provisions_sources=law.fr_provisions_sources,
        instrument=law.instrument_type,
    )


def _bill_view(bill: BillView, *, today: date) -> BillStatusView:
    standing = bill_standing(
        bill.stage,
        bill.stage_date,
        bill.url,
        jurisdiction=bill.jurisdiction,
        session=bill.session,
        key=bill.key,
        today=today,
    )
    return BillStatusView(
        id=bill.key,
        title=bill.title,
        jurisdiction=bill.jurisdiction,
        identifiers=(bill.identifier,),
        stage=standing.stage,
        stage_date=standing.date,
        stage_source_url=bill.url,
        url=bill.url,
        tracked=False,
        history=(),
        **_standing_fields(standing),
    )


def _standing_fields(standing: Standing) -> dict[str, Any]:
    return {
        "stage_event": standing.event,
        "stage_caveats": standing.caveats,
        "stage_basis": standing.basis,
        "in_force": tuple(_law_entry(e) for e in standing.in_force),
        "change": _change(standing.change),
    }


def _change(change: LawChange | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {
        "kind": change.kind,
        **_law_entry(change.entry),
        "signed": _law_entry(change.signed) if change.signed else None,
    }


def _law_entry(e: HistoryEntry) -> dict[str, Any]:
    return {
        "date": _iso(e.date),
        "when": e.when,
        "text": e.summary,
        "source_url": e.source_url,
        "event": e.status,
        "labels": list(e.caveats),
    }


def _entry(e: HistoryEntry) -> dict[str, Any]:
    return {
        "date": _iso(e.date),
        "when": e.when,
        "status": e.status,
        "summary": e.summary,
        "source_url": e.source_url,
        "verification": e.verification,
        "labels": list(e.caveats),
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _compact(identifier: str) -> str:
    return re.sub(r"[^a-z0-9]", "", identifier.lower())
