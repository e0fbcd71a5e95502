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


# One found term: (term as written in the vocabulary, index of its first word).
Hit = tuple[str, int]


# A trie node is a plain dict (fastest to walk): word -> child node, and under the key ""
# (never a word) the (group, term) labels of terms that end here.
_Trie = dict[str, Any]
_LABELS = ""


class TermIndex:
    """Every (group, term) of a vocabulary, found by walking a word trie from each word."""

    def __init__(self) -> None:
        self._root: _Trie = {}
        self._cased: dict[str, list[tuple[str, str]]] = {}
        self._cased_re: re.Pattern[str] | None = None

    def add(self, group: str, term: str) -> None:
        for variant in expand(term):
            seq = term_words(variant)
            if not seq:
                continue
            node = self._root
            for w in seq:
                node = node.setdefault(w, {})
            labels = node.setdefault(_LABELS, [])
            if (group, term) not in labels:
                labels.append((group, term))

    def add_all(self, group: str, terms: Iterable[str]) -> None:
        for term in terms:
            self.add(group, term)

    def add_cased(self, group: str, token: str) -> None:
        """A single word that matches only with this exact capitalisation (ICE, EPIC)."""
        self._cased.setdefault(token, []).append((group, token))
        alternatives = "|".join(sorted(map(re.escape, self._cased), key=len, reverse=True))
        self._cased_re = re.compile(rf"\b(?:{alternatives})\b")

    def scan(self, title: str, summary: str) -> tuple[dict[str, list[Hit]], int]:
        """Every term in title and summary, grouped, and the title's length in words.

        Returns ``{group: [(term, first word index), ...]}``; summary words are numbered after
        the title's, with one break between so that no term spans the two.
        """
        title_words = words(title.lower())
        lowered = [*title_words, BREAK, *words(summary.lower())]
        found: dict[str, list[Hit]] = {}
        root = self._root
        n = len(lowered)
        for i, w in enumerate(lowered):
            node = root.get(w)
            j = i + 1
            while node is not None:
                labels = node.get(_LABELS)
                if labels is not None:
                    for group, term in labels:
                        hits = found.get(group)
                        if hits is None:
                            found[group] = [(term, i)]
                        else:
                            hits.append((term, i))
                if j >= n:
                    break
                node = node.get(lowered[j])
                j += 1
        cased_re = self._cased_re
        if cased_re is not None:
            offset = len(title_words) + 1
            for base, text in ((0, title), (offset, summary)):
                if cased_re.search(text) is None:
                    continue
                for k, token in enumerate(words(text)):
                    for group, term in self._cased.get(token, ()):
                        found.setdefault(group, []).append((term, base + k))
        return found, len(title_words)
