"""Alerts as Discord embeds: one design per kind, always within Discord's limits.

Feed text is untrusted. Everything taken from a feed goes through :func:`escape` (no
markdown, no mentions, no control characters) and :func:`clip` (word-boundary truncation),
and :func:`fit` is the last guard on the whole embed. Lengths are measured in UTF-16 code
units, never fewer than code points, so an embed that passes here passes Discord whichever
way it counts. Every fact shown carries its source link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import discord

from storage.records import AlertView

TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
TOTAL = 6000
CONTENT = 2000
URL = 2048

SHORT_DESCRIPTION = 350  # an alert is read at a glance; the link has the rest
ELLIPSIS = "\u2026"
EMPTY = "\u2014"  # Discord refuses blank field values

COLOURS: dict[str, int] = {
    "news": 0x3B82F6,
    "pledge_signal": 0xF59E0B,
    "pledge_status": 0x8B5CF6,
    "pledge_deadline": 0xEF4444,
    "new_bill": 0x10B981,
    "bill_stage": 0x14B8A6,
    "feed_health": 0x6B7280,
    "feed_recovered": 0x22C55E,
    "digest": 0x64748B,
}

# C0/C1 controls (newline and tab are kept), zero-width and bidi controls, lone surrogates.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
    "\ufeff\ud800-\udfff]"
)
_EVERYONE = re.compile(r"@(everyone|here)", re.IGNORECASE)
_ID_MENTION = re.compile(r"@([!&]?\d)")  # <@123>, <@!123>, <@&123>, and bare @123456...
_OTHER_MENTION = re.compile(r"<(#|/|:|a:)")  # channels, slash commands, custom emoji
_SPACES = re.compile(r"\s+")
_HOST = re.compile(r"[A-Za-z0-9.:-]+")
_ZWSP = "\u200b"


def units(text: str) -> int:
    """Length as Discord may count it: UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def clip(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit``, else cut at a word boundary with an ellipsis.

    Falls back to a hard cut when the last word boundary would throw away more than a third.
    Never leaves a dangling escape backslash.
    """
    if units(text) <= limit:
        return text
    if limit <= 0:
        return ""
    room = limit - units(ELLIPSIS)
    head = _take_units(text, room)
    cut = max(head.rfind(" "), head.rfind("\n"))
    if cut > len(head) * 2 // 3:
        head = head[:cut]
    head = head.rstrip()
    while head.endswith("\\") and (len(head) - len(head.rstrip("\\"))) % 2 == 1:
        head = head[:-1]
    return head + ELLIPSIS


def _take_units(text: str, room: int) -> str:
    if room <= 0:
        return ""
    if len(text) * 2 <= room:  # even all-astral text fits
        return text
    out: list[str] = []
    used = 0
    for char in text:
        size = 2 if ord(char) > 0xFFFF else 1
        if used + size > room:
            break
        out.append(char)
        used += size
    return "".join(out)


def escape(text: str) -> str:
    """Feed text made inert: no control characters, no markdown, no mentions."""
    text = _CONTROL.sub("", str(text))
    text = discord.utils.escape_markdown(text)
    text = discord.utils.escape_mentions(text)
    text = _EVERYONE.sub(lambda m: "@" + _ZWSP + m.group(1), text)
    text = _ID_MENTION.sub("@" + _ZWSP + r"\1", text)
    return _OTHER_MENTION.sub("<" + _ZWSP + r"\1", text)


def line(text: Any, limit: int) -> str:
    """Untrusted text for a one-line slot (title, name): escaped, spaces collapsed, clipped."""
    return clip(escape(_SPACES.sub(" ", str(text or "")).strip()), limit)


def safe_url(url: Any) -> str | None:
    """An http(s) URL fit for a link, with the characters that would break markdown quoted;
    None when it is not one."""
    if not isinstance(url, str):
        return None
    url = _CONTROL.sub("", url).strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None:
        return None  # user@host links are a phishing device, never a feed's article link
    # "@" is quoted too, so that no mention-like text survives anywhere in the message.
    try:
        host = parts.hostname.encode("idna").decode("ascii")
        port = parts.port
    except (UnicodeError, ValueError):
        return None
    if not _HOST.fullmatch(host):
        return None
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    quoted = f"{parts.scheme.lower()}://{netloc}" + quote(parts.path, safe="/%!$&*+,;=:~-._")
    if parts.query:
        quoted += "?" + quote(parts.query, safe="/%!$&*+,;=:?~-._")
    if parts.fragment:
        quoted += "#" + quote(parts.fragment, safe="/%!$&*+,;=:?~-._")
    return quoted if len(quoted) <= URL else None


def link(label: Any, url: Any, limit: int = FIELD_VALUE) -> str:
    """``[label](url)``, or the label and the URL as plain text when the URL is unusable."""
    name = str(label or "").replace("[", "(").replace("]", ")")
    target = safe_url(url)
    if target is None:
        shown = line(f"{name} {url}" if url else name, limit)
        return shown or EMPTY
    room = limit - units(target) - 4
    if room < 1:
        return clip(target, limit)
    return f"[{line(name, room) or 'source'}]({target})"


def links(entries: Iterable[tuple[Any, Any]], limit: int = FIELD_VALUE) -> str:
    """Comma-separated links that fit in ``limit``, then "and N more"."""
    items = [link(name, url) for name, url in entries]
    out: list[str] = []
    for i, item in enumerate(items):
        rest = len(items) - i - 1
        tail = f" and {rest} more" if rest else ""
        candidate = ", ".join([*out, item])
        if units(candidate + tail) > limit:
            more = len(items) - i
            text = ", ".join(out)
            return clip(f"{text} and {more} more" if out else f"{more} sources", limit)
        out.append(item)
    return ", ".join(out)


def when(value: Any, style: str = "R") -> str | None:
    """A Discord timestamp (``<t:...:R>``) for an ISO date or datetime; None if unreadable."""
    moment = parse_time(value)
    if moment is None:
        return None
    return f"<t:{int(moment.timestamp())}:{style}>"


def parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, tzinfo=UTC)
    elif isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment.timestamp()
    except (OverflowError, OSError, ValueError):
        return None
    return moment.astimezone(UTC)


def label(value: Any) -> str:
    """A machine word (``passed_one_chamber``) as words."""
    return str(value or "").replace("_", " ").strip()


# --- building ---------------------------------------------------------------------------


class _Builder:
    """Collects an embed's parts and clips each to its limit."""

    def __init__(self, kind: str, title: Any, url: Any = None) -> None:
        self.embed = discord.Embed(
            title=line(title, TITLE) or "(untitled)",
            url=safe_url(url),
            colour=COLOURS.get(kind, COLOURS["news"]),
        )

    def author(self, name: str) -> None:
        self.embed.set_author(name=clip(name, AUTHOR))

    def description(self, text: str, limit: int = SHORT_DESCRIPTION) -> None:
        text = text.strip()
        if text:
            self.embed.description = clip(text, min(limit, DESCRIPTION))

    def field(self, name: str, value: str | None, *, inline: bool = True) -> None:
        if value is None or not value.strip() or len(self.embed.fields) >= FIELDS:
            return
        self.embed.add_field(
            name=clip(name, FIELD_NAME) or EMPTY,
            value=clip(value, FIELD_VALUE),
            inline=inline,
        )

    def footer(self, text: str, moment: datetime | None) -> None:
        self.embed.set_footer(text=clip(text, FOOTER))
        if moment is not None:
            self.embed.timestamp = moment

    def done(self) -> discord.Embed:
        return fit(self.embed)


def _names(values: Any) -> str | None:
    if not isinstance(values, list | tuple) or not values:
        return None
    return ", ".join(line(v, 100) for v in values if str(v).strip()) or None


def _source_footer(source: Any) -> str:
    return f"PledgeWatch \u00b7 {line(source, 200)}" if source else "PledgeWatch"


WHY = 300  # one line, read at a glance


def why_it_matters(reasons: Any) -> str | None:
    """One line from the classifier's reasons: which tracked pledge or law, by the name a
    reader knows ("Washington SB 6280"), and the event in words ("bill signed").

    Reads the reasons ``classify`` writes (``about: name; name``, ``event.<name>: words``,
    ``policy.<family>: words``; ``pledges:`` and ``law <id>:`` ids for alerts written before
    names were); None when they name nothing. Escaped and clipped: a reason's words can
    come from the item.
    """
    if not isinstance(reasons, list | tuple):
        return None
    names: list[str] = []
    ids: list[str] = []
    event = ""
    context: list[str] = []
    for reason in (str(r) for r in reasons):
        head, _, rest = reason.partition(": ")
        if head == "about":
            names += [x.strip() for x in rest.split(";") if x.strip()]
        elif head == "pledges":
            ids += [x.strip() for x in rest.split(",") if x.strip()]
        elif head.startswith("law "):
            ids.append(head[4:])
        elif head.startswith("event.") and not event:
            event = label(head[6:])
        elif head.startswith("policy.") and head != "policy.police_gov":
            context.append(label(head[7:]))
    concerns = _few(list(dict.fromkeys(names or ids)))
    if concerns and event:
        text = f"{concerns}: {event}"
    elif concerns or event:
        text = concerns or f"facial recognition {event}"
    elif context:
        text = f"facial recognition and {_few(list(dict.fromkeys(context)))}"
    else:
        return None
    return line(text[:1].upper() + text[1:], WHY)


def _few(names: list[str], most: int = 3) -> str:
    shown = ", ".join(names[:most])
    return f"{shown} and {len(names) - most} more" if len(names) > most else shown


def _news(alert: AlertView, p: dict[str, Any]) -> discord.Embed:
    b = _Builder("news", p.get("title"), p.get("url"))
    kind = label(p.get("kind")) or "news"
    b.author(f"News \u00b7 {kind}")
    b.description(escape(p.get("summary") or ""))
    b.field("Why this matters", why_it_matters(p.get("reasons")), inline=False)
    if p.get("event") and p.get("event") != "none":
        b.field("Event", line(label(p["event"]), 200))
    b.field("Companies", _names(p.get("companies")))
    b.field("Where", _names(p.get("jurisdictions")))
    b.field("Bills", _names(p.get("bill_ids")))
    b.field("Published", when(p.get("published")))
    b.field("Source", link(p.get("source") or "source", p.get("url")), inline=False)
    others = p.get("also_reported_by") or []
    if isinstance(others, list) and others:
        pairs = [(o.get("name"), o.get("url")) for o in others if isinstance(o, dict)]
        b.field("Also reported by", links(pairs), inline=False)
    b.footer(_source_footer(p.get("source")), parse_time(p.get("published")))
    return b.done()


def _pledge_signal(alert: AlertView, p: dict[str, Any]) -> discord.Embed:
    who = p.get("company_name") or p.get("company") or p.get("pledge_id")
    b = _Builder("pledge_signal", f"Possible pledge change: {who}", p.get("url"))
    b.author("Pledge signal \u00b7 needs review")
    current, suggested = label(p.get("current_status")), label(p.get("suggested_status"))
    b.description(
        f"{line(p.get('pledge_title') or p.get('pledge_id'), 200)}\n"
        f"A report suggests **{line(suggested, 60)}**"
        + (f" (now **{line(current, 60)}**)" if current else "")
        + ". Nothing changes until a moderator confirms it with `/pledge-review`."
    )
    b.field("Report", link(p.get("title") or "report", p.get("url")), inline=False)
    if p.get("event"):
        b.field("Event", line(label(p["event"]), 200))
    b.field("Published", when(p.get("published")))
    if p.get("suggestion_id") is not None:
        b.field("Suggestion", f"#{line(p['suggestion_id'], 20)}")
    b.footer(_source_footer(p.get("source")), parse_time(p.get("published")))
    return b.done()


def _pledge_status(alert: AlertView, p: dict[str, Any]) -> discord.Embed:
    who = p.get("company_name") or p.get("company") or p.get("pledge_id")
    b = _Builder("pledge_status", f"Pledge status changed: {who}", p.get("source_url"))
    b.author("Pledge status")
    old, new = label(p.get("old_status")), label(p.get("new_status"))
    # A derived old status (a conditional pledge, a term that ran out) says so.
    tags = "; ".join(str(x) for x in p.get("old_status_labels") or [])
    was = f"**{line(old, 60)}**" + (f" *({line(tags, 200)})*" if tags else "")
    if old and old == new:  # a confirmed reaffirmation: the history grows, the status holds
        change = f"{was}, reaffirmed (status unchanged)"
    else:
        change = f"{was} \u2192 **{line(new, 60)}**" if old else f"**{line(new, 60)}**"
    heading = p.get("pledge_title") or p.get("pledge_id")
    b.description(f"{line(heading, 200)}\n{change}")
    b.field("Why", link(p.get("title") or "source", p.get("source_url")), inline=False)
    b.field("Date", when(p.get("date"), "D"))
    if p.get("confirmed_by"):
        b.field("Confirmed by", line(p["confirmed_by"], 100))
    b.footer("PledgeWatch \u00b7 confirmed change", alert.created_at)
    return b.done()


def _pledge_deadline(alert: AlertView, p: dict[str, Any]) -> discord.Embed:
    who = p.get("company_name") or p.get("company") or p.get("pledge_id")
    b = _Builder("pledge_deadline", f"Pledge deadline: {who}", p.get("source_url"))
    b.author("Pledge deadline")
    due = when(p.get("deadline"))
    text = line(p.get("pledge_title") or p.get("pledge_id"), 200)
    what = line(p.get("deadline_label") or "deadline", 200)
    b.description(f"{text}\n{what[:1].upper()}{what[1:]} {due or line(p.get('deadline'), 40)}.")
    b.field("Date", when(p.get("deadline"), "D"))
    if p.get("status"):
        b.field("Status", line(label(p["status"]), 60))
    if p.get("derived"):
        b.field("Note", "date derived from the pledge's terms")
    b.field("Source", link("pledge terms", p.get("source_url")), inline=False)
    b.footer("PledgeWatch \u00b7 reminder", alert.created_at)
    return b.done()


def _bill_facts(b: _Builder, p: dict[str, Any]) -> None:
    b.field("Where", line(p.get("jurisdiction"), 100) or None)
    if p.get("session"):
        b.field("Session", line(p["session"], 100))
    if p.get("action_text"):
        dated = when(p.get("action_date"), "D")
        text = line(p["action_text"], 600)
        b.field("Latest action", f"{text} ({dated})" if dated else text, inline=False)
    b.field("Source", link("legislative record", p.get("source_url") or p.get("url")))
    if p.get("url") and p.get("url") != p.get("source_url"):
        b.field("Bill page", link(p.get("identifier") or "bill", p.get("url")))


def _bill_name(p: dict[str, Any]) -> str:
    return str(p.get("identifier") or p.get("key") or "bill")


def _new_bill(alert: AlertView, p: dict[str, Any]) -> discord.Embed:
    b = _Builder("new_bill", f"New bill: {_bill_name(p)}", p.get("url"))
    b.author("New bill")
    b.description(escape(p.get("title") or ""))
    b.field("Stage", line(label(p.get("stage")), 60) or None)
    _bill_facts(b, p)
    b.footer("PledgeWatch \u00b7 legislation", alert.created_at)
    return b.done()


def _bill_stage(alert: AlertView, p: dict[str, Any]) -> discord.Embed:
    old, new = label(p.get("old_stage")), label(p.get("new_stage") or p.get("stage"))
    b = _Builder("bill_stage", f"{_bill_name(p)}: {new}", p.get("url"))
    b.author("Bill stage change")
    change = f"**{line(old, 60)}** \u2192 **{line(new, 60)}**" if old else f"**{line(new, 60)}**"
    b.description(f"{change}\n{escape(p.get('title') or '')}")
    b.field("Since", when(p.get("stage_date")))
    _bill_facts(b, p)
    b.footer("PledgeWatch \u00b7 legislation", alert.created_at)
    return b.done()


def _feed_health(alert: AlertView, p: dict[str, Any]) -> discord.Embed:
    name = p.get("feed_name") or p.get("feed_id")
    if p.get("state") == "recovered":
        b = _Builder("feed_recovered", f"Feed recovered: {name}")
        b.author("Feed health")
        b.description("The feed is fetching again; nothing is missed from now on.")
    else:
        b = _Builder("feed_health", f"Feed failing: {name}")
        b.author("Feed health")
        b.description(
            f"Failed {line(p.get('after_failures'), 10)} times in a row; "
            "alerts from it may be late. `/feeds status` shows every feed."
        )
        b.field("Last error", escape(p.get("error") or "unknown"), inline=False)
    b.field("Feed id", line(p.get("feed_id"), 100) or None)
    b.field("At", when(p.get("at")))
    b.footer("PledgeWatch \u00b7 feed health", parse_time(p.get("at")) or alert.created_at)
    return b.done()


_RENDERERS = {
    "news": _news,
    "pledge_signal": _pledge_signal,
    "pledge_status": _pledge_status,
    "pledge_deadline": _pledge_deadline,
    "new_bill": _new_bill,
    "bill_stage": _bill_stage,
    "feed_health": _feed_health,
}


def render_alert(alert: AlertView) -> discord.Embed:
    """The embed for one alert, by kind (an unknown kind is shown as news)."""
    return _RENDERERS.get(alert.kind, _news)(alert, alert.payload)


def render_stage_update(earlier: AlertView, change: AlertView) -> discord.Embed:
    """An earlier alert about a bill, edited to show the stage it has since reached."""
    embed = render_alert(earlier)
    p = change.payload
    new = label(p.get("new_stage") or p.get("stage"))
    dated = when(p.get("stage_date")) or when(change.created_at)
    value = f"Now **{line(new, 60)}**" + (f" {dated}" if dated else "")
    value += f" \u00b7 {link('source', p.get('source_url') or p.get('url'), 600)}"
    fields = [(f.name or EMPTY, f.value or EMPTY, bool(f.inline)) for f in embed.fields]
    embed.clear_fields()
    embed.add_field(name="Update", value=clip(value, FIELD_VALUE), inline=False)
    for name, val, inline in fields[: FIELDS - 1]:
        embed.add_field(name=name, value=val, inline=inline)
    return fit(embed)


# --- whole messages -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MessageParts:
    """What one alert message sends: the only content is the configured role's mention."""

    content: str | None
    embed: discord.Embed
    allowed_mentions: discord.AllowedMentions

    def as_json(self) -> dict[str, Any]:
        """The message body, for posting without discord.py (incoming webhooks)."""
        body: dict[str, Any] = {
            "embeds": [self.embed.to_dict()],
            "allowed_mentions": self.allowed_mentions.to_dict(),
        }
        if self.content:
            body["content"] = self.content
        return body


def allowed_mentions(role_id: int | None) -> discord.AllowedMentions:
    """Nothing may ping, except exactly the role a subscription configured."""
    if role_id is None:
        return discord.AllowedMentions.none()
    return discord.AllowedMentions(
        everyone=False, users=False, roles=[discord.Object(id=role_id)], replied_user=False
    )


def render_message(alert: AlertView, *, mention_role_id: int | None) -> MessageParts:
    return MessageParts(
        content=f"<@&{mention_role_id}>" if mention_role_id is not None else None,
        embed=render_alert(alert),
        allowed_mentions=allowed_mentions(mention_role_id),
    )


# The order a digest lists its kinds in: what changed first, then what was reported.
DIGEST_ORDER = (
    "pledge_status",
    "bill_stage",
    "new_bill",
    "pledge_signal",
    "pledge_deadline",
    "news",
    "feed_health",
)
_DIGEST_HEADINGS = {
    "pledge_status": "Pledge status changes",
    "bill_stage": "Bills that moved",
    "new_bill": "New bills",
    "pledge_signal": "Pledge news to review",
    "pledge_deadline": "Pledge deadlines",
    "news": "News",
    "feed_health": "Feeds",
}


def render_digest(
    alerts: Sequence[AlertView], *, day: date, cadence: str = "daily"
) -> discord.Embed:
    """One embed with a field per kind of alert (what changed first), each alert a line with
    its source link. Only called with alerts: an empty digest is not sent."""
    heading = "weekly digest, week to" if cadence == "weekly" else "daily digest"
    embed = discord.Embed(
        title=f"PledgeWatch {heading} \u00b7 {day.isoformat()}", colour=COLOURS["digest"]
    )
    by_kind: dict[str, list[str]] = {}
    for a in alerts:
        by_kind.setdefault(a.kind, []).append(_digest_line(a))
    kinds = [k for k in DIGEST_ORDER if k in by_kind] + sorted(set(by_kind) - set(DIGEST_ORDER))
    budget = 5400 - units(embed.title or "")  # under the 6,000 of a whole embed
    for kind in kinds:
        lines = by_kind[kind]
        shown: list[str] = []
        for i, entry in enumerate(lines):
            tail = f"\n\u2026and {len(lines) - i} more (see `/news`)"
            if units("\n".join([*shown, entry]) + tail) > FIELD_VALUE:
                shown.append(tail.strip())
                break
            shown.append(entry)
        value = "\n".join(shown)
        name = f"{_DIGEST_HEADINGS.get(kind, label(kind))} ({len(lines)})"
        if units(value) + units(name) > budget:
            break
        budget -= units(value) + units(name)
        embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text=f"PledgeWatch \u00b7 {len(alerts)} alerts")
    embed.timestamp = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return fit(embed)


def _digest_line(alert: AlertView) -> str:
    p = alert.payload
    if alert.kind == "feed_health":
        text = f"{p.get('feed_name') or p.get('feed_id')} {p.get('state')}"
        return f"\u2022 {line(text, 200)}"
    if alert.kind in ("new_bill", "bill_stage"):
        stage = label(p.get("new_stage") or p.get("stage"))
        title = f"{_bill_name(p)} {stage}: {p.get('title') or ''}"
        url = p.get("url") or p.get("source_url")
    elif alert.kind in ("pledge_status", "pledge_deadline"):
        who = p.get("company_name") or p.get("pledge_id")
        title = f"{who}: {p.get('new_status') or p.get('deadline_label') or ''}"
        url = p.get("source_url")
    else:
        title, url = p.get("title") or "", p.get("url")
    source = p.get("source")
    tail = f" \u2014 {line(source, 80)}" if source else ""
    return f"\u2022 {link(title, url, 400)}{tail}"


# --- the last guard -------------------------------------------------------------------


def embed_size(embed: discord.Embed) -> int:
    """Discord's 6,000 total: title, description, field names and values, footer, author."""
    total = units(embed.title or "") + units(embed.description or "")
    total += sum(units(f.name or "") + units(f.value or "") for f in embed.fields)
    total += units(embed.footer.text or "") + units(embed.author.name or "")
    return total


def problems(embed: discord.Embed) -> list[str]:
    """Every Discord limit the embed breaks (empty when it would be accepted)."""
    out: list[str] = []
    checks = [
        ("title", embed.title or "", TITLE),
        ("description", embed.description or "", DESCRIPTION),
        ("footer", embed.footer.text or "", FOOTER),
        ("author", embed.author.name or "", AUTHOR),
        ("url", embed.url or "", URL),
    ]
    for name, text, limit in checks:
        if units(text) > limit:
            out.append(f"{name} is {units(text)} > {limit}")
    if len(embed.fields) > FIELDS:
        out.append(f"{len(embed.fields)} fields > {FIELDS}")
    for i, f in enumerate(embed.fields):
        if not (f.name or "").strip() or not (f.value or "").strip():
            out.append(f"field {i} is blank")
        if units(f.name or "") > FIELD_NAME:
            out.append(f"field {i} name > {FIELD_NAME}")
        if units(f.value or "") > FIELD_VALUE:
            out.append(f"field {i} value > {FIELD_VALUE}")
    if embed_size(embed) > TOTAL:
        out.append(f"total {embed_size(embed)} > {TOTAL}")
    return out


def fit(embed: discord.Embed) -> discord.Embed:
    """Shrink an embed to the 6,000 total: the description first, then the last fields.
    Title, source and footer stay."""
    over = embed_size(embed) - TOTAL
    if over <= 0:
        return embed
    if embed.description:
        keep = max(units(embed.description) - over, 0)
        embed.description = clip(embed.description, keep) or None
        over = embed_size(embed) - TOTAL
    while over > 0 and embed.fields:
        # Drop from the end, but keep a field named Source while others can go.
        index = next(
            (i for i in range(len(embed.fields) - 1, -1, -1) if embed.fields[i].name != "Source"),
            len(embed.fields) - 1,
        )
        embed.remove_field(index)
        over = embed_size(embed) - TOTAL
    return embed


def render_minimal(alert: AlertView) -> discord.Embed:
    """A bare embed (title and source link) for when Discord refuses the full one."""
    p = alert.payload
    url = p.get("url") or p.get("source_url")
    title = p.get("title") or p.get("feed_name") or p.get("identifier") or label(alert.kind)
    b = _Builder(alert.kind, title, url)
    b.field("Source", link(p.get("source") or "source", url), inline=False)
    b.footer("PledgeWatch", alert.created_at)
    return b.done()
