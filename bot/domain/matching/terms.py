"""Vocabulary terms: expansion, tokenizing, and one word trie that finds every term in one pass.

Text is compared word by word after lower-casing, so one scan over an item's words finds the
terms of every group at once (a per-group regex scan would cost a pass per group).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+")
_POSSESSIVE = re.compile(r"['’]s\b")
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
    """The words of ``text`` as written (case kept), possessive ``'s`` dropped."""
    return _WORD.findall(_POSSESSIVE.sub("", text))


def term_words(term: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in words(term))


@dataclass(frozen=True, slots=True)
class Hit:
    group: str
    term: str
    start: int  # word index of the first word
    end: int  # word index after the last word


class _Node:
    __slots__ = ("children", "labels")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.labels: list[tuple[str, str]] = []


class TermIndex:
    """Every (group, term) of a vocabulary, found by walking a word trie from each word."""

    def __init__(self) -> None:
        self._root = _Node()
        self._cased: dict[str, list[tuple[str, str]]] = {}

    def add(self, group: str, term: str) -> None:
        for variant in expand(term):
            seq = term_words(variant)
            if not seq:
                continue
            node = self._root
            for w in seq:
                node = node.children.setdefault(w, _Node())
            label = (group, term)
            if label not in node.labels:
                node.labels.append(label)

    def add_all(self, group: str, terms: Iterable[str]) -> None:
        for term in terms:
            self.add(group, term)

    def add_cased(self, group: str, token: str) -> None:
        """A single word that matches only with this exact capitalisation (ICE, EPIC)."""
        self._cased.setdefault(token, []).append((group, token))

    def scan(self, tokens: list[str], lowered: list[str]) -> list[Hit]:
        hits: list[Hit] = []
        root = self._root.children
        cased = self._cased
        n = len(lowered)
        for i, w in enumerate(lowered):
            node = root.get(w)
            j = i + 1
            while node is not None:
                for group, term in node.labels:
                    hits.append(Hit(group, term, i, j))
                if j >= n:
                    break
                node = node.children.get(lowered[j])
                j += 1
            if cased:
                labels = cased.get(tokens[i])
                if labels:
                    for group, term in labels:
                        hits.append(Hit(group, term, i, i + 1))
        return hits


def tokenize(title: str, summary: str) -> tuple[list[str], list[str], int]:
    """Words of title and summary (with a break between), their lower-case forms, title length."""
    title_words = words(title)
    tokens = [*title_words, BREAK, *words(summary)]
    return tokens, [t.lower() for t in tokens], len(title_words)
