"""Which alerts a follow brings: every change to the followed bill, pledge or place."""

from __future__ import annotations

import pytest

from bot.domain.follows import Follow, bill_key_parts, compact_bill_number, follow_wants

LAW = "us-frbtma-118"
AMAZON = "amazon-rekognition-police-moratorium"


@pytest.mark.parametrize(
    ("follow", "kind", "payload", "wanted"),
    [
        (Follow("bill", LAW), "bill_stage", {"key": "us-118-s-681", "tracked_id": LAW}, True),
        (Follow("bill", "us-119-s-1"), "new_bill", {"key": "us-119-s-1"}, True),
        (Follow("bill", LAW), "bill_stage", {"key": "us-118-s-682", "tracked_id": None}, False),
        (Follow("bill", LAW), "news", {"bills": [LAW], "title": "S.681 heard"}, True),
        (Follow("bill", LAW), "news", {"bills": []}, False),
        (Follow("pledge", AMAZON), "pledge_status", {"pledge_id": AMAZON}, True),
        (Follow("pledge", AMAZON), "pledge_deadline", {"pledge_id": "ibm"}, False),
        (Follow("pledge", AMAZON), "pledge_signal", {"pledge_id": AMAZON}, True),
        (Follow("pledge", AMAZON), "news", {"pledges": [AMAZON]}, True),
        (Follow("place", "US-CA"), "news", {"jurisdictions": ["US-CA-San Francisco"]}, True),
        (Follow("place", "US-CA"), "new_bill", {"jurisdictions": ["US-CA"]}, True),
        (Follow("place", "US-CA"), "news", {"jurisdictions": ["US-CAN"]}, False),
        (Follow("place", "US-CA"), "feed_health", {"jurisdictions": ["US-CA"]}, False),
    ],
)
def test_a_follow_wants_every_change_to_what_it_names(follow, kind, payload, wanted):
    assert follow_wants(follow, kind, payload) is wanted


def test_bill_keys_name_their_place_session_and_number():
    assert bill_key_parts("us-117-s-4084") == ("US-federal", "117", "s-4084")
    assert bill_key_parts("us-wa-2020-sb-6280") == ("US-WA", "2020", "sb-6280")
    assert bill_key_parts("federalregister:2024-1") is None
    assert compact_bill_number("S. 4084") == compact_bill_number("s-4084") == "s4084"
