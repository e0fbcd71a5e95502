"""Command answers as embeds. Pure: status views in, embeds out.

Every fact carries its source link, and a fact the fact sheet leaves null is simply not
shown. Text from feeds and from the fact sheet is escaped; lists are cut to what fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import discord

from bot import __version__
from bot.delivery.embeds import (
    COLOURS,
    DESCRIPTION,
    FIELD_VALUE,
    clip,
    escape,
    fit,
    label,
    line,
    link,
    links,
    units,
    when,
)
from bot.domain.keywords import KeywordFilter
from bot.domain.schedule import DEFAULT_HOUR, Cadence, DigestSchedule, ScheduleError
from bot.domain.watchlist import Law
from bot.redaction import hide_userinfo
from bot.status import BillStatusView, PledgeStatusView, WatchingView
from storage.records import (
    BillView,
    FeedState,
    FollowView,
    StoryView,
    SubscriptionView,
    SuggestionView,
)

PAGE_SIZE = 8
# Line budget for a list page's description (well under the 4,096 limit).
PAGE_BUDGET = 3500

STATUS_COLOURS = {
    "active": 0x22C55E,
    "conditional": 0x3B82F6,
    "extended": 0x14B8A6,
    "expired": 0x6B7280,
    "lifted": 0xEF4444,
    "reversed_or_disputed": 0xF97316,
    "superseded": 0x8B5CF6,
}
IMPORTANCE_NAMES = {0: "any", 1: "low", 2: "normal", 3: "high"}
FOOTER = f"PledgeWatch {__version__}"


def _day(value: date | datetime | None) -> str:
    return value.isoformat()[:10] if value else "undated"


def _status(status: str | None) -> str:
    return label(status) if status else "not in force yet"


def _src(url: str | None) -> str:
    return f" \u2014 {link('source', url, 600)}" if url else ""


def _tags(labels: Sequence[str], limit: int = 300) -> str:
    """What the fact sheet marks about a fact (derived, sources conflict...), beside it."""
    return f" *({escape(clip('; '.join(labels), limit))})*" if labels else ""


def _one(labels: dict[str, str], name: str) -> list[str]:
    return [labels[name]] if name in labels else []


def _basis(basis: Sequence[str]) -> str:
    """The events a derived status or stage comes from, on the same line as its source."""
    if not basis:
        return ""
    return f" \u00b7 derived from: {escape(clip('; '.join(basis), 500))}"


def _newest_that_fit(lines: Sequence[str], limit: int = FIELD_VALUE) -> str | None:
    """The most recent lines (the input is oldest first) that fit, with a note of the rest."""
    kept: list[str] = []
    for text in reversed(lines):
        trial = [text, *kept]
        skipped = len(lines) - len(trial)
        note = f"\n\u2026 {skipped} earlier" if skipped else ""
        if units("\n".join(trial) + note) > limit:
            break
        kept = trial
    if not kept and lines:
        return clip(lines[-1], limit)
    skipped = len(lines) - len(kept)
    note = f"\n\u2026 {skipped} earlier" if skipped else ""
    return ("\n".join(kept) + note) if kept else None


def _field(embed: discord.Embed, name: str, value: str | None, *, inline: bool = False) -> None:
    if value and value.strip() and len(embed.fields) < 25:
        embed.add_field(name=clip(name, 256), value=clip(value, FIELD_VALUE), inline=inline)


# --- pledges ------------------------------------------------------------------------------


def pledge_card(view: PledgeStatusView, news: Sequence[StoryView] = ()) -> discord.Embed:
    p, s = view.pledge, view.state
    embed = discord.Embed(
        title=line(f"{p.company_name}: {p.title}", 256),
        url=p.announced_source_url,
        colour=STATUS_COLOURS.get(s.status or "", COLOURS["pledge_status"]),
    )
    since = f" since {s.since.isoformat()}" if s.since else ""
    lines = [
        f"**Status:** {_status(s.status)}{since}{_tags(s.caveats)}{_src(s.source_url)}"
        f"{_basis(s.basis)}"
    ]
    lines.append(
        f"**Announced:** {p.announced_date.isoformat()}{_tags(_one(p.caveats, 'announced'))}"
        f"{_src(p.announced_source_url)}"
    )
    for dispute in s.disputes:
        if dispute.source_url:
            lines.append(
                f"**Disputed ({dispute.when}):** {escape(dispute.summary)}"
                f"{_tags(dispute.caveats)}{_src(dispute.source_url)}"
            )
    if view.pending:
        lines.append(
            f"{len(view.pending)} suggested status change(s) await review (`/pledge-review`)."
        )
    embed.description = clip("\n".join(lines), DESCRIPTION)

    if p.scope_quote and p.scope_quote_source_url:
        _field(
            embed,
            "Scope",
            f"> {escape(p.scope_quote)}{_tags(_one(p.caveats, 'scope_quote'))}"
            f"{_src(p.scope_quote_source_url)}",
        )
    if p.conditions and p.conditions_sources:
        _field(embed, "Conditions", _with_sources(p.conditions, p.conditions_sources))
    if p.exceptions and p.exceptions_quote:
        _field(
            embed,
            "Exceptions",
            ", ".join(escape(x) for x in p.exceptions) + _src(p.exceptions_quote.source_url),
        )
    expiry = _expiry(view)
    _field(embed, "Expiry", expiry)
    history = [
        f"`{e.when}` {escape(e.summary)}{_tags(e.caveats)}{_src(e.source_url)}"
        for e in s.history
        if e.source_url
    ]
    _field(embed, "History", _newest_that_fit(history))
    _field(embed, "Latest news", news_lines(news, limit=3))
    sources = [(p.company_name + " announcement", p.announced_source_url)]
    if s.source_url and s.source_url != p.announced_source_url:
        sources.append(("current status", s.source_url))
    _field(embed, "Sources", links(sources))
    embed.set_footer(text=f"{FOOTER} \u00b7 pledge id {p.id}")
    return fit(embed)


def _with_sources(text: str, urls: Sequence[str]) -> str:
    tail = " \u2014 " + links((f"source {i}", u) for i, u in enumerate(urls, 1))
    return clip(escape(text), FIELD_VALUE - units(tail)) + tail


def _expiry(view: PledgeStatusView) -> str | None:
    p, s = view.pledge, view.state
    parts = []
    if p.expiry and p.expiry_sources:
        parts.append(_with_sources(p.expiry, p.expiry_sources))
    if s.deadline is not None:
        stamp = when(s.deadline.day, "D")
        relative = when(s.deadline.day, "R")
        derived = _tags(["derived"]) if s.deadline.derived else ""
        parts.append(
            f"**Runs out {stamp} ({relative})**: {escape(s.deadline.label)}{derived}"
            f"{_src(s.deadline.source_url)}"
        )
    return "\n".join(parts) or None


def pledge_pages(views: Sequence[PledgeStatusView]) -> list[discord.Embed]:
    rows = []
    for v in views:
        since = f" since {v.state.since.isoformat()}" if v.state.since else ""
        pending = f" \u00b7 {len(v.pending)} to review" if v.pending else ""
        rows.append(
            f"**{escape(v.pledge.company_name)}** \u2014 {_status(v.state.status)}{since}"
            f"{_tags(v.state.caveats, 120)}"
            f"{_src(v.state.source_url or v.pledge.announced_source_url)}{pending}\n"
            f"{escape(v.pledge.title)}"
        )
    return list_pages("Tracked pledges", rows, COLOURS["pledge_status"], hint="`/pledge <company>`")


# --- bills --------------------------------------------------------------------------------


def bill_card(
    view: BillStatusView, law: Law | None = None, stored: BillView | None = None
) -> discord.Embed:
    embed = discord.Embed(title=line(view.title, 256), url=view.url, colour=COLOURS["bill_stage"])
    ids = _ids(view) or escape(view.id)
    lines = [
        f"**{ids}** \u2014 {escape(law.jurisdiction_name if law else view.jurisdiction)}",
        f"**Stage:** {stage_text(view)}{_src(view.stage_source_url)}{_basis(view.stage_basis)}",
    ]
    for e in view.in_force:
        lines.append(f"**In force:** {e['when']}{_tags(e['labels'])}{_src(e['source_url'])}")
    if view.change:
        c = view.change
        lines.append(
            f"**{label(c['kind']).capitalize()} {c['when']}:** {escape(clip(c['text'], 400))}"
            f"{_tags(c['labels'])}{_src(c['source_url'])}"
        )
        if c["signed"]:
            signed = c["signed"]
            lines.append(
                f"\u2003rollback signed {signed['when']}{_tags(signed['labels'])}"
                f"{_src(signed['source_url'])}"
            )
    if law is not None and law.source_url:
        unsourced = law.source_notes
        if law.session:
            lines.append(f"**Session:** {escape(law.session)}{_src(law.source_url)}")
        if law.introduced_date:
            lines.append(
                f"**Introduced:** {law.introduced_date.isoformat()}"
                f"{_tags(_one(law.caveats, 'introduced_date'))}{_src(law.source_url)}"
            )
        if law.sponsors and "sponsors" not in unsourced:
            lines.append(
                f"**Sponsors:** {escape('; '.join(law.sponsors))}"
                f"{_tags(_one(law.caveats, 'sponsors'))}{_src(law.source_url)}"
            )
    embed.description = clip("\n".join(lines), DESCRIPTION)
    if law is not None:
        scope_src = law.scope_quote_source_url or law.source_url
        if law.scope_quote and scope_src:
            _field(
                embed,
                "Scope",
                f"> {escape(law.scope_quote)}{_tags(_one(law.caveats, 'scope_quote'))}"
                f"{_src(scope_src)}",
            )
        if law.fr_provisions and law.fr_provisions_sources:
            _field(
                embed,
                "Facial-recognition provisions",
                _with_sources(law.fr_provisions, law.fr_provisions_sources),
            )
        for name, value in (("exceptions", law.exceptions), ("conditions", law.conditions)):
            # A fact the sheet read without an address is not cited with another source.
            if value and law.source_url and name not in law.source_notes:
                _field(
                    embed,
                    name.capitalize(),
                    escape(value) + _tags(_one(law.caveats, name)) + _src(law.source_url),
                )
    history = [
        f"`{e.get('when') or e['date'] or 'undated'}` {escape(e['text'])}"
        f"{_tags(e.get('labels', ()))}{_src(e['source_url'])}"
        for e in view.history
        if e.get("source_url")
    ]
    if stored is not None:
        history += [
            f"`{_day(a.date)}` {escape(a.text)}{_src(a.source_url)}"
            for a in stored.actions
            if a.source_url
        ]
    _field(embed, "History", _newest_that_fit(history))
    embed.set_footer(text=f"{FOOTER} \u00b7 id {view.id}")
    return fit(embed)


def stage_text(view: BillStatusView, limit: int = 400) -> str:
    """The stage, since when, and how it is known: "enacted since 2020-06-30 (signed)"."""
    if view.stage is None and view.instrument:
        return f"no stage *({escape(clip(view.instrument, limit))})*"
    stage = label(view.stage) if view.stage else "unknown"
    since = f" since {view.stage_date.isoformat()}" if view.stage_date else ""
    # The event behind the stage, when its name says more than the stage's.
    event = view.stage_event if view.stage_event != view.stage else None
    how = [label(event)] if event else []
    if view.change:
        how.append(f"then {label(view.change['kind'])} {view.change['when']}")
    return f"{stage}{since}{_tags([*how, *view.stage_caveats], limit)}"


def _ids(view: BillStatusView) -> str:
    return ", ".join(
        escape(i) + _tags(_one(view.caveats, i), 120) for i in dict.fromkeys(view.identifiers)
    )


def bill_pages(
    views: Sequence[BillStatusView], *, title: str, watching: Sequence[WatchingView] = ()
) -> list[discord.Embed]:
    rows = []
    for v in views:
        rows.append(
            f"**{_ids(v) or escape(v.id)}** ({escape(v.jurisdiction)}) \u2014 "
            f"{stage_text(v, 160)}{_src(v.stage_source_url)}\n{line(v.title, 200)}"
        )
    for w in watching:
        rows.append(
            f"**Watching for** ({escape(w.jurisdiction)}) \u2014 not confirmed to exist\n"
            f"{line(w.title, 200)}\n{escape(clip(w.note or '', 300))}"
        )
    return list_pages(title, rows, COLOURS["bill_stage"], hint="`/bill <id>`")


# --- news ---------------------------------------------------------------------------------


def news_lines(stories: Sequence[StoryView], *, limit: int | None = None) -> str | None:
    rows = [_story_line(s) for s in stories[:limit]]
    if not rows:
        return None
    out: list[str] = []
    for row in rows:
        if units("\n".join([*out, row])) > FIELD_VALUE:
            break
        out.append(row)
    return "\n".join(out) or clip(rows[0], FIELD_VALUE)


def _story_line(story: StoryView) -> str:
    outlet = story.sources[0][0] if story.sources else None
    more = f", +{story.source_count - 1} more" if story.source_count > 1 else ""
    stamp = when(story.published, "R") or _day(story.published)
    via = f" \u2014 {line(outlet, 60)}{more}" if outlet else ""
    return f"{link(story.title, story.url, 400)}{via}, {stamp}"


def news_pages(stories: Sequence[StoryView], *, title: str) -> list[discord.Embed]:
    rows = []
    for s in stories:
        others = [(name, url) for name, url in s.sources[1:4]]
        also = f"\nAlso: {links(others, 400)}" if others else ""
        rows.append(_story_line(s) + also)
    return list_pages(title, rows, COLOURS["news"], empty="No relevant stories in that window.")


# --- subscriptions, feeds, review ---------------------------------------------------------


def subscription_lines(sub: SubscriptionView, timezone: str | None = None) -> str:
    def any_of(values: Sequence[str]) -> str:
        return ", ".join(escape(v) for v in values) if values else "any"

    role = f"<@&{sub.mention_role_id}>" if sub.mention_role_id else "nobody"
    state = f"**paused**: {escape(sub.paused_reason or '')}" if sub.paused else "active"
    delivery = sub.mode
    if sub.mode == "digest":
        delivery = _schedule_text(sub, timezone)
    extra = []
    if sub.keywords or sub.exclude_keywords:
        extra.append(f"keywords: {escape(_keywords(sub))}")
    if sub.thread_per_bill:
        extra.append("a thread per bill")
    return (
        f"<#{sub.channel_id}> \u2014 {state}\n"
        f"kinds: {any_of(sub.kinds)} \u00b7 companies: {any_of(sub.companies)} \u00b7 "
        f"places: {any_of(sub.jurisdictions)}\n"
        f"minimum importance: {IMPORTANCE_NAMES.get(sub.min_importance, sub.min_importance)}"
        f" \u00b7 delivery: {delivery} \u00b7 mentions: {role}" + "".join(f"\n{x}" for x in extra)
    )


def _schedule_text(sub: SubscriptionView, timezone: str | None) -> str:
    hour = DEFAULT_HOUR if sub.digest_hour is None else sub.digest_hour
    cadence: Cadence = "weekly" if sub.digest_cadence == "weekly" else "daily"
    try:
        return DigestSchedule(cadence, hour, sub.digest_weekday, timezone or "UTC").describe()
    except ScheduleError:
        return f"{cadence} digest"


def _keywords(sub: SubscriptionView) -> str:
    return KeywordFilter(sub.keywords, sub.exclude_keywords).describe()


def subscription_pages(
    subs: Sequence[SubscriptionView],
    follows: Sequence[FollowView] = (),
    *,
    timezone: str | None = None,
) -> list[discord.Embed]:
    rows = [subscription_lines(s, timezone) for s in subs]
    by_channel: dict[int, list[FollowView]] = {}
    for f in follows:
        by_channel.setdefault(f.channel_id, []).append(f)
    for channel_id, followed in by_channel.items():
        shown = "\n".join(f"follows {f.kind} **{escape(line(f.label, 120))}**" for f in followed)
        rows.append(f"<#{channel_id}> \u2014 every change to what it follows:\n{shown}")
    return list_pages(
        "Subscriptions in this server",
        rows,
        COLOURS["news"],
        empty="No channel here is subscribed yet. A server manager can run `/subscribe`.",
    )


def feed_pages(states: Sequence[FeedState], *, status: bool) -> list[discord.Embed]:
    rows = []
    for f in states:
        name = line(f.name or f.id, 80)
        origin = "feeds.yaml" if f.origin == "file" else "added here"
        head = f"**{name}** (`{f.id}`, {f.kind}, {f.format}, {origin})"
        if not f.enabled:
            head += " \u2014 disabled"
        if not status:
            address = hide_userinfo(f.url)
            rows.append(f"{head}\n{link(address, address, 300)}")
            continue
        rows.append(f"{head}\n{_health(f)}")
    title = "Feed status" if status else "Feeds"
    return list_pages(title, rows, COLOURS["feed_health"], empty="No feeds are configured.")


def _health(f: FeedState) -> str:
    if f.last_attempt_at is None:
        state = "not polled yet"
    elif f.consecutive_failures:
        state = f"failing ({f.consecutive_failures} in a row)"
    else:
        state = "ok"
    parts = [f"state: {state}"]
    parts.append(f"last success: {when(f.last_success_at) or 'never'}")
    if f.last_error:
        error = hide_userinfo(f.last_error)
        parts.append(f"last error {when(f.last_error_at) or ''}: {line(error, 200)}")
    if f.next_attempt_at and f.consecutive_failures:
        parts.append(f"next try {when(f.next_attempt_at)}")
    return " \u00b7 ".join(parts)


def suggestion_pages(pending: Sequence[SuggestionView]) -> list[discord.Embed]:
    rows = [
        f"**#{x.id}** `{x.pledge_id}` \u2192 **{label(x.suggested_status)}** "
        f"(event: {label(x.event)}, {_day(x.published or x.created_at)})\n"
        f"{link(x.title, x.source_url, 500)}"
        for x in pending
    ]
    return list_pages(
        "Suggested pledge status changes",
        rows,
        COLOURS["pledge_signal"],
        empty="No suggestions are waiting for review.",
        hint="`/pledge-review confirm <id>` or `/pledge-review reject <id>`",
    )


def about_card(
    *,
    pledges: int,
    laws: int,
    guilds: int,
    commands: Sequence[str],
    watching: Sequence[str] = (),
) -> discord.Embed:
    embed = discord.Embed(
        title="PledgeWatch",
        description=(
            "Keeps watch on facial-recognition policy: company moratoria (IBM, Amazon, "
            "Microsoft and others), bills and laws, and the news about them. Every fact "
            "shown links to its source; a suggested pledge status change waits for a server "
            "manager's review."
        ),
        colour=COLOURS["news"],
    )
    embed.add_field(name="Tracking", value=f"{pledges} pledges, {laws} laws and bills")
    embed.add_field(name="Servers", value=str(guilds))
    if watching:
        embed.add_field(
            name="Watching for (not confirmed to exist)",
            value=clip("\n".join(escape(w) for w in watching), FIELD_VALUE),
            inline=False,
        )
    embed.add_field(
        name="Commands",
        value=clip(" ".join(f"`/{c}`" for c in commands), FIELD_VALUE),
        inline=False,
    )
    embed.set_footer(text=FOOTER)
    return embed


# --- lists --------------------------------------------------------------------------------


def list_pages(
    title: str,
    rows: Sequence[str],
    colour: int,
    *,
    empty: str = "Nothing to show.",
    hint: str | None = None,
    per_page: int = PAGE_SIZE,
) -> list[discord.Embed]:
    """Rows split into pages of at most ``per_page`` rows and ``PAGE_BUDGET`` characters."""
    pages: list[list[str]] = []
    current: list[str] = []
    for row in rows:
        row = clip(row, PAGE_BUDGET)
        if current and (
            len(current) >= per_page or units("\n\n".join([*current, row])) > PAGE_BUDGET
        ):
            pages.append(current)
            current = []
        current.append(row)
    if current:
        pages.append(current)
    if not pages:
        return [discord.Embed(title=clip(title, 256), description=empty, colour=colour)]
    out = []
    for number, page in enumerate(pages, 1):
        embed = discord.Embed(title=clip(title, 256), description="\n\n".join(page), colour=colour)
        footer = f"{len(rows)} in all"
        if len(pages) > 1:
            footer = f"Page {number}/{len(pages)} \u00b7 {footer}"
        if hint:
            footer += f" \u00b7 details: {hint.strip('`')}"
        embed.set_footer(text=footer)
        out.append(fit(embed))
    return out
