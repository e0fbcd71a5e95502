"""The gateway: HELLO, heartbeats, IDENTIFY/READY/GUILD_CREATE, RESUME with replay, dispatches.

Each session keeps every dispatch it was given, numbered by `s`. Events are sent in order
by one flush at a time; a session whose connection dropped keeps its events and replays
those after the client's `seq` when it RESUMEs.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from . import payloads

if TYPE_CHECKING:
    from .server import FakeDiscord

HELLO, HEARTBEAT, IDENTIFY, PRESENCE, VOICE_STATE = 10, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HEARTBEAT_ACK = 6, 7, 8, 9, 11

GUILDS, GUILD_MEMBERS, GUILD_MESSAGES = 1 << 0, 1 << 1, 1 << 9


@dataclass(frozen=True)
class GatewayEvent:
    # connect | refused | identify | resume | heartbeat | invalid_session | drop | close | presence
    kind: str
    session_id: str | None
    shard: tuple[int, int] | None
    path: str = ""
    detail: str = ""


class Connection:
    def __init__(self, ws: web.WebSocketResponse, path: str) -> None:
        self.ws = ws
        self.path = path
        self.session: Session | None = None
        self.dropped = False
        self._lock = asyncio.Lock()

    async def send(self, payload: dict[str, Any]) -> None:
        async with self._lock:
            if self.ws.closed:
                raise ConnectionResetError("gateway connection closed")
            await self.ws.send_str(json.dumps(payload))


@dataclass(eq=False)
class Session:
    id: str
    shard: tuple[int, int]
    intents: int
    events: list[dict[str, Any]] = field(default_factory=list)
    sent: int = 0  # how many of `events` this session's client has been sent
    conn: Connection | None = None
    closed: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def add(self, event: str, data: dict[str, Any]) -> None:
        self.events.append({"op": 0, "s": len(self.events) + 1, "t": event, "d": data})


class Gateway:
    def __init__(self, fake: FakeDiscord, *, heartbeat_interval: float) -> None:
        self.fake = fake
        self.heartbeat_interval = heartbeat_interval
        self.sessions: dict[str, Session] = {}
        self.connections: set[Connection] = set()
        self.events: list[GatewayEvent] = []

    # --- connections -------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.fake.outage_active(gateway=True):
            self._log("refused", None, path=request.path)
            return web.Response(status=503, text="gateway unavailable")
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws, request.path)
        self.connections.add(conn)
        self._log("connect", None, path=request.path)
        try:
            await conn.send(
                {
                    "op": HELLO,
                    "s": None,
                    "t": None,
                    "d": {"heartbeat_interval": int(self.heartbeat_interval * 1000)},
                }
            )
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_message(conn, json.loads(msg.data))
                elif msg.type is WSMsgType.ERROR:
                    break
        except ConnectionResetError:
            pass
        finally:
            self.connections.discard(conn)
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn = None
                # A client's own clean close ends its session; anything else may resume.
                if ws.close_code in (1000, 1001) and not conn.dropped:
                    session.closed = True
                self._log("close", session, detail=str(ws.close_code))
            self.fake.changes.fire()
        return ws

    async def _on_message(self, conn: Connection, msg: dict[str, Any]) -> None:
        op, data = msg.get("op"), msg.get("d")
        if op == HEARTBEAT:
            self._log("heartbeat", conn.session)
            await conn.send({"op": HEARTBEAT_ACK, "s": None, "t": None, "d": None})
        elif op == IDENTIFY:
            await self._identify(conn, data or {})
        elif op == RESUME:
            await self._resume(conn, data or {})
        elif op == REQUEST_MEMBERS:
            await self._request_members(conn, data or {})
        elif op == PRESENCE:
            self._log("presence", conn.session, detail=json.dumps(data))
        elif op == VOICE_STATE:
            pass
        else:
            await conn.ws.close(code=4001, message=b"Unknown opcode")

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        if conn.session is not None:
            await conn.ws.close(code=4005, message=b"Already authenticated")
            return
        if data.get("token") != self.fake.token:
            await conn.ws.close(code=4004, message=b"Authentication failed")
            return
        shard_id, shard_count = data.get("shard") or [0, 1]
        if shard_count != self.fake.shard_count or not 0 <= shard_id < shard_count:
            await conn.ws.close(code=4010, message=b"Invalid shard")
            return
        session = Session(
            secrets.token_hex(16), (shard_id, shard_count), int(data.get("intents", 0))
        )
        self.sessions[session.id] = session
        conn.session = session
        session.conn = conn
        guilds = [g for g in self.fake.guilds.values() if self.shard_of(g.id) == shard_id]
        session.add(
            "READY",
            {
                "v": 10,
                "user": payloads.user(self.fake.bot_user),
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": session.id,
                "session_type": "normal",
                "resume_gateway_url": self.fake.resume_gateway_url,
                "shard": [shard_id, shard_count],
                "application": {"id": str(self.fake.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "geo_ordered_rtc_regions": [],
                "guild_join_requests": [],
                "auth": {},
            },
        )
        for g in guilds:
            session.add("GUILD_CREATE", self.fake.guild_create_payload(g))
        self._log("identify", session, path=conn.path)
        await self.flush(session)

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        seq = data.get("seq") or 0
        if (
            session is None
            or session.closed
            or data.get("token") != self.fake.token
            or not 0 <= seq <= len(session.events)
        ):
            self._log("invalid_session", session, path=conn.path)
            await conn.send({"op": INVALID_SESSION, "s": None, "t": None, "d": False})
            return
        old = session.conn
        if old is not None and old is not conn:
            old.dropped = True
            await old.ws.close(code=4000)
        conn.session = session
        async with session.lock:
            session.conn = conn
            session.sent = seq
        await self.flush(session)
        if session.conn is conn:
            await conn.send({"op": 0, "s": None, "t": "RESUMED", "d": {}})
        self._log("resume", session, path=conn.path, detail=f"replayed from {seq}")

    async def _request_members(self, conn: Connection, data: dict[str, Any]) -> None:
        guild = self.fake.guilds.get(int(data.get("guild_id", 0)))
        if guild is None or conn.session is None:
            return
        wanted = {int(u) for u in data.get("user_ids") or []}
        members = [
            payloads.member(m) for m in guild.members.values() if not wanted or m.id in wanted
        ]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        conn.session.add("GUILD_MEMBERS_CHUNK", chunk)
        await self.flush(conn.session)

    # --- dispatching -------------------------------------------------------------

    def shard_of(self, guild_id: int | None) -> int:
        return 0 if guild_id is None else (guild_id >> 22) % self.fake.shard_count

    def dispatch(
        self, guild_id: int | None, event: str, data: dict[str, Any], *, intent: int = GUILDS
    ) -> None:
        """Queue `event` on every live session of the guild's shard; sending happens in order."""
        shard = self.shard_of(guild_id)
        for session in self.sessions.values():
            if session.closed or session.shard[0] != shard:
                continue
            if intent and not session.intents & intent:
                continue
            session.add(event, data)
            self.fake.spawn(self.flush(session))

    async def flush(self, session: Session) -> None:
        async with session.lock:
            while session.conn is not None and session.sent < len(session.events):
                try:
                    await session.conn.send(session.events[session.sent])
                except (ConnectionResetError, RuntimeError):
                    return  # kept for replay on RESUME
                session.sent += 1

    async def drop(self, code: int = 4000) -> int:
        """Close every connection as Discord does when it drops one; sessions stay resumable."""
        conns = list(self.connections)
        for conn in conns:
            conn.dropped = True
            self._log("drop", conn.session, detail=str(code))
            await conn.ws.close(code=code, message=b"dropped by the fake")
        return len(conns)

    async def close(self) -> None:
        for conn in list(self.connections):
            conn.dropped = True
            await conn.ws.close(code=1001, message=b"fake shutting down")

    def live_sessions(self) -> list[Session]:
        return [s for s in self.sessions.values() if not s.closed]

    def _log(self, kind: str, session: Session | None, *, path: str = "", detail: str = "") -> None:
        self.events.append(
            GatewayEvent(
                kind,
                None if session is None else session.id,
                None if session is None else session.shard,
                path,
                detail,
            )
        )
        self.fake.changes.fire()
