"""`pledgewatch pledges | pledge | bills | bill | pledges review` on a real SQLite store."""

from __future__ import annotations

import argparse
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import open_store
from bot.cli import main, review, show_bill, show_bills, show_pledge, show_pledges
from bot.domain.alerts import news_alert
from bot.domain.pledges import Signal
from bot.domain.types import FeedItem, Match
from bot.settings import Settings
from storage.records import IngestEntry

TODAY = date(2026, 12, 2)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'pw.db'}")


async def test_pledges_json_is_stable_and_every_fact_has_a_source(settings: Settings) -> None:
    out = io.StringIO()
    await show_pledges(settings, as_json=True, out=out)
    data = json.loads(out.getvalue())
    assert len(data) == 7
    amazon = next(p for p in data if p["company"] == "amazon")
    assert (amazon["status"], amazon["since"]) == ("extended", "2021-05-18")
    for pledge in data:
        assert pledge["status_source_url"].startswith("http")
        for entry in pledge["history"]:
            assert entry["source_url"].startswith("http")
        if pledge["scope_quote"]:
            assert pledge["scope_quote_source_url"].startswith("http")


async def test_pledge_by_company_or_product_name_prints_status_and_sources(
    settings: Settings,
) -> None:
    out = io.StringIO()
    await show_pledge(settings, "Rekognition", as_json=False, out=out)
    text = out.getvalue()
    assert "Status: extended since 2021-05-18" in text
    assert "[https://www.nasdaq.com/" in text
    micro = io.StringIO()
    await show_pledge(settings, "microsoft", as_json=False, out=micro)
    assert "Status: conditional" in micro.getvalue()


def test_unknown_pledge_is_a_clear_error_and_exit_2(
    settings: Settings, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert main(["pledge", "nokia"]) == 2
    assert "no tracked pledge matches 'nokia'" in capsys.readouterr().err


async def test_bills_filter_by_jurisdiction_and_stage(settings: Settings) -> None:
    out = io.StringIO()
    await show_bills(settings, as_json=True, jurisdiction="US-WA", stage=None, out=out)
    data = json.loads(out.getvalue())
    assert {b["id"] for b in data} == {"wa-sb6280-2020", "king-county-wa-2021"}
    enacted = io.StringIO()
    await show_bills(
        settings, as_json=True, jurisdiction=None, stage="expired", out=enacted, today=TODAY
    )
    assert {b["id"] for b in json.loads(enacted.getvalue())} == {
        "us-frbtma-116",
        "us-frbtma-117",
        "us-frbtma-118",
        "us-ethical-use-fr-act-116",
        "us-gfjpa-116",
        "us-gfjpa-117",
        "us-stop-biometric-surveillance-le-act-116",
        "us-federal-police-camera-accountability-act-118",
        "ca-ab1215-2019",
    }


async def test_bill_by_number_in_any_spelling(settings: Settings) -> None:
    for query in ("S.4084", "s 4084", "HR 7356"):
        out = io.StringIO()
        await show_bill(settings, query, as_json=True, out=out)
        assert json.loads(out.getvalue())["id"] == "us-frbtma-116"
    text = io.StringIO()
    await show_bill(settings, "SB 6280", as_json=False, out=text)
    assert "Stage: enacted since 2020-03-31" in text.getvalue()


async def test_review_lists_confirms_and_rejects(settings: Settings) -> None:
    now = datetime.now(UTC)
    async with open_store(settings) as repo:
        for n, event in enumerate(("moratorium_expired", "sales_to_police")):
            item = FeedItem(
                feed_id="news",
                guid=f"g{n}",
                url=f"https://news.example/{n}",
                title=f"Amazon headline {n}",
                summary="",
                published=now - timedelta(days=1),
            )
            match = Match(
                relevant=True,
                kind="company_statement",
                event=event,
                pledges=("amazon-rekognition-police-moratorium",),
            )
            signal = Signal(
                "amazon-rekognition-police-moratorium",
                "expired" if n == 0 else "reversed_or_disputed",
                event,
                {},
            )
            await repo.ingest(
                "news",
                [IngestEntry(item, match, (signal,))],
                now=now,
                story_window=timedelta(days=1),
                choose_story=lambda *_: None,
                make_alert=news_alert,
                sinks=["console"],
            )
    listing = io.StringIO()
    ns = argparse.Namespace(confirm=None, reject=None, by="ana", note=None)
    await review(settings, ns, out=listing)
    assert "#1" in listing.getvalue()
    assert "#2" in listing.getvalue()
    done = io.StringIO()
    await review(
        settings, argparse.Namespace(confirm=1, reject=None, by="ana", note=None), out=done
    )
    await review(
        settings, argparse.Namespace(confirm=None, reject=2, by="ana", note="no"), out=done
    )
    assert "Confirmed #1" in done.getvalue()
    assert "Rejected #2" in done.getvalue()
    out = io.StringIO()
    await show_pledge(settings, "amazon", as_json=True, out=out)
    data = json.loads(out.getvalue())
    assert data["status"] == "expired"
    assert data["history"][-1]["source_url"] == "https://news.example/0"
    assert "confirmed by ana" in data["history"][-1]["summary"]


async def test_bills_label_derived_and_conflicting_facts_and_list_what_is_watched_for(
    settings: Settings,
) -> None:
    text = io.StringIO()
    await show_bills(settings, as_json=False, jurisdiction="US-federal", stage=None, out=text,
                     today=TODAY)
    shown = text.getvalue()
    assert "H.R.3907, S.2052" in shown
    assert "expired (derived)    " in shown  # H.R. 3907: the tracker's, dated by the rule
    assert "expired (congress ended; derived)" in shown  # H.R. 7356: the calendar's alone
    assert "S.3912 (weakly sourced (an advocacy page only))" in shown
    assert "Watching for (not confirmed to exist): Facial Recognition and Biometric" in shown
    assert "reintroduction). Three searches found no 119th-Congress reintroduction" in shown

    data = io.StringIO()
    await show_bills(settings, as_json=True, jurisdiction=None, stage=None, out=data, today=TODAY)
    rows = {row["id"]: row for row in json.loads(data.getvalue())}
    assert rows["us-frbtma-119"]["watching_for"] is True
    assert "tracked" not in rows["us-frbtma-119"]
    hb2031 = rows["va-hb2031-2021"]
    assert (hb2031["stage"], hb2031["stage_date"], hb2031["stage_labels"]) == (
        "enacted",
        None,
        ["derived"],
    )
    assert hb2031["stage_derived_from"] == [
        "in force from 2021-07-01: Enacted as Chapter 537, effective 7/1/21."
    ]
    assert hb2031["change"]["kind"] == "replaced"
    assert hb2031["in_force"][0]["date"] == "2021-07-01"
    assert rows["md-sb182-2024"]["fact_labels"] == {
        "introduced_date": "sources conflict: the bill text is dated 2024-01-05"
    }


async def test_bill_text_shows_in_force_rollback_and_labels(settings: Settings) -> None:
    out = io.StringIO()
    await show_bill(settings, "new-orleans-la-2020-2022", as_json=False, out=out, today=TODAY)
    shown = out.getvalue()
    stage = "Stage: enacted since 2020-12-17 (ban passed; then partly reversed 2022-07-21; derived)"
    assert stage in shown
    assert "Partly reversed: 2022-07-21: Council voted 4-2" in shown
    assert "  rollback signed 2022-07-28 (sources conflict: AP says" in shown
    washington = io.StringIO()
    await show_bill(settings, "SB 6280", as_json=False, out=washington, today=TODAY)
    assert "In force: 2021-07-01 (sources conflict: insideprivacy: June 11, 2020)" in (
        washington.getvalue()
    )
    detroit = io.StringIO()
    await show_bill(settings, "detroit-mi-williams-settlement-2024", as_json=False, out=detroit)
    assert "Stage: no stage (court-enforced settlement (police policy), not legislation)" in (
        detroit.getvalue()
    )
    hb2031 = io.StringIO()
    await show_bill(settings, "HB 2031", as_json=False, out=hb2031, today=TODAY)
    assert "Stage: enacted, date not stated (effective; then replaced 2022-04-27; derived)" in (
        hb2031.getvalue()
    )


async def test_pledge_text_and_json_label_derived_status_and_weak_sources(
    settings: Settings,
) -> None:
    out = io.StringIO()
    await show_pledge(settings, "microsoft", as_json=False, out=out)
    shown = out.getvalue()
    assert "Status: conditional since 2020-06-11 (derived)" in shown
    assert "  derived from: the pledge holds until a condition is met" in shown
    meta = io.StringIO()
    await show_pledge(settings, "meta", as_json=True, out=meta)
    data = json.loads(meta.getvalue())
    assert data["status_labels"][0] == "derived"
    assert data["status_labels"][1].startswith("sources conflict")
    assert data["fact_labels"]["announced"].startswith("an opinion piece")
    listing = io.StringIO()
    await show_pledges(settings, as_json=False, out=listing)
    assert "conditional (derived)" in listing.getvalue()
