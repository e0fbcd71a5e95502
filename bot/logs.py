"""Logging: one line per event with its context (``feed=... error=...``), secrets scrubbed."""

from __future__ import annotations

import logging
import sys
from typing import ClassVar, TextIO

from bot.settings import redact

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class ContextFormatter(logging.Formatter):
    """Appends the record's ``extra`` fields as ``key=value`` and removes secret values."""

    secrets: ClassVar[list[str]] = []

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        extras = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        if extras:
            text += " " + " ".join(f"{key}={value!r}" for key, value in sorted(extras.items()))
        return redact(text, self.secrets)


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time of each record."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure_logging(level: str, secrets: list[str]) -> None:
    ContextFormatter.secrets = secrets
    handler = StderrHandler()
    handler.setFormatter(ContextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # discord.http logs every request at DEBUG/INFO; keep it to warnings.
    logging.getLogger("discord.http").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
