"""Webhook mode's settings read into a filter and a digest schedule, with clear errors."""

from __future__ import annotations

import pytest

from bot.domain.alerts import wants
from bot.domain.schedule import DigestSchedule
from bot.webhook_policy import webhook_filter, webhook_schedule


def test_no_setting_means_no_filter_and_no_digest():
    assert webhook_filter() is None
    assert webhook_schedule("off", hour=13, weekday_name="monday", timezone="UTC") is None


def test_kinds_companies_places_and_keywords_make_one_filter():
    flt = webhook_filter(
        kinds="News, bill_stage", companies="amazon", jurisdictions="US-WA", keywords="-lottery"
    )
    assert flt is not None
    assert (flt.kinds, flt.companies, flt.jurisdictions) == (
        ("news", "bill_stage"),
        ("amazon",),
        ("US-WA",),
    )
    news = {"title": "Spokane police", "companies": ["amazon"], "jurisdictions": ["US-WA-Spokane"]}
    assert wants(flt, "news", 2, news)
    assert not wants(flt, "news", 2, {**news, "title": "lottery cameras"})
    assert not wants(flt, "pledge_status", 3, news)


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"kinds": "news, rumours"}, "unknown kinds rumours: use news"),
        ({"companies": "acme"}, "unknown companies acme"),
        ({"jurisdictions": "Washington state!"}, "write places as codes"),
        ({"keywords": '"open'}, "quote is not closed"),
    ],
)
def test_a_bad_filter_setting_says_what_to_write(kwargs, says):
    with pytest.raises(ValueError, match=says):
        webhook_filter(**kwargs)


def test_a_digest_setting_becomes_a_schedule_or_a_clear_error():
    assert webhook_schedule(
        "weekly", hour=8, weekday_name="fri", timezone="Europe/Berlin"
    ) == DigestSchedule("weekly", 8, 4, "Europe/Berlin")
    with pytest.raises(ValueError, match="use off, daily or weekly"):
        webhook_schedule("hourly", hour=8, weekday_name="monday", timezone="UTC")
    with pytest.raises(ValueError, match="not a weekday"):
        webhook_schedule("weekly", hour=8, weekday_name="someday", timezone="UTC")
    with pytest.raises(ValueError, match="Unknown timezone"):
        webhook_schedule("daily", hour=8, weekday_name="monday", timezone="Nowhere/City")
