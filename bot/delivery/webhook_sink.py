"""Alerts through an incoming webhook (DISCORD_WEBHOOK_URL): no bot needed.

The same embeds as the bot, posted with ``?wait=true`` so that Discord answers with the
message, whose id is stored at once.

Webhooks have no ``enforce_nonce``, and a webhook token cannot list the channel's messages,
so the guard against a repeat after a crash is the delivery's *sending mark*:

- before the POST, the delivery is marked as sending (``Repository.mark_sending``);
- the moment Discord answers, the message id is stored (``Repository.record_message``), before
  the dispatcher marks the delivery sent. A process that stops anywhere after this point
  never posts the alert again: the next attempt finds the id and returns it;
- a definite refusal (any answer but a gateway error) clears the mark: nothing was created;
- a mark still set on the next attempt means the previous one stopped during the request
  itself (a crash mid-request, a timeout, a dropped connection, a 500/502/504). Whether
  Discord created the message cannot be known through a webhook, so the alert is sent again,
  never dropped, with a footer note saying it may repeat an interrupted delivery.

The only window for a repeat is the round trip of one request, and a repeat that does
happen says so. A 401, 403 or 404 (webhook deleted, token revoked) stops the sink: every
later alert fails at once without another request, since Discord bans an IP after 10,000
invalid requests in 10 minutes.

The token is a secret, and Discord (or a proxy) may echo it, or the whole URL, in an error
body: every error text the sink logs or raises has it replaced by ``***``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.delivery.embeds import FOOTER, clip, render_message, render_minimal
from bot.errors import ConfigError, DeliveryError, NotFoundError
from storage.records import PendingDelivery
from storage.repository import Repository

log = logging.getLogger(__name__)

SEND_TIMEOUT = 30.0
MAX_TRIES = 5
MAX_RATE_LIMIT_WAIT = 60.0  # longer than this, the dispatcher's backoff takes over
IN_DOUBT_NOTE = "resent after an interrupted delivery; it may repeat an earlier message"
_AMBIGUOUS = frozenset({500, 502, 504, 524})  # the request may have been carried out

_URL = re.compile(
    r"^(?P<base>https?://[^/?#\s]+(?:/[^?#\s]*?)?)/webhooks/(?P<id>\d{1,20})/"
    r"(?P<token>[A-Za-z0-9._-]{1,200})/?(?:\?(?P<query>[^#\s]*))?$"
)


@dataclass(frozen=True, slots=True)
class WebhookURL:
    base: str  # e.g. https://discord.com/api, or a DISCORD_API_BASE-style test server
    id: int
    token: str
    thread_id: str | None = None

    @property
    def execute(self) -> str:
        return f"{self.base}/webhooks/{self.id}/{self.token}"

    def __repr__(self) -> str:  # the token is a secret
        return f"WebhookURL(base={self.base!r}, id={self.id})"

    def scrub(self, text: str) -> str:
        """``text`` without the token, as written or percent-encoded."""
        for secret in {self.token, quote(self.token, safe="")}:
            text = text.replace(secret, "***")
        return text


def parse_webhook_url(url: str) -> WebhookURL:
    """Split an incoming-webhook URL. Any http(s) host is accepted, so that tests (and a
    REST proxy) can stand in for discord.com."""
    match = _URL.match(url.strip())
    if match is None:
        raise ConfigError(
            "DISCORD_WEBHOOK_URL: expected https://discord.com/api/webhooks/<id>/<token>"
        )
    thread_id = None
    for pair in (match["query"] or "").split("&"):
        key, _, value = pair.partition("=")
        if key == "thread_id" and value.isdigit():
            thread_id = value
    return WebhookURL(match["base"], int(match["id"]), match["token"], thread_id)


class WebhookSink:
    """The ``webhook`` sink."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        *,
        clock: Callable[[], datetime],
        repo: Repository,
        send_timeout: float = SEND_TIMEOUT,
    ) -> None:
        self._session = session
        self._hook = parse_webhook_url(url)
        self._clock = clock
        self._repo = repo
        self._timeout = aiohttp.ClientTimeout(total=send_timeout)
        self._dead: str | None = None  # why the webhook can no longer be used
        self._resume_at = 0.0  # loop time when the bucket has room again

    async def send(self, delivery: PendingDelivery) -> str | None:
        if self._dead is not None:
            raise DeliveryError(self._dead, permanent=True)
        if delivery.message_id is not None:
            return delivery.message_id
        try:
            mark, recorded = await self._repo.sending_mark(delivery.id)
        except NotFoundError as exc:
            raise DeliveryError(str(exc)) from exc
        if recorded is not None:
            return recorded  # posted and kept before a stop: never again
        parts = render_message(delivery.alert, mention_role_id=None)
        if mark is not None:
            log.warning(
                "a delivery was interrupted mid-request; sending it again",
                extra={"alert": delivery.alert.key, "since": mark.isoformat()},
            )
            footer = parts.embed.footer.text or "PledgeWatch"
            parts.embed.set_footer(text=clip(f"{footer} \u00b7 {IN_DOUBT_NOTE}", FOOTER))
        await self._repo.mark_sending([delivery.id], at=self._clock())
        bodies = [
            parts.as_json(),
            {**parts.as_json(), "embeds": [render_minimal(delivery.alert).to_dict()]},
        ]
        message_id = await self._execute(bodies, delivery.id)
        if message_id is not None:
            await self._repo.record_message([delivery.id], message_id)
        return message_id

    async def _execute(self, bodies: list[dict[str, Any]], delivery_id: int) -> str | None:
        """POST until answered: 429s waited out, a refused embed retried bare once."""
        params = {"wait": "true"}
        if self._hook.thread_id is not None:
            params["thread_id"] = self._hook.thread_id
        body = bodies.pop(0)
        for _ in range(MAX_TRIES):
            await self._wait_for_bucket()
            try:
                async with self._session.post(
                    self._hook.execute, params=params, json=body, timeout=self._timeout
                ) as response:
                    self._note_bucket(response.headers)
                    status = response.status
                    text = await response.text()
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                # The mark stays: Discord may have created the message.
                raise DeliveryError(
                    f"webhook unreachable: {type(exc).__name__}", outage=True
                ) from exc
            if 200 <= status < 300:
                return _message_id(text)
            if status == 429:
                wait = _retry_after(text, response.headers)
                if wait > MAX_RATE_LIMIT_WAIT:
                    await self._repo.clear_sending([delivery_id])
                    raise DeliveryError(f"webhook rate limited for {wait:.0f} s")
                await asyncio.sleep(wait)
                continue
            if status == 400 and bodies:
                log.error(
                    "Discord refused an alert embed; sending the bare one",
                    extra={"error": self._hook.scrub(text)[:500]},
                )
                body = bodies.pop(0)
                continue
            if status not in _AMBIGUOUS:
                await self._repo.clear_sending([delivery_id])
            reason = f"webhook answered {status}: {_error_text(self._hook.scrub(text))}"
            if status in (401, 403, 404):
                self._dead = f"the webhook was deleted or its token revoked ({reason})"
                raise DeliveryError(self._dead, target_lost=True)
            raise DeliveryError(reason, permanent=400 <= status < 500, outage=status >= 500)
        await self._repo.clear_sending([delivery_id])
        raise DeliveryError(f"webhook still rate limited after {MAX_TRIES} tries")

    async def _wait_for_bucket(self) -> None:
        delay = self._resume_at - asyncio.get_running_loop().time()
        if delay > 0:
            await asyncio.sleep(min(delay, MAX_RATE_LIMIT_WAIT))

    def _note_bucket(self, headers: Any) -> None:
        """Wait before the next request when the bucket is empty, rather than earn a 429."""
        try:
            remaining = int(headers.get("X-RateLimit-Remaining", "1"))
            reset_after = float(headers.get("X-RateLimit-Reset-After", "0"))
        except ValueError:
            return
        if remaining <= 0 and reset_after > 0:
            self._resume_at = asyncio.get_running_loop().time() + reset_after


def _message_id(text: str) -> str | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return str(value) if value is not None else None


def _retry_after(text: str, headers: Any) -> float:
    try:
        data = json.loads(text)
        if isinstance(data, dict) and "retry_after" in data:
            return max(float(data["retry_after"]), 0.0)
    except (ValueError, TypeError):
        pass
    try:
        return max(float(headers.get("Retry-After", "1")), 0.0)
    except ValueError:
        return 1.0


def _error_text(text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return text[:200]
    if isinstance(data, dict):
        return f"{data.get('message', '')} (code {data.get('code')})"[:200]
    return text[:200]
