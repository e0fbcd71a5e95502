"""``pledgewatch export``: pledges, laws and their sourced histories, and recent relevant
stories, as JSON or as CSV (one row per sourced fact), for researchers.

Only what carries a source is exported, as the bot states nothing else. CSV cells that a
spreadsheet would run as a formula (text from feeds starting with ``=``, ``+``, ``-``,
``@``) are quoted with a leading apostrophe.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.status import BillStatusView, PledgeStatusView
from storage.records import StoryView

if TYPE_CHECKING:
    from bot.settings import Settings

FORMATS = ("csv", "json")
CSV_FIELDS = (
    "record",
    "id",
    "subject",
    "jurisdiction",
    "date",
    "event",
    "text",
    "source_url",
    "labels",
)
STORY_LIMIT = 1000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_json(
    pledges: Sequence[PledgeStatusView],
    laws: Sequence[BillStatusView],
    stories: Sequence[StoryView],
    *,
    generated_at: datetime,
    since: datetime,
) -> dict[str, Any]:
    return {
        "generated_at": generated_at.isoformat(),
        "stories_since": since.isoformat(),
        "pledges": [v.as_json() for v in pledges],
        "laws": [v.as_json() for v in laws],
        "stories": [_story(s) for s in stories],
    }


def export_rows(
    pledges: Sequence[PledgeStatusView],
    laws: Sequence[BillStatusView],
    stories: Sequence[StoryView],
) -> Iterator[dict[str, str]]:
    """One row per sourced fact: a pledge's status and each event of its history, a law's
    stage and each event of its history, and each story."""
    for v in pledges:
        p, s = v.pledge, v.state
        if s.source_url:
            yield _row(
                "pledge_status",
                p.id,
                p.company_name,
                "",
                s.since,
                s.status,
                p.title,
                s.source_url,
                s.caveats,
            )
        for e in s.history:
            if e.source_url:
                yield _row(
                    "pledge_event",
                    p.id,
                    p.company_name,
                    "",
                    e.date,
                    e.status,
                    e.summary,
                    e.source_url,
                    e.caveats,
                )
    for law in laws:
        ids = ", ".join(law.identifiers)
        subject = f"{ids}: {law.title}" if ids else law.title
        if law.stage_source_url and law.stage:
            yield _row(
                "law_stage",
                law.id,
                subject,
                law.jurisdiction,
                law.stage_date,
                law.stage,
                law.stage_event or "",
                law.stage_source_url,
                law.stage_caveats,
            )
        for h in law.history:
            if h.get("source_url"):
                yield _row(
                    "law_event",
                    law.id,
                    subject,
                    law.jurisdiction,
                    h.get("date"),
                    h.get("event"),
                    h.get("text"),
                    h["source_url"],
                    h.get("labels", ()),
                )
    for story in stories:
        outlets = "; ".join(name for name, _url in story.sources)
        yield _row(
            "story",
            str(story.id),
            story.title,
            "; ".join(story.jurisdictions),
            story.published.date(),
            story.event,
            f"{story.kind}; reported by {outlets}",
            story.url,
            (),
        )


def to_csv(rows: Iterator[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def _row(
    record: str,
    id_: str,
    subject: str,
    jurisdiction: str,
    day: object,
    event: object,
    text: object,
    source_url: str,
    labels: Sequence[str],
) -> dict[str, str]:
    return {
        "record": record,
        "id": id_,
        "subject": subject,
        "jurisdiction": jurisdiction,
        "date": day.isoformat()[:10] if hasattr(day, "isoformat") else str(day or ""),
        "event": str(event or ""),
        "text": str(text or ""),
        "source_url": source_url,
        "labels": "; ".join(labels),
    }


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _story(s: StoryView) -> dict[str, Any]:
    return {
        "id": s.id,
        "title": s.title,
        "url": s.url,
        "kind": s.kind,
        "event": s.event,
        "companies": list(s.companies),
        "jurisdictions": list(s.jurisdictions),
        "pledges": list(s.pledges),
        "published": s.published.isoformat(),
        "source_count": s.source_count,
        "sources": [{"name": n, "url": u} for n, u in s.sources],
    }


def export_command(
    settings: Settings, *, fmt: str, out_path: Path | None, days: int, out: TextIO
) -> int:
    from bot.app import utc_now

    now = utc_now()
    since = now - timedelta(days=days)
    pledges, laws, stories = asyncio.run(load_views(settings, now=now, since=since))
    if fmt == "json":
        data = export_json(pledges, laws, stories, generated_at=now, since=since)
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        text = to_csv(export_rows(pledges, laws, stories))
    if out_path is None:
        out.write(text)
        return 0
    out_path.write_text(text, encoding="utf-8")
    out.write(
        f"wrote {out_path}: {len(pledges)} pledges, {len(laws)} laws, {len(stories)} stories\n"
    )
    return 0


async def load_views(
    settings: Settings, *, now: datetime, since: datetime | None = None
) -> tuple[list[PledgeStatusView], list[BillStatusView], list[StoryView]]:
    """Every pledge and law as the bot shows them, and the relevant stories since ``since``."""
    from bot.app import open_store
    from bot.domain.watchlist import load_watchlist
    from bot.status import bill_statuses, pledge_statuses

    watchlist = load_watchlist()
    async with open_store(settings) as repo:
        pledges = await pledge_statuses(repo, watchlist, today=now.date())
        laws = await bill_statuses(repo, watchlist, today=now.date())
        stories = (
            []
            if since is None
            else await repo.recent_stories(since=since, limit=STORY_LIMIT, scan=STORY_LIMIT * 5)
        )
    return pledges, laws, stories
