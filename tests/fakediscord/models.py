"""The fake's state: plain records that tests read directly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .waiting import DEFAULT_TIMEOUT, Changes

EPHEMERAL = 1 << 6
LOADING = 1 << 7
GUILD_TEXT, PUBLIC_THREAD, GUILD_FORUM = 0, 11, 15


@dataclass(eq=False)
class FakeUser:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None


@dataclass(eq=False)
class FakeRole:
    id: int
    guild_id: int
    name: str
    permissions: int
    position: int = 0
    managed: bool = False


@dataclass(eq=False)
class FakeMember:
    user: FakeUser
    guild_id: int
    role_ids: list[int]
    joined_at: datetime
    nick: str | None = None

    @property
    def id(self) -> int:
        return self.user.id


@dataclass
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0


@dataclass(eq=False)
class FakeChannel:
    id: int
    guild_id: int
    name: str
    type: int = 0  # GUILD_TEXT
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    overwrites: dict[int, Overwrite] = field(default_factory=dict)
    deleted: bool = False
    owner_id: int | None = None  # a thread's creator

    @property
    def is_thread(self) -> bool:
        return self.type == PUBLIC_THREAD


@dataclass(eq=False)
class FakeGuild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, FakeRole] = field(default_factory=dict)
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    members: dict[int, FakeMember] = field(default_factory=dict)

    @property
    def everyone(self) -> FakeRole:
        return self.roles[self.id]


@dataclass(eq=False)
class FakeMessage:
    id: int
    channel_id: int
    guild_id: int | None
    author: FakeUser
    created_at: datetime
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    nonce: str | int | None = None
    tts: bool = False
    webhook_id: int | None = None
    interaction_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None  # as Discord attaches it to a response
    allowed_mentions: dict[str, Any] | None = None
    mentions: list[int] = field(default_factory=list)
    mention_roles: list[int] = field(default_factory=list)
    mention_everyone: bool = False
    edited_at: datetime | None = None
    deleted: bool = False
    bodies: list[dict[str, Any]] = field(default_factory=list)  # the create body, then each edit

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        """A deferred interaction's "thinking..." placeholder not yet edited."""
        return bool(self.flags & LOADING)

    @property
    def edits(self) -> int:
        return max(len(self.bodies) - 1, 0)


@dataclass(eq=False)
class FakeCommand:
    id: int
    application_id: int
    guild_id: int | None
    name: str
    type: int
    description: str
    options: list[dict[str, Any]]
    default_member_permissions: str | None
    body: dict[str, Any]
    version: int


@dataclass(eq=False)
class FakeWebhook:
    id: int
    token: str
    channel_id: int
    guild_id: int
    name: str
    url: str  # the execute URL under the fake's REST base


@dataclass(eq=False)
class FakeInteraction:
    """An interaction the fake sent, and everything the bot did with it."""

    id: int
    token: str
    type: int  # 2 command, 3 component, 4 autocomplete, 5 modal submit
    application_id: int
    guild_id: int | None
    channel_id: int
    user: FakeUser
    created_at: datetime
    payload: dict[str, Any]
    changes: Changes
    name: str = ""
    command: FakeCommand | None = None
    source_message: FakeMessage | None = None
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    original: FakeMessage | None = None
    followups: list[FakeMessage] = field(default_factory=list)

    @property
    def callback(self) -> dict[str, Any] | None:
        return self.callbacks[0] if self.callbacks else None

    @property
    def acknowledged(self) -> bool:
        return bool(self.callbacks)

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        """The autocomplete choices the bot answered with."""
        cb = self.callback
        if cb is None or cb.get("type") != 8:
            return None
        return list((cb.get("data") or {}).get("choices") or [])

    async def wait_for_callback(self, *, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:  # noqa: ASYNC109
        return await self.changes.until(
            lambda: self.callback, timeout=timeout, what=f"a callback to interaction {self.name!r}"
        )

    async def wait_for_original(
        self,
        predicate: Callable[[FakeMessage], bool] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> FakeMessage:
        """The original response message, once it exists (and matches `predicate`)."""

        def ready() -> FakeMessage | None:
            msg = self.original
            if msg is not None and (predicate is None or predicate(msg)):
                return msg
            return None

        return await self.changes.until(
            ready, timeout=timeout, what=f"the original response of {self.name!r}"
        )

    async def wait_for_followup(
        self,
        count: int = 1,
        *,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> FakeMessage:
        """The `count`-th follow-up message."""

        def ready() -> FakeMessage | None:
            return self.followups[count - 1] if len(self.followups) >= count else None

        return await self.changes.until(
            ready, timeout=timeout, what=f"follow-up #{count} of {self.name!r}"
        )


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    route: str | None  # "POST /channels/{channel_id}/messages", None when unimplemented
    query: dict[str, str]
    body: Any
    status: int
    at: datetime  # fake clock
    loop_time: float  # event-loop clock, for rate-limit reasoning
    response: Any = None  # the decoded JSON answer, if any
    headers: dict[str, str] = field(default_factory=dict)  # the answer's headers


@dataclass(frozen=True)
class Problem:
    """Something that must fail the test at teardown unless the test takes it."""

    kind: str  # unimplemented_route | contract_violation | default_gateway
    detail: str
