"""Bill stages from each source's actions: the crosswalk, the fold, and the rule that an
unknown action never moves a bill."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.domain.bills import (
    STAGES,
    derive_stage,
    legiscan_status_stage,
    stage_history,
    text_step,
)
from bot.domain.types import BillAction
from tests.conftest import shared_path

FIXTURES = Path(__file__).parents[1] / "fixtures" / "tracking"


def congress_actions(data: dict) -> list[BillAction]:
    """Oldest first, as the Congress.gov adapter hands them (the API lists newest first)."""
    return [
        BillAction(
            date=date.fromisoformat(a["actionDate"]),
            text=a["text"],
            source_url="https://www.congress.gov/bill/117th-congress/house-bill/21/all-actions",
            codes=tuple(c for c in (a.get("type"), a.get("actionCode")) if c),
        )
        for a in reversed(data["actions"])
    ]


def test_congress_sample_yields_introduced_committee_then_house_passage() -> None:
    data = json.loads(
        shared_path("samples", "congressgov_v3_bill_actions_117-hr-21.json").read_text()
    )
    transitions, unknown = stage_history(congress_actions(data), source="congress")
    assert [(t.stage, t.action.date.isoformat()) for t in transitions] == [
        ("introduced", "2021-01-04"),
        ("in_committee", "2021-01-04"),
        ("passed_one_chamber", "2021-01-05"),
    ]
    # Debate, motions and the like are not stage changes; they are reported, not guessed.
    assert any("DEBATE" in a.text for a in unknown)


def test_congress_shapes_of_our_own_cover_both_chambers_and_the_president() -> None:
    rows = [  # newest first, as Congress.gov lists them; reversed below as the adapter does
        ("2022-03-15", "BecameLaw", "36000", "Became Public Law No: 117-103."),
        ("2022-03-15", "President", "29000", "Signed by President."),
        ("2022-03-11", "President", "28000", "Presented to President."),
        (
            "2022-03-10",
            "Floor",
            "17000",
            "Passed/agreed to in Senate: Passed Senate without amendment.",
        ),
        (
            "2022-03-09",
            "Floor",
            "8000",
            "Passed/agreed to in House: On motion that the House agree.",
        ),
        ("2021-05-01", "Committee", "5000", "Reported by the Committee on the Judiciary."),
        ("2021-04-01", "IntroReferral", "1000", "Introduced in House"),
    ]
    actions = [
        BillAction(date.fromisoformat(d), text, "https://example.gov/a", (t, c))
        for d, t, c, text in reversed(rows)
    ]
    transitions, _ = stage_history(actions, source="congress")
    assert [t.stage for t in transitions] == [
        "introduced",
        "reported",
        "passed_one_chamber",
        "passed_both",
        "sent_to_executive",
        "enacted",
    ]


def test_openstates_fixture_yields_the_washington_sequence() -> None:
    data = json.loads((FIXTURES / "openstates_wa_sb6280_actions.json").read_text())
    actions = [
        BillAction(
            date=date.fromisoformat(a["date"]),
            text=a["description"],
            source_url="https://openstates.org/wa/bills/2019-2020/SB6280/",
            codes=tuple(a["classification"]),
            chamber=a["organization"]["classification"],
        )
        for a in data["actions"]
    ]
    transitions, unknown = stage_history(actions, source="openstates")
    assert [(t.stage, t.action.date.isoformat()) for t in transitions] == [
        # One action both introduced and referred it: the later of the two stands.
        ("in_committee", "2020-01-14"),
        ("reported", "2020-01-23"),
        ("passed_one_chamber", "2020-02-19"),
        ("passed_both", "2020-03-06"),
        ("sent_to_executive", "2020-03-19"),
        ("enacted", "2020-03-31"),
    ]
    assert [a.text for a in unknown] == ["Minority; without recommendation."]


def test_legiscan_progress_fixture_yields_the_maryland_sequence() -> None:
    data = json.loads((FIXTURES / "legiscan_md_sb182_progress.json").read_text())["bill"]
    actions = [
        BillAction(
            date.fromisoformat(p["date"]),
            f"progress {p['event']}",
            "https://legiscan.com/MD/bill/SB182/2024",
            (str(p["event"]),),
        )
        for p in data["progress"]
    ]
    transitions, _ = stage_history(actions, source="legiscan")
    assert [t.stage for t in transitions] == [
        "introduced",
        "in_committee",
        "reported",
        "passed_one_chamber",
        "passed_both",
        "enacted",
    ]
    assert legiscan_status_stage(data["status"]) == transitions[-1].stage


def test_legiscan_sample_ends_where_its_status_says() -> None:
    data = json.loads(
        shared_path("samples", "legiscan_bill_AK_HB1_2011_bulkdataset.json").read_text()
    )["bill"]
    actions = [
        BillAction(date.fromisoformat(p["date"]), "", data["url"], (str(p["event"]),))
        for p in data["progress"]
    ]
    result = derive_stage(actions, source="legiscan")
    assert result.stage == legiscan_status_stage(str(data["status"])) == "passed_one_chamber"


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("Introduced in Senate", "introduced"),
        ("Prefiled and ordered printed", "introduced"),
        ("Referred to the Committee on the Judiciary.", "in_committee"),
        ("Ordered to be Reported in the Nature of a Substitute.", "reported"),
        ("Passed Senate with an amendment by Unanimous Consent.", "passage"),
        ("Third reading, passed; yeas, 27; nays, 21", "passage"),
        ("Presented to President.", "sent_to_executive"),
        ("Delivered to Governor.", "sent_to_executive"),
        ("Signed by Governor.", "enacted"),
        ("Became Public Law No: 116-283.", "enacted"),
        ("Chaptered by Secretary of State - Chapter 579, Statutes of 2019.", "enacted"),
        ("Vetoed by President.", "vetoed"),
        ("Veto overridden by the House and Senate.", "enacted"),
        ("Failed of passage in Senate by Yea-Nay Vote. 48 - 52.", "failed"),
        ("Withdrawn from further consideration.", "withdrawn"),
    ],
)
def test_action_text_rules(text: str, stage: str) -> None:
    step = text_step(text)
    assert step is not None
    assert step.kind == stage


@pytest.mark.parametrize(
    "text",
    [
        "Motion to reconsider laid on the table Agreed to without objection.",
        "DEBATE - The House proceeded with forty minutes of debate.",
        "Signed by President pro tempore of the Senate.",
        "Sponsor introductory remarks on measure.",
        "Cosponsor added.",
    ],
)
def test_unknown_action_text_moves_nothing(text: str) -> None:
    actions = [
        BillAction(date(2024, 1, 1), "Introduced in House", "https://x.example/a"),
        BillAction(date(2024, 1, 2), text, "https://x.example/b"),
    ]
    result = derive_stage(actions, source="text")
    assert result.stage == "introduced"
    assert result.date == date(2024, 1, 1)


def test_stage_never_moves_backwards_but_a_stop_holds_until_progress_past_it() -> None:
    def at(day: int, text: str) -> BillAction:
        return BillAction(date(2024, 3, day), text, "https://x.example")

    transitions, _ = stage_history(
        [
            at(1, "Introduced in House"),
            at(2, "Passed House"),
            at(3, "Referred to the Senate Committee on Commerce"),  # second chamber: no regress
            at(4, "Failed of passage in Senate"),
            at(5, "Passed Senate"),  # revived on reconsideration
            at(6, "Presented to President"),
            at(7, "Vetoed by President"),
            at(8, "Veto overridden"),
        ],
        source="text",
    )
    assert [t.stage for t in transitions] == [
        "introduced",
        "passed_one_chamber",
        "failed",
        "passed_both",
        "sent_to_executive",
        "vetoed",
        "enacted",
    ]


def test_enacted_is_not_undone_by_a_later_stop() -> None:
    actions = [
        BillAction(date(2024, 1, 1), "Signed by Governor", "https://x.example"),
        BillAction(date(2024, 2, 1), "Withdrawn", "https://x.example"),
    ]
    assert derive_stage(actions, source="text").stage == "enacted"


def test_every_stage_name_is_in_the_design_crosswalk() -> None:
    assert set(STAGES) == {
        "introduced",
        "in_committee",
        "reported",
        "passed_one_chamber",
        "passed_both",
        "sent_to_executive",
        "enacted",
        "vetoed",
        "failed",
        "withdrawn",
        "expired",
    }


def test_every_shipped_law_event_is_in_the_crosswalk_and_sourced_where_it_counts() -> None:
    from datetime import date

    from bot.domain.bills import FACT_STEPS, law_standing
    from bot.domain.watchlist import load_watchlist

    for law in load_watchlist().laws:
        for entry in law.history:
            assert entry.status in FACT_STEPS, f"{law.id}: decide what {entry.status} means"
        result = law_standing(law, today=date(2026, 12, 2))
        if result.stage is not None:
            assert (result.source_url or "").startswith("http"), law.id
