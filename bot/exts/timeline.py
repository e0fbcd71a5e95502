"""/timeline: a picture of pledges and laws over time, for everything or one company, bill
or place, with the sources of the latest events beside it."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.delivery.embeds import DESCRIPTION, escape, line, link, units
from bot.exts.bills import known_jurisdictions
from bot.exts.common import choices
from bot.status import bill_statuses, pledge_statuses
from bot.timeline import TimelineEvent, render_png, timeline_events

if TYPE_CHECKING:
    from bot.discord_bot import PledgeWatchBot

FILENAME = "timeline.png"
TIMELINE_COLOUR = 0x0072B2


def sources_embed(title: str, events: Sequence[TimelineEvent]) -> discord.Embed:
    """The picture inside an embed, with the newest events and their sources: a point in the
    picture is a fact, and every fact the bot shows has its source."""
    embed = discord.Embed(title=line(title, 256), colour=TIMELINE_COLOUR)
    embed.set_image(url=f"attachment://{FILENAME}")
    rows: list[str] = []
    for event in reversed(events):
        entry = (
            f"`{event.day.isoformat()}` **{escape(line(event.row, 40))}** "
            f"{escape(line(event.text, 90))} {link('source', event.source_url)}"
        )
        if units("\n".join([*rows, entry])) > DESCRIPTION - 200 or len(rows) >= 12:
            break
        rows.append(entry)
    more = len(events) - len(rows)
    text = "\n".join(rows) if rows else "No dated, sourced event yet."
    if more:
        text += f"\n\u2026 {more} earlier: `pledgewatch export` lists every one with its source"
    embed.description = text
    embed.set_footer(text=f"{len(events)} dated events, each from a source")
    return embed


class Timeline(commands.Cog):
    def __init__(self, bot: PledgeWatchBot) -> None:
        self.bot = bot

    @app_commands.command(name="timeline", description="A picture of pledges and laws over time")
    @app_commands.describe(
        about="A company (amazon), a bill (S.4084) or a place (US-WA); default all"
    )
    async def timeline(
        self,
        interaction: discord.Interaction[PledgeWatchBot],
        about: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        today = self.bot.clock().date()
        pledges = await pledge_statuses(self.bot.repo, self.bot.watchlist, today=today)
        laws = await bill_statuses(self.bot.repo, self.bot.watchlist, today=today)
        title, events = timeline_events(pledges, laws, focus=about)  # unknown: a clear error
        # Drawing takes a moment: say so at once, draw off the event loop, then answer.
        await interaction.response.defer(thinking=True)
        png = await asyncio.to_thread(render_png, events, title=title)
        await interaction.followup.send(
            embed=sources_embed(title, events),
            file=discord.File(io.BytesIO(png), filename=FILENAME, description=title[:1024]),
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @timeline.autocomplete("about")
    async def about_autocomplete(
        self, interaction: discord.Interaction[PledgeWatchBot], current: str
    ) -> list[app_commands.Choice[str]]:
        pairs: list[tuple[str, str]] = [
            (p.company_name, p.company) for p in self.bot.watchlist.pledges
        ]
        pairs += known_jurisdictions(self.bot)
        pairs += [
            (f"{', '.join(law.bill_ids)}: {law.title}", law.bill_ids[0])
            for law in self.bot.watchlist.laws
            if law.bill_ids and law.verified_existence
        ]
        return choices(pairs, current)


async def setup(bot: PledgeWatchBot) -> None:
    await bot.add_cog(Timeline(bot))
