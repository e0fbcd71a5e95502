"""The HTTP side: each REST request is matched, checked (outage, auth, rate limits, documented
limits, contract) in Discord's order, handled, answered and recorded."""

from __future__ import annotations

import json
import re
import time
import traceback
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import rest
from .errors import (
    DiscordError,
    ErrorTree,
    invalid_form,
    json_response,
    not_found_route,
    unauthorized,
)
from .models import RequestRecord

if TYPE_CHECKING:
    from .server import FakeDiscord


async def serve_trap(fake: FakeDiscord, request: web.Request) -> web.StreamResponse:
    fake.record_problem(
        "default_gateway",
        "the client connected to DiscordWebSocket.DEFAULT_GATEWAY instead of the gateway from "
        "GET /gateway/bot; discord.py falls back to it after INVALID_SESSION or a failed "
        "reconnect, so a redirected bot must set it as well",
    )
    return await fake.gateway.handle(request)


async def serve_rest(fake: FakeDiscord, request: web.Request) -> web.Response:
    tail = "/" + request.match_info["tail"]
    path = tail[4:] if tail.startswith("/v10/") else tail
    query = dict(request.query)
    body: Any = None
    files: list[dict[str, Any]] = []
    route: rest.Route | None = None
    try:
        body, files = await _read_body(request)
        if re.match(r"^/v\d+/", path):  # only v10 (or unversioned webhook URLs)
            fake.record_problem("unimplemented_route", f"{request.method} {tail} (API version)")
            raise not_found_route()
        found = rest.match(request.method, path)
        if found is None:
            fake.record_problem("unimplemented_route", f"{request.method} {path}")
            raise not_found_route()
        route, params = found
        response = _handle(fake, request, route, params, query, body, files)
    except DiscordError as err:
        response = json_response(err.body(), err.status)
    except Exception:  # a bug in the fake: fail loudly at teardown
        fake.record_problem("fake_error", traceback.format_exc())
        response = json_response({"message": "500: Internal Server Error", "code": 0}, 500)
    fake.requests.append(
        RequestRecord(
            request.method,
            path,
            route.key if route else None,
            query,
            body,
            response.status,
            fake.now(),
            time.monotonic(),
            _decoded(response),
            dict(response.headers),
        )
    )
    fake.changes.fire()
    return response


def _handle(
    fake: FakeDiscord,
    request: web.Request,
    route: rest.Route,
    params: dict[str, str],
    query: dict[str, str],
    body: Any,
    files: list[dict[str, Any]],
) -> web.Response:
    outage = fake.outage_status()
    if outage is not None:
        return json_response({"message": f"{outage}: Service Unavailable", "code": 0}, outage)
    authed = request.headers.get("Authorization") == f"Bot {fake.token}"
    if route.bot_auth and not authed:
        raise unauthorized()
    verdict = fake.ratelimits.check(route.key, params, counts_globally=route.bot_auth and authed)
    if verdict.retry_after is not None:
        data = {
            "message": "You are being rate limited.",
            "retry_after": verdict.retry_after,
            "global": verdict.is_global,
        }
        if verdict.is_global:
            data["code"] = 0
        return json_response(data, 429, verdict.headers)

    call = rest.Call(request.method, route.key, params, query, body, files)
    try:
        if route.limits is not None:
            errors = route.limits(call)
            if errors:
                raise invalid_form(errors)
        _check_contract(fake, route, body)
        status, data = route.handler(fake, call)
    except DiscordError as err:
        # A refused request still spent its token: say so, as Discord does.
        return json_response(err.body(), err.status, verdict.headers)
    if data is None:
        return web.Response(status=status, headers=verdict.headers)
    return json_response(data, status, verdict.headers)


def _check_contract(fake: FakeDiscord, route: rest.Route, body: Any) -> None:
    if fake.contract is None or body is None:
        return
    violations = fake.contract.validate(route.method, route.template, body)
    if not violations:
        return
    errors = ErrorTree()
    for v in violations:
        errors.add(v.path, v.code, v.message)
    fake.record_problem(
        "contract_violation",
        f"{route.key}: "
        + "; ".join(str(v) for v in violations)
        + f" (body: {json.dumps(body)[:500]})",
    )
    raise invalid_form(errors)


def _sniff(data: bytes) -> str | None:
    """Discord names an upload's type from its bytes, whatever the client declared."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


async def _read_body(request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
    ctype = request.content_type
    if ctype == "multipart/form-data":
        form = await request.post()
        files = []
        body: Any = None
        for key, value in form.items():
            if isinstance(value, web.FileField) and key != "payload_json":
                data = value.file.read()
                files.append(
                    {
                        "field": key,
                        "filename": value.filename,
                        "size": len(data),
                        "content_type": _sniff(data) or value.content_type,
                    }
                )
            elif key == "payload_json":
                raw_json = value.file.read() if isinstance(value, web.FileField) else value
                body = json.loads(raw_json)
        return body, files
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError:
        raise DiscordError(400, 50109, "The request body contains invalid JSON.") from None


def _decoded(response: web.Response) -> Any:
    if response.body is None or response.content_type != "application/json":
        return None
    body = response.body
    return json.loads(body) if isinstance(body, bytes | bytearray) else None
