"""Where alerts go. A sink sends one delivery and returns the message id, if any.

A sink raises :class:`bot.errors.DeliveryError`: ``permanent=True`` when retrying cannot help
(the channel is gone, permission lost), otherwise the dispatcher retries with backoff.
"""

from __future__ import annotations

from typing import Protocol, TextIO, runtime_checkable

from bot.delivery.text import render_text
from storage.records import PendingDelivery


class Sink(Protocol):
    async def send(self, delivery: PendingDelivery) -> str | None: ...


@runtime_checkable
class EditingSink(Sink, Protocol):
    """A sink that can also bring a posted message up to date with its alert."""

    async def edit(self, delivery: PendingDelivery) -> None: ...


class ConsoleSink:
    """Prints alerts as plain text: the product with no Discord at all."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    async def send(self, delivery: PendingDelivery) -> str | None:
        self._out.write(render_text(delivery.alert) + "\n\n")
        self._out.flush()
        return None
