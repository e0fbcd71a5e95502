"""The remaining commands: `run` on the console, `feeds check`, `feeds list`, `db upgrade`,
`classify` and `eval`, through `main` as a user calls them."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
from pathlib import Path

import pytest

from bot.cli import feeds_check, main, run
from bot.settings import Settings
from tests.pipeline.conftest import Feeds, write_feeds


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray .env; the default files land here
    for name in ("DISCORD_TOKEN", "DISCORD_WEBHOOK_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'pw.db'}")
    return tmp_path


def test_db_upgrade_creates_the_database(env: Path, capsys) -> None:
    assert main(["db", "upgrade"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert (env / "pw.db").exists()


def test_classify_reads_json_lines_and_writes_one_line_each(env: Path, capsys) -> None:
    items = env / "items.jsonl"
    items.write_text(
        json.dumps({"id": "a", "title": "Senate passes facial recognition ban for police"})
        + "\nnot json\n",
        encoding="utf-8",
    )
    assert main(["classify", str(items)]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["id"] == "a"
    assert first["relevant"] is True
    assert first["kind"] == "legislation"
    assert "error" in second


def test_classify_of_a_missing_file_is_a_clear_error(env: Path, capsys) -> None:
    assert main(["classify", str(env / "nope.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_eval_prints_the_measures_on_a_labelled_corpus(env: Path, capsys) -> None:
    corpus = env / "corpus.jsonl"
    rows = [
        ("1", "Governor signs facial recognition moratorium into law", True),
        ("2", "New phone unlocks with your face in the dark", False),
    ]
    corpus.write_text(
        "".join(
            json.dumps(
                {
                    "id": i,
                    "title": t,
                    "summary": "",
                    "labels": {
                        "relevant": r,
                        "kind": "legislation" if r else "other",
                        "companies": [],
                        "bill_ids": [],
                        "event": "bill_signed" if r else "none",
                    },
                }
            )
            + "\n"
            for i, t, r in rows
        ),
        encoding="utf-8",
    )
    assert main(["eval", "--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert "precision" in out
    assert "recall" in out
    assert main(["eval", "--corpus", str(env / "missing.jsonl")]) == 2


async def test_feeds_check_reports_each_feed_and_stores_nothing(
    feeds: Feeds, tmp_path: Path
) -> None:
    feeds.bodies["down.xml"] = 500
    path = write_feeds(
        tmp_path / "feeds.yaml",
        ("good", feeds.serve_fixture("good.xml", "google_news.xml"), "news", "rss"),
        ("down", feeds.url("down.xml"), "news", "rss"),
    )
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'pw.db'}",
        pledgewatch_allow_private_feeds=True,
    )
    out = io.StringIO()
    assert await feeds_check(settings, feeds_path=path, out=out) == 0
    text = out.getvalue()
    assert "2 feeds in" in text
    good = next(line for line in text.splitlines() if line.startswith("good"))
    down = next(line for line in text.splitlines() if line.startswith("down"))
    assert " ok " in good
    assert "FAILED" in down
    assert "500" in down
    assert not (tmp_path / "pw.db").exists()


async def test_feeds_check_refuses_private_addresses_by_default(
    feeds: Feeds, tmp_path: Path
) -> None:
    path = write_feeds(
        tmp_path / "feeds.yaml",
        ("local", feeds.serve_fixture("good.xml", "google_news.xml"), "news", "rss"),
    )
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'pw.db'}")
    out = io.StringIO()
    await feeds_check(settings, feeds_path=path, out=out)
    assert "FAILED" in out.getvalue()
    assert "good.xml" not in feeds.hits


async def test_run_on_the_console_says_so_polls_prints_alerts_and_stops_on_sigterm(
    feeds: Feeds, tmp_path: Path
) -> None:
    path = write_feeds(
        tmp_path / "feeds.yaml",
        ("news", feeds.serve_fixture("news.xml", "google_news.xml"), "news", "rss"),
    )
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'pw.db'}",
        pledgewatch_allow_private_feeds=True,
        pledgewatch_feeds=path,
        pledgewatch_dispatch_every=0.1,
    )
    out = io.StringIO()
    task = asyncio.create_task(run(settings, out=out))
    for _ in range(200):
        if "[news]" in out.getvalue():
            break
        await asyncio.sleep(0.05)
    os.kill(os.getpid(), signal.SIGTERM)
    assert await asyncio.wait_for(task, 15) == 0
    text = out.getvalue()
    assert "alerts will print to this console" in text
    assert "[news] Amazon extends Rekognition moratorium" in text
    assert text.rstrip().endswith("Stopped.")
