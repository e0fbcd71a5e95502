"""Alerts to subscribed channels through the bot's REST client.

Exactly once across restarts, in three steps around each post:

1. a *sending mark* is stored on the delivery before the request;
2. the message is created with the delivery's deterministic ``nonce`` and ``enforce_nonce``
   (discord.py sends ``enforce_nonce`` with every nonce), so a resend within Discord's
   window of a few minutes returns the message already made instead of a second one;
3. the message id is stored the moment Discord answers, before the dispatcher marks the
   delivery sent.

After a crash, a delivery with a stored id is not sent again; one with a mark older than the
nonce window is looked for in the channel's recent history before it is resent.

Errors: 403 and 404 mean the channel is gone or closed to the bot, and become permanent
(the dispatcher pauses the subscription once: Discord bans an IP that makes 10,000 invalid
requests in 10 minutes, so nothing here retries them). 5xx, timeouts and lost connections
are transient. Per-route 429s are waited out inside discord.py; every request first takes a
turn from the process's :class:`~bot.delivery.pacing.Pacer`, which keeps all of them under
Discord's global limit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import aiohttp
import discord

from bot.delivery.embeds import (
    CONTENT,
    MessageParts,
    clip,
    escape,
    render_message,
    render_minimal,
    render_stage_update,
)
from bot.delivery.pacing import Pacer
from bot.delivery.threads import ThreadRouter
from bot.errors import DeliveryError, NotFoundError
from storage.records import PendingDelivery
from storage.repository import Repository

log = logging.getLogger(__name__)

# Discord keeps an enforced nonce for a few minutes; past this, look before resending.
NONCE_WINDOW = timedelta(minutes=4)
SEND_TIMEOUT = 30.0
HISTORY_LOOKUP = 100  # messages scanned for an unrecorded post after a crash
_TRANSIENT = (aiohttp.ClientError, OSError, TimeoutError, discord.RateLimited)


def channel_id_of(target: str) -> int:
    prefix, _, raw = target.partition(":")
    if prefix != "channel" or not raw.isdigit():
        raise DeliveryError(f"not a channel target: {target!r}", permanent=True)
    return int(raw)


def _is_outage(exc: BaseException) -> bool:
    """Discord itself failing or unreachable, rather than this one channel."""
    return isinstance(
        exc, discord.DiscordServerError | aiohttp.ClientError | OSError | TimeoutError
    )


def _why(exc: discord.HTTPException) -> str:
    if isinstance(exc, discord.NotFound):
        gist = "the channel was deleted or the bot can no longer see it"
    elif isinstance(exc, discord.Forbidden):
        gist = "the bot lost permission to post there"
    else:
        gist = "Discord refused the message"
    detail = f"{exc.status} {exc.text}".strip() if exc.text else str(exc.status)
    return f"{gist} ({detail}, code {exc.code})"


class BotSink:
    """The ``discord`` sink: targets ``channel:<id>``, sent through ``client``'s REST API."""

    def __init__(
        self,
        client: discord.Client,
        repo: Repository,
        *,
        clock: Callable[[], datetime],
        send_timeout: float = SEND_TIMEOUT,
        pacer: Pacer | None = None,
    ) -> None:
        self._client = client
        self._repo = repo
        self._clock = clock
        self._timeout = send_timeout
        self._pacer = pacer or Pacer()
        self._notices: set[asyncio.Task[bool]] = set()
        self._threads = ThreadRouter(
            client, repo, clock=clock, timeout=send_timeout, pacer=self._pacer
        )

    async def send(self, delivery: PendingDelivery) -> str | None:
        channel_id = channel_id_of(delivery.target)
        parts = render_message(delivery.alert, mention_role_id=delivery.mention_role_id)
        # A thread per bill, or a forum's posts: the router sends it, or leaves it to us.
        threaded = await self._threads.send(self, delivery, channel_id, parts)
        if threaded is not None:
            if delivery.alert.kind == "bill_stage" and not self._threads.is_forum(channel_id):
                await self._edit_earlier(channel_id, delivery)  # the thread's first message
            return threaded
        message_id = await self.post_alert(channel_id, delivery, parts)
        if delivery.alert.kind == "bill_stage":
            await self._edit_earlier(channel_id, delivery)
        return message_id

    async def post_alert(
        self, channel_id: int, delivery: PendingDelivery, parts: MessageParts
    ) -> str:
        """One alert's message in a channel or thread, at most once (see :meth:`post`)."""
        return await self.post(
            channel_id,
            parts,
            nonce=delivery.nonce,
            delivery_ids=[delivery.id],
            message_id=delivery.message_id,
            fallback=lambda: render_minimal(delivery.alert),
        )

    async def post(
        self,
        channel_id: int,
        parts: MessageParts,
        *,
        nonce: str,
        delivery_ids: Sequence[int],
        message_id: str | None = None,
        fallback: Callable[[], discord.Embed] | None = None,
    ) -> str:
        """Create one message for these deliveries, at most once; returns its id."""
        if message_id is not None:
            return message_id  # posted and recorded by a run that stopped before the end
        try:
            mark, recorded = await self._repo.sending_mark(delivery_ids[0])
        except NotFoundError as exc:  # unsubscribed meanwhile: its deliveries are gone
            raise DeliveryError(str(exc)) from exc
        if recorded is not None:
            return recorded
        if mark is not None and self._clock() - mark > NONCE_WINDOW:
            found = await self._find_posted(channel_id, parts, since=mark)
            if found is not None:
                await self._repo.record_message(delivery_ids, found)
                return found
        await self._repo.mark_sending(delivery_ids, at=self._clock())
        channel = self._client.get_partial_messageable(channel_id)
        embed = parts.embed
        for attempt in (1, 2):
            await self._pacer.turn()
            try:
                message = await asyncio.wait_for(
                    channel.send(
                        content=parts.content,
                        embed=embed,
                        allowed_mentions=parts.allowed_mentions,
                        nonce=nonce,
                    ),
                    self._timeout,
                )
            except (discord.Forbidden, discord.NotFound) as exc:
                await self._repo.clear_sending(delivery_ids)
                raise DeliveryError(_why(exc), target_lost=True) from exc
            except discord.DiscordServerError as exc:
                raise DeliveryError(f"Discord is failing: {_why(exc)}", outage=True) from exc
            except discord.HTTPException as exc:
                if exc.status == 400 and attempt == 1 and fallback is not None:
                    log.error(
                        "Discord refused an alert embed; sending the bare one",
                        extra={"channel": channel_id, "error": exc.text[:500]},
                    )
                    embed = fallback()
                    continue
                await self._repo.clear_sending(delivery_ids)
                # 400 is a rendering bug and 401 a bad token: not this channel's fault.
                raise DeliveryError(_why(exc), permanent=exc.status == 400) from exc
            except _TRANSIENT as exc:
                # The request may have reached Discord: the mark stays, and the nonce or the
                # history lookup settles it on the next attempt.
                raise DeliveryError(
                    f"sending failed: {type(exc).__name__}: {exc}", outage=_is_outage(exc)
                ) from exc
            await self._repo.record_message(delivery_ids, str(message.id))
            return str(message.id)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _find_posted(
        self, channel_id: int, parts: MessageParts, *, since: datetime
    ) -> str | None:
        """The bot's own message for this alert, posted after ``since`` but never recorded."""
        me = self._client.user
        if me is None:
            return None
        channel = self._client.get_partial_messageable(channel_id)
        after = discord.Object(id=discord.utils.time_snowflake(since - timedelta(minutes=1)))
        want = parts.embed
        await self._pacer.turn()
        try:
            async for message in channel.history(limit=HISTORY_LOOKUP, after=after):
                if message.author.id != me.id or not message.embeds:
                    continue
                got = message.embeds[0]
                if (got.title, got.url, got.description) == (
                    want.title,
                    want.url,
                    want.description,
                ):
                    log.info("found an unrecorded post; not sending it again")
                    return str(message.id)
        except (discord.Forbidden, discord.NotFound):
            return None  # no history access: the resend below is the best left
        except (discord.HTTPException, *_TRANSIENT) as exc:
            raise DeliveryError(f"history lookup failed: {exc}", outage=_is_outage(exc)) from exc
        return None

    async def edit(self, delivery: PendingDelivery) -> None:
        """Re-render a posted alert that changed (a story gained sources). A message that is
        gone or closed to us is left alone; a transient failure raises for a later retry."""
        if delivery.message_id is None:
            return
        where = channel_id_of(delivery.target)
        if self._threads.is_forum(where):  # a forum post's message lives in the post itself
            where = int(delivery.message_id)
        channel = self._client.get_partial_messageable(where)
        parts = render_message(delivery.alert, mention_role_id=delivery.mention_role_id)
        await self._pacer.turn()
        try:
            await asyncio.wait_for(
                channel.get_partial_message(int(delivery.message_id)).edit(
                    embed=parts.embed, allowed_mentions=discord.AllowedMentions.none()
                ),
                self._timeout,
            )
        except (discord.Forbidden, discord.NotFound) as exc:
            log.info(
                "a posted alert could not be updated",
                extra={"target": delivery.target, "error": str(exc)},
            )
        except (discord.HTTPException, *_TRANSIENT) as exc:
            raise DeliveryError(
                f"edit failed: {_why(exc) if isinstance(exc, discord.HTTPException) else exc}",
                outage=_is_outage(exc),
            ) from exc

    async def _edit_earlier(self, channel_id: int, delivery: PendingDelivery) -> None:
        """Show a bill's new stage on its earlier alerts in this channel. Best effort: a
        failed edit never holds back the post that already went out."""
        keys = delivery.alert.payload.get("earlier_alerts") or []
        if not isinstance(keys, list):
            return
        channel = self._client.get_partial_messageable(channel_id)
        for earlier, message_id in await self._repo.sent_messages(delivery.target, keys):
            await self._pacer.turn()
            try:
                await asyncio.wait_for(
                    channel.get_partial_message(int(message_id)).edit(
                        embed=render_stage_update(earlier, delivery.alert),
                        allowed_mentions=discord.AllowedMentions.none(),
                    ),
                    self._timeout,
                )
            except (discord.HTTPException, *_TRANSIENT) as exc:
                log.warning(
                    "could not edit an earlier bill alert",
                    extra={"channel": channel_id, "message_id": message_id, "error": str(exc)},
                )

    # --- telling the admins ------------------------------------------------------------

    def on_paused(self, delivery: PendingDelivery, reason: str) -> None:
        """The dispatcher's callback when a subscription is paused (called once per pause):
        one notice to the server, in the background, never retried."""
        task = asyncio.get_running_loop().create_task(self.notify_paused(delivery, reason))
        self._notices.add(task)
        task.add_done_callback(self._notices.discard)

    async def drain(self) -> None:
        """Wait for notices still being sent (at shutdown, and in tests)."""
        while self._notices:
            await asyncio.gather(*list(self._notices), return_exceptions=True)

    async def notify_paused(self, delivery: PendingDelivery, reason: str) -> bool:
        """Post one notice saying which channel was paused and why; True if it was posted."""
        try:
            channel_id = channel_id_of(delivery.target)
            sub = None
            if delivery.subscription_id is not None:
                sub = await self._repo.subscription_by_id(delivery.subscription_id)
            guild = self._client.get_guild(sub.guild_id) if sub is not None else None
            if guild is None:
                log.warning(
                    "paused a subscription; its server is unknown", extra={"reason": reason}
                )
                return False
            dest = notice_channel(guild, exclude=channel_id)
            if dest is None:
                log.warning(
                    "paused a subscription; no channel to tell the admins in",
                    extra={"guild": guild.id, "reason": reason},
                )
                return False
            text = (
                f"PledgeWatch paused alerts for <#{channel_id}>: {escape(reason)}.\n"
                "A server manager can fix the channel's permissions (View Channel, Send "
                "Messages, Embed Links) and run `/subscribe` again to resume; nothing is "
                "sent there until then."
            )
            await self._pacer.turn()
            await asyncio.wait_for(
                dest.send(
                    content=clip(text, CONTENT), allowed_mentions=discord.AllowedMentions.none()
                ),
                self._timeout,
            )
            return True
        except (DeliveryError, discord.HTTPException, *_TRANSIENT) as exc:
            log.warning("could not tell the admins about a paused subscription", exc_info=exc)
            return False


def notice_channel(
    guild: discord.Guild, *, exclude: int | None = None
) -> discord.TextChannel | None:
    """The server's system channel, or else its first text channel the bot can post in."""
    me = guild.me
    candidates = [guild.system_channel] if guild.system_channel is not None else []
    candidates += sorted(guild.text_channels, key=lambda c: (c.position, c.id))
    for channel in candidates:
        if channel is None or channel.id == exclude:
            continue
        perms = channel.permissions_for(me)
        if perms.view_channel and perms.send_messages:
            return channel
    return None
