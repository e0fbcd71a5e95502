"""A source is cited only for what it says: every fact the bot states carries a source URL
that the fact sheet gives for that same fact (read from ../shared; skipped when absent)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml

from bot.domain.facts import Fact, check_facts, count_facts, stated_facts
from bot.domain.watchlist import load_watchlist
from tests.conftest import shared_path

TODAY = date(2026, 12, 2)


@pytest.fixture(scope="module")
def sheet() -> dict[str, Any]:
    path = shared_path("facts", "moratoria.yaml")
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def test_every_stated_fact_cites_a_source_the_sheet_gives_for_it(sheet: dict[str, Any]) -> None:
    checks = check_facts(stated_facts(load_watchlist(), today=TODAY), sheet)
    wrong = [f"{c.fact.entry} {c.fact.field}: {c.why}" for c in checks if not c.matches]
    assert wrong == []
    counts = count_facts(checks)
    assert counts.stated == counts.sourced == counts.matching
    assert counts.derived == counts.derived_labelled  # every derived fact says so


def test_a_source_the_project_attached_itself_is_caught(sheet: dict[str, Any]) -> None:
    """The check can fail: conditions cited with the announcement's source are refused."""
    amazon = next(p for p in sheet["pledges"] if p["company"].startswith("Amazon"))
    attached = Fact(amazon["id"], "conditions", (amazon["announced_source_url"],))
    [check] = check_facts([attached], sheet)
    assert not check.matches
    doubled = next(law for law in sheet["laws_and_bills"] if law["id"] == "king-county-wa-2021")
    first_half = "https://" + doubled["source_url"].split("https://")[1]
    [fine] = check_facts([Fact(doubled["id"], "session", (first_half,))], sheet)
    assert fine.matches  # the sheet's doubled address, read as its notes say: the first half


def test_facts_the_sheet_gives_no_source_for_are_not_stated(sheet: dict[str, Any]) -> None:
    watchlist = load_watchlist()
    for entry in sheet["pledges"]:
        pledge = watchlist.pledge(entry["id"])
        if not entry.get("conditions_sources"):
            assert pledge.conditions is None, pledge.id
        # The sheet never gives an expiry or an exceptions quote a source of its own.
        assert (pledge.expiry, pledge.expiry_sources, pledge.exceptions_quote) == (None, (), None)
        if pledge.term_months:  # an original term is the one the scope quote states
            assert pledge.term_source_url == entry["scope_quote_source_url"]
            assert "one-year" in entry["scope_quote"]


def test_every_caveat_in_the_sheet_is_shown_beside_its_fact(sheet: dict[str, Any]) -> None:
    """Entries the sheet marks derived, conflicting or approximate carry that label."""
    facts = {
        (f.entry, f.event): f for f in stated_facts(load_watchlist(), today=TODAY) if f.event
    }
    marked = 0
    for entry in sheet["pledges"] + sheet["laws_and_bills"]:
        for h in entry["status_history"]:
            if not h.get("source_url"):
                continue
            fact = facts[(entry["id"], (h.get("date"), h["status"]))]
            if h["verification"] == "derived":
                assert "derived" in fact.labels, fact
                marked += 1
            if h["verification"] == "conflict":
                assert fact.labels[0].startswith("sources conflict"), fact
                marked += 1
            if h.get("date") is None and h.get("approx_date"):
                assert any(label.startswith("approximate") for label in fact.labels), fact
                marked += 1
    assert marked >= 20
