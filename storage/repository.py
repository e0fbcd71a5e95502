"""The one repository API over the store.

Each method opens its own session (a session is never shared across tasks), commits or rolls
back, and returns plain records from :mod:`storage.records`. Driver errors become
:class:`bot.errors.StorageError`; "already seen" is a normal outcome, never an error. The
methods live in one module per area; this class is the single door to all of them.
"""

from __future__ import annotations

from storage.digests_store import DigestStore
from storage.feeds_store import FeedStore
from storage.follows_store import FollowStore
from storage.items_store import ItemStore
from storage.outbox_store import OutboxStore
from storage.status_store import StatusStore
from storage.store_base import (
    DIGEST_MODE,
    REMOVED,
    SINK_TARGETS,
    AlertMaker,
    StoryChooser,
    nonce_for,
    url_key,
)
from storage.subscriptions_store import SubscriptionStore

__all__ = [
    "DIGEST_MODE",
    "REMOVED",
    "SINK_TARGETS",
    "AlertMaker",
    "Repository",
    "StoryChooser",
    "nonce_for",
    "url_key",
]


class Repository(
    FeedStore,
    ItemStore,
    OutboxStore,
    SubscriptionStore,
    FollowStore,
    DigestStore,
    StatusStore,
):
    """Feeds, items and stories, the outbox, subscriptions and follows, pledges and bills."""
