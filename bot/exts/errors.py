"""The one error handler for every slash command: ephemeral, clear, never silent.

Expected problems (a bad argument, a missing permission, an unknown id) get a message that
says what to do. Anything else is a bug: it is logged with its traceback and the user gets
a short apology.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.errors import ConfigError, NotFoundError
from bot.exts.common import InputError, answer

if TYPE_CHECKING:
    from bot.discord_bot import PledgeWatchBot

log = logging.getLogger(__name__)

APOLOGY = (
    "Sorry, something went wrong on our side while running this command. "
    "It has been logged; please try again later."
)
_PERMISSION_NAMES = {"manage_guild": "Manage Server"}


def user_message(error: app_commands.AppCommandError) -> str | None:
    """What to tell the user about an expected failure; None for a bug."""
    cause: BaseException = error
    if isinstance(error, app_commands.CommandInvokeError):
        cause = error.original
    if isinstance(cause, NotFoundError):
        return f"Not found: {cause}"
    if isinstance(cause, InputError | ConfigError):
        return str(cause)
    if isinstance(cause, app_commands.MissingPermissions):
        names = ", ".join(
            _PERMISSION_NAMES.get(p, p.replace("_", " ")) for p in cause.missing_permissions
        )
        return f"You need the {names} permission to use this command."
    if isinstance(cause, app_commands.BotMissingPermissions):
        names = ", ".join(p.replace("_", " ") for p in cause.missing_permissions)
        return f"I am missing the {names} permission here; ask a server admin to grant it."
    if isinstance(cause, app_commands.NoPrivateMessage):
        return "This command works only inside a server."
    if isinstance(cause, app_commands.CommandOnCooldown):
        return f"Slow down: try again in {cause.retry_after:.0f} s."
    if isinstance(cause, app_commands.TransformerError):
        return f"{cause.value!r} is not a valid {cause.type.name}."
    if isinstance(cause, app_commands.CheckFailure):
        return "You cannot use this command here."
    return None


class PledgeWatchTree(app_commands.CommandTree["PledgeWatchBot"]):
    async def on_error(
        self,
        interaction: discord.Interaction[PledgeWatchBot],
        error: app_commands.AppCommandError,
        /,
    ) -> None:
        name = interaction.command.qualified_name if interaction.command else "?"
        message = user_message(error)
        if message is None:
            original = getattr(error, "original", error)
            log.error(
                "command failed (a bug)",
                exc_info=(type(original), original, original.__traceback__),
                extra={"command": name, "interaction": interaction.id},
            )
            message = APOLOGY
        else:
            log.info("command refused", extra={"command": name, "reason": message})
        if interaction.type is not discord.InteractionType.application_command:
            return  # an autocomplete cannot show a message: the log has it
        try:
            await answer(interaction, content=message, ephemeral=True)
        except discord.HTTPException:
            log.exception("could not tell the user about an error", extra={"command": name})
