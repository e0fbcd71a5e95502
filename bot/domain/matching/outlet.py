"""A news-search title's outlet: "Clearview fined again - Law360" names its publisher last.

Ingest splits the outlet off the feeds it knows (``bot.ingest.parse``); titles reach
``classify`` with it from the CLI, the evaluation and other feeds. An outlet's words are no
evidence ("Bloomberg Law", "Courthouse News", "Amnesty International", "Police1"), so the
classifier reads the headline without it.
"""

from __future__ import annotations

import re

__all__ = ["headline"]

# The tail after the last " - ": a short name, each word capitalized, a digit or one token
# ("iTnews"), with no sentence punctuation.
_OUTLET = re.compile(
    r"^(?:[A-Z0-9][\w.&'’-]*|[a-z]+[A-Z][\w.]*)"
    r"(?: (?:[A-Z0-9&][\w.&'’-]*|of|the|de|du|la|and|blog|news|online|today))*$"
)
_MAX_WORDS = 5
# A bill's own page puts its Congress or session after the dash ("H.R.3907 - 117th Congress"):
# a head this short is a number, not a headline.
_MIN_HEAD_WORDS = 3


def headline(title: str) -> str:
    """``title`` without a trailing `` - Outlet``; unchanged when the tail is not one."""
    head, sep, tail = title.rpartition(" - ")
    tail = tail.strip()
    if not sep or len(head.split()) < _MIN_HEAD_WORDS or len(tail.split()) > _MAX_WORDS:
        return title
    return head.rstrip() if _OUTLET.match(tail) else title
