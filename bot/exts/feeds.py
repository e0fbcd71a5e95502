"""/feeds list|status|add|remove: the sources polled, their health, and run-time changes.

A feed added here is validated exactly as feeds.yaml is (the same model), refused when it
points at a private address (unless the operator allows that), kept in the store, and
scheduled at once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, get_args

import discord
from discord import app_commands
from discord.ext import commands
from pydantic import ValidationError
from yarl import URL

from bot.config import FeedConfig, FeedFormat, FeedKind
from bot.delivery.embeds import clip, escape
from bot.errors import FeedError, NotFoundError
from bot.exts.cards import feed_pages
from bot.exts.common import InputError, answer, choices, in_guild
from bot.exts.paging import send_pages
from bot.ingest.guard import AddressGuard
from bot.redaction import hide_userinfo
from bot.scheduling import schedule_feeds

if TYPE_CHECKING:
    from bot.discord_bot import PledgeWatchBot

KIND_CHOICES = [app_commands.Choice(name=k, value=k) for k in get_args(FeedKind)]
FORMAT_CHOICES = [app_commands.Choice(name=f, value=f) for f in get_args(FeedFormat)]
# The secret that fills "{key}" in a legislative API's URL, as feeds.yaml names it.
KEYS = {
    "congress": "CONGRESS_API_KEY",
    "openstates": "OPENSTATES_API_KEY",
    "legiscan": "LEGISCAN_API_KEY",
}


def validation_message(exc: ValidationError) -> str:
    """Pydantic's errors as one line per field, as feeds.yaml errors read."""
    parts = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error["loc"]) or "feed"
        parts.append(f"{field}: {error['msg']}")
    return "Invalid feed: " + "; ".join(parts)


class Feeds(commands.Cog):
    feeds = app_commands.Group(
        name="feeds",
        description="The sources PledgeWatch polls (Manage Server)",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: PledgeWatchBot) -> None:
        self.bot = bot

    @feeds.command(name="list", description="Every feed, where it comes from and its address")
    async def list_(self, interaction: discord.Interaction[PledgeWatchBot]) -> None:
        states = list((await self.bot.repo.feed_states()).values())
        await send_pages(interaction, feed_pages(states, status=False), ephemeral=True)

    @feeds.command(name="status", description="Each feed's state, last success and last error")
    async def status(self, interaction: discord.Interaction[PledgeWatchBot]) -> None:
        states = list((await self.bot.repo.feed_states()).values())
        await send_pages(interaction, feed_pages(states, status=True), ephemeral=True)

    @feeds.command(name="add", description="Poll a new feed from now on")
    @app_commands.rename(feed_id="id", feed_format="format")
    @app_commands.describe(
        feed_id="A short unique id: lowercase letters, digits, . _ -",
        url="The feed's http(s) address ({key} stands for the format's API key)",
        kind="What the source is",
        feed_format="rss for RSS/Atom; the others are legislative APIs",
        every="Poll interval, e.g. 15m, 1h (at least 30s)",
        name="A display name",
    )
    @app_commands.choices(kind=KIND_CHOICES, feed_format=FORMAT_CHOICES)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def add(
        self,
        interaction: discord.Interaction[PledgeWatchBot],
        feed_id: app_commands.Range[str, 1, 64],
        url: app_commands.Range[str, 1, 2000],
        kind: str,
        feed_format: str = "rss",
        every: app_commands.Range[str, 1, 20] = "15m",
        name: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        in_guild(interaction)
        try:
            cfg = FeedConfig.model_validate(
                {
                    "id": feed_id,
                    "url": url,
                    "kind": kind,
                    "format": feed_format,
                    "every": every,
                    "name": name,
                    "requires": KEYS.get(feed_format) if "{key}" in url else None,
                }
            )
        except ValidationError as exc:
            raise InputError(clip(validation_message(exc), 1500)) from exc
        guard = AddressGuard(allow_private=self.bot.settings.pledgewatch_allow_private_feeds)
        try:
            await guard.check_url(URL(cfg.url))
        except FeedError as exc:
            raise InputError(f"Refused {escape(hide_userinfo(cfg.url))}: {exc}") from exc
        if await self.bot.repo.feed(cfg.id) is not None:
            raise InputError(f"A feed with id `{cfg.id}` already exists; pick another id.")
        await self.bot.repo.add_feed(cfg)
        reason = self.bot.poller.skip_reason(cfg)
        schedule_feeds(self.bot.scheduler, self.bot.poller, [cfg], now=datetime.now(UTC))
        note = f" It will not be polled: {reason}." if reason else " First poll: now."
        await answer(
            interaction,
            content=f"Added feed `{cfg.id}` ({cfg.kind}, {cfg.format}, every {every}).{note}",
            ephemeral=True,
        )

    @feeds.command(name="remove", description="Stop polling a feed")
    @app_commands.rename(feed_id="id")
    @app_commands.describe(feed_id="The feed's id")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def remove(
        self,
        interaction: discord.Interaction[PledgeWatchBot],
        feed_id: app_commands.Range[str, 1, 64],
    ) -> None:
        in_guild(interaction)
        state = await self.bot.repo.feed(feed_id)
        if state is None:
            raise NotFoundError(
                f"no feed with id '{escape(clip(feed_id, 64))}'. `/feeds list` shows them."
            )
        if not state.enabled:
            raise InputError(f"Feed `{state.id}` is already stopped.")
        await self.bot.repo.remove_feed(feed_id)
        job = self.bot.scheduler.get_job(f"feed:{feed_id}")
        if job is not None:
            job.remove()
        if state.origin == "file":
            text = (
                f"Stopped polling `{feed_id}`. It comes from feeds.yaml; it stays off after a "
                "restart too (its fetch history is kept)."
            )
        else:
            text = f"Removed feed `{feed_id}`."
        await answer(interaction, content=text, ephemeral=True)

    @remove.autocomplete("feed_id")
    async def feed_autocomplete(
        self, interaction: discord.Interaction[PledgeWatchBot], current: str
    ) -> list[app_commands.Choice[str]]:
        states = (await self.bot.repo.feed_states()).values()
        return choices(
            [(f"{s.id} ({s.name or hide_userinfo(s.url)})", s.id) for s in states if s.enabled],
            current,
        )


async def setup(bot: PledgeWatchBot) -> None:
    await bot.add_cog(Feeds(bot))
