"""/pledge, /pledges and /pledge-review: where each company's pledge stands, and the review
of suggested status changes (a headline never changes a status by itself)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.delivery.embeds import clip, escape, label, link
from bot.errors import NotFoundError
from bot.exts.cards import pledge_card, pledge_pages, suggestion_pages
from bot.exts.common import InputError, answer, choices, in_guild
from bot.exts.paging import send_pages
from bot.status import PledgeStatusView, find_pledge, pledge_statuses

if TYPE_CHECKING:
    from bot.discord_bot import PledgeWatchBot

# How far back "latest related news" looks.
NEWS_WINDOW = timedelta(days=180)


class Pledges(commands.Cog):
    review = app_commands.Group(
        name="pledge-review",
        description="Review suggested pledge status changes (Manage Server)",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: PledgeWatchBot) -> None:
        self.bot = bot

    async def _views(self) -> list[PledgeStatusView]:
        return await pledge_statuses(
            self.bot.repo, self.bot.watchlist, today=self.bot.clock().date()
        )

    # --- /pledge, /pledges -----------------------------------------------------------------

    @app_commands.command(
        name="pledge", description="One company's pledge: status, scope, history, sources"
    )
    @app_commands.describe(company="Company, product (Rekognition) or pledge id")
    async def pledge(self, interaction: discord.Interaction[PledgeWatchBot], company: str) -> None:
        views = await self._views()
        view = find_pledge(views, company)
        if view is None:
            known = ", ".join(sorted({v.pledge.company for v in views}))
            raise NotFoundError(
                f"no tracked pledge matches '{escape(clip(company, 100))}'. Try one of: {known}."
            )
        since = self.bot.clock() - NEWS_WINDOW
        news = await self.bot.repo.recent_stories(
            since=since, pledge_id=view.pledge.id, limit=3
        ) or await self.bot.repo.recent_stories(since=since, company=view.pledge.company, limit=3)
        await answer(interaction, embeds=[pledge_card(view, news)])

    @pledge.autocomplete("company")
    async def pledge_autocomplete(
        self, interaction: discord.Interaction[PledgeWatchBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return choices(
            [(f"{p.company_name}: {p.title}", p.id) for p in self.bot.watchlist.pledges]
            + [(alias, p.id) for p in self.bot.watchlist.pledges for alias in p.aliases],
            current,
        )

    @app_commands.command(name="pledges", description="Every tracked company pledge and its status")
    async def pledges(self, interaction: discord.Interaction[PledgeWatchBot]) -> None:
        await send_pages(interaction, pledge_pages(await self._views()))

    # --- /pledge-review ----------------------------------------------------------------

    @review.command(name="list", description="Suggested status changes waiting for review")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def review_list(self, interaction: discord.Interaction[PledgeWatchBot]) -> None:
        in_guild(interaction)
        await send_pages(
            interaction, suggestion_pages(await self.bot.repo.suggestions()), ephemeral=True
        )

    @review.command(name="confirm", description="Confirm a suggested change: the status changes")
    @app_commands.describe(suggestion="The suggestion's number", note="Why (kept in the history)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def review_confirm(
        self,
        interaction: discord.Interaction[PledgeWatchBot],
        suggestion: app_commands.Range[int, 1],
        note: app_commands.Range[str, 1, 500] | None = None,
    ) -> None:
        await self._decide(interaction, suggestion, confirm=True, note=note)

    @review.command(name="reject", description="Reject a suggested change: the status stays")
    @app_commands.describe(suggestion="The suggestion's number", note="Why (kept in the record)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def review_reject(
        self,
        interaction: discord.Interaction[PledgeWatchBot],
        suggestion: app_commands.Range[int, 1],
        note: app_commands.Range[str, 1, 500] | None = None,
    ) -> None:
        await self._decide(interaction, suggestion, confirm=False, note=note)

    @review_confirm.autocomplete("suggestion")
    @review_reject.autocomplete("suggestion")
    async def suggestion_autocomplete(
        self, interaction: discord.Interaction[PledgeWatchBot], current: str
    ) -> list[app_commands.Choice[int]]:
        typed = str(current).strip().lstrip("#").lower()
        out = []
        for x in await self.bot.repo.suggestions():
            name = f"#{x.id} {x.pledge_id} \u2192 {label(x.suggested_status)}: {x.title}"
            if typed in name.lower():
                out.append(app_commands.Choice(name=clip(name, 100), value=x.id))
        return out[:25]

    async def _decide(
        self,
        interaction: discord.Interaction[PledgeWatchBot],
        number: int,
        *,
        confirm: bool,
        note: str | None,
    ) -> None:
        in_guild(interaction)
        repo = self.bot.repo
        found = await repo.suggestion(number)
        if found is None:
            raise NotFoundError(f"no suggestion #{number}. `/pledge-review list` shows them.")
        if found.state != "pending":
            raise InputError(f"Suggestion #{number} was already {found.state}.")
        current = {v.pledge.id: v.state for v in await self._views()}
        old = current.get(found.pledge_id)
        user = interaction.user
        decided = await repo.decide_suggestion(
            number,
            confirm=confirm,
            by=f"{user.name} (Discord {user.id})",
            now=self.bot.clock(),
            note=note,
            alert_payload={
                "old_status": old.status if old else None,
                "old_status_labels": list(old.caveats) if old else [],
            },
            sinks=("discord",),
        )
        if confirm:
            # The new status may end or move a deadline: rebuild the reminder jobs.
            await self.bot.reminders.schedule(self.bot.scheduler)
            text = (
                f"Confirmed #{decided.id}: `{decided.pledge_id}` is now "
                f"**{label(decided.suggested_status)}** ({link('source', decided.source_url)}). "
                "Subscribed channels get the status change."
            )
        else:
            text = f"Rejected #{decided.id}: `{decided.pledge_id}` keeps its status."
        await answer(interaction, content=text, ephemeral=True)


async def setup(bot: PledgeWatchBot) -> None:
    await bot.add_cog(Pledges(bot))
