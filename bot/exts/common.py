"""What every cog shares: user-facing errors, the Manage Server gate,
and replies that always fit Discord's limits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands
from discord.app_commands.transformers import UnionChannelTransformer
from discord.utils import MISSING

from bot.delivery.embeds import CONTENT, clip, fit
from bot.errors import PledgeWatchError

if TYPE_CHECKING:
    from bot.discord_bot import PledgeWatchBot

T = TypeVar("T")

# Discord's limits on what a command answer may carry.
MAX_EMBEDS = 10
MAX_CHOICES = 25
CHOICE_NAME = 100


class _AlertChannelTransformer(UnionChannelTransformer["PledgeWatchBot"]):
    """A text or forum channel. discord.py would also offer media channels with forums,
    which are neither, and which Discord's published API does not list."""

    def __init__(self) -> None:
        super().__init__(discord.TextChannel, discord.ForumChannel)

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return [discord.ChannelType.text, discord.ChannelType.news, discord.ChannelType.forum]


if TYPE_CHECKING:
    AlertChannel = discord.TextChannel | discord.ForumChannel
else:
    AlertChannel = app_commands.Transform[
        discord.TextChannel | discord.ForumChannel, _AlertChannelTransformer()
    ]


class InputError(PledgeWatchError):
    """The user asked for something that cannot be done as asked; the message says why."""


def manage_server_only(func: T) -> T:
    """Manage Server twice: Discord hides the command from others (default permissions, which
    a server may override), and the bot checks again when it runs."""
    func = app_commands.checks.has_permissions(manage_guild=True)(func)
    return app_commands.default_permissions(manage_guild=True)(func)


def in_guild(interaction: discord.Interaction[PledgeWatchBot]) -> int:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage("This command works only inside a server.")
    return interaction.guild_id


async def answer(
    interaction: discord.Interaction[PledgeWatchBot],
    *,
    content: str | None = None,
    embeds: Sequence[discord.Embed] = (),
    ephemeral: bool = False,
    view: discord.ui.View | None = None,
) -> None:
    """Reply (or follow up, once the interaction was answered), clipped to Discord's limits."""
    text = clip(content, CONTENT) if content else None
    fitted = [fit(e) for e in list(embeds)[:MAX_EMBEDS]]
    none = discord.AllowedMentions.none()
    if interaction.response.is_done():
        if view is None:
            await interaction.followup.send(
                text or MISSING, embeds=fitted, ephemeral=ephemeral, allowed_mentions=none
            )
        else:
            await interaction.followup.send(
                text or MISSING,
                embeds=fitted,
                ephemeral=ephemeral,
                allowed_mentions=none,
                view=view,
            )
        return
    if view is None:
        await interaction.response.send_message(
            text, embeds=fitted, ephemeral=ephemeral, allowed_mentions=none
        )
    else:
        await interaction.response.send_message(
            text, embeds=fitted, ephemeral=ephemeral, allowed_mentions=none, view=view
        )


def choices(
    candidates: Sequence[tuple[str, str]], current: str, *, key: Callable[[str], str] = str.lower
) -> list[app_commands.Choice[str]]:
    """Autocomplete: (name, value) pairs whose name or value contains what was typed, those
    that start with it first, at most 25, names clipped to 100."""
    typed = key(current.strip())
    hits = [(n, v) for n, v in candidates if typed in key(n) or typed in key(v)]
    hits.sort(key=lambda nv: not (key(nv[0]).startswith(typed) or key(nv[1]).startswith(typed)))
    return [
        app_commands.Choice(name=clip(n, CHOICE_NAME), value=v[:100]) for n, v in hits[:MAX_CHOICES]
    ]


def split_list(text: str | None, *, spaces: bool = True) -> list[str]:
    """``"a, b c"`` -> ``["a", "b", "c"]``: the list options of /subscribe. Without
    ``spaces`` only commas separate (place names such as "US-CA-San Francisco")."""
    if not text:
        return []
    parts = text.replace(",", " ").split() if spaces else text.split(",")
    return [part.strip() for part in parts if part.strip()]
