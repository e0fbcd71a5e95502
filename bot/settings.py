"""Typed settings from the environment and ``.env``, read when the app starts."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.redaction import hide_userinfo

DEFAULT_DATABASE_URL = "sqlite:///pledgewatch.db"


class Settings(BaseSettings):
    """Everything the operator configures. Tokens are secrets: they never print."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = None
    discord_webhook_url: SecretStr | None = None
    discord_api_base: str | None = None
    discord_guild_id: int | None = None
    database_url: str = DEFAULT_DATABASE_URL
    pledgewatch_feeds: Path = Path("feeds.yaml")
    pledgewatch_allow_private_feeds: bool = False
    pledgewatch_log_level: str = "INFO"
    congress_api_key: SecretStr | None = None
    openstates_api_key: SecretStr | None = None
    legiscan_api_key: SecretStr | None = None
    # Seconds between the dispatcher's looks for new work in the store (any runner's).
    pledgewatch_dispatch_every: float = Field(default=1.0, gt=0)
    # Seconds a runner's claim on a channel lasts unless renewed: a dead runner's channels
    # are taken over after this.
    pledgewatch_delivery_lease: float = Field(default=30.0, gt=0)

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


def load_settings(env_file: Path | None = Path(".env")) -> Settings:
    """Read settings now (never at import time)."""
    return Settings(_env_file=env_file)


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
