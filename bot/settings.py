"""Typed settings from the environment and ``.env``, read when the app starts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigError
from bot.redaction import hide_userinfo

if TYPE_CHECKING:
    from bot.domain.alerts import SubscriptionFilter
    from bot.domain.schedule import DigestSchedule

DEFAULT_DATABASE_URL = "sqlite:///pledgewatch.db"
_DATABASE_SCHEMES = re.compile(r"^(sqlite|postgresql|postgres)(\+[a-z0-9_]+)?://", re.IGNORECASE)


class Settings(BaseSettings):
    """Everything the operator configures. Tokens are secrets: they never print."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = None
    discord_webhook_url: SecretStr | None = None
    discord_api_base: str | None = None
    discord_guild_id: int | None = None
    # Sharding across processes: every runner names the same count and its own ids.
    discord_shard_count: int | None = Field(default=None, gt=0)
    discord_shard_ids: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    pledgewatch_feeds: Path = Path("feeds.yaml")
    pledgewatch_allow_private_feeds: bool = False
    pledgewatch_log_level: str = "INFO"
    congress_api_key: SecretStr | None = None
    openstates_api_key: SecretStr | None = None
    legiscan_api_key: SecretStr | None = None
    # Seconds between the dispatcher's looks for new work in the store (any runner's).
    pledgewatch_dispatch_every: float = Field(default=1.0, gt=0)
    # Seconds between a runner's tries for the scheduler lead (PostgreSQL), and the leader's
    # checks that it still holds it: a dead leader is replaced within about this long.
    pledgewatch_leader_every: float = Field(default=5.0, gt=0)
    # Seconds a runner's claim on a channel lasts unless renewed: a dead runner's channels
    # are taken over after this.
    pledgewatch_delivery_lease: float = Field(default=30.0, gt=0)
    # Webhook mode (no bot): which alerts the webhook posts, comma-separated (empty: all), as
    # a subscription's filters; and a digest instead of each alert at once.
    pledgewatch_webhook_kinds: str = ""
    pledgewatch_webhook_companies: str = ""
    pledgewatch_webhook_jurisdictions: str = ""
    pledgewatch_webhook_keywords: str = ""
    pledgewatch_webhook_digest: str = "off"  # off, daily or weekly
    pledgewatch_digest_hour: int = Field(default=13, ge=0, le=23)
    pledgewatch_digest_weekday: str = "monday"
    pledgewatch_timezone: str = "UTC"  # an IANA name: the webhook digest's clock

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not _DATABASE_SCHEMES.match(value):
            scheme = value.split("://", 1)[0] if "://" in value else value[:20]
            raise ValueError(
                f"unsupported database {scheme!r}: use sqlite:///PATH or postgresql://user@host/db"
            )
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - parses the port, raising on a bad one
        except ValueError as exc:
            raise ValueError(f"cannot parse the URL: {exc}") from None
        if not value.lower().startswith("sqlite") and not parts.path.strip("/"):
            raise ValueError("names no database: use postgresql://user@host/db")
        return value

    @field_validator(
        "pledgewatch_webhook_kinds",
        "pledgewatch_webhook_companies",
        "pledgewatch_webhook_jurisdictions",
        "pledgewatch_webhook_keywords",
    )
    @classmethod
    def _webhook_filter(cls, value: str, info: ValidationInfo) -> str:
        from bot.webhook_policy import webhook_filter

        webhook_filter(**{str(info.field_name).removeprefix("pledgewatch_webhook_"): value})
        return value

    @field_validator("pledgewatch_webhook_digest")
    @classmethod
    def _webhook_digest(cls, value: str) -> str:
        from bot.webhook_policy import DIGESTS

        if value.strip().lower() not in DIGESTS:
            raise ValueError("use off, daily or weekly")
        return value.strip().lower()

    @field_validator("pledgewatch_digest_weekday")
    @classmethod
    def _weekday(cls, value: str) -> str:
        from bot.webhook_policy import weekday

        weekday(value)
        return value

    @field_validator("pledgewatch_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from bot.domain.schedule import ScheduleError, zone

        try:
            zone(value.strip())
        except ScheduleError as exc:
            raise ValueError(str(exc)) from None
        return value.strip()

    def webhook_policy(self) -> tuple[SubscriptionFilter | None, DigestSchedule | None]:
        """Webhook mode's filter (None: everything) and digest schedule (None: at once)."""
        from bot.webhook_policy import webhook_filter, webhook_schedule

        return (
            webhook_filter(
                kinds=self.pledgewatch_webhook_kinds,
                companies=self.pledgewatch_webhook_companies,
                jurisdictions=self.pledgewatch_webhook_jurisdictions,
                keywords=self.pledgewatch_webhook_keywords,
            ),
            webhook_schedule(
                self.pledgewatch_webhook_digest,
                hour=self.pledgewatch_digest_hour,
                weekday_name=self.pledgewatch_digest_weekday,
                timezone=self.pledgewatch_timezone,
            ),
        )

    @field_validator("discord_shard_ids")
    @classmethod
    def _shard_ids(cls, value: str | None) -> str | None:
        if value is not None and value.strip():
            parse_shard_ids(value)
            return value.strip()
        return None

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        if self.discord_shard_ids and self.discord_shard_count is None:
            raise ValueError(
                "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the total, same on every runner)"
            )
        ids = self.shard_ids
        if ids and self.discord_shard_count is not None and max(ids) >= self.discord_shard_count:
            raise ValueError(
                f"DISCORD_SHARD_IDS: shard {max(ids)} is not below DISCORD_SHARD_COUNT "
                f"{self.discord_shard_count} (ids count from 0)"
            )
        return self

    @property
    def shard_ids(self) -> list[int] | None:
        """This runner's shards (``"0-1"`` or ``"0,2"``), or None for all of them."""
        return parse_shard_ids(self.discord_shard_ids) if self.discord_shard_ids else None

    def secret(self, name: str) -> str | None:
        """The value of a secret named as in the environment (``CONGRESS_API_KEY``), if set."""
        value = getattr(self, name.lower(), None)
        if isinstance(value, SecretStr):
            return value.get_secret_value() or None
        return None

    def secret_values(self) -> list[str]:
        """Every secret that is set, so log and error text can be scrubbed of them."""
        values = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr) and value.get_secret_value():
                values.append(value.get_secret_value())
        return values


def parse_shard_ids(text: str) -> list[int]:
    """``"0-1"`` -> [0, 1]; ``"0,2,4-5"`` -> [0, 2, 4, 5]."""
    ids: set[int] = set()
    for part in text.split(","):
        bounds = part.strip().split("-")
        if len(bounds) > 2 or not all(b.strip().isdigit() for b in bounds):
            raise ValueError(f"{part.strip()!r} is not a shard id or range: use e.g. 0-1 or 0,2")
        low, high = int(bounds[0]), int(bounds[-1])
        if high < low:
            raise ValueError(f"{part.strip()!r}: the range runs backwards")
        ids.update(range(low, high + 1))
    return sorted(ids)


def load_settings(env_file: Path | None = Path(".env")) -> Settings:
    """Read settings now (never at import time). A bad value is a :class:`ConfigError` that
    names the setting as the operator writes it (``PLEDGEWATCH_DISPATCH_EVERY``)."""
    try:
        return Settings(_env_file=env_file)
    except ValidationError as exc:
        raise ConfigError(settings_message(exc)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{env_file}: not UTF-8 text (byte {exc.start}): save it as UTF-8"
        ) from None


def settings_message(exc: ValidationError) -> str:
    """One line per bad setting, each naming its variable and the value's problem."""
    lines = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        msg = str(error["msg"]).removeprefix("Value error, ")
        if not loc:  # a rule across settings names them itself
            lines.append(msg)
            continue
        name = loc[0].upper()
        given = _shown(name, error.get("input"))
        lines.append(f"{name}: {msg}{given}")
    return "; ".join(lines)


def _shown(name: str, value: Any) -> str:
    # Secrets and URLs that may carry a password are never echoed.
    if not isinstance(value, str) or name.endswith(("TOKEN", "KEY", "URL")):
        return ""
    return f" (got {value[:40]!r})"


def async_database_url(url: str) -> str:
    """Pick the async driver for a plain ``sqlite:///`` or ``postgresql://`` URL."""
    for prefix, driver in (
        ("sqlite://", "sqlite+aiosqlite://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
    ):
        if url.startswith(prefix):
            return driver + url[len(prefix) :]
    return url


def redact(text: str, secrets: list[str]) -> str:
    """Replace every secret value in ``text``, and any password a URL in it carries, with
    ``***``."""
    text = hide_userinfo(text)
    for value in secrets:
        if value:
            text = text.replace(value, "***")
    return text
