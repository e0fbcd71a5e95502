"""Keyword filters of a subscription: words, phrases and exclusions, matched on an alert's
title and summary, case-insensitively and on whole words. Pure.

Written as one comma-separated list, as feed readers' users expect: ``ban, "police use",
-lottery``. A term of several words is a phrase; a leading ``-`` makes it an exclusion.
An alert passes when it contains at least one word or phrase (or none is given) and no
exclusion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.errors import PledgeWatchError

MAX_TERMS = 20
MAX_TERM_CHARS = 60
# The alert fields that hold what a reader sees as its headline and summary, per kind.
TEXT_FIELDS = ("title", "summary", "pledge_title", "action_text")
_WORD = re.compile(r"\w", re.UNICODE)


class KeywordError(PledgeWatchError):
    """A keyword filter that cannot be read; the message says what to change."""


@dataclass(frozen=True, slots=True)
class KeywordFilter:
    """Lower-cased terms; empty ``include`` means any alert not excluded."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.include or self.exclude)

    def describe(self) -> str:
        shown = [_show(t) for t in self.include] + ["-" + _show(t) for t in self.exclude]
        return ", ".join(shown)


def parse_keywords(text: str | None) -> KeywordFilter:
    """Read a filter as typed; a :class:`KeywordError` names what is wrong."""
    if not text or not text.strip():
        return KeywordFilter()
    if text.count('"') % 2:
        raise KeywordError('A quote is not closed: write phrases as "police use".')
    include: list[str] = []
    exclude: list[str] = []
    for raw in _split(text):
        negative = raw.startswith(("-", "!"))
        term = " ".join(raw[1:].strip().strip('"').split() if negative else raw.strip('"').split())
        term = term.casefold()
        if not term:
            if negative:
                raise KeywordError("A '-' must be followed by the word or phrase to exclude.")
            continue
        if not _WORD.search(term):
            raise KeywordError(f"'{term[:40]}' has no letter or digit to match.")
        if len(term) > MAX_TERM_CHARS:
            raise KeywordError(f"'{term[:40]}…' is longer than {MAX_TERM_CHARS} characters.")
        target = exclude if negative else include
        if term not in target:
            target.append(term)
    both = sorted(set(include) & set(exclude))
    if both:
        raise KeywordError(f"'{both[0]}' is both wanted and excluded: keep one.")
    if len(include) + len(exclude) > MAX_TERMS:
        raise KeywordError(f"At most {MAX_TERMS} words and phrases, in all.")
    return KeywordFilter(tuple(include), tuple(exclude))


def keywords_match(flt: KeywordFilter, texts: Iterable[str]) -> bool:
    """Does text made of ``texts`` pass the filter?"""
    if not flt:
        return True
    haystack = " ".join(" ".join(t.split()) for t in texts if t).casefold()
    if any(_contains(haystack, term) for term in flt.exclude):
        return False
    return not flt.include or any(_contains(haystack, term) for term in flt.include)


def alert_texts(payload: Mapping[str, Any]) -> list[str]:
    """The headline and summary of an alert, whatever its kind."""
    return [str(payload[f]) for f in TEXT_FIELDS if isinstance(payload.get(f), str)]


def _contains(haystack: str, term: str) -> bool:
    # Whole words: "ban" is not in "banking"; the term's own edges decide (a term may end
    # in punctuation, as "s.4084" does not need a word edge after the dot).
    left = r"(?<!\w)" if term[0].isalnum() or term[0] == "_" else ""
    right = r"(?!\w)" if term[-1].isalnum() or term[-1] == "_" else ""
    return re.search(left + re.escape(term).replace(r"\ ", r"\s+") + right, haystack) is not None


def _split(text: str) -> list[str]:
    """Commas separate terms, except inside quotes."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def _show(term: str) -> str:
    return f'"{term}"' if " " in term else term
