"""/about: what the bot is and what it tracks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.exts.cards import about_card
from bot.exts.common import answer
from bot.status import watching_for

if TYPE_CHECKING:
    from bot.discord_bot import PledgeWatchBot


class About(commands.Cog):
    def __init__(self, bot: PledgeWatchBot) -> None:
        self.bot = bot

    @app_commands.command(name="about", description="What PledgeWatch tracks and how")
    async def about(self, interaction: discord.Interaction[PledgeWatchBot]) -> None:
        names = sorted(
            c.qualified_name
            for c in self.bot.tree.walk_commands()
            if isinstance(c, app_commands.Command)
        )
        embed = about_card(
            pledges=len(self.bot.watchlist.pledges),
            laws=sum(1 for law in self.bot.watchlist.laws if law.verified_existence),
            watching=[w.title for w in watching_for(self.bot.watchlist)],
            guilds=len(self.bot.guilds),
            commands=names,
        )
        await answer(interaction, embeds=[embed], ephemeral=True)


async def setup(bot: PledgeWatchBot) -> None:
    await bot.add_cog(About(bot))
