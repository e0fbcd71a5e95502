"""/bill and /bills: tracked laws and bills with their stage, history and sources."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.delivery.embeds import clip, escape
from bot.domain.bills import STAGES
from bot.errors import NotFoundError
from bot.exts.cards import bill_card, bill_pages
from bot.exts.common import answer, choices
from bot.exts.paging import send_pages
from bot.status import BillStatusView, WatchingView, bill_statuses, find_bill, watching_for

if TYPE_CHECKING:
    from bot.discord_bot import PledgeWatchBot

STAGE_CHOICES = [app_commands.Choice(name=s.replace("_", " "), value=s) for s in STAGES]


def in_jurisdiction(view: BillStatusView | WatchingView, wanted: str) -> bool:
    """A state covers its cities: "US-CA" takes "US-CA-San Francisco"."""
    j, w = view.jurisdiction.lower(), wanted.strip().lower()
    return j == w or j.startswith(w + "-")


class Bills(commands.Cog):
    def __init__(self, bot: PledgeWatchBot) -> None:
        self.bot = bot

    async def _views(self) -> list[BillStatusView]:
        return await bill_statuses(
            self.bot.repo, self.bot.watchlist, today=self.bot.clock().date()
        )

    @app_commands.command(name="bill", description="One law or bill: stage, history and sources")
    @app_commands.rename(bill_id="id")
    @app_commands.describe(bill_id="A bill number (S.4084, SB 6280) or a tracked id")
    async def bill(self, interaction: discord.Interaction[PledgeWatchBot], bill_id: str) -> None:
        view = find_bill(await self._views(), bill_id)
        if view is None:
            raise NotFoundError(
                f"no tracked law or bill matches '{escape(clip(bill_id, 100))}'. "
                "Try `/bills` for the list."
            )
        law = None
        if view.tracked:
            law = self.bot.watchlist.law(view.id)
        stored = None if view.tracked else await self.bot.repo.bill(view.id)
        await answer(interaction, embeds=[bill_card(view, law, stored)])

    @bill.autocomplete("bill_id")
    async def bill_autocomplete(
        self, interaction: discord.Interaction[PledgeWatchBot], current: str
    ) -> list[app_commands.Choice[str]]:
        pairs = []
        for view in await self._views():
            ids = ", ".join(dict.fromkeys(view.identifiers))
            name = f"{ids} ({view.jurisdiction}): {view.title}" if ids else view.title
            pairs.append((name, view.id))
        return choices(pairs, current)

    @app_commands.command(name="bills", description="Tracked laws and bills, by place and stage")
    @app_commands.describe(
        jurisdiction="US-federal, a state (US-WA covers its cities), a city, or EU",
        stage="Only bills at this stage",
    )
    @app_commands.choices(stage=STAGE_CHOICES)
    async def bills(
        self,
        interaction: discord.Interaction[PledgeWatchBot],
        jurisdiction: app_commands.Range[str, 1, 64] | None = None,
        stage: str | None = None,
    ) -> None:
        views = await self._views()
        # Entries not confirmed to exist are watched for, not listed among tracked bills.
        watching = [] if stage else watching_for(self.bot.watchlist)
        if jurisdiction:
            views = [v for v in views if in_jurisdiction(v, jurisdiction)]
            watching = [w for w in watching if in_jurisdiction(w, jurisdiction)]
        if stage:
            views = [v for v in views if v.stage == stage]
        where = f" in {escape(jurisdiction)}" if jurisdiction else ""
        if stage:
            where += f" at stage {stage.replace('_', ' ')}"
        if not views:
            await answer(interaction, content=f"No tracked law or bill{where}.", ephemeral=True)
            return
        pages = bill_pages(views, title=f"Laws and bills{where}", watching=watching)
        await send_pages(interaction, pages)

    @bills.autocomplete("jurisdiction")
    async def jurisdiction_autocomplete(
        self, interaction: discord.Interaction[PledgeWatchBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return choices(known_jurisdictions(self.bot), current)


def known_jurisdictions(bot: PledgeWatchBot) -> list[tuple[str, str]]:
    """(name, code) of every place the watchlist knows, states before their cities."""
    names: dict[str, str] = {}
    for law in bot.watchlist.laws:
        names.setdefault(law.jurisdiction, law.jurisdiction_name)
    for j in bot.watchlist.vocabulary.jurisdictions:
        names.setdefault(j.code, j.names[0] if j.names else j.code)
    return [(f"{code} ({name})", code) for code, name in sorted(names.items())]


async def setup(bot: PledgeWatchBot) -> None:
    await bot.add_cog(Bills(bot))
