"""Adapters from JSON API responses to :class:`~bot.domain.types.FeedItem`.

Each adapter is a function ``(data, ctx) -> list[FeedItem]``: ``data`` is the decoded
JSON, ``ctx`` says which feed it came from and when. An adapter recognises the
response shapes it knows and raises :class:`~bot.errors.FeedError` naming the shape
for anything else, so a changed API shows up as a clear feed error.

Legislative items carry a :class:`~bot.domain.types.BillRecord`. Their ``guid`` is the
bill key plus the date and a hash of the latest action, so a bill that moves comes
back as a new item while ``item.bill.key`` stays the same.
"""

from __future__ import annotations

from bot.ingest.adapters import congress, federal_register, legiscan, openstates
from bot.ingest.adapters.base import Adapter, AdapterContext

ADAPTERS: dict[str, Adapter] = {
    "congress": congress.adapt,
    "openstates": openstates.adapt,
    "federal_register": federal_register.adapt,
    "legiscan": legiscan.adapt,
}

__all__ = ["ADAPTERS", "Adapter", "AdapterContext"]
