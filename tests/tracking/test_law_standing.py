"""Where every tracked law stands, read off the fact sheet's own events: one-chamber bodies,
in-force dates, rollbacks and replacements, and the end of a Congress. Pure."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.bills import (
    Standing,
    bill_standing,
    congress_end,
    congress_of,
    law_standing,
    with_runtime,
)
from bot.domain.watchlist import Law, load_watchlist

WATCHLIST = load_watchlist()
TODAY = date(2026, 12, 2)

# (stage, date, the fact-sheet event it stands on, labels shown beside it), read off
# ../shared/facts/moratoria.yaml and NOTES.md by hand:
# - a federal bill whose Congress ended with no enactment is expired on the day it ended,
#   derived (January 3 of 1789 + 2n);
# - a council's approval enacts an ordinance; a later signature dates it instead;
# - an in-force date is not a passage date (Virginia HB 2031 has none: enacted, undated);
# - Oakland's unanimous approval of 2019-07-16 counts; its final adoption is unverified.
EXPECTED: dict[str, tuple[str | None, str | None, str | None, tuple[str, ...]]] = {
    "us-frbtma-116": ("expired", "2021-01-03", "congress_ended", ("derived",)),
    "us-frbtma-117": ("expired", "2023-01-03", "expired", ("derived",)),
    "us-frbtma-118": ("expired", "2025-01-03", "expired", ("derived",)),
    "us-ethical-use-fr-act-116": ("expired", "2021-01-03", "congress_ended", ("derived",)),
    "us-gfjpa-116": ("expired", "2021-01-03", "congress_ended", ("derived",)),
    "us-gfjpa-117": ("expired", "2023-01-03", "congress_ended", ("derived",)),
    "us-stop-biometric-surveillance-le-act-116": (
        "expired",
        "2021-01-03",
        "congress_ended",
        ("derived",),
    ),
    "us-federal-police-camera-accountability-act-118": (
        "expired",
        "2025-01-03",
        "congress_ended",
        ("derived",),
    ),
    "us-police-camera-act-118-119": ("introduced", "2025-02-11", "reintroduced_house", ()),
    "us-hr3782-119": ("introduced", "2025-06-05", "introduced_house", ()),
    "us-facial-recognition-act-2025": (
        "in_committee",
        "2025-07-23",
        "introduced_and_referred",
        (),
    ),
    "wa-sb6280-2020": ("enacted", "2020-03-31", "signed_partial_veto", ()),
    "ca-ab1215-2019": ("expired", "2023-01-01", "sunset", ()),
    "vt-s124-2020": ("enacted", "2020-10-07", "signed", ("derived",)),
    "ma-police-reform-2020": ("enacted", "2020-12-31", "signed", ()),
    "me-ld1585-2021": (
        "enacted",
        "2021-06-30",
        "enacted_without_signature",
        ("sources conflict: CNET says 'enacted Thursday'",),
    ),
    "va-hb2031-2021": ("enacted", None, "effective", ("derived",)),
    "va-sb741-2022": ("enacted", "2022-04-27", "became_law", ()),
    "ny-schools-biometric-moratorium-2020": ("enacted", "2020-12-22", "signed", ()),
    "co-sb22-113-2022": ("enacted", "2022-06-08", "signed", ()),
    "mt-sb397-2023": ("enacted", "2023-06-29", "signed", ("one source only",)),
    "md-sb182-2024": ("enacted", "2024-05-16", "signed", ()),
    "sf-stop-secret-surveillance-2019": ("enacted", "2019-05-21", "final_passage", ("derived",)),
    "somerville-ma-2019": ("enacted", "2019-06-28", "mayor_approved", ("derived",)),
    "oakland-ca-2019": (
        "enacted",
        "2019-07-16",
        "passed_first_vote",
        ("final adoption unverified",),
    ),
    "boston-ma-2020": ("enacted", "2020-06-30", "signed", ()),
    "portland-or-2020": ("enacted", "2020-09-09", "passed", ()),
    "portland-me-2020": ("enacted", "2020-11-03", "approved_by_voters", ()),
    "minneapolis-mn-2021": ("enacted", "2021-02-12", "passed", ()),
    "king-county-wa-2021": ("enacted", "2021-06-17", "enacted", ()),
    "new-orleans-la-2020-2022": ("enacted", "2020-12-17", "ban_passed", ("derived",)),
    # A court-enforced settlement, not legislation: no stage.
    "detroit-mi-williams-settlement-2024": (None, None, None, ()),
    "eu-ai-act-rbi-prohibition": ("enacted", "2024-06-13", "adopted", ()),
}


def _row(s: Standing) -> tuple[str | None, str | None, str | None, tuple[str, ...]]:
    return (s.stage, s.date.isoformat() if s.date else None, s.event, s.caveats)


def test_every_law_stands_where_the_fact_sheet_puts_it() -> None:
    assert len(WATCHLIST.laws) == 34
    got = {law.id: _row(law_standing(law, today=TODAY)) for law in WATCHLIST.laws}
    # The 119th-Congress reintroduction is unconfirmed: no stage, and it is not listed.
    assert got == {**EXPECTED, "us-frbtma-119": (None, None, None, ())}


def test_a_council_approval_is_never_passed_both() -> None:
    local = [law for law in WATCHLIST.laws if law.level == "local" and law.history]
    assert local
    for law in local:
        standing = law_standing(law, today=TODAY)
        assert standing.stage != "passed_both", law.id


def test_in_force_dates_are_shown_apart_from_passage() -> None:
    portland = law_standing(WATCHLIST.law("portland-or-2020"), today=TODAY)
    assert portland.date == date(2020, 9, 9)
    assert [e.date for e in portland.in_force] == [date(2021, 1, 1)]
    washington = law_standing(WATCHLIST.law("wa-sb6280-2020"), today=TODAY)
    [effective] = washington.in_force
    assert effective.date == date(2021, 7, 1)
    assert effective.caveats == ("sources conflict: insideprivacy: June 11, 2020",)
    hb2031 = law_standing(WATCHLIST.law("va-hb2031-2021"), today=TODAY)
    assert hb2031.date is None  # its enactment date is not in the sheet: never the in-force date
    assert hb2031.basis == ("in force from 2021-07-01: Enacted as Chapter 537, effective 7/1/21.",)


def test_a_replaced_law_shows_what_replaced_it() -> None:
    standing = law_standing(WATCHLIST.law("va-hb2031-2021"), today=TODAY)
    assert standing.change is not None
    assert (standing.change.kind, standing.change.entry.date) == ("replaced", date(2022, 4, 27))
    assert "SB 741" in standing.change.entry.summary


def test_a_rollback_signing_is_the_rollbacks_not_the_bans_enactment() -> None:
    standing = law_standing(WATCHLIST.law("new-orleans-la-2020-2022"), today=TODAY)
    assert (standing.stage, standing.date) == ("enacted", date(2020, 12, 17))
    assert standing.change is not None
    assert standing.change.kind == "partly_reversed"
    assert standing.change.entry.date == date(2022, 7, 21)
    assert standing.change.signed is not None
    assert standing.change.signed.date == date(2022, 7, 28)
    assert standing.change.signed.caveats[0].startswith("sources conflict")


@pytest.mark.parametrize(
    ("number", "end"),
    [
        (1, date(1791, 3, 4)),
        (72, date(1933, 3, 4)),
        (73, date(1935, 1, 3)),
        (116, date(2021, 1, 3)),
        (117, date(2023, 1, 3)),
        (118, date(2025, 1, 3)),
        (119, date(2027, 1, 3)),
    ],
)
def test_a_congress_ends_on_january_3_of_1789_plus_2n(number: int, end: date) -> None:
    assert congress_end(number) == end


@pytest.mark.parametrize(
    ("session", "key", "number"),
    [
        ("117th Congress, 1st Session", "", 117),
        ("118th and 119th Congresses", "", 119),
        ("117", "us-117-hr-3907", 117),
        (None, "us-119-s-12", 119),
    ],
)
def test_the_congress_of_a_bill(session: str | None, key: str, number: int) -> None:
    assert congress_of("US-federal", session, key) == number
    assert congress_of("US-WA", session, key) is None


def test_a_bill_of_the_current_congress_expires_only_when_it_ends() -> None:
    law = WATCHLIST.law("us-hr3782-119")
    assert law_standing(law, today=date(2027, 1, 2)).stage == "introduced"
    after = law_standing(law, today=date(2027, 1, 3))
    assert (after.stage, after.date, after.derived) == ("expired", date(2027, 1, 3), True)
    assert after.basis[-1] == "the 119th Congress ended on 2027-01-03"


def test_a_finished_congress_record_never_turns_expired_back() -> None:
    law = WATCHLIST.law("us-frbtma-117")
    shipped = law_standing(law, today=TODAY)
    learned = with_runtime(
        shipped,
        "in_committee",
        date(2021, 6, 15),
        "https://www.congress.gov/bill/117th-congress/house-bill/3907",
        jurisdiction="US-federal",
        session="117",
        key="us-117-hr-3907",
        today=TODAY,
    )
    assert learned == shipped


def test_an_older_stage_never_overrides_a_later_shipped_one() -> None:
    law = WATCHLIST.law("us-facial-recognition-act-2025")  # in committee since 2025-07-23
    shipped = law_standing(law, today=TODAY)
    kwargs = {"jurisdiction": "US-federal", "session": "119", "key": "us-119-hr-4695"}
    older = with_runtime(shipped, "introduced", date(2025, 7, 23), None, today=TODAY, **kwargs)
    assert older == shipped
    later = with_runtime(
        shipped, "passed_one_chamber", date(2026, 3, 1), "https://x.example", today=TODAY, **kwargs
    )
    assert (later.stage, later.date, later.source_url) == (
        "passed_one_chamber",
        date(2026, 3, 1),
        "https://x.example",
    )
    # an enacted law stays enacted, whatever a later record says
    enacted = law_standing(WATCHLIST.law("wa-sb6280-2020"), today=TODAY)
    again = with_runtime(
        enacted,
        "in_committee",
        date(2024, 1, 1),
        None,
        jurisdiction="US-WA",
        session="2020",
        key="us-wa-2020-sb-6280",
        today=TODAY,
    )
    assert again == enacted


def test_an_untracked_bill_of_a_finished_congress_shows_expired_derived() -> None:
    standing = bill_standing(
        "in_committee",
        date(2021, 6, 15),
        "https://www.congress.gov/bill/117th-congress/house-bill/1",
        jurisdiction="US-federal",
        session="117",
        key="us-117-hr-1",
        today=TODAY,
    )
    assert (standing.stage, standing.date, standing.caveats) == (
        "expired",
        date(2023, 1, 3),
        ("derived",),
    )
    assert standing.basis == (
        "last recorded stage in committee (2021-06-15)",
        "the 117th Congress ended on 2023-01-03",
    )
    state_bill = bill_standing(
        "in_committee", date(2021, 6, 15), None, jurisdiction="US-WA", session="2021",
        key="us-wa-2021-sb-1", today=TODAY,
    )
    assert state_bill.stage == "in_committee"


def test_an_unconfirmed_entry_is_watched_for_not_listed() -> None:
    unconfirmed = [law for law in WATCHLIST.laws if not law.verified_existence]
    assert [law.id for law in unconfirmed] == ["us-frbtma-119"]
    [law] = unconfirmed
    assert isinstance(law, Law)
    assert "no 119th-Congress reintroduction" in (law.note or "")
