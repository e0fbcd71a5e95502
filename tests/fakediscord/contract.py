"""Contract checks: request bodies validated against Discord's own OpenAPI spec.

The spec (MIT, github.com/discord/discord-api-spec) is read from
`<repo>/../shared/discord-api-spec/openapi.json`. Where it is absent the checks are
skipped and `SKIP_REASON` says why; nothing else in the fake depends on it.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "discord-api-spec" / "openapi.json"
)
SKIP_REASON = (
    f"Discord's OpenAPI spec is not at {SPEC_PATH} (it comes with ../shared); "
    "contract checks skipped"
)
_BASE_URI = "urn:discord-openapi"

# Discord parses a snowflake from a JSON integer as well as from a string; the spec spells
# only the string, and discord.py sends some ids as integers.
_SNOWFLAKE = {
    "oneOf": [
        {"type": "string", "pattern": "^(0|[1-9][0-9]*)$"},
        {"type": "integer", "minimum": 0},
    ]
}

_CODES = {
    "maxLength": "BASE_TYPE_MAX_LENGTH",
    "maxItems": "BASE_TYPE_MAX_LENGTH",
    "minLength": "BASE_TYPE_MIN_LENGTH",
    "minItems": "BASE_TYPE_MIN_LENGTH",
    "required": "BASE_TYPE_REQUIRED",
    "type": "BASE_TYPE_BAD_TYPE",
    "enum": "BASE_TYPE_CHOICES",
    "oneOf": "UNION_TYPE_CHOICES",
    "anyOf": "UNION_TYPE_CHOICES",
    "maximum": "NUMBER_TYPE_MAX",
    "minimum": "NUMBER_TYPE_MIN",
}


@dataclass(frozen=True)
class Violation:
    path: tuple[str | int, ...]
    code: str
    message: str

    def __str__(self) -> str:
        where = ".".join(str(p) for p in self.path) or "(body)"
        return f"{where}: {self.message}"


class Contract:
    """Validators for the request bodies of the spec's operations, built on first use."""

    def __init__(self, spec: dict[str, Any]) -> None:
        spec = copy.deepcopy(spec)
        spec["components"]["schemas"]["SnowflakeType"] = _SNOWFLAKE
        self._spec = spec
        resource = Resource.from_contents(spec, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(_BASE_URI, resource)
        self._validators: dict[tuple[str, str], Draft202012Validator | None] = {}

    def has_operation(self, method: str, path: str) -> bool:
        return method.lower() in self._spec["paths"].get(path, {})

    def _validator(self, method: str, path: str) -> Draft202012Validator | None:
        key = (method.lower(), path)
        if key not in self._validators:
            op = self._spec["paths"].get(path, {}).get(key[0], {})
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                self._validators[key] = None
            else:
                pointer = "/".join(
                    p.replace("~", "~0").replace("/", "~1")
                    for p in (
                        "paths",
                        path,
                        key[0],
                        "requestBody",
                        "content",
                        "application/json",
                        "schema",
                    )
                )
                schema = {"$ref": f"{_BASE_URI}#/{pointer}"}
                self._validators[key] = Draft202012Validator(schema, registry=self._registry)
        return self._validators[key]

    def validate(self, method: str, path: str, body: Any) -> list[Violation]:
        """Violations of the operation's JSON request body schema; [] when valid or unspecified."""
        validator = self._validator(method, path)
        if validator is None:
            return []
        return [_violation(leaf) for e in validator.iter_errors(body) for leaf in _explain(e)]


def _explain(error: ValidationError) -> list[ValidationError]:
    """The leaf failures behind `error`; for a union, those of the branch that came closest."""
    if not error.context:
        return [error]
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    scored = []
    for subs in branches.values():
        leaves = [leaf for sub in subs for leaf in _explain(sub)]
        depth = max(len(leaf.absolute_path) for leaf in leaves)
        scored.append((len(leaves), -depth, leaves))
    scored.sort(key=lambda item: (item[0], item[1]))
    if len(scored) > 1 and scored[0][:2] == scored[1][:2]:
        return [error]  # no branch came closer than another: report the union itself
    return scored[0][2]


def _message(error: ValidationError) -> str:
    limit = error.validator_value
    messages = {
        "maxLength": f"Must be {limit} or fewer in length.",
        "maxItems": f"Must be {limit} or fewer in length.",
        "minLength": f"Must be {limit} or more in length.",
        "minItems": f"Must be {limit} or more in length.",
        "required": "This field is required",
        "maximum": f"int value should be less than or equal to {limit}.",
        "minimum": f"int value should be greater than or equal to {limit}.",
    }
    text = messages.get(str(error.validator), str(error.message))
    return text if len(text) < 200 else text[:197] + "..."


def _violation(error: ValidationError) -> Violation:
    path = tuple(error.absolute_path)
    if error.validator == "required":
        # Discord reports a missing field at the field's own path.
        missing = re.match(r"'([^']+)' is a required property", error.message)
        if missing:
            path = (*path, missing.group(1))
    code = _CODES.get(str(error.validator), f"SCHEMA_{str(error.validator).upper()}")
    return Violation(path, code, _message(error))


@cache
def load(path: Path = SPEC_PATH) -> Contract | None:
    """The contract, or None when the spec file is absent (see SKIP_REASON)."""
    if not path.is_file():
        return None
    return Contract(json.loads(path.read_text(encoding="utf-8")))
