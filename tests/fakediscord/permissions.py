"""Discord permission bits and the documented way a member's channel permissions are computed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

BITS: dict[str, int] = {
    "create_instant_invite": 1 << 0,
    "kick_members": 1 << 1,
    "ban_members": 1 << 2,
    "administrator": 1 << 3,
    "manage_channels": 1 << 4,
    "manage_guild": 1 << 5,
    "add_reactions": 1 << 6,
    "view_audit_log": 1 << 7,
    "view_channel": 1 << 10,
    "send_messages": 1 << 11,
    "manage_messages": 1 << 13,
    "embed_links": 1 << 14,
    "attach_files": 1 << 15,
    "read_message_history": 1 << 16,
    "mention_everyone": 1 << 17,
    "use_external_emojis": 1 << 18,
    "manage_roles": 1 << 28,
    "manage_webhooks": 1 << 29,
    "use_application_commands": 1 << 31,
    "create_public_threads": 1 << 35,
    "send_messages_in_threads": 1 << 38,
}
ALL = (1 << 51) - 1

EVERYONE_DEFAULT = (
    BITS["view_channel"]
    | BITS["send_messages"]
    | BITS["read_message_history"]
    | BITS["add_reactions"]
    | BITS["use_application_commands"]
)
BOT_DEFAULT = (
    BITS["view_channel"]
    | BITS["send_messages"]
    | BITS["embed_links"]
    | BITS["attach_files"]
    | BITS["read_message_history"]
)


def to_bits(value: Any) -> int:
    """Accept an int, an object with `.value` (discord.Permissions) or permission names."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return BITS[value]
    if hasattr(value, "value"):
        return int(value.value)
    if isinstance(value, Iterable):
        bits = 0
        for name in value:
            bits |= BITS[name]
        return bits
    raise TypeError(f"cannot read permissions from {value!r}")


def compute(
    *,
    base: int,
    is_owner: bool,
    everyone_overwrite: tuple[int, int] | None,
    role_overwrites: Iterable[tuple[int, int]],
    member_overwrite: tuple[int, int] | None,
) -> int:
    """Channel permissions from guild-level `base` and (allow, deny) overwrites, in order."""
    if is_owner or base & BITS["administrator"]:
        return ALL
    perms = base
    if everyone_overwrite:
        perms = (perms & ~everyone_overwrite[1]) | everyone_overwrite[0]
    allow = deny = 0
    for role_allow, role_deny in role_overwrites:
        allow |= role_allow
        deny |= role_deny
    perms = (perms & ~deny) | allow
    if member_overwrite:
        perms = (perms & ~member_overwrite[1]) | member_overwrite[0]
    return perms
