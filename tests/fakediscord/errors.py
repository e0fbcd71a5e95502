"""Discord's error bodies: `{"message", "code"}` and, for form errors, nested `errors`."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

Path = tuple[str | int, ...]


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # discord.py parses a body only when Content-Type is exactly application/json,
    # so no `; charset=utf-8` (which web.json_response would add).
    all_headers = {"Content-Type": "application/json"}
    all_headers.update(headers or {})
    return web.Response(body=json.dumps(data).encode(), status=status, headers=all_headers)


class ErrorTree:
    """Field errors in Discord's nested shape: {"a": {"0": {"b": {"_errors": [...]}}}}."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}
        self.paths: list[str] = []

    def add(self, path: Path, code: str, message: str) -> None:
        node = self.tree
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})
        self.paths.append(".".join(str(p) for p in path))

    def __bool__(self) -> bool:
        return bool(self.paths)


class DiscordError(Exception):
    """Raised by a handler; becomes Discord's JSON error response."""

    def __init__(
        self, status: int, code: int, message: str, errors: ErrorTree | None = None
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            data["errors"] = self.errors.tree
        return data


def invalid_form(errors: ErrorTree) -> DiscordError:
    return DiscordError(400, 50035, "Invalid Form Body", errors)


def unauthorized() -> DiscordError:
    return DiscordError(401, 0, "401: Unauthorized")


def not_found_route() -> DiscordError:
    return DiscordError(404, 0, "404: Not Found")


def unknown(what: str) -> DiscordError:
    codes = {
        "Channel": 10003,
        "Guild": 10004,
        "Member": 10007,
        "Message": 10008,
        "Webhook": 10015,
        "interaction": 10062,
        "application command": 10063,
    }
    return DiscordError(404, codes[what], f"Unknown {what}")


def missing_access() -> DiscordError:
    return DiscordError(403, 50001, "Missing Access")


def missing_permissions() -> DiscordError:
    return DiscordError(403, 50013, "Missing Permissions")
