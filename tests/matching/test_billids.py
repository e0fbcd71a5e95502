"""Bill identifiers: every written form, normalized one way, and the look-alikes left alone."""

from __future__ import annotations

import pytest

from bot.domain.billids import BillContext, extract_bill_ids, normalize_bill_id

FEDERAL = BillContext(legislative=True)
VERMONT = BillContext(federal=False, state_prefixes={"senate": "S", "house": "H"}, legislative=True)
NEW_YORK = BillContext(
    federal=False, state_prefixes={"senate": "S", "house": "A", "assembly": "A"}, legislative=True
)
CALIFORNIA = BillContext(
    federal=False, state_prefixes={"senate": "SB", "house": "AB", "assembly": "AB"},
    legislative=True,
)
CALIFORNIA_HOUSE = BillContext(federal=False, state_prefixes={"house": "HB"})
COLORADO_2025 = BillContext(
    federal=False, state_prefixes={"senate": "SB", "house": "HB"}, year_prefix=True,
    year=2025, legislative=True,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("S. 4084", ("S.4084",)),
        ("S.4084", ("S.4084",)),
        ("Senate Bill 4084", ("S.4084",)),
        ("HR 3907", ("H.R.3907",)),
        ("H.R.3907", ("H.R.3907",)),
        ("H. R. 3907", ("H.R.3907",)),
        ("117 HR 3907 IH: a moratorium act", ("H.R.3907",)),
        ("the bill S2052 would", ("S.2052",)),
        ("H.Res. 45 and S. Res. 9", ("H.Res.45", "S.Res.9")),
        ("S. 681 and H.R. 1404, companion bills", ("S.681", "H.R.1404")),
    ],
)
def test_federal_forms_normalize_without_spaces(text: str, expected: tuple[str, ...]) -> None:
    assert extract_bill_ids(text, FEDERAL) == expected


@pytest.mark.parametrize(
    ("text", "ctx", "expected"),
    [
        ("ESSB 6280 was signed", CALIFORNIA, ("SB 6280",)),
        ("E2SHB 1234 passed", CALIFORNIA, ("HB 1234",)),
        ("(AB 1215)", CALIFORNIA, ("AB 1215",)),
        ("Assembly Bill 2261 cleared", CALIFORNIA, ("AB 2261",)),
        ("Senate Bill 397 was sent", CALIFORNIA, ("SB 397",)),
        ("HB1339: facial recognition", CALIFORNIA, ("HB 1339",)),
        ("HOUSE BILL NO. 1339", CALIFORNIA_HOUSE, ("HB 1339",)),
        ("S.B. 741 and A.B. 12", CALIFORNIA, ("SB 741", "AB 12")),
        ("LD 1585", FEDERAL, ("LD 1585",)),
        ("L.D. 1585", FEDERAL, ("LD 1585",)),
        ("statute (S. 124, Section 14)", VERMONT, ("S 124",)),
        ("the enactment of S.124", VERMONT, ("S 124",)),
        ("H.195 on exploitation cases", VERMONT, ("H 195",)),
        ("A6787-D/S5140-B", NEW_YORK, ("A 6787", "S 5140")),
        ("Council Bill 21-0001", BillContext(), ("CB 21-0001",)),
    ],
)
def test_state_forms_use_the_state_prefix_and_one_space(
    text: str, ctx: BillContext, expected: tuple[str, ...]
) -> None:
    assert extract_bill_ids(text, ctx) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SB22-113", ("SB 22-113",)),
        ("SB 25-143 and HB 24-1130", ("SB 25-143", "HB 24-1130")),
        ("SENATE BILL 25-143 CONCERNING", ("SB 25-143",)),
        ("Colorado Senate Bill SB143 draft", ("SB 25-143",)),
    ],
)
def test_colorado_ids_carry_the_session_year(text: str, expected: tuple[str, ...]) -> None:
    assert extract_bill_ids(text, COLORADO_2025) == expected


def test_same_letters_mean_a_state_bill_in_a_state_story() -> None:
    assert extract_bill_ids("S. 124", VERMONT) == ("S 124",)
    assert extract_bill_ids("S. 124", FEDERAL) == ("S.124",)


def test_local_file_numbers_need_a_known_council_prefix() -> None:
    assert extract_bill_ids("File #: 20-0606", BillContext(council_prefix="CB")) == ("CB 20-0606",)
    assert extract_bill_ids("File #: 20-0606", BillContext()) == ()


@pytest.mark.parametrize(
    "text",
    [
        "S&P 500 closed higher",
        "the H.R. department hired staff",
        "HR 2021 trends report",
        "Galaxy S21 and S10 phones",
        "iPhone 12 and Windows 10",
        "A 2021 law requires",
        "LD50 toxicity tests",
        "U.S. 2052 plan",
        "Regulation (EU) 2024/1689",
        "Route S 45 closed",
    ],
)
def test_look_alikes_are_not_bill_ids(text: str) -> None:
    assert extract_bill_ids(text, BillContext()) == ()


def test_undotted_single_letter_forms_need_legislative_context() -> None:
    assert extract_bill_ids("model S2052 ships", BillContext()) == ()
    assert extract_bill_ids("bill S2052 filed", BillContext(legislative=True)) == ("S.2052",)


def test_ids_come_in_order_of_first_appearance_without_repeats() -> None:
    text = "AB 1215 passed; AB 1215 heads to the governor with SB 6280 and AB 1215"
    assert extract_bill_ids(text, CALIFORNIA) == ("AB 1215", "SB 6280")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ESSB 6280", "SB 6280"), ("H.R. 3907", "H.R.3907"), ("S.4084", "S.4084"),
     ("LD1585", "LD 1585"), ("hello", None), ("SB 1 and SB 2", None)],
)
def test_normalize_one_identifier(raw: str, expected: str | None) -> None:
    assert normalize_bill_id(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("117_HR_3907: Facial Recognition and Biometric Technology Moratorium Act", ("H.R.3907",)),
        ("Tracker page 118_S_681", ("S.681",)),
        ("BILLS-117s2052is.xml", ("S.2052",)),
        ("see BILLS-116hr7356ih and S. 4084", ("H.R.7356", "S.4084")),
        ("S. 4084 and BILLS-116hr7356ih", ("S.4084", "H.R.7356")),
        ("file_2021_notes 12", ()),
    ],
)
def test_congress_prefixed_forms_read_as_the_federal_number(
    text: str, expected: tuple[str, ...]
) -> None:
    assert extract_bill_ids(text, BillContext()) == expected
