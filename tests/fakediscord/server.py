"""FakeDiscord: Discord's REST API v10 and gateway on 127.0.0.1, for the real discord.py client.

    async with FakeDiscord() as fake:
        guild = fake.add_guild("Policy Watch")
        alerts = fake.add_channel(guild, "alerts")
        alice = fake.add_member(guild, "alice", permissions=["manage_guild"])
        ...  # point the bot at fake.url (DISCORD_API_BASE), start it
        interaction = fake.inject_slash_command("pledge", {"company": "amazon"},
                                                member=alice, channel=alerts)
        reply = await interaction.wait_for_original()
        fake.verify()  # unimplemented routes, contract violations ... fail here

Everything is recorded: `requests`, `messages(channel)`, `interactions`, `gateway.events`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from aiohttp import web

from . import contract as contract_module
from . import httpserver, interactions, messages, payloads
from .clock import Clock, FakeClock
from .gateway import GUILD_MEMBERS, GUILD_MESSAGES, Gateway
from .ids import Snowflakes, new_token
from .models import (
    EPHEMERAL,
    LOADING,
    PUBLIC_THREAD,
    FakeChannel,
    FakeCommand,
    FakeGuild,
    FakeInteraction,
    FakeMember,
    FakeMessage,
    FakeRole,
    FakeUser,
    FakeWebhook,
    Overwrite,
    Problem,
    RequestRecord,
)
from .permissions import ALL, BITS, BOT_DEFAULT, EVERYONE_DEFAULT, compute, to_bits
from .ratelimits import RateLimits
from .waiting import DEFAULT_TIMEOUT, Changes

T = TypeVar("T")


@dataclass
class _Outage:
    until: datetime | None
    status: int
    gateway: bool


class FakeDiscord:
    """A fake Discord on loopback. Use as `async with FakeDiscord() as fake:` or start()/close()."""

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        clock: Clock | None = None,
        shard_count: int = 1,
        check_contract: bool = True,
        heartbeat_interval: float = 41.25,
        nonce_window: float = 300.0,
        interaction_deadline: float = 3.0,
        interaction_token_lifetime: float = 900.0,
        bot_name: str = "PledgeWatch",
    ) -> None:
        self.token = token
        self.clock: Clock = clock or FakeClock()
        self.shard_count = shard_count
        self.nonce_window = nonce_window
        self.interaction_deadline = interaction_deadline
        self.interaction_token_lifetime = interaction_token_lifetime
        self.contract = contract_module.load() if check_contract else None
        self.changes = Changes()
        self.ratelimits = RateLimits(time.monotonic)
        self.gateway = Gateway(self, heartbeat_interval=heartbeat_interval)

        self._ids = Snowflakes()
        self.application_id = self._id()
        self.bot_user = FakeUser(self.application_id, bot_name, bot=True)
        self.owner = FakeUser(self._id(), "guild-owner")

        self.guilds: dict[int, FakeGuild] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.threads: list[FakeChannel] = []
        self.webhooks: dict[int, FakeWebhook] = {}
        self.interactions: dict[int, FakeInteraction] = {}
        self.requests: list[RequestRecord] = []
        self.problems: list[Problem] = []
        self.syncs: list[tuple[int | None, list[str]]] = []  # (guild id or None, names) per PUT
        self.deduplicated: list[FakeMessage] = []  # returned again for a repeated enforced nonce

        self._commands: dict[int, FakeCommand] = {}
        self._messages: dict[int, FakeMessage] = {}
        self._channel_messages: dict[int, list[FakeMessage]] = {}
        self._nonces: dict[tuple[int, int, str], FakeMessage] = {}
        self._by_token: dict[str, FakeInteraction] = {}
        self._outage: _Outage | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._runner: web.AppRunner | None = None
        self.port = 0
        if isinstance(self.clock, FakeClock):
            self.clock.on_advance(self.changes.fire)

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{tail:.*}", partial(httpserver.serve_rest, self))
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway/resume", self.gateway.handle)
        app.router.add_get("/trap/default-gateway", partial(httpserver.serve_trap, self))
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        await self.gateway.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- addresses ---------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The REST base for DISCORD_API_BASE / discord.http.Route.BASE."""
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway/resume"

    @property
    def default_gateway_url(self) -> str:
        """For DiscordWebSocket.DEFAULT_GATEWAY: a client that falls back to it is flagged."""
        return f"ws://127.0.0.1:{self.port}/trap/default-gateway"

    # --- time and ids ------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock()

    def _id(self) -> int:
        return self._ids.next(self.now())

    # --- world setup (usable before or while a bot is connected) -----------------------

    def add_guild(
        self, name: str = "PledgeWatch Test", *, bot_permissions: Any = BOT_DEFAULT
    ) -> FakeGuild:
        """A guild with @everyone, the bot as a member (with its own role) and the owner."""
        gid = self._id()
        guild = FakeGuild(gid, name, self.owner.id)
        guild.roles[gid] = FakeRole(gid, gid, "@everyone", EVERYONE_DEFAULT)
        bot_role = FakeRole(
            self._id(), gid, self.bot_user.username, to_bits(bot_permissions), 1, True
        )
        guild.roles[bot_role.id] = bot_role
        guild.members[self.owner.id] = FakeMember(self.owner, gid, [], self.now())
        guild.members[self.bot_user.id] = FakeMember(self.bot_user, gid, [bot_role.id], self.now())
        self.guilds[gid] = guild
        joined = self.guild_create_payload(guild)
        del joined["unavailable"]  # a guild just joined, not one coming back online
        self.gateway.dispatch(gid, "GUILD_CREATE", joined)
        return guild

    def add_channel(
        self, guild: FakeGuild, name: str = "alerts", *, type: int = 0, topic: str | None = None
    ) -> FakeChannel:
        channel = FakeChannel(self._id(), guild.id, name, type, len(guild.channels), topic)
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        self._channel_messages[channel.id] = []
        self.gateway.dispatch(guild.id, "CHANNEL_CREATE", payloads.channel(channel))
        return channel

    def create_thread(
        self, parent: FakeChannel, name: str, owner: FakeUser, *, thread_id: int | None = None
    ) -> FakeChannel:
        """A public thread under `parent` (a thread started from a message has its id)."""
        thread = FakeChannel(
            thread_id or self._id(), parent.guild_id, name, PUBLIC_THREAD, parent_id=parent.id
        )
        thread.owner_id = owner.id
        self.channels[thread.id] = thread
        self.threads.append(thread)
        self._channel_messages[thread.id] = []
        data = payloads.channel(thread, created_at=self.now())
        self.gateway.dispatch(parent.guild_id, "THREAD_CREATE", {**data, "newly_created": True})
        self.changes.fire()
        return thread

    def threads_of(self, parent: FakeChannel) -> list[FakeChannel]:
        return [t for t in self.threads if t.parent_id == parent.id]

    def add_role(self, guild: FakeGuild, name: str, permissions: Any = 0) -> FakeRole:
        role = FakeRole(self._id(), guild.id, name, to_bits(permissions), len(guild.roles))
        guild.roles[role.id] = role
        self.gateway.dispatch(
            guild.id, "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": payloads.role(role)}
        )
        return role

    def add_member(
        self,
        guild: FakeGuild,
        name: str = "alice",
        *,
        permissions: Any = None,
        roles: Iterable[FakeRole] = (),
    ) -> FakeMember:
        """A member; `permissions` (names, int or discord.Permissions) become its own role."""
        user = FakeUser(self._id(), name)
        role_ids = [r.id for r in roles]
        if permissions is not None:
            role_ids.append(self.add_role(guild, f"{name}-permissions", permissions).id)
        member = FakeMember(user, guild.id, role_ids, self.now())
        guild.members[user.id] = member
        data = payloads.member(member)
        data["guild_id"] = str(guild.id)
        self.gateway.dispatch(guild.id, "GUILD_MEMBER_ADD", data, intent=GUILD_MEMBERS)
        return member

    def delete_channel(self, channel: FakeChannel) -> None:
        """Delete a channel (its webhooks go with it): later calls get 404 Unknown Channel."""
        channel.deleted = True
        self.gateway.dispatch(channel.guild_id, "CHANNEL_DELETE", payloads.channel(channel))
        self.changes.fire()

    def revoke_permission(
        self, channel: FakeChannel, *permissions: str, member: FakeMember | None = None
    ) -> None:
        """Deny permissions in one channel (default: to the bot) with a member overwrite.

        Without view_channel the bot gets 403 Missing Access (50001); without send_messages,
        403 Missing Permissions (50013).
        """
        self._overwrite(channel, member, deny=to_bits(permissions or ("send_messages",)))

    def grant_permission(
        self, channel: FakeChannel, *permissions: str, member: FakeMember | None = None
    ) -> None:
        self._overwrite(channel, member, allow=to_bits(permissions))

    def _overwrite(
        self, channel: FakeChannel, member: FakeMember | None, *, allow: int = 0, deny: int = 0
    ) -> None:
        target = member.id if member else self.bot_user.id
        ow = channel.overwrites.setdefault(target, Overwrite(target, 1))
        ow.allow = (ow.allow & ~deny) | allow
        ow.deny = (ow.deny & ~allow) | deny
        self.gateway.dispatch(channel.guild_id, "CHANNEL_UPDATE", payloads.channel(channel))
        self.changes.fire()

    def create_webhook(self, channel: FakeChannel, name: str = "PledgeWatch alerts") -> FakeWebhook:
        """An incoming webhook; its `.url` is what DISCORD_WEBHOOK_URL would hold."""
        wid = self._id()
        token = new_token()
        hook = FakeWebhook(
            wid, token, channel.id, channel.guild_id, name, f"{self.url}/webhooks/{wid}/{token}"
        )
        self.webhooks[wid] = hook
        return hook

    # --- permissions -------------------------------------------------------------------

    def guild_permissions(self, guild: FakeGuild, user_id: int) -> int:
        if user_id == guild.owner_id:
            return ALL
        member = guild.members.get(user_id)
        if member is None:
            return 0
        bits = guild.everyone.permissions
        for rid in member.role_ids:
            bits |= guild.roles[rid].permissions
        return ALL if bits & BITS["administrator"] else bits

    def channel_permissions(self, channel: FakeChannel, user_id: int) -> int:
        if channel.is_thread and channel.parent_id is not None:  # a thread has its parent's
            return self.channel_permissions(self.channels[channel.parent_id], user_id)
        guild = self.guilds[channel.guild_id]
        member = guild.members.get(user_id)
        if member is None:
            return 0
        ows = channel.overwrites
        everyone = ows.get(guild.id)
        return compute(
            base=self.guild_permissions(guild, user_id),
            is_owner=user_id == guild.owner_id,
            everyone_overwrite=(everyone.allow, everyone.deny) if everyone else None,
            role_overwrites=[(ows[r].allow, ows[r].deny) for r in member.role_ids if r in ows],
            member_overwrite=(ows[user_id].allow, ows[user_id].deny) if user_id in ows else None,
        )

    # --- injecting interactions ----------------------------------------------------------

    def inject_slash_command(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        member: FakeMember,
        channel: FakeChannel,
        bypass_permissions: bool = False,
    ) -> FakeInteraction:
        """Send INTERACTION_CREATE for `/name` ("feeds add" for a subcommand) as `member` would.

        The command must have been synced. Options are typed through its synced schema
        (members, channels and roles may be given as records). Discord does not show a
        command to a member lacking its default_member_permissions: that raises
        PermissionError unless `bypass_permissions`.
        """
        return self._inject_command(
            interactions.COMMAND, name, options or {}, member, channel, None, bypass_permissions
        )

    def inject_autocomplete(
        self,
        name: str,
        options: Mapping[str, Any],
        *,
        focused: str,
        member: FakeMember,
        channel: FakeChannel,
    ) -> FakeInteraction:
        """An autocomplete interaction: `options[focused]` is the text typed so far."""
        return self._inject_command(
            interactions.AUTOCOMPLETE, name, options, member, channel, focused, True
        )

    def inject_component(
        self,
        message: FakeMessage,
        custom_id: str,
        *,
        member: FakeMember,
        values: list[str] | None = None,
    ) -> FakeInteraction:
        """A click on a button (or a select with `values`) of a message the bot sent."""
        component = _find_component(message.components, custom_id)
        if component is None:
            raise ValueError(f"message {message.id} has no component with custom_id {custom_id!r}")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"]}
        if values is not None:
            data["values"] = values
        channel = self.channels[message.channel_id]
        interaction = self._inject(
            interactions.COMPONENT,
            channel,
            member,
            data,
            name=f"component {custom_id}",
            extra={"message": payloads.message(message)},
        )
        interaction.source_message = message
        return interaction

    def _inject_command(
        self,
        kind: int,
        name: str,
        options: Mapping[str, Any],
        member: FakeMember,
        channel: FakeChannel,
        focused: str | None,
        bypass_permissions: bool,
    ) -> FakeInteraction:
        names = interactions.split_name(name)
        guild = self.guilds[channel.guild_id]
        cmd = self.find_command(guild.id, names[0], 1) or self.find_command(None, names[0], 1)
        if cmd is None:
            synced = sorted({c.name for c in self._commands.values()})
            raise LookupError(f"/{names[0]} was never synced to Discord (synced: {synced})")
        if member.guild_id != guild.id:
            raise ValueError(f"{member.user.username} is not in guild {guild.name}")
        if not bypass_permissions and cmd.default_member_permissions is not None:
            needed = int(cmd.default_member_permissions)
            if self.guild_permissions(guild, member.id) & needed != needed or (
                needed == 0 and (self.guild_permissions(guild, member.id) != ALL)
            ):
                raise PermissionError(
                    f"Discord does not offer /{cmd.name} to {member.user.username}: "
                    f"default_member_permissions={needed}"
                )
        opts, resolved = interactions.typed_options(
            self, guild, cmd, names, options, focused=focused
        )
        data: dict[str, Any] = {
            "id": str(cmd.id),
            "name": cmd.name,
            "type": cmd.type,
            "options": opts,
        }
        if resolved:
            data["resolved"] = resolved
        if cmd.guild_id is not None:
            data["guild_id"] = str(cmd.guild_id)
        interaction = self._inject(kind, channel, member, data, name=" ".join(names))
        interaction.command = cmd
        return interaction

    def _inject(
        self,
        kind: int,
        channel: FakeChannel,
        member: FakeMember,
        data: dict[str, Any],
        *,
        name: str,
        extra: dict[str, Any] | None = None,
    ) -> FakeInteraction:
        if channel.deleted:
            raise ValueError(f"channel {channel.name} was deleted")
        shard = self.gateway.shard_of(channel.guild_id)
        if not any(s.shard[0] == shard for s in self.gateway.live_sessions()):
            raise RuntimeError(f"no bot session on shard {shard}: start the bot before injecting")
        guild = self.guilds[channel.guild_id]
        iid, token = self._id(), "aW50ZXJhY3Rpb246" + new_token(120)
        payload = interactions.base_payload(self, iid, token, kind, guild, channel, member, data)
        payload.update(extra or {})
        interaction = FakeInteraction(
            iid,
            token,
            kind,
            self.application_id,
            guild.id,
            channel.id,
            member.user,
            self.now(),
            payload,
            self.changes,
            name=name,
        )
        self.interactions[iid] = interaction
        self._by_token[token] = interaction
        self.gateway.dispatch(guild.id, "INTERACTION_CREATE", payload, intent=0)
        return interaction

    def interaction_by_token(self, token: str) -> FakeInteraction | None:
        return self._by_token.get(token)

    # --- commands ----------------------------------------------------------------------

    def commands(self, guild: FakeGuild | int | None = None) -> list[FakeCommand]:
        """The synced commands: global ones, or those of `guild`."""
        gid = guild.id if isinstance(guild, FakeGuild) else guild
        return [c for c in self._commands.values() if c.guild_id == gid]

    def find_command(self, guild_id: int | None, name: str, type_: int) -> FakeCommand | None:
        return next(
            (c for c in self.commands(guild_id) if c.name == name and c.type == type_), None
        )

    def command_by_id(self, command_id: int) -> FakeCommand | None:
        return self._commands.get(command_id)

    def upsert_command(
        self, guild_id: int | None, body: dict[str, Any], *, replace: FakeCommand | None = None
    ) -> FakeCommand:
        type_ = body.get("type") or 1
        existing = replace or self.find_command(guild_id, body.get("name", ""), type_)
        perms = body.get("default_member_permissions")
        cmd = FakeCommand(
            id=existing.id if existing else self._id(),
            application_id=self.application_id,
            guild_id=guild_id,
            name=body.get("name", ""),
            type=type_,
            description=body.get("description") or "",
            options=list(body.get("options") or []),
            default_member_permissions=None if perms is None else str(perms),
            body=dict(body),
            version=self._id(),
        )
        self._commands[cmd.id] = cmd
        self.changes.fire()
        return cmd

    def replace_commands(
        self, guild_id: int | None, bodies: list[dict[str, Any]]
    ) -> list[FakeCommand]:
        keep = [self.upsert_command(guild_id, b) for b in bodies]
        kept = {c.id for c in keep}
        for cmd in self.commands(guild_id):
            if cmd.id not in kept:
                del self._commands[cmd.id]
        self.syncs.append((guild_id, [c.name for c in keep]))
        self.changes.fire()
        return keep

    def remove_command(self, cmd: FakeCommand) -> None:
        del self._commands[cmd.id]
        self.changes.fire()

    # --- messages ----------------------------------------------------------------------

    def messages(
        self,
        channel: FakeChannel | int,
        *,
        include_ephemeral: bool = False,
        include_deleted: bool = False,
    ) -> list[FakeMessage]:
        """A channel's messages, oldest first (as everyone in the channel sees them by default)."""
        cid = channel.id if isinstance(channel, FakeChannel) else channel
        return [
            m
            for m in self._channel_messages.get(cid, [])
            if (include_ephemeral or not m.ephemeral) and (include_deleted or not m.deleted)
        ]

    def message_by_id(self, message_id: int) -> FakeMessage | None:
        return self._messages.get(message_id)

    def create_message(
        self,
        channel: FakeChannel,
        author: FakeUser,
        body: dict[str, Any],
        *,
        files: list[dict[str, Any]] | None = None,
        flags: int | None = None,
        type_: int = 0,
        webhook_id: int | None = None,
        interaction: FakeInteraction | None = None,
        message_id: int | None = None,
    ) -> FakeMessage:
        msg = FakeMessage(
            id=message_id or self._id(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author,
            created_at=self.now(),
            flags=(body.get("flags") or 0) if flags is None else flags,
            type=type_,
            nonce=body.get("nonce"),
            tts=bool(body.get("tts")),
            webhook_id=webhook_id,
            interaction_id=None if interaction is None else interaction.id,
            interaction_metadata=None if interaction is None else _metadata(interaction),
        )
        messages.apply(msg, body, self._attachments(msg, files))
        self._messages[msg.id] = msg
        self._channel_messages.setdefault(channel.id, []).append(msg)
        if msg.nonce is not None and body.get("enforce_nonce"):
            self._nonces[(channel.id, author.id, str(msg.nonce))] = msg
        if not msg.ephemeral:
            self.gateway.dispatch(
                channel.guild_id, "MESSAGE_CREATE", payloads.message(msg), intent=GUILD_MESSAGES
            )
        self.changes.fire()
        return msg

    def edit_message(
        self, msg: FakeMessage, body: dict[str, Any], *, files: list[dict[str, Any]] | None = None
    ) -> None:
        msg.edited_at = self.now()
        msg.flags &= ~LOADING
        if body.get("flags") is not None:  # ephemerality is fixed at creation
            msg.flags = (msg.flags & EPHEMERAL) | (body["flags"] & ~EPHEMERAL)
        keep = not files and "attachments" not in body
        messages.apply(msg, body, None if keep else self._attachments(msg, files))
        if not msg.ephemeral:
            self.gateway.dispatch(
                msg.guild_id, "MESSAGE_UPDATE", payloads.message(msg), intent=GUILD_MESSAGES
            )
        self.changes.fire()

    def delete_message(self, msg: FakeMessage) -> None:
        msg.deleted = True
        if not msg.ephemeral:
            self.gateway.dispatch(
                msg.guild_id,
                "MESSAGE_DELETE",
                {
                    "id": str(msg.id),
                    "channel_id": str(msg.channel_id),
                    "guild_id": str(msg.guild_id),
                },
                intent=GUILD_MESSAGES,
            )
        self.changes.fire()

    def recent_nonce(self, channel_id: int, author_id: int, nonce: Any) -> FakeMessage | None:
        msg = self._nonces.get((channel_id, author_id, str(nonce)))
        if msg is None or self.now() - msg.created_at > timedelta(seconds=self.nonce_window):
            return None
        return msg

    def _attachments(
        self, msg: FakeMessage, files: list[dict[str, Any]] | None
    ) -> list[dict[str, Any]]:
        url = f"{self.base_url}/attachments/{msg.channel_id}/"
        return [
            {
                "id": str(self._id()),
                "filename": f["filename"],
                "size": f["size"],
                "content_type": f["content_type"],
                "url": url + f["filename"],
                "proxy_url": url + f["filename"],
            }
            for f in files or []
        ]

    # --- gateway payloads and controls ---------------------------------------------------

    def guild_create_payload(self, guild: FakeGuild) -> dict[str, Any]:
        return payloads.guild(guild, joined_at=guild.members[self.bot_user.id].joined_at)

    async def drop_gateway(self, code: int = 4000) -> int:
        """Drop every gateway connection; sessions stay resumable. Returns how many dropped."""
        return await self.gateway.drop(code)

    async def invalidate_sessions(self) -> None:
        """End every session (as Discord does after a long outage) and drop the connections:
        a client's RESUME then gets INVALID_SESSION and must IDENTIFY afresh."""
        for session in self.gateway.sessions.values():
            session.closed = True
        await self.gateway.drop(4000)

    async def wait_for_gateway(
        self,
        kind: str,
        count: int = 1,
        *,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> None:
        """Until the gateway has seen `count` events of `kind` (identify, resume, heartbeat...)."""
        await self.changes.until(
            lambda: sum(e.kind == kind for e in self.gateway.events) >= count,
            timeout=timeout,
            what=f"{count} gateway {kind}(s)",
            describe=lambda: f"gateway events: {[e.kind for e in self.gateway.events]}",
        )

    # --- failure modes -----------------------------------------------------------------

    def set_outage(
        self, seconds: float | None = None, *, status: int = 503, gateway: bool = False
    ) -> None:
        """Answer every REST call with `status` for `seconds` of the fake clock (None: until
        end_outage). With `gateway`, drop the gateway too and refuse reconnects meanwhile.

        503 because discord.py raises it at once; on 500/502/504 it retries with real sleeps
        of 1, 3, 5, 7 s, which the fake clock cannot shorten.
        """
        until = None if seconds is None else self.now() + timedelta(seconds=seconds)
        self._outage = _Outage(until, status, gateway)
        if gateway:
            self.spawn(self.gateway.drop(1001))

    def end_outage(self) -> None:
        self._outage = None
        self.changes.fire()

    def outage_status(self) -> int | None:
        """The status REST calls get while an outage lasts, else None."""
        return self._outage.status if self.outage_active() and self._outage else None

    def outage_active(self, *, gateway: bool = False) -> bool:
        outage = self._outage
        if outage is None or (gateway and not outage.gateway):
            return False
        if outage.until is not None and self.now() >= outage.until:
            self._outage = None
            return False
        return True

    def rate_limit_storm(
        self,
        count: int | None = None,
        *,
        seconds: float | None = None,
        retry_after: float = 0.05,
        scope: str = "shared",
        route: str | None = None,
    ) -> None:
        """Answer 429 to the next `count` requests, or to all for `seconds` of real time
        (rate limits are real time: discord.py sleeps on them), optionally only on `route`
        ("POST /channels/{channel_id}/messages"). Each 429 has JSON retry_after and Via.
        """
        if count is None and seconds is None:
            raise ValueError("give a count or seconds")
        self.ratelimits.storm(
            count=count, seconds=seconds, retry_after=retry_after, scope=scope, route=route
        )

    def set_bucket(self, route: str, limit: int, window: float) -> None:
        """Set the bucket of `route` ("POST /channels/{channel_id}/messages"): limit per window."""
        self.ratelimits.rules[route] = (limit, window)

    def set_global_limit(self, limit: int, window: float = 1.0) -> None:
        self.ratelimits.set_global_limit(limit, window)

    # --- reading what happened -----------------------------------------------------------

    def requests_to(self, route: str) -> list[RequestRecord]:
        """Recorded requests for a route key such as "POST /channels/{channel_id}/messages"."""
        return [r for r in self.requests if r.route == route]

    def count_status(self, status: int) -> int:
        return sum(r.status == status for r in self.requests)

    async def wait_until(
        self,
        condition: Callable[[], T | None],
        *,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
        what: str = "a condition",
    ) -> T:
        """Wait (without sleeping) until `condition()` is truthy; return its value."""
        return await self.changes.until(
            condition, timeout=timeout, what=what, describe=self._recent
        )

    async def wait_for_message(
        self,
        channel: FakeChannel | int,
        predicate: Callable[[FakeMessage], bool] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
        include_ephemeral: bool = False,
    ) -> FakeMessage:
        """The first message in `channel` (matching `predicate`), once there is one."""
        msgs = await self.wait_for_messages(
            channel, 1, predicate, timeout=timeout, include_ephemeral=include_ephemeral
        )
        return msgs[0]

    async def wait_for_messages(
        self,
        channel: FakeChannel | int,
        count: int,
        predicate: Callable[[FakeMessage], bool] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
        include_ephemeral: bool = False,
    ) -> list[FakeMessage]:
        """Once `channel` holds at least `count` messages matching `predicate`, all of them."""

        def ready() -> list[FakeMessage] | None:
            found = [
                m
                for m in self.messages(channel, include_ephemeral=include_ephemeral)
                if predicate is None or predicate(m)
            ]
            return found if len(found) >= count else None

        return await self.changes.until(
            ready, timeout=timeout, what=f"{count} message(s) in channel", describe=self._recent
        )

    async def wait_for_callback(
        self,
        interaction: FakeInteraction,
        *,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        return await interaction.wait_for_callback(timeout=timeout)

    def _recent(self) -> str:
        lines = [f"  {r.method} {r.path} -> {r.status}" for r in self.requests[-10:]]
        return "last requests:\n" + ("\n".join(lines) or "  (none)")

    # --- problems (fail the test at teardown) --------------------------------------------

    def take_problems(self, kind: str | None = None) -> list[Problem]:
        """Remove and return recorded problems (of `kind`), for tests that expect them."""
        taken = [p for p in self.problems if kind is None or p.kind == kind]
        self.problems = [p for p in self.problems if p not in taken]
        return taken

    def verify(self) -> None:
        """Raise AssertionError if the bot did anything Discord would not take."""
        if self.problems:
            lines = "\n".join(f"  [{p.kind}] {p.detail}" for p in self.problems)
            raise AssertionError(
                f"the fake Discord recorded {len(self.problems)} problem(s):\n{lines}"
            )

    def record_problem(self, kind: str, detail: str) -> None:
        self.problems.append(Problem(kind, detail))
        self.changes.fire()


def _find_component(components: list[dict[str, Any]], custom_id: str) -> dict[str, Any] | None:
    for comp in components:
        if comp.get("custom_id") == custom_id:
            return comp
        found = _find_component(comp.get("components") or [], custom_id)
        if found is not None:
            return found
    return None


def _metadata(interaction: FakeInteraction) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(interaction.id),
        "type": interaction.type,
        "user": payloads.user(interaction.user),
        "authorizing_integration_owners": {"0": str(interaction.guild_id)},
    }
    if interaction.source_message is not None:
        data["interacted_message_id"] = str(interaction.source_message.id)
    return data
