"""`pledgewatch export` and `pledgewatch timeline` as a user runs them: pledges, laws and
their sourced histories, and recent relevant stories, as CSV or JSON; the picture as PNG."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain.alerts import news_alert
from bot.domain.types import FeedItem, Match
from bot.ingest.pipeline import choose_story
from storage.engine import create_engine, upgrade
from storage.records import IngestEntry
from storage.repository import Repository

AMAZON = "amazon-rekognition-police-moratorium"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("DISCORD_TOKEN", "DISCORD_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'pw.db'}")
    return tmp_path


def add_story(path: Path, *, title: str, days_ago: float) -> None:
    async def go() -> None:
        engine = create_engine(f"sqlite:///{path}")
        await upgrade(engine)
        repo = Repository(engine)
        published = datetime.now(UTC) - timedelta(days=days_ago)
        guid = f"s{days_ago}"
        item = FeedItem(
            feed_id="gnews-fr-police",
            guid=guid,
            url=f"https://news.example/{guid}",
            title=title,
            summary="",
            published=published,
            source_name="Example News",
        )
        match = Match(
            relevant=True,
            kind="company_statement",
            companies=("amazon",),
            jurisdictions=("US-federal",),
            pledges=(AMAZON,),
        )
        await repo.ingest(
            "gnews-fr-police",
            [IngestEntry(item, match)],
            now=published,
            story_window=timedelta(days=2),
            choose_story=choose_story,
            make_alert=news_alert,
            sinks=(),
        )
        await engine.dispose()

    asyncio.run(go())


def test_export_csv_has_one_sourced_row_per_fact_and_neutralizes_formulas(env, capsys):
    add_story(env / "pw.db", title='=HYPERLINK("https://evil.example") Amazon', days_ago=1)
    add_story(env / "pw.db", title="Old news about Amazon", days_ago=200)

    assert main(["export", "--format", "csv"]) == 0

    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    kinds = {r["record"] for r in rows}
    assert kinds == {"pledge_status", "pledge_event", "law_stage", "law_event", "story"}
    assert all(r["source_url"].startswith(("https://", "http://")) for r in rows)
    amazon = {(r["record"], r["event"]) for r in rows if r["date"] == "2021-05-18"}
    assert {("pledge_status", "extended"), ("pledge_event", "extended_indefinitely")} <= amazon
    [story] = [r for r in rows if r["record"] == "story"]  # only the last 90 days
    assert story["subject"].startswith("'=HYPERLINK")  # a spreadsheet shows it, never runs it
    assert story["source_url"] == "https://news.example/s1"
    assert "reported by Example News" in story["text"]
    derived = [r for r in rows if r["record"] == "law_stage" and "derived" in r["labels"]]
    assert derived  # labels travel with the facts


def test_export_json_to_a_file_has_the_views_and_the_stories(env, capsys):
    add_story(env / "pw.db", title="Amazon extends its moratorium", days_ago=2)
    out = env / "export.json"

    assert main(["export", "--format", "json", "--out", str(out), "--days", "7"]) == 0

    assert capsys.readouterr().out.startswith(f"wrote {out}: 7 pledges")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) == {"generated_at", "stories_since", "pledges", "laws", "stories"}
    amazon = next(p for p in data["pledges"] if p["id"] == AMAZON)
    assert amazon["status"] == "extended"
    assert all(h["source_url"] for h in amazon["history"])
    assert {law["id"] for law in data["laws"]} >= {"us-frbtma-116", "wa-sb6280-2020"}
    [story] = data["stories"]
    assert story["sources"] == [{"name": "Example News", "url": "https://news.example/s2"}]


def test_timeline_writes_a_png_and_an_unknown_subject_is_an_error(env, capsys):
    out = env / "t.png"
    assert main(["timeline", "--out", str(out), "--about", "US-WA"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Laws and bills in US-WA" in capsys.readouterr().out

    assert main(["timeline", "--out", str(env / "x.png"), "--about", "Mars"]) == 2
    assert "no tracked company, bill or place matches 'Mars'" in capsys.readouterr().err
    assert not (env / "x.png").exists()
