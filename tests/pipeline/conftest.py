"""A loopback feed server with validators, and settings pointing a real store at it."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

from bot.settings import Settings

FIXTURES = Path(__file__).parents[1] / "fixtures" / "feeds"
TYPES = {".xml": "application/rss+xml", ".json": "application/json"}


@dataclass
class Feeds:
    """Serves named bodies at /<name>, with ETag / 304; a body set to an int is that status
    (with ``headers[name]`` when set, e.g. a Location or a Retry-After)."""

    base: str = ""
    bodies: dict[str, bytes | int] = field(default_factory=dict)
    hits: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    def serve_fixture(self, name: str, fixture: str) -> str:
        self.bodies[name] = (FIXTURES / fixture).read_bytes()
        return self.url(name)


@pytest.fixture
async def feeds() -> AsyncIterator[Feeds]:
    state = Feeds()

    async def handle(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        state.hits.setdefault(name, []).append(dict(request.headers))
        body = state.bodies.get(name)
        if body is None:
            return web.Response(status=404)
        if isinstance(body, int):
            return web.Response(status=body, text="failure", headers=state.headers.get(name))
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        kind = TYPES.get(Path(name).suffix, "application/octet-stream")
        return web.Response(body=body, headers={"ETag": etag, "Content-Type": kind})

    app = web.Application()
    app.router.add_get("/{name}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.base = f"http://127.0.0.1:{port}"
    yield state
    await runner.cleanup()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'pw.db'}",
        pledgewatch_allow_private_feeds=True,
        pledgewatch_feeds=tmp_path / "feeds.yaml",
    )


def write_feeds(path: Path, *entries: tuple[str, str, str, str]) -> Path:
    """(id, url, kind, format) rows into a feeds.yaml."""
    lines = ["feeds:"]
    for feed_id, url, kind, fmt in entries:
        lines += [
            f"  - id: {feed_id}",
            f"    url: {url}",
            f"    kind: {kind}",
            f"    format: {fmt}",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
