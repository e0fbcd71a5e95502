"""/follow and /unfollow: a channel follows one bill, pledge or place, and gets its every
change whatever the channel's subscription filters say."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.delivery.embeds import clip, escape
from bot.domain.billids import normalize_bill_id
from bot.errors import NotFoundError
from bot.exts.bills import known_jurisdictions
from bot.exts.common import InputError, answer, choices, in_guild, manage_server_only
from bot.status import bill_statuses, find_bill, find_pledge, pledge_statuses

if TYPE_CHECKING:
    from bot.discord_bot import PledgeWatchBot
    from storage.records import FollowView


def follow_line(follow: FollowView) -> str:
    source = f" ([source]({follow.source_url}))" if follow.source_url else ""
    return f"{follow.kind} **{escape(follow.label)}** (`{escape(follow.target)}`){source}"


class Follows(commands.Cog):
    follow = app_commands.Group(
        name="follow",
        description="Follow a bill, pledge or place in a channel (Manage Server)",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: PledgeWatchBot) -> None:
        self.bot = bot

    def _channel(
        self, interaction: discord.Interaction[PledgeWatchBot], channel: discord.TextChannel | None
    ) -> tuple[int, int]:
        guild_id = in_guild(interaction)
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel) or target.guild.id != guild_id:
            raise InputError("A text channel of this server can follow things, no other.")
        return guild_id, target.id

    async def _save(
        self,
        interaction: discord.Interaction[PledgeWatchBot],
        channel: discord.TextChannel | None,
        *,
        kind: str,
        target: str,
        label: str,
        source_url: str | None,
        note: str = "",
    ) -> None:
        guild_id, channel_id = self._channel(interaction, channel)
        view, created = await self.bot.repo.follow(
            guild_id=guild_id,
            channel_id=channel_id,
            kind=kind,
            target=target,
            label=label,
            source_url=source_url,
            now=self.bot.clock(),
            created_by=interaction.user.id,
        )
        head = "Now following" if created else "Already following"
        text = (
            f"{head} {follow_line(view)} in <#{channel_id}>: every change to it is posted "
            "there, whatever the channel's filters."
        )
        await answer(interaction, content="\n".join(p for p in (text, note) if p), ephemeral=True)

    @follow.command(name="bill", description="Every change to one bill, in a channel")
    @app_commands.rename(bill_id="id")
    @app_commands.describe(
        bill_id="A bill number (S.4084, SB 6280) or a tracked id",
        channel="Where to post (default: this channel)",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def follow_bill(
        self,
        interaction: discord.Interaction[PledgeWatchBot],
        bill_id: app_commands.Range[str, 1, 100],
        channel: discord.TextChannel | None = None,
    ) -> None:
        today = self.bot.clock().date()
        view = find_bill(
            await bill_statuses(self.bot.repo, self.bot.watchlist, today=today), bill_id
        )
        if view is not None:
            label = ", ".join(view.identifiers) or view.title
            await self._save(
                interaction,
                channel,
                kind="bill",
                target=view.id,
                label=clip(f"{label}: {view.title}", 200),
                source_url=view.url or view.stage_source_url,
            )
            return
        # Not tracked yet: a bill the legislative sources reported becomes tracked, with the
        # reporting item as its source.
        seen = await self.bot.repo.seen_bill(bill_id)
        if seen is None:
            raise NotFoundError(
                f"no tracked bill, and none the legislative sources reported, matches "
                f"'{escape(clip(bill_id, 100))}'. Check the number (S.4084, SB 6280), or "
                "`/feeds list` for the legislative sources polled."
            )
        number = normalize_bill_id(bill_id) or bill_id.strip()
        bill = await self.bot.repo.track_seen_bill(seen, identifier=number, now=self.bot.clock())
        await self._save(
            interaction,
            channel,
            kind="bill",
            target=bill.key,
            label=clip(f"{bill.identifier} ({bill.jurisdiction}): {bill.title}", 200),
            source_url=bill.url,
            note="It was not tracked: it is now, from that source, with every later action.",
        )

    @follow.command(name="pledge", description="Every change to one company's pledge")
    @app_commands.describe(
        company="Company, product (Rekognition) or pledge id",
        channel="Where to post (default: this channel)",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def follow_pledge(
        self,
        interaction: discord.Interaction[PledgeWatchBot],
        company: app_commands.Range[str, 1, 100],
        channel: discord.TextChannel | None = None,
    ) -> None:
        today = self.bot.clock().date()
        views = await pledge_statuses(self.bot.repo, self.bot.watchlist, today=today)
        view = find_pledge(views, company)
        if view is None:
            known = ", ".join(sorted({v.pledge.company for v in views}))
            raise NotFoundError(
                f"no tracked pledge matches '{escape(clip(company, 100))}'. Try one of: {known}."
            )
        p = view.pledge
        await self._save(
            interaction,
            channel,
            kind="pledge",
            target=p.id,
            label=clip(f"{p.company_name}: {p.title}", 200),
            source_url=p.announced_source_url,
        )

    @follow.command(name="place", description="Every law, bill and story of one place")
    @app_commands.describe(
        place="A place code: US-federal, a state (US-WA covers its cities), a city, or EU",
        channel="Where to post (default: this channel)",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def follow_place(
        self,
        interaction: discord.Interaction[PledgeWatchBot],
        place: app_commands.Range[str, 1, 64],
        channel: discord.TextChannel | None = None,
    ) -> None:
        codes = {code.lower(): (name, code) for name, code in known_jurisdictions(self.bot)}
        hit = codes.get(place.strip().lower())
        if hit is None:
            raise InputError(
                f"Unknown place '{escape(clip(place, 64))}': pick one from the autocomplete "
                "list (US-federal, US-WA, US-CA-San Francisco, EU, ...)."
            )
        name, code = hit
        await self._save(
            interaction, channel, kind="place", target=code, label=name, source_url=None
        )

    @follow_bill.autocomplete("bill_id")
    async def bill_autocomplete(
        self, interaction: discord.Interaction[PledgeWatchBot], current: str
    ) -> list[app_commands.Choice[str]]:
        today = self.bot.clock().date()
        pairs = []
        for view in await bill_statuses(self.bot.repo, self.bot.watchlist, today=today):
            ids = ", ".join(dict.fromkeys(view.identifiers))
            pairs.append(
                (f"{ids} ({view.jurisdiction}): {view.title}" if ids else view.title, view.id)
            )
        return choices(pairs, current)

    @follow_pledge.autocomplete("company")
    async def pledge_autocomplete(
        self, interaction: discord.Interaction[PledgeWatchBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return choices(
            [(f"{p.company_name}: {p.title}", p.id) for p in self.bot.watchlist.pledges], current
        )

    @follow_place.autocomplete("place")
    async def place_autocomplete(
        self, interaction: discord.Interaction[PledgeWatchBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return choices(known_jurisdictions(self.bot), current)

    @app_commands.command(
        name="unfollow", description="Stop following a bill, pledge or place (Manage Server)"
    )
    @app_commands.describe(
        followed="What to stop following (autocompleted from this channel's follows)",
        channel="The channel (default: this channel)",
    )
    @app_commands.guild_only()
    @manage_server_only
    async def unfollow(
        self,
        interaction: discord.Interaction[PledgeWatchBot],
        followed: app_commands.Range[str, 1, 150],
        channel: discord.TextChannel | None = None,
    ) -> None:
        _guild_id, channel_id = self._channel(interaction, channel)
        current = await self.bot.repo.follows(channel_id=channel_id)
        wanted = followed.strip().lower()
        hit = next(
            (
                f
                for f in current
                if wanted in (f"{f.kind}:{f.target}".lower(), f.target.lower(), f.label.lower())
            ),
            None,
        )
        if hit is None or not await self.bot.repo.unfollow(channel_id, hit.kind, hit.target):
            listed = "; ".join(f"{f.kind}:{f.target}" for f in current[:10]) or "nothing"
            raise NotFoundError(
                f"<#{channel_id}> does not follow '{escape(clip(followed, 100))}'. "
                f"It follows: {escape(listed)}."
            )
        await answer(
            interaction,
            content=f"Unfollowed {follow_line(hit)} in <#{channel_id}>.",
            ephemeral=True,
        )

    @unfollow.autocomplete("followed")
    async def followed_autocomplete(
        self, interaction: discord.Interaction[PledgeWatchBot], current: str
    ) -> list[app_commands.Choice[str]]:
        chosen = getattr(interaction.namespace, "channel", None)  # the channel option, if set
        channel_id = getattr(chosen, "id", None) or interaction.channel_id
        if channel_id is None:
            return []
        follows = await self.bot.repo.follows(channel_id=channel_id)
        return choices([(f"{f.kind}: {f.label}", f"{f.kind}:{f.target}") for f in follows], current)


async def setup(bot: PledgeWatchBot) -> None:
    await bot.add_cog(Follows(bot))
