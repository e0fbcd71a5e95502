"""The timeline picture: each point a dated, sourced event from the views; one company,
bill or place; drawn headless at a size that stays readable in Discord's preview."""

from __future__ import annotations

import struct
from datetime import date

import pytest
from matplotlib.text import Text

from bot.domain.types import Match
from bot.domain.watchlist import load_watchlist
from bot.errors import NotFoundError
from bot.status import bill_statuses, pledge_statuses
from bot.timeline import (
    MAX_ROWS,
    PREVIEW_PX,
    SIZE_PX,
    build_figure,
    render_png,
    timeline_events,
)
from storage.repository import Repository

TODAY = date(2026, 1, 5)


async def views(repo: Repository):
    watchlist = load_watchlist()
    return (
        await pledge_statuses(repo, watchlist, today=TODAY),
        await bill_statuses(repo, watchlist, today=TODAY),
    )


def sourced_facts(pledges, laws) -> set[tuple[date, str]]:
    facts = {(e.date, e.source_url) for v in pledges for e in v.state.history if e.date}
    facts |= {
        (date.fromisoformat(h["date"]), h["source_url"])
        for v in laws
        for h in v.history
        if h.get("date") and h.get("source_url")
    }
    # The stage as the views state it (a Congress's end makes a bill expired, derived).
    facts |= {(v.stage_date, v.stage_source_url) for v in laws if v.stage_date}
    return facts


async def test_every_point_is_a_dated_event_with_the_source_the_history_gives(repo):
    pledges, laws = await views(repo)

    title, events = timeline_events(pledges, laws)

    assert title == "Facial-recognition pledges and laws"
    assert len(events) > 50
    facts = sourced_facts(pledges, laws)
    for event in events:
        assert event.source_url.startswith(("https://", "http://")), event
        assert (event.day, event.source_url) in facts, event
    assert events == sorted(events, key=lambda e: (e.day, e.row, e.category))
    assert {"Amazon", "US Congress", "US states", "EU"} <= {e.row for e in events}
    expired = [e for e in events if e.row == "US Congress" and e.day == date(2023, 1, 3)]
    assert expired
    assert all(e.derived and "(derived from: " in e.text for e in expired)
    assert any("the 117th Congress ended on 2023-01-03" in e.text for e in expired)


@pytest.mark.parametrize(
    ("focus", "rows", "title"),
    [
        ("amazon", {"Amazon"}, "Amazon: pledge timeline"),
        ("Rekognition", {"Amazon"}, "Amazon: pledge timeline"),
        ("US-CA", {"AB 1215", "San Francisco", "Oakland"}, "Laws and bills in US-CA"),
        ("s 4084", {"H.R.7356"}, "H.R.7356: Facial Recognition and Biometric"),
    ],
)
async def test_one_company_bill_or_place(repo, focus, rows, title):
    pledges, laws = await views(repo)

    got_title, events = timeline_events(pledges, laws, focus=focus)

    assert got_title.startswith(title)
    assert {e.row for e in events} == rows
    if focus == "amazon":
        assert [e.category for e in events][:2] == ["pledge made", "pledge extended"]
        assert events[1].day == date(2021, 5, 18)


async def test_an_unknown_focus_is_a_clear_not_found(repo):
    pledges, laws = await views(repo)
    with pytest.raises(NotFoundError, match="no tracked company, bill or place matches 'Mars'"):
        timeline_events(pledges, laws, focus="Mars")


async def test_a_stage_legislative_data_added_is_a_point_with_its_source(repo):
    from tests.storage.test_follows_store import INTRO, PASSED, URL, bill_item, ingest

    await ingest(repo, bill_item(INTRO), Match(relevant=True, kind="legislation"))
    await ingest(repo, bill_item(INTRO, PASSED))
    pledges, laws = await views(repo)

    _title, events = timeline_events(pledges, laws, focus="S.1234")

    assert [(e.day, e.category, e.source_url) for e in events] == [
        (date(2025, 6, 1), "bill introduced or advanced", URL)
    ]


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


async def test_the_picture_is_a_png_readable_at_discords_preview_size(repo):
    pledges, laws = await views(repo)
    title, events = timeline_events(pledges, laws)

    png = render_png(events, title=title)
    fig = build_figure(events, title=title)

    assert png_size(png) == SIZE_PX
    # Shown inline, Discord scales the picture into its preview box: every piece of text
    # must stay at least 10 px high there.
    scale = min(PREVIEW_PX[0] / SIZE_PX[0], PREVIEW_PX[1] / SIZE_PX[1])
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert texts
    fig.canvas.draw()  # lay out as saved
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    for text in texts:
        px = text.get_fontsize() * fig.dpi / 72 * scale
        assert px >= 10, (text.get_text(), px)
        box = text.get_window_extent(renderer)
        inside = 0 <= box.x0 <= box.x1 <= SIZE_PX[0] and 0 <= box.y0 <= box.y1 <= SIZE_PX[1]
        assert inside, f"{text.get_text()!r} is cut off"
    [legend] = fig.legends
    shown = {t.get_text() for t in legend.get_texts()}
    assert shown == {e.category for e in events} | {"hollow: derived"}
    rows = fig.axes[0].get_yticklabels()
    assert 1 <= len(rows) <= MAX_ROWS


def test_an_empty_timeline_still_draws_and_says_so():
    fig = build_figure([], title="Nothing")
    assert "no dated, sourced event" in {t.get_text() for t in fig.findobj(Text)}
    assert png_size(render_png([], title="Nothing")) == SIZE_PX
