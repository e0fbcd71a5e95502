"""``pledgewatch``: the command line. The only place that prints."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot import __version__
from bot.errors import PledgeWatchError

if TYPE_CHECKING:
    from datetime import datetime

    from bot.app import App
    from bot.config import FeedConfig
    from bot.ingest.pipeline import CycleReport, FeedOutcome
    from bot.settings import Settings
    from storage.records import NewItem
    from storage.repository import Repository

# The application is imported on first use, not here: `pledgewatch --help`, `--version` and
# argument errors answer without loading the store, Discord or the feed stack.


def utc_now() -> datetime:
    from bot.app import utc_now as now

    return now()


def delivery_mode(settings: Settings) -> str:
    from bot.app import delivery_mode as mode

    return mode(settings)


def open_app(settings: Settings, **options: Any) -> AbstractAsyncContextManager[App]:
    from bot.app import open_app as opened

    return opened(settings, **options)


def open_store(settings: Settings) -> AbstractAsyncContextManager[Repository]:
    from bot.app import open_store as opened

    return opened(settings)


def load_feeds(path: Path) -> list[FeedConfig]:
    from bot.config import load_feeds as load

    return load(path)


class _Stages:
    """The bill stages for ``--stage``, looked up only when a ``bills`` command parses."""

    def __iter__(self) -> Iterator[str]:
        from bot.domain.bills import STAGES

        return iter(STAGES)

    def __contains__(self, value: object) -> bool:
        return value in tuple(self)

if TYPE_CHECKING:
    from bot.status import BillStatusView


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pledgewatch",
        description="Keeps watch on facial-recognition policy and reports it to Discord.",
    )
    parser.add_argument("--version", action="version", version=f"pledgewatch {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("run", help="poll on schedule and deliver alerts until stopped")

    poll = sub.add_parser("poll", help="poll the feeds")
    poll.add_argument("--once", action="store_true", required=True, help="one cycle, then exit")
    poll.add_argument("--feeds", type=Path, help="feeds file (default: PLEDGEWATCH_FEEDS)")
    poll.add_argument("--json", action="store_true", help="one JSON line per new item")

    feeds = sub.add_parser("feeds", help="inspect the configured feeds")
    feeds_sub = feeds.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")
    check = feeds_sub.add_parser("check", help="validate, fetch each enabled feed once, report")
    check.add_argument("--feeds", type=Path)
    listing = feeds_sub.add_parser("list", help="list feeds with their fetch state")
    listing.add_argument("--feeds", type=Path)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply migrations")

    pledges = sub.add_parser("pledges", help="where every tracked pledge stands")
    pledges.add_argument("action", nargs="?", choices=["review"], help="review suggestions")
    pledges.add_argument("--json", action="store_true")
    pledges.add_argument("--confirm", type=int, metavar="N", help="confirm suggestion N")
    pledges.add_argument("--reject", type=int, metavar="N", help="reject suggestion N")
    pledges.add_argument("--by", default=None, help="who decides (default: the OS user)")
    pledges.add_argument("--note", default=None)
    pledge = sub.add_parser("pledge", help="one pledge in full, with sources")
    pledge.add_argument("id", help="pledge id, company (amazon) or product (Rekognition)")
    pledge.add_argument("--json", action="store_true")
    bills = sub.add_parser("bills", help="tracked laws and bills with their stage")
    bills.add_argument("--json", action="store_true")
    bills.add_argument("--jurisdiction", help="e.g. US-federal, US-WA (a state covers its cities)")
    bills.add_argument(
        "--stage", choices=_Stages(), metavar="STAGE", help="one of: %(choices)s"
    )
    bill = sub.add_parser("bill", help="one bill in full, with its history and sources")
    bill.add_argument("id", help="tracked id, or a bill number such as S.4084 or 'SB 6280'")
    bill.add_argument("--json", action="store_true")

    classify = sub.add_parser("classify", help="classify JSON Lines items (stdin or FILE)")
    classify.add_argument("file", nargs="?", default="-")

    evaluate = sub.add_parser("eval", help="measure the classifier on a labelled corpus")
    evaluate.add_argument("--corpus", type=Path, required=True)

    export = sub.add_parser("export", help="pledges, laws, their sourced histories and stories")
    export.add_argument("--format", choices=["csv", "json"], required=True, dest="fmt")
    export.add_argument("--out", type=Path, help="write to FILE (default: stdout)")
    export.add_argument("--days", type=int, default=90, help="stories of the last N days")
    timeline = sub.add_parser("timeline", help="draw the timeline picture (PNG)")
    timeline.add_argument("--out", type=Path, required=True, help="the PNG file to write")
    timeline.add_argument("--about", help="a company, bill or place (default: everything)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from bot.logs import configure_logging
    from bot.settings import load_settings

    try:
        settings = load_settings()
        configure_logging(settings.pledgewatch_log_level, settings.secret_values())
        return _dispatch(args, settings)
    except PledgeWatchError as exc:
        print(f"pledgewatch: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    out = sys.stdout  # resolved now, not when the module was imported
    if args.command == "run":
        return asyncio.run(run(settings, out=out))
    if args.command == "poll":
        return asyncio.run(poll_once(settings, feeds_path=args.feeds, as_json=args.json, out=out))
    if args.command == "feeds":
        if args.feeds_command == "check":
            return asyncio.run(feeds_check(settings, feeds_path=args.feeds, out=out))
        return asyncio.run(feeds_list(settings, feeds_path=args.feeds, out=out))
    if args.command == "db":
        return asyncio.run(db_upgrade(settings, out=out))
    if args.command == "pledges" and args.action == "review":
        return asyncio.run(review(settings, args, out=out))
    if args.command == "pledges":
        return asyncio.run(show_pledges(settings, as_json=args.json, out=out))
    if args.command == "pledge":
        return asyncio.run(show_pledge(settings, args.id, as_json=args.json, out=out))
    if args.command == "bills":
        return asyncio.run(
            show_bills(
                settings,
                as_json=args.json,
                jurisdiction=args.jurisdiction,
                stage=args.stage,
                out=out,
            )
        )
    if args.command == "bill":
        return asyncio.run(show_bill(settings, args.id, as_json=args.json, out=out))
    if args.command == "classify":
        return classify_command(args.file)
    if args.command == "eval":
        return eval_command(args.corpus)
    if args.command == "export":
        from bot.export import export_command

        return export_command(settings, fmt=args.fmt, out_path=args.out, days=args.days, out=out)
    if args.command == "timeline":
        from bot.timeline import timeline_command

        print(timeline_command(settings, out_path=args.out, about=args.about), file=out)
        return 0
    raise AssertionError(f"unhandled command {args.command}")  # argparse prevents this


# --- poll -----------------------------------------------------------------------------------


async def poll_once(
    settings: Settings, *, feeds_path: Path | None, as_json: bool, out: TextIO = sys.stdout
) -> int:
    from bot.delivery.sinks import ConsoleSink

    async with open_app(settings, feeds_path=feeds_path) as app:
        progress = _Progress(len(app.feeds)) if sys.stderr.isatty() else None

        def done(outcome: FeedOutcome) -> None:
            if as_json:  # streamed: each feed's lines as it finishes, nothing kept for later
                _print_json_items(outcome.new_items, out)
            if progress:
                progress.update(outcome)

        report = await app.poller.poll_all(app.feeds, on_done=done, keep_items=not as_json)
        if progress:
            progress.finish()
        if as_json:
            _print_failures(report, sys.stderr)
            return 0
        _print_summary(app, report, out)
        if delivery_mode(settings) == "console":
            dispatcher = app.dispatcher({"console": ConsoleSink(out)})
            while (await dispatcher.run_once()).sent:
                pass
        else:
            out.write(f"{len(report.alerts)} new alert(s) queued for delivery by `run`.\n")
    return 0


class _Progress:
    def __init__(self, total: int) -> None:
        self.total, self.done = total, 0

    def update(self, outcome: FeedOutcome) -> None:
        self.done += 1
        sys.stderr.write(f"\r\033[K[{self.done}/{self.total}] {outcome.feed_id}: {outcome.status}")
        sys.stderr.flush()

    def finish(self) -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


def _print_json_items(items: Iterable[NewItem], out: TextIO) -> None:
    for item in items:
        record = {
            "feed": item.feed_id,
            "guid": item.guid,
            "title": item.title,
            "url": item.url,
            "published": item.published.isoformat(),
            "relevant": item.relevant,
            "kind": item.kind,
            "companies": list(item.companies),
            "bill_ids": list(item.bill_ids),
            "event": item.event,
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _print_failures(report: CycleReport, err: TextIO) -> None:
    for outcome in report.outcomes:
        if outcome.status in ("failed", "skipped"):
            err.write(f"{outcome.feed_id}: {outcome.status}: {outcome.error}\n")


def _print_summary(app: App, report: CycleReport, out: TextIO) -> None:
    rows = [
        (
            o.feed_id,
            o.status,
            str(len(o.new_items)),
            str(sum(1 for i in o.new_items if i.relevant)),
            o.error or "",
        )
        for o in report.outcomes
    ]
    _table(out, ("feed", "status", "new", "relevant", "note"), rows)
    failed = report.count("failed")
    out.write(
        f"\n{len(report.outcomes)} feeds: {report.count('new')} with new items, "
        f"{report.count('unchanged') + report.count('not_modified')} unchanged, "
        f"{failed} failed, {report.count('skipped')} skipped; "
        f"{len(report.new_items)} new items, {len(report.alerts)} alerts.\n\n"
    )


def _table(out: TextIO, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [len(h) for h in header]
    for row in rows:
        widths = [max(w, min(len(cell), 70)) for w, cell in zip(widths, row, strict=True)]
    for row in [header, *rows]:
        cells = [cell if len(cell) <= 70 else cell[:69] + "…" for cell in row]
        out.write("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip() + "\n")


# --- run ------------------------------------------------------------------------------------


async def run(settings: Settings, *, out: TextIO = sys.stdout) -> int:
    """Poll and deliver until SIGINT or SIGTERM: as a Discord bot (DISCORD_TOKEN), through an
    incoming webhook (DISCORD_WEBHOOK_URL alone), or to this console (neither). On SQLite one
    runner per file; on PostgreSQL any number, one of them leading (feed polling, daily jobs)
    and all of them delivering."""
    from bot.app import single_runner

    with single_runner(settings):
        return await _run(settings, out=out)


async def _run(settings: Settings, *, out: TextIO) -> int:
    from contextlib import AsyncExitStack
    from datetime import timedelta

    import aiohttp

    from bot.delivery.sinks import ConsoleSink, Sink
    from bot.delivery.webhook_sink import WebhookSink
    from bot.scheduling import build_scheduler, schedule_leadership

    mode = delivery_mode(settings)
    if mode == "discord":
        from bot.discord_bot import run_bot

        out.write(
            "Mode: Discord bot (DISCORD_TOKEN is set): alerts go to subscribed channels and "
            "slash commands answer.\n"
        )
        return await run_bot(settings, out=out)
    async with open_app(settings) as app, AsyncExitStack() as stack:
        sinks: dict[str, Sink]
        if mode == "webhook":
            out.write(
                "Mode: incoming webhook (DISCORD_WEBHOOK_URL is set, no DISCORD_TOKEN): alerts "
                "post to the webhook's channel; there are no slash commands.\n"
            )
            # Discord's own session: the feed session's SSRF guard is for feed hosts.
            session = await stack.enter_async_context(aiohttp.ClientSession())
            url = settings.secret("DISCORD_WEBHOOK_URL") or ""
            webhook = WebhookSink(session, url, clock=app.clock, repo=app.repo)
            sinks = {"webhook": webhook}
        else:
            out.write(
                "Mode: console (no DISCORD_TOKEN or DISCORD_WEBHOOK_URL is set): alerts will "
                "print to this console.\n"
            )
            sinks = {"console": ConsoleSink(out)}
        for feed in app.feeds:
            reason = app.poller.skip_reason(feed)
            if reason and reason != "disabled":
                out.write(f"notice: feed {feed.id} {reason}\n")
        out.flush()
        dispatcher = app.dispatcher(sinks)
        scheduler = build_scheduler()
        elected = None
        if mode == "webhook":
            from bot.delivery.digest import webhook_mode

            elected = webhook_mode(settings, app.repo, scheduler, webhook, clock=app.clock, out=out)
        leadership = app.leadership(scheduler, elected=elected)
        every = settings.pledgewatch_leader_every
        await leadership.check()  # the first round now, so a leader's feeds start at once
        schedule_leadership(
            scheduler, leadership, every, now=utc_now() + timedelta(seconds=every)
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        scheduler.start()
        dispatcher.start()
        if leadership.leading:
            polled = sum(1 for job in scheduler.get_jobs() if job.id.startswith("feed:"))
            out.write(f"Polling {polled} feeds. Ctrl+C stops.\n")
        else:
            out.write(
                "Another runner polls the feeds; this one delivers, and takes over the polling "
                "if that runner stops. Ctrl+C stops.\n"
            )
        out.flush()
        try:
            await stop.wait()
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
            await dispatcher.stop()
            await scheduler.stop()
            await leadership.release()
            out.write("Stopped.\n")
    return 0


# --- feeds ----------------------------------------------------------------------------------


async def feeds_check(
    settings: Settings, *, feeds_path: Path | None, out: TextIO = sys.stdout
) -> int:
    import time

    from bot.app import build_http
    from bot.errors import FeedError
    from bot.ingest.parse import parse_feed
    from bot.settings import redact

    feeds = load_feeds(feeds_path or settings.pledgewatch_feeds)
    out.write(f"{len(feeds)} feeds in {feeds_path or settings.pledgewatch_feeds}: valid.\n\n")

    async with build_http(settings) as (_http, fetcher):

        async def check(feed: FeedConfig) -> tuple[str, ...]:
            if not feed.enabled:
                return (feed.id, "disabled", "", "", "")
            if feed.requires and not settings.secret(feed.requires):
                return (feed.id, "skipped", "", "", f"needs {feed.requires}")
            url = feed.url.replace("{key}", settings.secret(feed.requires or "") or "")
            started = time.perf_counter()
            try:
                result = await fetcher.fetch(url, etag=None, last_modified=None)
                items = await parse_feed(
                    result.body,
                    feed_id=feed.id,
                    fmt=feed.format,
                    source_kind=feed.kind,
                    headers=result.headers,
                    now=utc_now(),
                    base_url=result.final_url,
                )
            except FeedError as exc:
                seconds = f"{time.perf_counter() - started:.1f}s"
                return (feed.id, "FAILED", seconds, "", redact(str(exc), settings.secret_values()))
            seconds = f"{time.perf_counter() - started:.1f}s"
            return (feed.id, "ok", seconds, str(len(items)), "")

        rows = await asyncio.gather(*(check(feed) for feed in feeds))
    _table(out, ("feed", "health", "time", "items", "error"), rows)
    return 0


async def feeds_list(
    settings: Settings, *, feeds_path: Path | None, out: TextIO = sys.stdout
) -> int:
    from bot.redaction import hide_userinfo

    async with open_app(settings, feeds_path=feeds_path) as app:
        states = await app.repo.feed_states()
    rows = []
    for state in states.values():
        rows.append(
            (
                state.id,
                state.kind,
                "on" if state.enabled else "off",
                f"{state.last_success_at:%Y-%m-%d %H:%M}" if state.last_success_at else "never",
                str(state.consecutive_failures),
                hide_userinfo(state.last_error or ""),
            )
        )
    _table(out, ("feed", "kind", "enabled", "last success (UTC)", "failures", "last error"), rows)
    return 0


# --- pledges and bills ---------------------------------------------------------------------


async def show_pledges(settings: Settings, *, as_json: bool, out: TextIO = sys.stdout) -> int:
    from bot.domain.watchlist import load_watchlist
    from bot.status import pledge_statuses

    async with open_store(settings) as repo:
        views = await pledge_statuses(repo, load_watchlist(), today=utc_now().date())
    if as_json:
        out.write(json.dumps([v.as_json() for v in views], ensure_ascii=False, indent=2) + "\n")
        return 0
    rows = [
        (
            v.pledge.company_name,
            _status(v.state.status) + _labels(v.state.caveats),
            str(v.state.since or ""),
            str(len(v.pending)) if v.pending else "",
            v.state.source_url or "",
        )
        for v in views
    ]
    _table(out, ("company", "status", "since", "to review", "source"), rows)
    return 0


async def show_pledge(
    settings: Settings, query: str, *, as_json: bool, out: TextIO = sys.stdout
) -> int:
    from bot.domain.watchlist import load_watchlist
    from bot.errors import NotFoundError
    from bot.status import find_pledge, pledge_statuses

    async with open_store(settings) as repo:
        views = await pledge_statuses(repo, load_watchlist(), today=utc_now().date())
    view = find_pledge(views, query)
    if view is None:
        known = ", ".join(v.pledge.company for v in views)
        raise NotFoundError(f"no tracked pledge matches {query!r} (try one of: {known})")
    data = view.as_json()
    if as_json:
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    facts = data["fact_labels"]
    out.write(f"{view.pledge.title}\n")
    out.write(f"Status: {_status(data['status'])} since {data['since'] or 'unknown date'}")
    out.write(f"{_labels(data['status_labels'])}  [{data['status_source_url']}]\n")
    for basis in data["status_derived_from"]:
        out.write(f"  derived from: {basis}\n")
    out.write(f"Announced: {data['announced_date']}{_labels(_one(facts, 'announced'))}")
    out.write(f"  [{data['announced_source_url']}]\n")
    if data["scope_quote"]:
        out.write(f'Scope: "{data["scope_quote"]}"{_labels(_one(facts, "scope_quote"))}')
        out.write(f"  [{data['scope_quote_source_url']}]\n")
    if data["conditions"]:
        out.write(f"Conditions: {data['conditions']}  [{', '.join(data['conditions_sources'])}]\n")
    if data["exceptions"]:
        out.write(f"Exceptions: {', '.join(data['exceptions'])}\n")
    if data["expiry"]:
        out.write(f"Expiry: {data['expiry']}  [{', '.join(data['expiry_sources'])}]\n")
    if data["deadline"]:
        d = data["deadline"]
        derived = " (derived)" if d["derived"] else ""
        out.write(f"Deadline: {d['date']} ({d['label']}){derived}  [{d['source_url']}]\n")
    for dispute in data["disputes"]:
        out.write(f"Disputed: {dispute['summary']}{_labels(dispute['labels'])}")
        out.write(f"  [{dispute['source_url']}]\n")
    out.write("History:\n")
    for e in data["history"]:
        out.write(f"  {e['when']:10}  {e['summary']}{_labels(e['labels'])}  [{e['source_url']}]\n")
    for x in data["pending_suggestions"]:
        out.write(f"Pending review #{x['id']}: {x['suggested_status']}  [{x['source_url']}]\n")
    return 0


async def review(settings: Settings, args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    import getpass

    from bot.domain.watchlist import load_watchlist
    from bot.status import pledge_statuses

    async with open_store(settings) as repo:
        if args.confirm is None and args.reject is None:
            pending = await repo.suggestions()
            if not pending:
                out.write("No suggestions are waiting for review.\n")
                return 0
            rows = [
                (f"#{x.id}", x.pledge_id, x.suggested_status, x.title, x.source_url)
                for x in pending
            ]
            _table(out, ("id", "pledge", "suggests", "headline", "source"), rows)
            out.write("\nConfirm with --confirm N, reject with --reject N.\n")
            return 0
        confirm = args.confirm is not None
        number = args.confirm if confirm else args.reject
        views = await pledge_statuses(repo, load_watchlist(), today=utc_now().date())
        current = {v.pledge.id: v.state for v in views}
        waiting = {x.id: x for x in await repo.suggestions()}
        old = current.get(waiting[number].pledge_id) if number in waiting else None
        decided = await repo.decide_suggestion(
            number,
            confirm=confirm,
            by=args.by or getpass.getuser(),
            now=utc_now(),
            note=args.note,
            alert_payload={
                "old_status": old.status if old else None,
                "old_status_labels": list(old.caveats) if old else [],
            },
            sinks=(delivery_mode(settings),),
        )
    verb = "Confirmed" if confirm else "Rejected"
    out.write(f"{verb} #{decided.id}: {decided.pledge_id} -> {decided.suggested_status}.\n")
    return 0


async def show_bills(
    settings: Settings,
    *,
    as_json: bool,
    jurisdiction: str | None,
    stage: str | None,
    out: TextIO = sys.stdout,
    today: date | None = None,
) -> int:
    from bot.domain.watchlist import load_watchlist
    from bot.status import bill_statuses, watching_for

    watchlist = load_watchlist()
    async with open_store(settings) as repo:
        views = await bill_statuses(repo, watchlist, today=today or utc_now().date())
    watching = [w for w in watching_for(watchlist) if not stage]
    if jurisdiction:
        j = jurisdiction.lower()
        views = [
            v
            for v in views
            if v.jurisdiction.lower() in (j,) or v.jurisdiction.lower().startswith(j + "-")
        ]
        watching = [
            w
            for w in watching
            if w.jurisdiction.lower() == j or w.jurisdiction.lower().startswith(j + "-")
        ]
    if stage:
        views = [v for v in views if v.stage == stage]
    if as_json:
        rows_json = [v.as_json() for v in views]
        rows_json += [{**w.as_json(), "watching_for": True} for w in watching]
        out.write(json.dumps(rows_json, ensure_ascii=False, indent=2) + "\n")
        return 0
    rows = [
        (
            ", ".join(_with_label(i, v.caveats) for i in v.identifiers) or v.id,
            v.jurisdiction,
            _stage_text(v),
            str(v.stage_date or ""),
            v.title,
            v.stage_source_url or "",
        )
        for v in views
    ]
    _table(out, ("bill", "where", "stage", "since", "title", "source"), rows)
    for w in watching:
        out.write(f"\nWatching for (not confirmed to exist): {w.title}. {w.note or ''}\n")
    return 0


async def show_bill(
    settings: Settings,
    query: str,
    *,
    as_json: bool,
    out: TextIO = sys.stdout,
    today: date | None = None,
) -> int:
    from bot.domain.watchlist import load_watchlist
    from bot.errors import NotFoundError
    from bot.status import bill_statuses, find_bill

    async with open_store(settings) as repo:
        views = await bill_statuses(repo, load_watchlist(), today=today or utc_now().date())
        view = find_bill(views, query)
    if view is None:
        raise NotFoundError(f"no tracked law or bill matches {query!r}")
    data = view.as_json()
    if as_json:
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    ids = ", ".join(_with_label(i, view.caveats) for i in view.identifiers)
    out.write(f"{view.title}\n{ids} — {view.jurisdiction}\n")
    out.write(f"Stage: {_stage_text(view, since=True)}")
    out.write(f"  [{view.stage_source_url or 'no source'}]\n")
    for basis in view.stage_basis:
        out.write(f"  derived from: {basis}\n")
    for e in view.in_force:
        out.write(f"In force: {e['when']}{_labels(e['labels'])}  [{e['source_url']}]\n")
    if view.change:
        c = view.change
        out.write(f"{_status(c['kind']).capitalize()}: {c['when']}: {c['text']}")
        out.write(f"{_labels(c['labels'])}  [{c['source_url']}]\n")
        if c["signed"]:
            s = c["signed"]
            out.write(f"  rollback signed {s['when']}{_labels(s['labels'])}  [{s['source_url']}]\n")
    if view.fr_provisions:
        sources = ", ".join(view.fr_provisions_sources)
        out.write(f"Facial-recognition provisions: {view.fr_provisions}  [{sources}]\n")
    for name, text in view.caveats.items():
        if name not in view.identifiers:
            out.write(f"Note on {_status(name)}: {text}\n")
    if view.history:
        out.write("History:\n")
        for e in view.history:
            out.write(f"  {e['when']:10}  {e['text']}{_labels(e['labels'])}  [{e['source_url']}]\n")
    return 0


def _stage_text(view: BillStatusView, *, since: bool = False) -> str:
    """The stage with how it is known: "enacted since 2020-06-30 (signed; derived)"."""
    if view.stage is None and view.instrument:
        return f"no stage ({view.instrument})"
    stage = (view.stage or "unknown").replace("_", " ")
    if since and view.stage_date:
        stage += f" since {view.stage_date}"
    elif since and view.stage:
        stage += ", date not stated"
    # The event behind the stage, when its name says more than the stage's.
    event = view.stage_event if view.stage_event != view.stage else None
    how = [event.replace("_", " ")] if event else []
    if view.change:
        how.append(f"then {view.change['kind'].replace('_', ' ')} {view.change['when']}")
    return stage + _labels([*how, *view.stage_caveats])


def _labels(labels: Iterable[str]) -> str:
    items = list(labels)
    return f" ({'; '.join(items)})" if items else ""


def _one(labels: dict[str, str], name: str) -> list[str]:
    return [labels[name]] if name in labels else []


def _with_label(identifier: str, caveats: dict[str, str]) -> str:
    return identifier + _labels(_one(caveats, identifier))


def _status(status: str | None) -> str:
    return (status or "not yet in force").replace("_", " ")


# --- db, classify, eval ---------------------------------------------------------------------


async def db_upgrade(settings: Settings, *, out: TextIO = sys.stdout) -> int:
    from storage.engine import create_engine, upgrade

    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    out.write("Database is up to date.\n")
    return 0


def classify_command(file: str) -> int:
    from bot.classify_io import classify_lines
    from bot.domain.watchlist import load_watchlist

    watchlist = load_watchlist()
    if file == "-":
        for line in classify_lines(sys.stdin, watchlist):
            sys.stdout.write(line + "\n")
        return 0
    try:
        with Path(file).open(encoding="utf-8") as handle:
            for line in classify_lines(handle, watchlist):
                sys.stdout.write(line + "\n")
    except OSError as exc:
        raise PledgeWatchError(f"{file}: cannot read: {exc.strerror or exc}") from exc
    return 0


def eval_command(corpus: Path) -> int:
    from bot.classify_io import run_eval

    if not corpus.exists():
        raise PledgeWatchError(f"{corpus}: no such corpus file")
    run_eval(corpus, sys.stdout)
    return 0
