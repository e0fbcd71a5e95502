"""INTERACTION_CREATE payloads built from the commands the bot synced, and what the callbacks do.

Options are given as a plain mapping (`{"company": "amazon"}`) and typed through the synced
command's own option schema, so a test cannot send what Discord's client would not:
unknown options, missing required ones, or values outside the declared choices raise
`ValueError` in the test, before anything reaches the bot.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import limits, payloads
from .errors import DiscordError, ErrorTree, invalid_form, unknown
from .models import (
    EPHEMERAL,
    LOADING,
    FakeChannel,
    FakeCommand,
    FakeGuild,
    FakeInteraction,
    FakeMember,
    FakeRole,
    FakeUser,
)

if TYPE_CHECKING:
    from .server import FakeDiscord

SUBCOMMAND, GROUP, STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = range(1, 11)
COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
# Which callback types Discord accepts for which interaction type.
ALLOWED_CALLBACKS = {
    COMMAND: {4, 5, 9},
    COMPONENT: {4, 5, 6, 7, 9},
    AUTOCOMPLETE: {8},
    MODAL_SUBMIT: {4, 5, 6, 7},
}
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
_PYTHON_TYPES: dict[int, type | tuple[type, ...]] = {
    STRING: str,
    INTEGER: int,
    NUMBER: (int, float),
}


def split_name(full: str) -> list[str]:
    return full.strip().lstrip("/").split()


def typed_options(
    fake: FakeDiscord,
    guild: FakeGuild,
    command: FakeCommand,
    names: list[str],
    given: Mapping[str, Any],
    *,
    focused: str | None,
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The `data.options` list (nested for subcommands) and the `resolved` map."""
    resolved: dict[str, dict[str, Any]] = {}
    schema = command.options
    path = [command.name]
    for sub in names[1:]:
        match = next(
            (o for o in schema if o["name"] == sub and o["type"] in (SUBCOMMAND, GROUP)), None
        )
        if match is None:
            raise ValueError(f"/{' '.join(path)} has no subcommand {sub!r}")
        path.append(sub)
        schema = match.get("options") or []
    leaf = _leaf_options(fake, guild, "/" + " ".join(path), schema, given, focused, resolved)
    for sub in reversed(names[1:]):
        kind = SUBCOMMAND if leaf is not None and sub == names[-1] else GROUP
        leaf = [{"name": sub, "type": kind, "options": leaf}]
    return leaf, resolved


def _leaf_options(
    fake: FakeDiscord,
    guild: FakeGuild,
    where: str,
    schema: list[dict[str, Any]],
    given: Mapping[str, Any],
    focused: str | None,
    resolved: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    by_name = {o["name"]: o for o in schema}
    if any(o["type"] in (SUBCOMMAND, GROUP) for o in schema):
        raise ValueError(f"{where} is a group: name a subcommand, e.g. '{where[1:]} <sub>'")
    out: list[dict[str, Any]] = []
    for name, value in given.items():
        opt = by_name.get(name)
        if opt is None:
            raise ValueError(f"{where} has no option {name!r} (it has {sorted(by_name)})")
        if name == focused:
            if not opt.get("autocomplete"):
                raise ValueError(f"{where} option {name!r} has no autocomplete")
            out.append({"name": name, "type": opt["type"], "value": str(value), "focused": True})
            continue
        out.append(
            {
                "name": name,
                "type": opt["type"],
                "value": _coerce(fake, guild, where, opt, value, resolved),
            }
        )
    if focused is not None and focused not in given:
        raise ValueError(f"focused option {focused!r} needs a value (the text typed so far)")
    if focused is None:
        missing = [o["name"] for o in schema if o.get("required") and o["name"] not in given]
        if missing:
            raise ValueError(f"{where} needs option(s) {missing}")
    return out


def _coerce(
    fake: FakeDiscord,
    guild: FakeGuild,
    where: str,
    opt: dict[str, Any],
    value: Any,
    resolved: dict[str, dict[str, Any]],
) -> Any:
    kind, name = opt["type"], opt["name"]
    if kind in (STRING, INTEGER, NUMBER):
        expected = _PYTHON_TYPES[kind]
        if not isinstance(value, expected) or isinstance(value, bool):
            raise ValueError(f"{where} option {name!r} takes {expected}, not {value!r}")
        choices = opt.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise ValueError(f"{where} option {name!r}: {value!r} is not one of its choices")
        low, high = opt.get("min_value"), opt.get("max_value")
        if kind != STRING and (
            (low is not None and value < low) or (high is not None and value > high)
        ):
            raise ValueError(f"{where} option {name!r}: {value!r} is outside [{low}, {high}]")
        length_ok = opt.get("min_length", 0) <= len(str(value)) <= opt.get("max_length", 6000)
        if kind == STRING and not length_ok:
            raise ValueError(f"{where} option {name!r}: length of {value!r} is out of bounds")
        return value
    if kind == BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError(f"{where} option {name!r} takes a bool, not {value!r}")
        return value
    if kind in (USER, MENTIONABLE) and isinstance(value, FakeMember | FakeUser):
        member = value if isinstance(value, FakeMember) else guild.members.get(value.id)
        user = value.user if isinstance(value, FakeMember) else value
        resolved.setdefault("users", {})[str(user.id)] = payloads.user(user)
        if member is not None:
            resolved.setdefault("members", {})[str(user.id)] = payloads.member(
                member, with_user=False, permissions=fake.guild_permissions(guild, member.id)
            )
        return str(user.id)
    if kind in (ROLE, MENTIONABLE) and isinstance(value, FakeRole):
        resolved.setdefault("roles", {})[str(value.id)] = payloads.role(value)
        return str(value.id)
    if kind == CHANNEL and isinstance(value, FakeChannel):
        types = opt.get("channel_types")
        if types and value.type not in types:
            raise ValueError(f"{where} option {name!r} takes channel types {types}")
        data = payloads.channel(value)
        data["permissions"] = str(fake.channel_permissions(value, fake.bot_user.id))
        resolved.setdefault("channels", {})[str(value.id)] = data
        return str(value.id)
    raise ValueError(f"{where} option {name!r} (type {kind}) cannot take {value!r}")


def base_payload(
    fake: FakeDiscord,
    interaction_id: int,
    token: str,
    kind: int,
    guild: FakeGuild,
    channel: FakeChannel,
    member: FakeMember,
    data: dict[str, Any],
) -> dict[str, Any]:
    perms = fake.channel_permissions(channel, member.id)
    chan = payloads.channel(channel)
    chan["permissions"] = str(perms)
    return {
        "id": str(interaction_id),
        "application_id": str(fake.application_id),
        "type": kind,
        "token": token,
        "version": 1,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        "data": data,
        "guild_id": str(guild.id),
        "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
        "guild_locale": "en-US",
        "channel_id": str(channel.id),
        "channel": chan,
        "member": payloads.member(member, permissions=perms),
        "app_permissions": str(fake.channel_permissions(channel, fake.bot_user.id)),
        "locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild.id)},
        "context": 0,
    }


def callback(
    fake: FakeDiscord, interaction: FakeInteraction, body: dict[str, Any]
) -> dict[str, Any]:
    """Apply an interaction callback; return the callback-response object (`?with_response`)."""
    if interaction.callbacks:
        raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
    if (fake.now() - interaction.created_at).total_seconds() > fake.interaction_deadline:
        raise unknown("interaction")  # not answered within 3 s: Discord forgets it
    kind = body.get("type")
    if kind not in ALLOWED_CALLBACKS[interaction.type]:
        errors = ErrorTree()
        errors.add(
            ("type",),
            "INTERACTION_RESPONSE_TYPE_INVALID",
            f"Callback type {kind} is not valid for interaction type {interaction.type}",
        )
        raise invalid_form(errors)
    data = body.get("data") or {}
    if kind == 4 and limits.is_empty(data):
        raise DiscordError(400, 50006, "Cannot send an empty message")

    interaction.callbacks.append(body)
    channel = fake.channels[interaction.channel_id]
    message = None
    if kind in (4, 5):
        flags = (data.get("flags") or 0) & EPHEMERAL
        message = fake.create_message(
            channel,
            fake.bot_user,
            data if kind == 4 else {},
            flags=flags | (LOADING if kind == 5 else 0),
            type_=20 if interaction.type == COMMAND else 0,
            webhook_id=fake.application_id,
            interaction=interaction,
        )
        interaction.original = message
    elif kind in (6, 7) and interaction.source_message is not None:
        message = interaction.source_message
        if kind == 7:
            fake.edit_message(message, data)
        interaction.original = message
    fake.changes.fire()

    response: dict[str, Any] = {
        "interaction": {
            "id": str(interaction.id),
            "type": interaction.type,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(message and message.ephemeral),
        }
    }
    if message is not None and kind in (4, 5, 7):
        response["interaction"]["response_message_id"] = str(message.id)
        response["resource"] = {"type": kind, "message": payloads.message(message)}
    else:
        response["resource"] = {"type": kind}
    return response
