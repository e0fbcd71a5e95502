"""REST routes: a table of (method, OpenAPI path template) -> handler.

Every handler takes the fake and a `Call` and returns (status, JSON body or None for 204),
or raises `DiscordError`. Templates are spelled exactly as in Discord's OpenAPI spec, which
is how a request finds its contract.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import interactions, limits, payloads
from .errors import (
    DiscordError,
    ErrorTree,
    invalid_form,
    missing_access,
    missing_permissions,
    unknown,
)
from .models import (
    EPHEMERAL,
    GUILD_FORUM,
    FakeChannel,
    FakeInteraction,
    FakeMessage,
    FakeUser,
    FakeWebhook,
)
from .permissions import BITS

if TYPE_CHECKING:
    from .server import FakeDiscord


@dataclass
class Call:
    method: str
    route: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    files: list[dict[str, Any]] = field(default_factory=list)


Handler = Callable[["FakeDiscord", Call], tuple[int, Any]]
Limits = Callable[[Call], ErrorTree]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Handler
    bot_auth: bool = True  # needs "Authorization: Bot <token>"
    limits: Limits | None = None
    regex: re.Pattern[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.template))
        object.__setattr__(self, "regex", re.compile(f"^{pattern}$"))

    @property
    def key(self) -> str:
        return f"{self.method} {self.template}"

    @property
    def params(self) -> int:
        return self.template.count("{")


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The most specific route (fewest parameters: `@me` beats `{user_id}`)."""
    found = [
        (r, m.groupdict()) for r in ROUTES if r.method == method and (m := r.regex.match(path))
    ]
    if not found:
        return None
    return min(found, key=lambda pair: pair[0].params)


# --- helpers ----------------------------------------------------------------------------


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise DiscordError(404, 0, "404: Not Found") from None


def _visible_channel(fake: FakeDiscord, call: Call) -> FakeChannel:
    channel = fake.channels.get(_int(call.params["channel_id"]))
    if channel is None or channel.deleted:
        raise unknown("Channel")
    if not fake.channel_permissions(channel, fake.bot_user.id) & BITS["view_channel"]:
        raise missing_access()
    return channel


def _channel_message(fake: FakeDiscord, call: Call) -> tuple[FakeChannel, FakeMessage]:
    channel = _visible_channel(fake, call)
    msg = fake.message_by_id(_int(call.params["message_id"]))
    if msg is None or msg.deleted or msg.ephemeral or msg.channel_id != channel.id:
        raise unknown("Message")
    return channel, msg


def _message_limits(call: Call) -> ErrorTree:
    return limits.check_message(call.body) if isinstance(call.body, dict) else ErrorTree()


def _callback_limits(call: Call) -> ErrorTree:
    body = call.body if isinstance(call.body, dict) else {}
    if body.get("type") in (4, 7):
        return limits.check_message(body.get("data") or {}, ("data",))
    if body.get("type") == 8:
        return limits.check_choices(body)
    return ErrorTree()


def _json_object(call: Call) -> dict[str, Any]:
    if not isinstance(call.body, dict):
        errors = ErrorTree()
        errors.add((), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        raise invalid_form(errors)
    return call.body


def _require_not_empty(body: dict[str, Any], call: Call) -> None:
    if limits.is_empty(body, files=len(call.files)):
        raise DiscordError(400, 50006, "Cannot send an empty message")


# --- identity and gateway ---------------------------------------------------------------


def get_me(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    data = payloads.user(fake.bot_user)
    data.update({"verified": True, "mfa_enabled": False, "locale": "en-US", "email": None})
    return 200, data


def get_my_guilds(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    return 200, [
        {
            "id": str(g.id),
            "name": g.name,
            "icon": None,
            "banner": None,
            "owner": False,
            "permissions": str(fake.guild_permissions(g, fake.bot_user.id)),
            "features": [],
        }
        for g in fake.guilds.values()
    ]


def get_user(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    wanted = _int(call.params["user_id"])
    for guild in fake.guilds.values():
        if wanted in guild.members:
            return 200, payloads.user(guild.members[wanted].user)
    raise DiscordError(404, 10013, "Unknown User")


def get_application(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    return 200, {
        "id": str(fake.application_id),
        "name": fake.bot_user.username,
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": 0,
        "owner": payloads.user(fake.owner),
        "team": None,
        "bot": payloads.user(fake.bot_user),
        "rpc_origins": [],
        "interactions_endpoint_url": None,
        "redirect_uris": [],
        "tags": [],
    }


def get_gateway_bot(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    return 200, {
        "url": fake.gateway_url,
        "shards": fake.shard_count,
        "session_start_limit": {
            "total": 1000,
            "remaining": 999,
            "reset_after": 14_400_000,
            "max_concurrency": 1,
        },
    }


def get_gateway(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    return 200, {"url": fake.gateway_url}


# --- application commands ---------------------------------------------------------------


def _scope(fake: FakeDiscord, call: Call) -> int | None:
    if _int(call.params["application_id"]) != fake.application_id:
        raise DiscordError(
            403, 20012, "You are not authorized to perform this action on this application"
        )
    if "guild_id" not in call.params:
        return None
    guild_id = _int(call.params["guild_id"])
    if guild_id not in fake.guilds:
        raise unknown("Guild")
    return guild_id


def list_commands(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    scope = _scope(fake, call)
    return 200, [payloads.command(c) for c in fake.commands(scope)]


def put_commands(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    scope = _scope(fake, call)
    body = call.body if isinstance(call.body, list) else []
    seen: set[tuple[str, int]] = set()
    errors = ErrorTree()
    for i, cmd in enumerate(body):
        key = (cmd.get("name", ""), cmd.get("type") or 1)
        if key in seen:
            errors.add(
                (i, "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Application command names must be unique: {key[0]}",
            )
        seen.add(key)
    if errors:
        raise invalid_form(errors)
    return 200, [payloads.command(c) for c in fake.replace_commands(scope, body)]


def post_command(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    scope = _scope(fake, call)
    body = _json_object(call)
    existing = fake.find_command(scope, body.get("name", ""), body.get("type") or 1)
    cmd = fake.upsert_command(scope, body)
    return (200 if existing else 201), payloads.command(cmd)


def _command(fake: FakeDiscord, call: Call) -> Any:
    scope = _scope(fake, call)
    cmd = fake.command_by_id(_int(call.params["command_id"]))
    if cmd is None or cmd.guild_id != scope:
        raise unknown("application command")
    return cmd


def get_command(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    return 200, payloads.command(_command(fake, call))


def patch_command(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    cmd = _command(fake, call)
    merged = {**cmd.body, **_json_object(call)}
    return 200, payloads.command(fake.upsert_command(cmd.guild_id, merged, replace=cmd))


def delete_command(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    fake.remove_command(_command(fake, call))
    return 204, None


# --- guilds and channels ----------------------------------------------------------------


def _guild(fake: FakeDiscord, call: Call) -> Any:
    guild = fake.guilds.get(_int(call.params["guild_id"]))
    if guild is None:
        raise unknown("Guild")
    return guild


def get_guild(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    data = fake.guild_create_payload(_guild(fake, call))
    for key in ("members", "channels", "threads", "presences", "voice_states", "joined_at"):
        data.pop(key, None)
    return 200, data


def get_guild_channels(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    guild = _guild(fake, call)
    return 200, [payloads.channel(c) for c in guild.channels.values() if not c.deleted]


def get_guild_member(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    member = _guild(fake, call).members.get(_int(call.params["user_id"]))
    if member is None:
        raise unknown("Member")
    return 200, payloads.member(member)


def get_channel(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    return 200, payloads.channel(_visible_channel(fake, call))


def typing(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    _visible_channel(fake, call)
    return 204, None


# --- channel messages -------------------------------------------------------------------


def create_message(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    channel = _visible_channel(fake, call)
    needed = "send_messages_in_threads" if channel.is_thread else "send_messages"
    if channel.type == GUILD_FORUM:
        raise DiscordError(400, 50008, "Cannot send messages in a non-text channel")
    if not fake.channel_permissions(channel, fake.bot_user.id) & BITS[needed]:
        raise missing_permissions()
    body = _json_object(call)
    _require_not_empty(body, call)
    nonce = body.get("nonce")
    if nonce is not None and body.get("enforce_nonce"):
        existing = fake.recent_nonce(channel.id, fake.bot_user.id, nonce)
        if existing is not None:
            fake.deduplicated.append(existing)
            fake.changes.fire()
            return 200, payloads.message(existing)
    msg = fake.create_message(channel, fake.bot_user, body, files=call.files)
    return 200, payloads.message(msg)


def _thread_name(body: dict[str, Any]) -> str:
    name = body.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 100:
        errors = ErrorTree()
        errors.add(("name",), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        raise invalid_form(errors)
    return name


def start_thread_from_message(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    """A public thread on a message; the thread's id is the message's."""
    channel, msg = _channel_message(fake, call)
    if channel.is_thread or channel.type == GUILD_FORUM:
        raise DiscordError(400, 50024, "Cannot execute action on this channel type")
    if not fake.channel_permissions(channel, fake.bot_user.id) & BITS["create_public_threads"]:
        raise missing_permissions()
    if msg.id in fake.channels:
        raise DiscordError(400, 160004, "A thread has already been created for this message")
    thread = fake.create_thread(
        channel, _thread_name(_json_object(call)), fake.bot_user, thread_id=msg.id
    )
    return 201, payloads.channel(thread, created_at=fake.now())


def start_thread(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    """A thread without a message, or a forum post: a thread and its first message."""
    channel = _visible_channel(fake, call)
    body = _json_object(call)
    name = _thread_name(body)
    perms = fake.channel_permissions(channel, fake.bot_user.id)
    if channel.type == GUILD_FORUM:
        if not perms & BITS["send_messages"]:  # a forum post is sent as a message
            raise missing_permissions()
        first = body.get("message")
        if not isinstance(first, dict) or limits.is_empty(first, files=len(call.files)):
            raise DiscordError(400, 50006, "Cannot send an empty message")
        errors = limits.check_message(first, ("message",))
        if errors:
            raise invalid_form(errors)
        thread = fake.create_thread(channel, name, fake.bot_user)
        # A post's first message has the post's id.
        starter = fake.create_message(
            thread, fake.bot_user, first, files=call.files, message_id=thread.id
        )
        data = payloads.channel(thread, created_at=fake.now())
        return 201, {**data, "message": payloads.message(starter)}
    if channel.is_thread or not perms & BITS["create_public_threads"]:
        raise missing_permissions()
    thread = fake.create_thread(channel, name, fake.bot_user)
    return 201, payloads.channel(thread, created_at=fake.now())


def list_messages(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    channel = _visible_channel(fake, call)
    if not fake.channel_permissions(channel, fake.bot_user.id) & BITS["read_message_history"]:
        return 200, []
    limit = max(1, min(int(call.query.get("limit", 50)), 100))
    msgs = fake.messages(channel)
    if "before" in call.query:
        msgs = [m for m in msgs if m.id < int(call.query["before"])]
    if "after" in call.query:
        msgs = [m for m in msgs if m.id > int(call.query["after"])][:limit]
    return 200, [payloads.message(m) for m in reversed(msgs[-limit:])]


def get_message(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    return 200, payloads.message(_channel_message(fake, call)[1])


def edit_message(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    _, msg = _channel_message(fake, call)
    if msg.author.id != fake.bot_user.id or msg.webhook_id is not None:
        raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
    fake.edit_message(msg, _json_object(call), files=call.files)
    return 200, payloads.message(msg)


def delete_message(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    channel, msg = _channel_message(fake, call)
    own = msg.author.id == fake.bot_user.id
    if (
        not own
        and not fake.channel_permissions(channel, fake.bot_user.id) & BITS["manage_messages"]
    ):
        raise missing_permissions()
    fake.delete_message(msg)
    return 204, None


# --- webhooks ---------------------------------------------------------------------------


def create_webhook(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    channel = _visible_channel(fake, call)
    if not fake.channel_permissions(channel, fake.bot_user.id) & BITS["manage_webhooks"]:
        raise missing_permissions()
    hook = fake.create_webhook(channel, name=_json_object(call).get("name") or "Webhook")
    return 200, payloads.webhook(hook)


def list_channel_webhooks(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    channel = _visible_channel(fake, call)
    hooks = [w for w in fake.webhooks.values() if w.channel_id == channel.id]
    return 200, [payloads.webhook(w) for w in hooks]


def _token_target(fake: FakeDiscord, call: Call) -> FakeInteraction | FakeWebhook:
    """Interaction follow-up webhooks (application id + interaction token) or incoming webhooks."""
    webhook_id, token = _int(call.params["webhook_id"]), call.params["webhook_token"]
    interaction = fake.interaction_by_token(token)
    if interaction is not None and webhook_id == fake.application_id:
        if not interaction.acknowledged:
            raise unknown("Webhook")
        if (fake.now() - interaction.created_at).total_seconds() > fake.interaction_token_lifetime:
            raise DiscordError(401, 50027, "Invalid Webhook Token")
        return interaction
    hook = fake.webhooks.get(webhook_id)
    if hook is None or fake.channels[hook.channel_id].deleted:
        raise unknown("Webhook")
    if hook.token != token:
        raise DiscordError(401, 50027, "Invalid Webhook Token")
    return hook


def get_webhook_with_token(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    target = _token_target(fake, call)
    if isinstance(target, FakeInteraction):
        raise unknown("Webhook")
    return 200, payloads.webhook(target, with_token=False)


def execute_webhook(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    target = _token_target(fake, call)
    body = _json_object(call)
    _require_not_empty(body, call)
    wait = call.query.get("wait", "false").lower() in ("1", "true")
    if isinstance(target, FakeInteraction):
        original = target.original
        deferred = (target.callback or {}).get("type") == 5
        if deferred and original is not None and original.loading:
            # Discord: the first follow-up after a deferred response edits the "thinking" message.
            fake.edit_message(original, body, files=call.files)
            return 200, payloads.message(original)
        channel = fake.channels[target.channel_id]
        msg = fake.create_message(
            channel,
            fake.bot_user,
            body,
            files=call.files,
            flags=(body.get("flags") or 0) & EPHEMERAL,
            webhook_id=fake.application_id,
            interaction=target,
        )
        target.followups.append(msg)
        fake.changes.fire()
        return 200, payloads.message(msg)
    channel = fake.channels[target.channel_id]
    author = FakeUser(target.id, body.get("username") or target.name, bot=True)
    msg = fake.create_message(channel, author, body, files=call.files, webhook_id=target.id)
    return (200, payloads.message(msg)) if wait else (204, None)


def _webhook_message(fake: FakeDiscord, call: Call) -> FakeMessage:
    target = _token_target(fake, call)
    if isinstance(target, FakeInteraction):
        if call.params.get("message_id", "@original") == "@original":
            found = target.original
        else:
            wanted = _int(call.params["message_id"])
            found = next(
                (m for m in [target.original, *target.followups] if m and m.id == wanted), None
            )
    else:
        found = fake.message_by_id(_int(call.params["message_id"]))
        if found is not None and found.webhook_id != target.id:
            found = None
    if found is None or found.deleted:
        raise unknown("Message")
    return found


def get_webhook_message(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    return 200, payloads.message(_webhook_message(fake, call))


def edit_webhook_message(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    msg = _webhook_message(fake, call)
    fake.edit_message(msg, _json_object(call), files=call.files)
    return 200, payloads.message(msg)


def delete_webhook_message(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    fake.delete_message(_webhook_message(fake, call))
    return 204, None


def interaction_callback(fake: FakeDiscord, call: Call) -> tuple[int, Any]:
    interaction = fake.interactions.get(_int(call.params["interaction_id"]))
    if interaction is None or interaction.token != call.params["interaction_token"]:
        raise unknown("interaction")
    response = interactions.callback(fake, interaction, _json_object(call))
    with_response = call.query.get("with_response", "false").lower() in ("1", "true")
    return (200, response) if with_response else (204, None)


APP = "/applications/{application_id}"
GUILD_APP = "/applications/{application_id}/guilds/{guild_id}"
MSG = "/channels/{channel_id}/messages/{message_id}"
HOOK = "/webhooks/{webhook_id}/{webhook_token}"

ROUTES: list[Route] = [
    Route("GET", "/users/@me", get_me),
    Route("GET", "/users/@me/guilds", get_my_guilds),
    Route("GET", "/users/{user_id}", get_user),
    Route("GET", "/oauth2/applications/@me", get_application),
    Route("GET", "/gateway/bot", get_gateway_bot),
    Route("GET", "/gateway", get_gateway, bot_auth=False),
    *(
        route
        for base in (APP, GUILD_APP)
        for route in (
            Route("GET", f"{base}/commands", list_commands),
            Route("PUT", f"{base}/commands", put_commands),
            Route("POST", f"{base}/commands", post_command),
            Route("GET", f"{base}/commands/{{command_id}}", get_command),
            Route("PATCH", f"{base}/commands/{{command_id}}", patch_command),
            Route("DELETE", f"{base}/commands/{{command_id}}", delete_command),
        )
    ),
    Route("GET", "/guilds/{guild_id}", get_guild),
    Route("GET", "/guilds/{guild_id}/channels", get_guild_channels),
    Route("GET", "/guilds/{guild_id}/members/{user_id}", get_guild_member),
    Route("GET", "/channels/{channel_id}", get_channel),
    Route("POST", "/channels/{channel_id}/typing", typing),
    Route("GET", "/channels/{channel_id}/messages", list_messages),
    Route("POST", "/channels/{channel_id}/messages", create_message, limits=_message_limits),
    Route("GET", MSG, get_message),
    Route("POST", f"{MSG}/threads", start_thread_from_message),
    Route("POST", "/channels/{channel_id}/threads", start_thread),
    Route("PATCH", MSG, edit_message, limits=_message_limits),
    Route("DELETE", MSG, delete_message),
    Route("GET", "/channels/{channel_id}/webhooks", list_channel_webhooks),
    Route("POST", "/channels/{channel_id}/webhooks", create_webhook),
    Route("GET", HOOK, get_webhook_with_token, bot_auth=False),
    Route("POST", HOOK, execute_webhook, bot_auth=False, limits=_message_limits),
    Route("GET", f"{HOOK}/messages/@original", get_webhook_message, bot_auth=False),
    Route(
        "PATCH",
        f"{HOOK}/messages/@original",
        edit_webhook_message,
        bot_auth=False,
        limits=_message_limits,
    ),
    Route("DELETE", f"{HOOK}/messages/@original", delete_webhook_message, bot_auth=False),
    Route("GET", f"{HOOK}/messages/{{message_id}}", get_webhook_message, bot_auth=False),
    Route(
        "PATCH",
        f"{HOOK}/messages/{{message_id}}",
        edit_webhook_message,
        bot_auth=False,
        limits=_message_limits,
    ),
    Route("DELETE", f"{HOOK}/messages/{{message_id}}", delete_webhook_message, bot_auth=False),
    Route(
        "POST",
        "/interactions/{interaction_id}/{interaction_token}/callback",
        interaction_callback,
        bot_auth=False,
        limits=_callback_limits,
    ),
]
