"""Discord's documented message and embed limits, answered the way Discord answers them.

Each violation lands in the nested `errors` tree of a 400 / 50035 "Invalid Form Body",
at the path Discord reports (e.g. `embeds.0.fields.3.value`).
"""

from __future__ import annotations

from typing import Any

from .errors import ErrorTree, Path

CONTENT = 2000
EMBEDS = 10
TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
AUTHOR_NAME = 256
EMBED_TOTAL = 6000
CHOICES = 25
CHOICE_NAME = 100


def _too_long(errors: ErrorTree, path: Path, value: Any, limit: int) -> int:
    """Record a max-length error; return the value's length for the 6,000 total."""
    if not isinstance(value, str | list):
        return 0
    if len(value) > limit:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
    return len(value)


def _required(errors: ErrorTree, path: Path, value: Any) -> None:
    if value is None or value == "":
        errors.add(path, "BASE_TYPE_REQUIRED", "This field is required")


def _embed(errors: ErrorTree, path: Path, embed: dict[str, Any]) -> int:
    total = _too_long(errors, (*path, "title"), embed.get("title"), TITLE)
    total += _too_long(errors, (*path, "description"), embed.get("description"), DESCRIPTION)
    fields = embed.get("fields") or []
    _too_long(errors, (*path, "fields"), fields, FIELDS)
    for j, fld in enumerate(fields):
        fpath = (*path, "fields", j)
        _required(errors, (*fpath, "name"), fld.get("name"))
        _required(errors, (*fpath, "value"), fld.get("value"))
        total += _too_long(errors, (*fpath, "name"), fld.get("name"), FIELD_NAME)
        total += _too_long(errors, (*fpath, "value"), fld.get("value"), FIELD_VALUE)
    footer = embed.get("footer")
    if isinstance(footer, dict):
        total += _too_long(errors, (*path, "footer", "text"), footer.get("text"), FOOTER_TEXT)
    author = embed.get("author")
    if isinstance(author, dict):
        total += _too_long(errors, (*path, "author", "name"), author.get("name"), AUTHOR_NAME)
    return total


def check_message(body: dict[str, Any], prefix: Path = ()) -> ErrorTree:
    """Content and embed limits for a message create or edit body."""
    errors = ErrorTree()
    _too_long(errors, (*prefix, "content"), body.get("content"), CONTENT)
    embeds = body.get("embeds") or []
    if isinstance(embeds, list):
        _too_long(errors, (*prefix, "embeds"), embeds, EMBEDS)
        total = sum(
            _embed(errors, (*prefix, "embeds", i), e)
            for i, e in enumerate(embeds)
            if isinstance(e, dict)
        )
        if total > EMBED_TOTAL:
            errors.add(
                (*prefix, "embeds"),
                "MAX_EMBED_SIZE_EXCEEDED",
                f"Embed size exceeds maximum size of {EMBED_TOTAL}",
            )
    return errors


def is_empty(body: dict[str, Any], *, files: int = 0) -> bool:
    """Discord refuses a new message with nothing in it (50006)."""
    keys = ("content", "embeds", "components", "sticker_ids", "poll", "attachments")
    return not files and not any(body.get(k) for k in keys)


def check_choices(body: dict[str, Any]) -> ErrorTree:
    errors = ErrorTree()
    choices = (body.get("data") or {}).get("choices") or []
    _too_long(errors, ("data", "choices"), choices, CHOICES)
    for i, choice in enumerate(choices):
        if isinstance(choice, dict):
            _too_long(errors, ("data", "choices", i, "name"), choice.get("name"), CHOICE_NAME)
    return errors
