"""A thread per bill: in a channel that asked for it, a bill's first alert opens a thread on
its message and each later alert about that bill is posted in the thread; in a forum channel
every alert is a post, and a bill's later alerts are replies in its post.

The thread of a bill in a channel is kept in the store. A thread started on a message has
that message's id (and a forum post's first message the post's), so a crash between opening
the thread and keeping it is settled by keeping the message id: Discord refuses a second
thread on the same message. Opening a thread is best effort: when it fails (a permission
lost), the alert has gone out in the channel and the next alert tries again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.delivery.embeds import MessageParts, clip
from bot.delivery.pacing import Pacer
from bot.errors import DeliveryError, NotFoundError
from storage.records import AlertView, PendingDelivery
from storage.repository import Repository

if TYPE_CHECKING:
    from bot.delivery.discord_sink import BotSink

log = logging.getLogger(__name__)

BILL_KINDS = frozenset({"new_bill", "bill_stage"})
THREAD_NAME = 100  # Discord's limit on a thread's name
ALREADY_A_THREAD = 160004  # "A thread has already been created for this message"
_TRANSIENT = (aiohttp.ClientError, OSError, TimeoutError, discord.RateLimited)


def bill_key(alert: AlertView) -> str | None:
    """The bill an alert is about, when it is a bill's alert."""
    key = alert.payload.get("key")
    return key if alert.kind in BILL_KINDS and isinstance(key, str) and key else None


def thread_name(alert: AlertView) -> str:
    """``S.681: Facial Recognition ... Act`` for a bill; an alert's title otherwise."""
    p = alert.payload
    if alert.kind in BILL_KINDS:
        number = p.get("identifier") or p.get("key") or "bill"
        title = p.get("title") or ""
        name = f"{number}: {title}" if title and title != number else str(number)
    else:
        name = str(p.get("title") or p.get("pledge_title") or p.get("feed_name") or alert.kind)
    return clip(" ".join(name.split()), THREAD_NAME) or "PledgeWatch"


class ThreadRouter:
    """Where a delivery goes when its channel keeps threads: None leaves it to the channel."""

    def __init__(
        self,
        client: discord.Client,
        repo: Repository,
        *,
        clock: Callable[[], datetime],
        timeout: float,
        pacer: Pacer,
    ) -> None:
        self._pacer = pacer
        self._client = client
        self._repo = repo
        self._clock = clock
        self._timeout = timeout

    def is_forum(self, channel_id: int) -> bool:
        return isinstance(self._client.get_channel(channel_id), discord.ForumChannel)

    async def send(
        self, sink: BotSink, delivery: PendingDelivery, channel_id: int, parts: MessageParts
    ) -> str | None:
        forum = self.is_forum(channel_id)
        key = bill_key(delivery.alert)
        if not forum and (key is None or not await self._threads_wanted(delivery)):
            return None
        if key is not None:
            thread_id = await self._repo.bill_thread(channel_id, key)
            if thread_id is not None:
                return await sink.post_alert(thread_id, delivery, parts)
        if forum:
            message_id = await self._post_in_forum(channel_id, delivery, parts)
        else:
            message_id = await sink.post_alert(channel_id, delivery, parts)
            if key is not None and not await self._open_thread(channel_id, message_id, delivery):
                return message_id
        if key is not None:
            await self._repo.record_bill_thread(channel_id, key, int(message_id), now=self._clock())
        return message_id

    async def _threads_wanted(self, delivery: PendingDelivery) -> bool:
        if delivery.subscription_id is None:
            return False
        sub = await self._repo.subscription_by_id(delivery.subscription_id)
        return sub is not None and sub.thread_per_bill

    async def _open_thread(
        self, channel_id: int, message_id: str, delivery: PendingDelivery
    ) -> bool:
        name = thread_name(delivery.alert)
        await self._pacer.turn()
        try:
            # Straight through the REST route: the channel need not be in the cache.
            await asyncio.wait_for(
                self._client.http.start_thread_with_message(
                    channel_id, int(message_id), name=name, auto_archive_duration=10080
                ),
                self._timeout,
            )
        except discord.HTTPException as exc:
            if exc.code == ALREADY_A_THREAD:  # opened before a crash: it has the message's id
                return True
            log.warning(
                "could not open a bill's thread; its next alert tries again",
                extra={"channel": channel_id, "error": f"{exc.status} {exc.text}"[:300]},
            )
            return False
        except _TRANSIENT as exc:
            log.warning(
                "could not open a bill's thread; its next alert tries again",
                extra={"channel": channel_id, "error": str(exc)[:300]},
            )
            return False
        return True

    async def _post_in_forum(
        self, channel_id: int, delivery: PendingDelivery, parts: MessageParts
    ) -> str:
        """A new forum post for this alert, at most once: a post has no nonce, so a post
        begun before a crash is looked for among the forum's threads by its name."""
        if delivery.message_id is not None:
            return delivery.message_id
        try:
            mark, recorded = await self._repo.sending_mark(delivery.id)
        except NotFoundError as exc:
            raise DeliveryError(str(exc)) from exc
        if recorded is not None:
            return recorded
        forum = self._client.get_channel(channel_id)
        if not isinstance(forum, discord.ForumChannel):  # pragma: no cover - checked above
            raise DeliveryError(f"channel {channel_id} is no longer a forum")
        name = thread_name(delivery.alert)
        me = self._client.user
        if mark is not None and me is not None:
            for thread in forum.threads:
                if (
                    thread.name == name
                    and thread.owner_id == me.id
                    and thread.created_at
                    and (thread.created_at >= mark)
                ):
                    await self._repo.record_message([delivery.id], str(thread.id))
                    return str(thread.id)
        await self._repo.mark_sending([delivery.id], at=self._clock())
        await self._pacer.turn()
        try:
            post = await asyncio.wait_for(
                forum.create_thread(
                    name=name,
                    content=parts.content,
                    embed=parts.embed,
                    allowed_mentions=parts.allowed_mentions,
                ),
                self._timeout,
            )
        except (discord.Forbidden, discord.NotFound) as exc:
            await self._repo.clear_sending([delivery.id])
            raise DeliveryError(
                f"forum post refused: {exc.status} {exc.text}"[:300], target_lost=True
            ) from exc
        except discord.DiscordServerError as exc:
            raise DeliveryError(f"forum post failed: {exc.status}", outage=True) from exc
        except discord.HTTPException as exc:
            await self._repo.clear_sending([delivery.id])
            raise DeliveryError(
                f"forum post refused: {exc.status} {exc.text}"[:300], permanent=exc.status == 400
            ) from exc
        except _TRANSIENT as exc:
            raise DeliveryError(
                f"forum post failed: {type(exc).__name__}: {exc}",
                outage=not isinstance(exc, discord.RateLimited),
            ) from exc
        await self._repo.record_message([delivery.id], str(post.message.id))
        return str(post.message.id)
