"""Every fact the bot states about the tracked pledges and laws, with its sources and labels.

The same facts the CLI and the cards show, as flat records, so they can be counted and
checked against the fact sheet (``scripts/fact_counts.py``, ``tests/matching``). Pure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.domain.bills import law_standing
from bot.domain.pledges import pledge_state
from bot.domain.watchlist import HistoryEntry, Law, Pledge, Watchlist


@dataclass(frozen=True, slots=True)
class Fact:
    """One stated fact: which entry, which field, its sources and the labels beside it."""

    entry: str
    field: str
    sources: tuple[str, ...]
    labels: tuple[str, ...] = ()
    derived: bool = False
    # For a history entry: its date and event name, as the sheet records them.
    event: tuple[str | None, str] | None = None

    @property
    def sourced(self) -> bool:
        web = ("http://", "https://")
        return bool(self.sources) and all(s.startswith(web) for s in self.sources)


def stated_facts(watchlist: Watchlist, *, today: date) -> list[Fact]:
    out: list[Fact] = []
    for pledge in watchlist.pledges:
        out += _pledge_facts(pledge, today)
    for law in watchlist.laws:
        if law.verified_existence:
            out += _law_facts(law, today)
    return out


def _pledge_facts(p: Pledge, today: date) -> Iterator[Fact]:
    state = pledge_state(p, today=today)
    yield Fact(
        p.id,
        "status",
        tuple(u for u in (state.source_url,) if u),
        state.caveats,
        derived=bool(state.basis),
    )
    yield Fact(p.id, "announced", (p.announced_source_url,), tuple(_one(p.caveats, "announced")))
    if p.scope_quote and p.scope_quote_source_url:
        yield Fact(
            p.id, "scope_quote", (p.scope_quote_source_url,), tuple(_one(p.caveats, "scope_quote"))
        )
    for n, quote in enumerate(p.additional_quotes, 1):
        yield Fact(p.id, f"quote {n}", (quote.source_url,))
    if p.conditions:
        yield Fact(p.id, "conditions", p.conditions_sources)
    if p.exceptions and p.exceptions_quote:
        yield Fact(p.id, "exceptions", (p.exceptions_quote.source_url,))
    if p.expiry:
        yield Fact(p.id, "expiry", p.expiry_sources)
    if state.deadline is not None:
        yield Fact(
            p.id,
            "deadline",
            (state.deadline.source_url,),
            ("derived",) if state.deadline.derived else (),
            derived=state.deadline.derived,
        )
    yield from _history(p.id, p.history)


def _law_facts(law: Law, today: date) -> Iterator[Fact]:
    standing = law_standing(law, today=today)
    if standing.stage is not None:
        yield Fact(
            law.id,
            "stage",
            tuple(u for u in (standing.source_url,) if u),
            standing.caveats,
            derived=standing.derived,
        )
    if law.source_url is None:
        return
    entry_facts = {
        "bill_numbers": law.bill_ids,
        "session": law.session,
        "introduced_date": law.introduced_date,
        "sponsors": None if "sponsors" in law.source_notes else law.sponsors,
        "exceptions": None if "exceptions" in law.source_notes else law.exceptions,
        "conditions": law.conditions,
    }
    for name, value in entry_facts.items():
        if value:
            yield Fact(law.id, name, (law.source_url,), tuple(_one(law.caveats, name)))
    for bill in law.bill_ids:
        if bill in law.caveats:
            yield Fact(law.id, f"bill {bill}", (law.source_url,), (law.caveats[bill],))
    if law.scope_quote:
        source = law.scope_quote_source_url or law.source_url
        yield Fact(law.id, "scope_quote", (source,), tuple(_one(law.caveats, "scope_quote")))
    if law.fr_provisions and law.fr_provisions_sources:
        yield Fact(law.id, "fr_provisions", law.fr_provisions_sources)
    yield from _history(law.id, law.history)


def _history(entry_id: str, history: tuple[HistoryEntry, ...]) -> Iterator[Fact]:
    for e in history:
        if e.source_url is None:
            continue
        yield Fact(
            entry_id,
            f"history {e.status}",
            (e.source_url, *e.extra_sources),
            e.caveats,
            derived=e.verification == "derived",
            event=(e.date.isoformat() if e.date else None, e.status),
        )


def _one(labels: dict[str, str], name: str) -> list[str]:
    return [labels[name]] if name in labels else []


# --- Checking against the fact sheet ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Check:
    fact: Fact
    matches: bool
    why: str = ""


def check_facts(facts: list[Fact], sheet: dict[str, Any]) -> list[Check]:
    """Whether each fact's sources are ones the fact sheet (its parsed YAML) gives for that
    same fact, and a history entry's date and event are the sheet's."""
    entries = {e["id"]: e for e in [*sheet.get("pledges", []), *sheet.get("laws_and_bills", [])]}
    out = []
    for fact in facts:
        entry = entries.get(fact.entry)
        if entry is None:
            out.append(Check(fact, False, "no such entry in the fact sheet"))
            continue
        allowed, why = _allowed(entry, fact)
        stray = [s for s in fact.sources if s not in allowed]
        if why:
            out.append(Check(fact, False, why))
        elif stray:
            out.append(Check(fact, False, f"not the sheet's source for this fact: {stray}"))
        else:
            out.append(Check(fact, True))
    return out


def _allowed(entry: dict[str, Any], fact: Fact) -> tuple[set[str], str]:
    history = entry.get("status_history") or []
    name = fact.field
    if fact.event is not None:
        same = [
            h for h in history if (h.get("date"), h["status"]) == fact.event and h.get("source_url")
        ]
        if not same:
            return set(), f"the sheet has no event {fact.event}"
        return {u for h in same for u in _urls(h)}, ""
    if name in ("status", "stage"):
        return {u for h in history for u in _urls(h)} | _set(entry.get("announced_source_url")), ""
    if name == "announced":
        return _set(entry.get("announced_source_url")), ""
    if name == "scope_quote":
        own = entry.get("scope_quote_source_url") or entry.get("source_url")
        return _set(own), ""
    if name.startswith("quote "):
        quotes = {q.get("source_url") for q in entry.get("additional_quotes") or []}
        quotes |= {entry.get("later_terms_source_url"), entry.get("board_quote_source_url")}
        return {_undouble(u) for u in quotes if u}, ""
    if name == "conditions" and "company" in entry:
        return {_undouble(u) for u in entry.get("conditions_sources") or []}, ""
    if name == "deadline":  # an original term, stated in the scope quote
        return _set(entry.get("scope_quote_source_url")), ""
    if name == "fr_provisions":
        return {_undouble(u) for u in entry.get("facial_recognition_sources") or []}, ""
    if name in ("exceptions", "expiry") and "company" in entry:
        return {_undouble(u) for u in entry.get(f"{name}_sources") or []}, ""
    return _set(entry.get("source_url")), ""


def _urls(h: dict[str, Any]) -> set[str]:
    return {_undouble(u) for u in [h.get("source_url"), *(h.get("extra_sources") or [])] if u}


def _set(url: str | None) -> set[str]:
    return {_undouble(url)} if url else set()


def _undouble(url: str) -> str:
    """The sheet's notes: an address returned twice over (King County) is its first half."""
    parts = url.split("https://")
    return "https://" + parts[1] if url.startswith("https://") and len(parts) == 3 else url


@dataclass(frozen=True, slots=True)
class Counts:
    stated: int
    sourced: int
    matching: int
    labelled: int
    derived: int
    derived_labelled: int


def count_facts(checks: list[Check]) -> Counts:
    facts = [c.fact for c in checks]
    return Counts(
        stated=len(facts),
        sourced=sum(f.sourced for f in facts),
        matching=sum(c.matches for c in checks),
        labelled=sum(bool(f.labels) for f in facts),
        derived=sum(f.derived for f in facts),
        derived_labelled=sum(f.derived and "derived" in f.labels for f in facts),
    )
