"""/subscribe, /unsubscribe and /subscriptions: which channels get which alerts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.delivery.embeds import escape
from bot.domain.alerts import ALERT_KINDS
from bot.domain.keywords import KeywordError, parse_keywords
from bot.domain.schedule import WEEKDAYS, ScheduleError, timezone_names, zone
from bot.domain.types import COMPANY_IDS
from bot.errors import NotFoundError
from bot.exts.bills import known_jurisdictions
from bot.exts.cards import subscription_lines, subscription_pages
from bot.exts.common import (
    AlertChannel,
    InputError,
    answer,
    choices,
    in_guild,
    manage_server_only,
    split_list,
)
from bot.exts.paging import send_pages

if TYPE_CHECKING:
    from bot.discord_bot import PledgeWatchBot

IMPORTANCE_CHOICES = [
    app_commands.Choice(name="any (everything that matches)", value=0),
    app_commands.Choice(name="low and up", value=1),
    app_commands.Choice(name="normal and up", value=2),
    app_commands.Choice(name="high only (laws passed, pledges changed)", value=3),
]
MODE_CHOICES = [
    app_commands.Choice(name="immediately", value="immediate"),
    app_commands.Choice(name="daily digest", value="digest"),
    app_commands.Choice(name="weekly digest", value="weekly"),
]
WEEKDAY_CHOICES = [app_commands.Choice(name=day.title(), value=n) for n, day in enumerate(WEEKDAYS)]
# What the bot needs in a channel to post alerts there, and to keep a thread per bill.
NEEDED = ("view_channel", "send_messages", "embed_links")
THREADS = ("create_public_threads", "send_messages_in_threads")


def pick(kind: str, given: Sequence[str], allowed: Sequence[str]) -> list[str]:
    """Validate a list option against its allowed values (case-insensitive), keeping the
    canonical spelling; an unknown value is refused with the list of valid ones."""
    canonical = {a.lower(): a for a in allowed}
    out, unknown = [], []
    for value in given:
        hit = canonical.get(value.lower())
        if hit is None:
            unknown.append(value)
        elif hit not in out:
            out.append(hit)
    if unknown:
        shown = ", ".join(f"'{escape(u[:40])}'" for u in unknown[:5])
        valid = ", ".join(allowed) if len(allowed) <= 30 else "see the autocomplete list"
        raise InputError(f"Unknown {kind}: {shown}. Valid {kind}: {valid}.")
    return out


def list_autocomplete(
    current: str, allowed: Sequence[tuple[str, str]], *, spaces: bool
) -> list[app_commands.Choice[str]]:
    """Autocomplete the last item of a comma-separated list, keeping what was typed before."""
    parts = current.split(",") if not spaces else current.replace(",", " ").split(" ")
    head = [p.strip() for p in parts[:-1] if p.strip()]
    prefix = ", ".join(head) + (", " if head else "")
    return [
        app_commands.Choice(name=(prefix + c.value)[:100], value=(prefix + c.value)[:100])
        for c in choices([(n, v) for n, v in allowed if v not in head], parts[-1] if parts else "")
    ]


class Subscriptions(commands.Cog):
    def __init__(self, bot: PledgeWatchBot) -> None:
        self.bot = bot

    @app_commands.command(name="subscribe", description="Post alerts in a channel (Manage Server)")
    @app_commands.describe(
        channel="Where to post (default: this channel)",
        kinds="Alert kinds, comma-separated (default: all)",
        companies="Company ids, comma-separated (default: any)",
        jurisdictions="Places such as US-federal, US-WA (covers its cities), comma-separated",
        min_importance="Only alerts at least this important",
        delivery="Each alert as it comes, or one daily or weekly digest",
        role="A role to mention with each alert (only this role is ever pinged)",
        keywords='Words or "phrases" in title or summary, -word excludes: ban, "police use", -x',
        digest_hour="Digest hour, 0-23, in the server's timezone (default 13)",
        digest_weekday="Weekly digest's day (default Monday)",
        timezone="The server's timezone for digests, e.g. America/New_York (kept for the server)",
        thread_per_bill="Open a thread on a bill's first alert and post its later stages there",
    )
    @app_commands.choices(digest_weekday=WEEKDAY_CHOICES)
    @app_commands.choices(min_importance=IMPORTANCE_CHOICES)
    @app_commands.choices(delivery=MODE_CHOICES)
    @app_commands.guild_only()
    @manage_server_only
    async def subscribe(
        self,
        interaction: discord.Interaction[PledgeWatchBot],
        channel: AlertChannel | None = None,
        kinds: app_commands.Range[str, 1, 300] | None = None,
        companies: app_commands.Range[str, 1, 300] | None = None,
        jurisdictions: app_commands.Range[str, 1, 500] | None = None,
        min_importance: int = 0,
        delivery: str = "immediate",
        role: discord.Role | None = None,
        keywords: app_commands.Range[str, 1, 500] | None = None,
        digest_hour: app_commands.Range[int, 0, 23] | None = None,
        digest_weekday: int = 0,
        timezone: app_commands.Range[str, 1, 64] | None = None,
        thread_per_bill: bool = False,
    ) -> None:
        guild_id = in_guild(interaction)
        try:
            words = parse_keywords(keywords)
        except KeywordError as exc:
            raise InputError(f"Keywords: {exc}") from exc
        if timezone is not None:
            try:
                zone(timezone.strip())
            except ScheduleError as exc:
                raise InputError(str(exc)) from exc
        target = channel or interaction.channel
        if (
            not isinstance(target, discord.TextChannel | discord.ForumChannel)
            or target.guild.id != guild_id
        ):
            raise InputError("Alerts can go to a text or forum channel of this server only.")
        forum = isinstance(target, discord.ForumChannel)
        needed = NEEDED + (THREADS if thread_per_bill and not forum else ())
        if forum:  # a forum holds posts only: each alert is a post, a bill's stages its replies
            needed, thread_per_bill = (*NEEDED, "send_messages_in_threads"), True
        missing = [p for p in needed if not getattr(target.permissions_for(target.guild.me), p)]
        if missing:
            names = ", ".join(p.replace("_", " ").title() for p in missing)
            raise InputError(
                f"I cannot post alerts in {target.mention}: I am missing {names} there. "
                "Grant those and run /subscribe again."
            )
        notes = []
        if role is not None:
            if role.is_default() or role.managed:
                raise InputError("Pick a regular role to mention (not @everyone or a bot role).")
            if (
                not role.mentionable
                and not target.permissions_for(target.guild.me).mention_everyone
            ):
                notes.append(
                    f"Note: {role.mention} is not mentionable and I lack Mention All Roles "
                    "in that channel, so alerts will name it without pinging it."
                )
        places = [code for _name, code in known_jurisdictions(self.bot)]
        sub = await self.bot.repo.subscribe(
            guild_id=guild_id,
            channel_id=target.id,
            now=self.bot.clock(),
            kinds=pick("kinds", split_list(kinds), ALERT_KINDS),
            companies=pick("companies", split_list(companies), COMPANY_IDS),
            jurisdictions=pick("jurisdictions", split_list(jurisdictions, spaces=False), places),
            min_importance=min_importance,
            mention_role_id=role.id if role else None,
            created_by=interaction.user.id,
            keywords=words,
            mode="digest" if delivery == "weekly" else delivery,
            digest_cadence="weekly" if delivery == "weekly" else "daily",
            digest_hour=digest_hour,
            digest_weekday=digest_weekday,
            thread_per_bill=thread_per_bill,
        )
        if timezone is not None:
            await self.bot.repo.set_guild_timezone(guild_id, timezone.strip(), now=self.bot.clock())
        zones = await self.bot.repo.guild_timezones()
        text = "\n".join(["Subscribed.", subscription_lines(sub, zones.get(guild_id)), *notes])
        await answer(interaction, content=text, ephemeral=True)

    @subscribe.autocomplete("timezone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction[PledgeWatchBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return choices([(name, name) for name in timezone_names()], current)

    @subscribe.autocomplete("kinds")
    async def kinds_autocomplete(
        self, interaction: discord.Interaction[PledgeWatchBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return list_autocomplete(current, [(k, k) for k in ALERT_KINDS], spaces=True)

    @subscribe.autocomplete("companies")
    async def companies_autocomplete(
        self, interaction: discord.Interaction[PledgeWatchBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return list_autocomplete(current, [(c, c) for c in COMPANY_IDS], spaces=True)

    @subscribe.autocomplete("jurisdictions")
    async def places_autocomplete(
        self, interaction: discord.Interaction[PledgeWatchBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return list_autocomplete(current, known_jurisdictions(self.bot), spaces=False)

    @app_commands.command(
        name="unsubscribe", description="Stop alerts in a channel (Manage Server)"
    )
    @app_commands.describe(channel="The channel (default: this channel)")
    @app_commands.guild_only()
    @manage_server_only
    async def unsubscribe(
        self,
        interaction: discord.Interaction[PledgeWatchBot],
        channel: discord.TextChannel | None = None,
    ) -> None:
        in_guild(interaction)
        target_id = channel.id if channel else interaction.channel_id
        if target_id is None or not await self.bot.repo.unsubscribe(target_id):
            raise NotFoundError(f"<#{target_id}> has no subscription. `/subscriptions` lists them.")
        await answer(
            interaction,
            content=f"Unsubscribed <#{target_id}>: no more alerts there.",
            ephemeral=True,
        )

    @app_commands.command(
        name="subscriptions", description="The channels of this server that get alerts"
    )
    @app_commands.guild_only()
    async def subscriptions(self, interaction: discord.Interaction[PledgeWatchBot]) -> None:
        guild_id = in_guild(interaction)
        subs = await self.bot.repo.subscriptions(guild_id)
        follows = await self.bot.repo.follows(guild_id=guild_id)
        zone_name = (await self.bot.repo.guild_timezones()).get(guild_id)
        pages = subscription_pages(subs, follows, timezone=zone_name)
        await send_pages(interaction, pages, ephemeral=True)


async def setup(bot: PledgeWatchBot) -> None:
    await bot.add_cog(Subscriptions(bot))
