"""Command answers as embeds (pure): every shipped pledge and law renders within Discord's
limits, with a source on every fact and nothing the fact sheet leaves null; hostile and huge
text still gives valid embeds."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import discord
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.delivery.embeds import problems
from bot.domain.pledges import pledge_state
from bot.domain.watchlist import load_watchlist
from bot.exts.cards import bill_card, bill_pages, feed_pages, news_pages, pledge_card
from bot.status import BillStatusView, PledgeStatusView, _law_view
from storage.records import FeedState, StoryView

LINK = re.compile(r"\]\(https?://[^)\s]+\)")
WATCHLIST = load_watchlist()
TODAY = date(2026, 1, 5)


def texts(embed: discord.Embed) -> list[str]:
    return [embed.title or "", embed.description or ""] + [
        f"{f.name}\n{f.value}" for f in embed.fields
    ]


@pytest.mark.parametrize("pledge", WATCHLIST.pledges, ids=lambda p: p.id)
def test_every_pledge_card_is_valid_and_sources_every_fact(pledge):
    card = pledge_card(PledgeStatusView(pledge, pledge_state(pledge, today=TODAY)))

    assert problems(card) == []
    assert not any("None" in t for t in texts(card))
    assert LINK.search(card.description or "")
    for f in card.fields:
        assert LINK.search(f.value), f"{pledge.id}: field {f.name} has no source"
    names = [f.name for f in card.fields]
    assert ("Scope" in names) == bool(pledge.scope_quote)
    assert ("Conditions" in names) == bool(pledge.conditions)
    assert ("Exceptions" in names) == bool(pledge.exceptions and pledge.exceptions_quote)


@pytest.mark.parametrize("law", WATCHLIST.laws, ids=lambda law: law.id)
def test_every_law_card_is_valid_and_sources_every_fact(law):
    card = bill_card(_law_view(law, [], today=TODAY), law)

    assert problems(card) == []
    assert not any("None" in t for t in texts(card))
    for line in (card.description or "").splitlines()[1:]:
        assert LINK.search(line) or "unknown" in line, f"{law.id}: {line}"
    for f in card.fields:
        assert LINK.search(f.value), f"{law.id}: field {f.name} has no source"


def test_the_full_bill_list_pages_within_limits():
    views = [_law_view(law, [], today=TODAY) for law in WATCHLIST.laws if law.verified_existence]

    pages = bill_pages(views, title="Laws and bills")

    assert len(pages) > 1
    assert all(problems(p) == [] for p in pages)
    shown = "\n".join(p.description or "" for p in pages)
    assert all(v.title[:40] in shown for v in views)


huge = st.text(min_size=0, max_size=9000)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=huge, source=huge, count=st.integers(1, 60))
def test_hostile_news_titles_always_give_valid_pages(title, source, count):
    stories = [
        StoryView(
            id=i,
            title=title or "x",
            url=f"https://news.example/{i}?q={title[:50]}",
            kind="other",
            event="none",
            companies=(),
            jurisdictions=(),
            pledges=(),
            published=datetime(2026, 1, 5, tzinfo=UTC),
            source_count=3,
            sources=((source, "https://a.example/1"), (source, "javascript:alert(1)")),
        )
        for i in range(count)
    ]

    pages = news_pages(stories, title=title or "News")

    for page in pages:
        assert problems(page) == []
        assert "](javascript:" not in (page.description or "")  # never a link target


@settings(max_examples=25, deadline=None)
@given(name=huge, error=huge, title=huge)
def test_huge_feed_states_and_bill_titles_stay_within_limits(name, error, title):
    state = FeedState(
        id="f",
        url="https://example.org/" + "a" * 3000,
        kind="news",
        format="rss",
        enabled=True,
        origin="user",
        etag=None,
        last_modified=None,
        last_attempt_at=datetime(2026, 1, 5, tzinfo=UTC),
        last_success_at=None,
        last_error=error,
        last_error_at=datetime(2026, 1, 5, tzinfo=UTC),
        consecutive_failures=4,
        next_attempt_at=datetime(2026, 1, 6, tzinfo=UTC),
        backoff_reason=error,
        items_seen=0,
        name=name,
    )
    view = BillStatusView(
        id="x",
        title=title or "t",
        jurisdiction="US-WA",
        identifiers=("SB 1",),
        stage="introduced",
        stage_date=None,
        stage_source_url="https://example.org/b",
        url="https://example.org/b",
        tracked=False,
        history=tuple(
            {"date": None, "text": title, "source_url": "https://example.org/h"} for _ in range(30)
        ),
    )

    for page in feed_pages([state] * 12, status=True) + feed_pages([state], status=False):
        assert problems(page) == []
    assert problems(bill_card(view)) == []
    assert problems(bill_pages([view] * 20, title=title or "t")[0]) == []


@pytest.mark.parametrize("law", [law for law in WATCHLIST.laws if law.history], ids=lambda x: x.id)
def test_every_label_on_a_law_is_shown_beside_its_fact(law):
    view = _law_view(law, [], today=TODAY)
    card = bill_card(view, law)
    shown = "\n".join(texts(card))

    for caveat in view.stage_caveats:
        assert caveat in (card.description or ""), f"{law.id}: stage label {caveat!r} dropped"
    for basis in view.stage_basis:
        assert basis[:60] in (card.description or ""), law.id
    for name, caveat in law.caveats.items():
        if name not in law.source_notes:
            assert caveat in shown, f"{law.id}: {name} label dropped"
    assert problems(card) == []


def test_watched_for_entries_page_after_the_listed_bills_within_limits():
    from bot.status import watching_for

    views = [_law_view(law, [], today=TODAY) for law in WATCHLIST.laws if law.verified_existence]
    watching = watching_for(WATCHLIST)
    pages = bill_pages(views, title="Laws and bills", watching=watching)

    assert all(problems(p) == [] for p in pages)
    last = pages[-1].description or ""
    assert "**Watching for** (US-federal) \u2014 not confirmed to exist" in last
    assert "Three searches found no 119th-Congress reintroduction" in last
