"""Applying a create or edit body to a stored message, and working out whom it would ping."""

from __future__ import annotations

import re
from typing import Any

from .models import FakeMessage

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")
_EVERYONE = re.compile(r"@(everyone|here)")


def apply(msg: FakeMessage, body: dict[str, Any], attachments: list[dict[str, Any]] | None) -> None:
    """Set the fields `body` names (an edit leaves the others); None keeps the attachments."""
    msg.bodies.append(body)
    if "content" in body:
        msg.content = body["content"] or ""
    if "embeds" in body:
        msg.embeds = [{"type": "rich", **e} for e in body["embeds"] or []]
    if "components" in body:
        msg.components = list(body["components"] or [])
    if "allowed_mentions" in body:
        msg.allowed_mentions = body["allowed_mentions"]
    if attachments is not None:
        msg.attachments = attachments
    resolve_mentions(msg)


def resolve_mentions(msg: FakeMessage) -> None:
    """Discord parses mentions in content only (never in embeds), as allowed_mentions allows;
    with no allowed_mentions at all, everything parses."""
    allowed = msg.allowed_mentions
    parse = {"users", "roles", "everyone"} if allowed is None else set(allowed.get("parse") or [])
    users = set() if allowed is None else {int(u) for u in allowed.get("users") or []}
    roles = set() if allowed is None else {int(r) for r in allowed.get("roles") or []}
    content = msg.content
    msg.mention_everyone = bool(_EVERYONE.search(content)) and "everyone" in parse
    msg.mentions = [
        int(u) for u in _USER_MENTION.findall(content) if "users" in parse or int(u) in users
    ]
    msg.mention_roles = [
        int(r) for r in _ROLE_MENTION.findall(content) if "roles" in parse or int(r) in roles
    ]
