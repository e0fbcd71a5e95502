"""Pledge status, derived from the dated, sourced history. Pure.

A status is judged on deeds: the shipped history (from the fact sheet) plus changes a
moderator confirmed. Reports that a company disputes are kept as notes; they do not change
the status by themselves.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal, get_args

from bot.domain.types import Match
from bot.domain.watchlist import HistoryEntry, Pledge

PledgeStatus = Literal[
    "active",
    "conditional",
    "expired",
    "extended",
    "lifted",
    "reversed_or_disputed",
    "superseded",
]
PLEDGE_STATUSES: tuple[PledgeStatus, ...] = get_args(PledgeStatus)

# Each history event of the fact sheet: the status it puts the pledge in, or None when it is
# a note (a clarification, an implementation step, a disputed report). Every event name in
# the shipped data must be listed here (a test checks), so a new one forces a decision.
EVENT_STATUS: dict[str, PledgeStatus | None] = {
    "announced": None,  # the pledge's announced_status applies
    "settled": None,  # likewise: a court-ordered restriction starts here
    "clarified": None,
    "product_discontinuation_notice": None,
    "product_no_new_instances": None,
    "product_retired": None,
    "criticized_possible_reversal": None,  # reported, denied by the company
    "scope_disputed": None,  # reported, denied by the company
    "extended_indefinitely": "extended",
    "extended": "extended",
    "implemented_attestation": None,
    "tightened_limited_access": None,
    "limited_access_deadline": None,
    "extended_to_generative_ai": None,
    "current_policy_text": None,
    "narrow_exception_launched": None,
    "ethics_board_formed": None,
    "partial_reintroduction_test": "reversed_or_disputed",  # the company's own deed
    "lawsuit_filed": None,
    "motion_to_dismiss_denied": None,
    "related_class_settlement_approved": None,
    # Statuses a moderator confirms (see SIGNAL_STATUS) are their own events.
    "active": "active",
    "conditional": "conditional",
    "expired": "expired",
    "lifted": "lifted",
    "reversed_or_disputed": "reversed_or_disputed",
    "superseded": "superseded",
}
STARTS = frozenset({"announced", "settled"})
# Events whose status is the project's reading of a deed rather than the event's own words:
# the status is labelled derived, with the event.
READ_AS_STATUS = frozenset({"partial_reintroduction_test"})
# Disputed reports shown beside the status.
DISPUTES = frozenset({"criticized_possible_reversal", "scope_disputed"})

# Classifier events that bear on a pledge, and the status they would suggest. A suggestion
# waits for a moderator; a headline alone never changes a status.
SIGNAL_STATUS: dict[str, PledgeStatus] = {
    "moratorium_extended": "extended",
    "moratorium_expired": "expired",
    "moratorium_lifted": "lifted",
    "sales_resumed": "lifted",
    "sales_to_police": "reversed_or_disputed",
    "breach_reported": "reversed_or_disputed",
    "scope_narrowed": "reversed_or_disputed",
    "pledge_superseded": "superseded",
    # A reaffirmation keeps the status it finds (see suggested_status); "active" is its
    # reading when there is none yet.
    "pledge_reaffirmed": "active",
}
# Events that confirm the current status rather than change it: reviewed all the same, so
# that the history records the dated, sourced reaffirmation.
REAFFIRMING = frozenset({"pledge_reaffirmed"})
# Statuses that end the watch on a deadline: no more reminders.
DEADLINE_ENDERS = frozenset({"extended", "lifted", "expired", "superseded"})


@dataclass(frozen=True, slots=True)
class Deadline:
    """A date a pledge runs out, with how it is known."""

    day: date
    label: str
    source_url: str
    derived: bool


@dataclass(frozen=True, slots=True)
class PledgeState:
    pledge_id: str
    status: PledgeStatus | None  # None before the pledge starts (e.g. a lawsuit pending)
    since: date | None
    source_url: str | None
    entry: HistoryEntry | None
    disputes: tuple[HistoryEntry, ...] = ()
    deadline: Deadline | None = None
    history: tuple[HistoryEntry, ...] = field(default=())
    # Labels beside the status (derived, sources conflict...) and, when the project derived
    # it, the events it was derived from.
    caveats: tuple[str, ...] = ()
    basis: tuple[str, ...] = ()


def pledge_state(
    pledge: Pledge, confirmed: Sequence[HistoryEntry] = (), *, today: date | None = None
) -> PledgeState:
    """The pledge's status after its history and the confirmed changes.

    Shipped entries keep the fact sheet's order (chronological, undated ones in place);
    confirmed changes follow in date order. With ``today``, a fixed term that ran out with
    no extension makes the status ``expired`` (derived, and labelled so).
    """
    history = (*pledge.history, *sorted(confirmed, key=lambda e: e.date or date.min))
    status: PledgeStatus | None = None
    since: date | None = None
    source: str | None = None
    entry: HistoryEntry | None = None
    disputes: list[HistoryEntry] = []
    for item in history:
        new = pledge.announced_status if item.status in STARTS else EVENT_STATUS.get(item.status)
        if item.status in DISPUTES:
            disputes.append(item)
        if new is None:
            continue
        status, since, source, entry = new, item.date, item.source_url, item
    deadline = term_deadline(pledge) if status in ("active", "conditional") else None
    if pledge.expiry_date and status in ("active", "conditional"):
        deadline = Deadline(
            pledge.expiry_date,
            "expiry",
            (pledge.expiry_sources or (pledge.announced_source_url,))[0],
            derived=False,
        )
    basis: list[str] = []
    if entry is not None and entry.status in READ_AS_STATUS:
        basis.append(f"{entry.when}: {entry.summary}")
    elif entry is not None and entry.status in STARTS and pledge.announced_status != "active":
        basis.append(f"the pledge holds until a condition is met: {pledge.scope_quote}")
    if deadline and today and today > deadline.day:
        status, since, source, entry = "expired", deadline.day, deadline.source_url, None
        basis = [deadline.label, f"no extension recorded by {deadline.day.isoformat()}"]
    caveats = list(entry.caveats) if entry is not None else []
    if basis and "derived" not in caveats:
        caveats.insert(0, "derived")
    return PledgeState(
        pledge.id,
        status,
        since,
        source,
        entry,
        tuple(disputes),
        deadline,
        tuple(history),
        tuple(caveats),
        tuple(basis),
    )


def term_deadline(pledge: Pledge) -> Deadline | None:
    """The end of an original fixed term, derived from the announcement date."""
    if not pledge.term_months or not pledge.term_source_url:
        return None
    months = pledge.term_months
    years, month0 = divmod(pledge.announced_date.month - 1 + months, 12)
    year, month = pledge.announced_date.year + years, month0 + 1
    day = min(pledge.announced_date.day, calendar.monthrange(year, month)[1])
    return Deadline(
        date(year, month, day),
        f"end of the original {months}-month term (derived from the announcement date)",
        pledge.term_source_url,
        derived=True,
    )


@dataclass(frozen=True, slots=True)
class Reminder:
    pledge_id: str
    deadline: Deadline
    days_before: int
    at: datetime

    @property
    def key(self) -> str:
        """One alert per pledge, deadline and offset: the store refuses a second."""
        return f"pledge:{self.pledge_id}:deadline:{self.deadline.day}:{self.days_before}d"


DEFAULT_REMINDER_DAYS = (30, 7, 1, 0)
# 13:00 UTC: morning in the Americas, afternoon in Europe.
REMINDER_TIME = time(13, 0, tzinfo=UTC)


def reminders(
    state: PledgeState,
    days_before: Sequence[int] = DEFAULT_REMINDER_DAYS,
    *,
    at: time = REMINDER_TIME,
) -> list[Reminder]:
    """The reminders a pledge's deadline calls for; none once it was extended or lifted."""
    if state.deadline is None or state.status in DEADLINE_ENDERS:
        return []
    out = []
    for days in sorted(set(days_before), reverse=True):
        day = state.deadline.day - timedelta(days=days)
        out.append(Reminder(state.pledge_id, state.deadline, days, datetime.combine(day, at)))
    return out


def suggested_status(event: str, current: PledgeStatus | None = None) -> PledgeStatus | None:
    """The status ``event`` suggests for a pledge now in ``current`` (None: no suggestion)."""
    if event in REAFFIRMING and current is not None:
        return current
    return SIGNAL_STATUS.get(event)


@dataclass(frozen=True, slots=True)
class Signal:
    """A pledge status change an item suggests; a moderator decides."""

    pledge_id: str
    suggested_status: str
    event: str
    payload: dict[str, Any] = field(hash=False)


def signals_for(
    match: Match, pledges: Mapping[str, Pledge], states: Mapping[str, PledgeState]
) -> list[Signal]:
    """Suggestions for each tracked pledge the item concerns whose status it would change."""
    if not match.relevant or suggested_status(match.event) is None:
        return []
    out = []
    for pledge_id in match.pledges:
        pledge, state = pledges.get(pledge_id), states.get(pledge_id)
        if pledge is None or state is None:
            continue
        suggested = suggested_status(match.event, state.status)
        if suggested is None or (state.status == suggested and match.event not in REAFFIRMING):
            continue
        payload = {
            "company": pledge.company,
            "company_name": pledge.company_name,
            "pledge_title": pledge.title,
            "current_status": state.status,
        }
        out.append(Signal(pledge_id, suggested, match.event, payload))
    return out
