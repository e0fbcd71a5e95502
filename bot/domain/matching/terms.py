"""Vocabulary terms: expansion, tokenizing, and one word trie that finds every term in one pass.

Text is compared word by word after lower-casing, so one scan over an item's words finds the
terms of every group at once (a per-group regex scan would cost a pass per group).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Any

_WORD = re.compile(r"[^\W_]+")
_BRACES = re.compile(r"\{([^{}]*)\}")

# Between title and summary, so no term spans the two.
BREAK = "\x00"


def expand(term: str) -> list[str]:
    """``"ban{,s,ned} act"`` -> ``["ban act", "bans act", "banned act"]``."""
    parts = _BRACES.split(term)
    # split() alternates literal text and brace contents.
    choices = [[p] if i % 2 == 0 else p.split(",") for i, p in enumerate(parts)]
    return ["".join(combo) for combo in itertools.product(*choices)]


def words(text: str) -> list[str]:
    """The words of ``text`` as written (case kept). Apostrophes split words, so vocabulary
    terms spell "governor's desk" as ``governor s desk`` and "won't" as ``won t``."""
    return _WORD.findall(text)


def term_words(term: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in words(term))


# One found term: (term as written in the vocabulary, index of its first word, index after
# its last word).
Hit = tuple[str, int, int]


# A trie node is a pair: (word -> child node, labels of the terms that end here). Plain
# dicts, lists and tuples are the fastest things for Python to walk.
_Labels = list[tuple[str, str]]
_Node = tuple[dict[str, Any], _Labels]


class TermIndex:
    """Every (group, term) of a vocabulary, found by walking a word trie from each word."""

    def __init__(self) -> None:
        self._root: dict[str, _Node] = {}
        self._cased: dict[str, list[tuple[str, str]]] = {}
        # Lower-case forms of the cased words: seeing one is the cue to look at case.
        self._cased_lower: set[str] = set()

    def add(self, group: str, term: str) -> None:
        for variant in expand(term):
            seq = term_words(variant)
            if not seq:
                continue
            children = self._root
            labels: _Labels = []
            for w in seq:
                children, labels = children.setdefault(w, ({}, []))
            if (group, term) not in labels:
                labels.append((group, term))

    def add_all(self, group: str, terms: Iterable[str]) -> None:
        for term in terms:
            self.add(group, term)

    def add_cased(self, group: str, token: str) -> None:
        """A single word that matches only with this exact capitalisation (ICE, EPIC)."""
        self._cased.setdefault(token, []).append((group, token))
        self._cased_lower.add(token.lower())

    def scan(self, title: str, summary: str) -> tuple[dict[str, list[Hit]], int, list[str]]:
        """Every term in title and summary, grouped; the title's length in words; the words.

        Returns ``{group: [(term, start, end), ...]}`` with word indexes into the returned
        lower-case words; summary words come after the title's and one break, so that no term
        spans the two.
        """
        lowered, title_len = _lower_words(title, summary)
        found: dict[str, list[Hit]] = {}
        root = self._root
        cased_lower = self._cased_lower
        maybe_cased = False
        n = len(lowered)
        for i, w in enumerate(lowered):
            if w in cased_lower:
                maybe_cased = True
            node = root.get(w)
            j = i + 1
            while node is not None:
                children, labels = node
                for group, term in labels:
                    hits = found.get(group)
                    if hits is None:
                        found[group] = [(term, i, j)]
                    else:
                        hits.append((term, i, j))
                if j >= n or not children:
                    break
                node = children.get(lowered[j])
                j += 1
        if maybe_cased:
            self._scan_cased(title, summary, title_len, found)
        return found, title_len, lowered

    def _scan_cased(
        self, title: str, summary: str, title_len: int, found: dict[str, list[Hit]]
    ) -> None:
        for base, text in ((0, title), (title_len + 1, summary)):
            for k, token in enumerate(words(text)):
                for group, term in self._cased.get(token, ()):
                    found.setdefault(group, []).append((term, base + k, base + k + 1))


_ASCII_WORD = re.compile(r"[a-z0-9]+|\x00")
_ANY_WORD = re.compile(r"[^\W_]+|\x00")


def _lower_words(title: str, summary: str) -> tuple[list[str], int]:
    """Lower-case words of title, a break, and summary's words, in one regex pass."""
    if BREAK in title or BREAK in summary:
        title, summary = title.replace(BREAK, " "), summary.replace(BREAK, " ")
    text = f"{title}{BREAK}{summary}".lower()
    found = (_ASCII_WORD if text.isascii() else _ANY_WORD).findall(text)
    title_len = found.index(BREAK)
    return found, title_len
