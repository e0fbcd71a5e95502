"""Pledge status derived from the shipped, sourced history, and the reminders it calls for."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.pledges import (
    EVENT_STATUS,
    PLEDGE_STATUSES,
    pledge_state,
    reminders,
    term_deadline,
)
from bot.domain.watchlist import HistoryEntry, Watchlist, load_watchlist

TODAY = date(2026, 11, 23)
# Read off ../shared/facts/moratoria.yaml by hand: where each pledge stands, and since when.
EXPECTED = {
    "ibm-2020-general-purpose-fr-exit": ("active", date(2020, 6, 8)),
    "amazon-rekognition-police-moratorium": ("extended", date(2021, 5, 18)),
    "microsoft-us-police-fr-sales-pledge": ("conditional", date(2020, 6, 11)),
    "google-cloud-no-general-purpose-fr-api": ("active", date(2018, 12, 13)),
    "axon-no-face-matching-on-body-cameras": ("active", date(2019, 6, 27)),
    "meta-facebook-face-recognition-shutdown": ("reversed_or_disputed", date(2024, 10, 22)),
    "clearview-aclu-bipa-settlement": ("active", date(2022, 5, 9)),
}


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return load_watchlist()


def test_every_shipped_pledge_status_matches_the_fact_sheet(watchlist: Watchlist) -> None:
    got = {p.id: pledge_state(p, today=TODAY) for p in watchlist.pledges}
    assert {k: (s.status, s.since) for k, s in got.items()} == EXPECTED
    for state in got.values():
        assert state.source_url
        assert state.source_url.startswith("http")


def test_every_history_entry_has_a_source_and_a_known_event(watchlist: Watchlist) -> None:
    for pledge in watchlist.pledges:
        for entry in pledge.history:
            assert entry.source_url, f"{pledge.id}: {entry.status} has no source"
            assert entry.status in EVENT_STATUS, f"{pledge.id}: decide what {entry.status} means"


def test_disputed_reports_are_noted_without_changing_status(watchlist: Watchlist) -> None:
    ibm = pledge_state(watchlist.pledge("ibm-2020-general-purpose-fr-exit"))
    amazon = pledge_state(watchlist.pledge("amazon-rekognition-police-moratorium"))
    assert [d.status for d in ibm.disputes] == ["criticized_possible_reversal"]
    assert [d.status for d in amazon.disputes] == ["scope_disputed"]
    assert (ibm.status, amazon.status) == ("active", "extended")


def test_amazon_original_term_is_one_year_and_labelled_derived(watchlist: Watchlist) -> None:
    deadline = term_deadline(watchlist.pledge("amazon-rekognition-police-moratorium"))
    assert deadline is not None
    assert deadline.day == date(2021, 6, 10)
    assert deadline.derived
    assert "derived" in deadline.label


def test_no_pledge_states_a_deadline_the_fact_sheet_does_not_give(watchlist: Watchlist) -> None:
    with_deadline = {
        p.id for p in watchlist.pledges if pledge_state(p, today=TODAY).deadline is not None
    }
    assert with_deadline == set()  # Amazon's term ended in an extension; no other has one


def test_term_running_out_with_no_extension_is_expired(watchlist: Watchlist) -> None:
    amazon = watchlist.pledge("amazon-rekognition-police-moratorium")
    announced_only = amazon.model_copy(update={"history": amazon.history[:1]})
    assert pledge_state(announced_only, today=date(2021, 6, 10)).status == "active"
    late = pledge_state(announced_only, today=date(2021, 6, 11))
    assert (late.status, late.since) == ("expired", date(2021, 6, 10))


def test_reminders_fall_30_7_1_and_0_days_before_and_stop_after_extension(
    watchlist: Watchlist,
) -> None:
    amazon = watchlist.pledge("amazon-rekognition-police-moratorium")
    announced_only = amazon.model_copy(update={"history": amazon.history[:1]})
    due = reminders(pledge_state(announced_only))
    assert [(r.days_before, r.at) for r in due] == [
        (30, datetime(2021, 5, 11, 13, tzinfo=UTC)),
        (7, datetime(2021, 6, 3, 13, tzinfo=UTC)),
        (1, datetime(2021, 6, 9, 13, tzinfo=UTC)),
        (0, datetime(2021, 6, 10, 13, tzinfo=UTC)),
    ]
    assert len({r.key for r in due}) == 4
    assert reminders(pledge_state(amazon)) == []  # extended: nothing left to remind


def test_a_confirmed_change_follows_the_shipped_history(watchlist: Watchlist) -> None:
    microsoft = watchlist.pledge("microsoft-us-police-fr-sales-pledge")
    lifted = HistoryEntry(
        date=date(2026, 11, 1),
        status="lifted",
        summary="Confirmed by a moderator.",
        source_url="https://example.org/report",
        verification="verified",
    )
    state = pledge_state(microsoft, [lifted])
    assert (state.status, state.since, state.source_url) == (
        "lifted",
        date(2026, 11, 1),
        "https://example.org/report",
    )


def test_status_names_are_the_design_model() -> None:
    assert set(PLEDGE_STATUSES) == {
        "active",
        "conditional",
        "expired",
        "extended",
        "lifted",
        "reversed_or_disputed",
        "superseded",
    }
