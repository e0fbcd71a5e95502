"""``feeds.yaml``: the sources to poll, validated into a model at start."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.errors import ConfigError

FeedKind = Literal["news", "legislative", "company", "advocacy"]
FeedFormat = Literal["rss", "congress", "openstates", "federal_register", "legiscan"]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# libyaml when present: feeds files of a thousand entries parse in milliseconds, not a second.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Polling faster than this is rude to the sources and never needed for news.
MIN_INTERVAL = timedelta(seconds=30)


def parse_duration(text: str | int | float) -> timedelta:
    """``"15m"`` -> 15 minutes. Plain numbers are seconds."""
    if isinstance(text, int | float):
        return timedelta(seconds=float(text))
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"invalid duration {text!r}: use a number and s, m, h or d (e.g. 15m)")
    return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)])


class FeedConfig(BaseModel):
    """One source. ``{key}`` in the URL is replaced by the ``requires`` secret at fetch time."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")
    url: str
    kind: FeedKind
    format: FeedFormat = "rss"
    every: timedelta = timedelta(minutes=15)
    enabled: bool = True
    requires: str | None = Field(default=None, pattern=r"^[A-Z][A-Z0-9_]*$")
    name: str | None = None
    jitter: timedelta | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _quoted_id(cls, value: Any) -> Any:
        if isinstance(value, bool):  # YAML reads a bare on/off/yes/no as true/false
            raise ValueError("reads as a yes/no value in YAML: put the id in quotes")
        return value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("every", "jitter", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        if value is None or isinstance(value, timedelta):
            return value
        return parse_duration(value)

    @field_validator("every")
    @classmethod
    def _not_too_often(cls, value: timedelta) -> timedelta:
        if value < MIN_INTERVAL:
            raise ValueError(f"must be at least {MIN_INTERVAL.seconds}s between polls")
        return value

    @property
    def display_name(self) -> str:
        return self.name or self.id

    @property
    def effective_jitter(self) -> timedelta:
        """Default jitter: a tenth of the interval, so feeds on one host spread out."""
        return self.jitter if self.jitter is not None else self.every / 10


class FeedsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    feeds: list[FeedConfig]


def load_feeds(path: Path) -> list[FeedConfig]:
    """Load and validate ``feeds.yaml``; errors name the file, line, feed and field."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read feeds file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}:{line}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x}): "
            "save the feeds file (PLEDGEWATCH_FEEDS) as UTF-8"
        ) from None
    return parse_feeds(text, source=str(path))


def parse_feeds(text: str, *, source: str = "feeds.yaml") -> list[FeedConfig]:
    try:
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or "feeds" not in data:
        raise ConfigError(f"{source}: expected a mapping with a 'feeds' list")
    try:
        feeds = FeedsFile.model_validate(data).feeds
    except ValidationError as exc:
        raise ConfigError(_describe(exc, data, _nodes(text), source)) from exc
    seen: set[str] = set()
    for index, feed in enumerate(feeds):
        if feed.id in seen:
            line = _line_of(_nodes(text), index)
            raise ConfigError(f"{source}:{line}: feed {feed.id!r}: field 'id': duplicate id")
        seen.add(feed.id)
    return feeds


def _describe(exc: ValidationError, data: dict[str, Any], node: Any, source: str) -> str:
    messages = []
    for error in exc.errors():
        loc = list(error["loc"])
        if len(loc) >= 2 and loc[0] == "feeds" and isinstance(loc[1], int):
            index = loc[1]
            entry = data["feeds"][index] if index < len(data["feeds"]) else None
            feed_id = entry.get("id") if isinstance(entry, dict) else None
            field = ".".join(str(part) for part in loc[2:]) or "(entry)"
            label = f"feed {feed_id!r}" if feed_id else f"feed #{index + 1}"
            messages.append(
                f"{source}:{_line_of(node, index)}: {label}: field {field!r}: {error['msg']}"
            )
        else:
            where = ".".join(str(part) for part in loc) or "(top level)"
            messages.append(f"{source}: {where}: {error['msg']}")
    return "\n".join(messages)


def _nodes(text: str) -> Any:
    # Composed again only to name a line in an error: one parse when the file is good.
    return yaml.compose(text, Loader=_LOADER)


def _line_of(node: Any, index: int) -> int:
    """The 1-based line where the ``index``-th feed entry starts, or 0 when unknown."""
    try:
        for key, value in node.value:
            if key.value == "feeds":
                return int(value.value[index].start_mark.line) + 1
    except (AttributeError, IndexError, TypeError):
        pass
    return 0
