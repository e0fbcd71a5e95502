"""/news: the latest relevant stories, one line each, with their sources."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.types import COMPANY_IDS
from bot.exts.cards import news_pages
from bot.exts.paging import send_pages

if TYPE_CHECKING:
    from bot.discord_bot import PledgeWatchBot

MAX_STORIES = 50


def company_name(company: str) -> str:
    return {"ibm": "IBM", "other": "other companies"}.get(company, company.capitalize())


COMPANY_CHOICES = [app_commands.Choice(name=company_name(c), value=c) for c in COMPANY_IDS]


class News(commands.Cog):
    def __init__(self, bot: PledgeWatchBot) -> None:
        self.bot = bot

    @app_commands.command(name="news", description="Recent relevant stories, with their sources")
    @app_commands.describe(company="Only stories about this company", days="How many days back")
    @app_commands.choices(company=COMPANY_CHOICES)
    async def news(
        self,
        interaction: discord.Interaction[PledgeWatchBot],
        company: str | None = None,
        days: app_commands.Range[int, 1, 90] = 7,
    ) -> None:
        since = self.bot.clock() - timedelta(days=days)
        stories = await self.bot.repo.recent_stories(
            since=since, company=company, limit=MAX_STORIES
        )
        about = f" about {company_name(company)}" if company else ""
        span = "day" if days == 1 else f"{days} days"
        await send_pages(interaction, news_pages(stories, title=f"News{about}, last {span}"))


async def setup(bot: PledgeWatchBot) -> None:
    await bot.add_cog(News(bot))
