"""Long lists as pages of embeds, turned with buttons by the person who asked."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.delivery.embeds import fit
from bot.exts.common import answer

if TYPE_CHECKING:
    from bot.discord_bot import PledgeWatchBot

log = logging.getLogger(__name__)

# Interaction tokens live 15 minutes; the buttons go away before the token does.
PAGE_TIMEOUT = 600.0


class Paginator(discord.ui.View):
    def __init__(
        self, pages: Sequence[discord.Embed], *, owner_id: int, timeout: float = PAGE_TIMEOUT
    ) -> None:
        super().__init__(timeout=timeout)
        self.pages = [fit(page) for page in pages]
        self.owner_id = owner_id
        self.index = 0
        self.interaction: discord.Interaction[PledgeWatchBot] | None = None
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1
        self.position.label = f"{self.index + 1}/{len(self.pages)}"

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "Only the person who ran the command can turn these pages; run it yourself to browse.",
            ephemeral=True,
        )
        return False

    async def _show(self, interaction: discord.Interaction[Any], index: int) -> None:
        self.index = max(0, min(index, len(self.pages) - 1))
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction[Any], _button: discord.ui.Button[Paginator]
    ) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="1/1", style=discord.ButtonStyle.secondary, disabled=True)
    async def position(
        self, interaction: discord.Interaction[Any], _button: discord.ui.Button[Paginator]
    ) -> None:
        await interaction.response.defer()  # a label, never enabled

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary)
    async def next(
        self, interaction: discord.Interaction[Any], _button: discord.ui.Button[Paginator]
    ) -> None:
        await self._show(interaction, self.index + 1)

    async def on_timeout(self) -> None:
        if self.interaction is None:
            return
        try:
            await self.interaction.edit_original_response(view=None)
        except discord.HTTPException as exc:  # the message may be gone: nothing to tidy
            log.debug("could not remove page buttons", extra={"error": str(exc)})

    async def on_error(
        self,
        interaction: discord.Interaction[Any],
        error: Exception,
        item: discord.ui.Item[Any],
        /,
    ) -> None:
        log.error("page button failed (a bug)", exc_info=error)
        if not interaction.response.is_done():
            await interaction.response.send_message(
                "Sorry, the pages could not be turned.", ephemeral=True
            )


async def send_pages(
    interaction: discord.Interaction[PledgeWatchBot],
    pages: Sequence[discord.Embed],
    *,
    ephemeral: bool = False,
) -> None:
    """One page: a plain reply. More: the first page with buttons."""
    if len(pages) <= 1:
        await answer(interaction, embeds=pages, ephemeral=ephemeral)
        return
    view = Paginator(pages, owner_id=interaction.user.id)
    view.interaction = interaction
    await answer(interaction, embeds=[view.pages[0]], ephemeral=ephemeral, view=view)
