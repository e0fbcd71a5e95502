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
