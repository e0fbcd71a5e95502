"""Story clustering: the same event from many outlets becomes one story with many sources.

Pure. The storage side keeps, per story, a :class:`StoryCandidate` for each of its recent
sources and asks :func:`find_story` which story a new item joins (or ``None`` for a new one):

    match = classify(item, watchlist)
    story_id = find_story(item, match, repo.recent_candidates(since=...), window=WINDOW)
    if story_id is None:
        story_id = repo.new_story(...)
    repo.add_source(story_id, candidate_for(story_id, item, match))

Two items join when they share a canonical URL, or when, within the time window, they report
the same event (same event name, no conflicting bill ids, places or companies) with titles
alike enough. Two bills, or one bill introduced and later signed, stay apart.
"""

from __future__ import annotations

import functools
import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.domain.types import FeedItem, Match

__all__ = [
    "DEFAULT_WINDOW",
    "StoryCandidate",
    "StoryIndex",
    "StoryKey",
    "candidate_for",
    "canonical_url",
    "find_story",
    "story_key",
    "title_fingerprint",
    "title_similarity",
]

# Wire stories are re-posted for days; a week keeps those together, and the event, bill and
# place checks keep a week's different events apart.
DEFAULT_WINDOW = timedelta(days=7)
# Before this year a publication time means "unknown" (callers without a date pass the epoch).
_EARLIEST = 1990
# Title likeness needed to join: on its own, and when the structured fields agree too.
_ALIKE = 0.55
_ALIKE_WITH_AGREEMENT = 0.3
_ALIKE_UNDATED = 0.7
_ALIKE_UNDATED_WITH_AGREEMENT = 0.5

_WORD = re.compile(r"[^\W_]+")
# Outlet tags in titles: "... - Reuters", "... | The Verge", "... By Reuters".
_OUTLET_SUFFIX = re.compile(r"\s+(?:[-–—|:]\s+[^-–—|:]{2,40}|by\s+reuters|by\s+ap)\s*$", re.I)
_STOPWORDS = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "by", "with", "from", "at",
    "as", "is", "are", "be", "its", "it", "this", "that", "will", "would", "has", "have",
    "new", "after", "over", "into", "says", "said", "say", "amid",
})
_TRACKING = re.compile(r"^(?:utm_.*|fbclid|gclid|mc_cid|mc_eid|ref|source|cmpid|ocid|smid|at_.*)$")
_AMP = re.compile(r"(?:/amp/?$|/amp(?=/)|\.amp(?=\.html?$))")


@dataclass(frozen=True, slots=True)
class StoryKey:
    """What identifies the event an item reports, apart from its wording."""

    event: str
    bill_ids: tuple[str, ...]
    companies: tuple[str, ...]
    jurisdictions: tuple[str, ...]
    fingerprint: str


@dataclass(frozen=True, slots=True)
class StoryCandidate:
    """One source already filed under a story, as the store keeps it."""

    story_id: str
    url: str  # canonical URL (see canonical_url)
    published: datetime
    key: StoryKey


# Bounded caches: an item's URL and title are read several times while it is filed (its
# candidates, the choice, its own record), and a syndicated copy repeats them.
@functools.lru_cache(maxsize=8192)
def canonical_url(url: str) -> str:
    """A URL for equality: lower-case host without ``www.``, no tracking query, fragment,
    trailing slash, or AMP path."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("amp.")
    query = urlencode(sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    ))
    path = _AMP.sub("", parts.path).rstrip("/") or "/"
    return urlunsplit(("https", host, path, query, ""))


def _stem(word: str) -> str:
    # Enough to make "extends"/"extend" and "bans"/"ban" equal; not a real stemmer.
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


@functools.lru_cache(maxsize=8192)
def title_fingerprint(title: str) -> str:
    """The title's content words, normalized and sorted: equal for re-worded copies."""
    text = _OUTLET_SUFFIX.sub("", title.strip())
    words = {_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOPWORDS}
    return " ".join(sorted(words))


@functools.lru_cache(maxsize=4096)
def _words(fingerprint: str) -> frozenset[str]:
    # Each filed fingerprint is compared with many items: split it once. Bounded, as a
    # frozenset costs about a kilobyte and the stories compared at any time are far fewer.
    return frozenset(fingerprint.split())


def title_similarity(a: str, b: str) -> float:
    """Jaccard similarity of two fingerprints (0..1)."""
    sa, sb = _words(a), _words(b)
    if not sa or not sb:
        return 0.0
    shared = len(sa & sb)
    return shared / (len(sa) + len(sb) - shared)


def story_key(item: FeedItem, match: Match) -> StoryKey:
    return StoryKey(
        event=match.event,
        bill_ids=tuple(sorted(match.bill_ids)),
        companies=tuple(sorted(c for c in match.companies if c != "other")),
        jurisdictions=tuple(sorted(match.jurisdictions)),
        fingerprint=title_fingerprint(item.title),
    )


def candidate_for(story_id: str, item: FeedItem, match: Match) -> StoryCandidate:
    """The record the store keeps for ``item`` once it is filed under ``story_id``."""
    return StoryCandidate(
        story_id=story_id,
        url=canonical_url(item.url),
        published=item.published,
        key=story_key(item, match),
    )


def _share(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    # The tuples hold a handful of names: scanning beats building two sets per comparison,
    # and a plain loop beats any() over a generator (called for every candidate).
    for x in a:  # noqa: SIM110 (the loop is the point)
        if x in b:
            return True
    return False


def _conflict(a: StoryKey, b: StoryKey) -> bool:
    """Whether the structured fields say these are different events."""
    if a.event != "none" and b.event != "none" and a.event != b.event:
        return True
    if a.bill_ids and b.bill_ids and not _share(a.bill_ids, b.bill_ids):
        return True
    if a.companies and b.companies and not _share(a.companies, b.companies):
        return True
    places_a, places_b = a.jurisdictions, b.jurisdictions
    return bool(places_a and places_b and not _share(places_a, places_b))


def _agree(a: StoryKey, b: StoryKey) -> bool:
    """Whether the structured fields positively point at one event."""
    same_event = a.event == b.event and a.event != "none"
    return same_event and (
        _share(a.bill_ids, b.bill_ids)
        or _share(a.companies, b.companies)
        or _share(a.jurisdictions, b.jurisdictions)
    )


def _known(when: datetime) -> bool:
    return when.year >= _EARLIEST


def find_story(
    item: FeedItem,
    match: Match,
    recent: Sequence[StoryCandidate],
    *,
    window: timedelta = DEFAULT_WINDOW,
) -> str | None:
    """The id of the story ``item`` belongs to among ``recent``, or None for a new story."""
    url = canonical_url(item.url)
    key = story_key(item, match)
    item_dated = _known(item.published)
    words = _words(key.fingerprint)
    best: tuple[float, str] | None = None
    for cand in recent:
        if url and cand.url == url:
            return cand.story_id
        dated = item_dated and cand.published.year >= _EARLIEST  # _known, inlined
        if dated and abs(item.published - cand.published) > window:
            continue
        other = cand.key
        if _conflict(key, other):
            continue
        theirs = _words(other.fingerprint)  # title_similarity, with the item's words split once
        shared = len(words & theirs)
        alike = shared / (len(words) + len(theirs) - shared) if words and theirs else 0.0
        agree = _agree(key, other)
        if dated:
            needed = _ALIKE_WITH_AGREEMENT if agree else _ALIKE
        else:
            needed = _ALIKE_UNDATED_WITH_AGREEMENT if agree else _ALIKE_UNDATED
        # Shared bill ids and the same event within the window: one event whatever the titles.
        if agree and dated and _share(key.bill_ids, other.bill_ids):
            alike = max(alike, needed)
        if alike >= needed and (best is None or alike > best[0]):
            best = (alike, cand.story_id)
    return best[1] if best else None


# Title likeness below which no item joins without the structured fields agreeing.
_LEAST_ALIKE_ALONE = min(_ALIKE, _ALIKE_UNDATED)
# Words nearly every title on this beat carries: probed last, so they rarely need probing.
_COMMON = frozenset(
    _stem(w)
    for w in [
        "facial", "recognition", "face", "police", "ban", "use", "technology", "surveillance",
        "law", "bill", "city", "state", "council", "moratorium", "privacy", "biometric",
        "enforcement", "data", "software", "ai", "report", "lawmakers", "senate", "house",
        "vote", "amazon", "microsoft", "ibm", "google", "meta", "clearview", "axon",
    ]
)  # fmt: skip


def _rank(word: str) -> tuple[bool, int]:
    # A fixed order (the same in every process, for every candidate) is what keeps the
    # prefix filter exact; putting common words last keeps the probed lists short.
    return (word in _COMMON, zlib.crc32(word.encode()))


def _prefix(fingerprint: str) -> list[str]:
    """The words of a fingerprint two titles alike enough to join must share at least one
    of (prefix filtering: if Jaccard >= t, the first |x| - ceil(t|x|) + 1 words of each in
    one fixed order intersect)."""
    words = sorted(fingerprint.split(), key=_rank)
    # The epsilon keeps float rounding from ever making the prefix too short.
    needed = math.ceil(len(words) * _LEAST_ALIKE_ALONE - 1e-9)
    return words[: len(words) - needed + 1]


def _agreement_keys(key: StoryKey) -> list[tuple[str, str, str]]:
    # _agree: the same named event, and one bill, company or place in common.
    if key.event == "none":
        return []
    return (
        [(key.event, "bill", b) for b in key.bill_ids]
        + [(key.event, "company", c) for c in key.companies]
        + [(key.event, "place", j) for j in key.jurisdictions]
    )


class StoryIndex:
    """The recent sources of open stories, indexed by what can make an item join one.

    :func:`find_story` only ever joins a candidate that shares the item's canonical URL,
    shares an agreement key (event with a bill, company or place), or has a title alike
    enough, which means sharing a word of the prefix filter. Sources of one story with the
    same key (a syndicated headline) only differ by date, so :meth:`candidates` offers, of
    each such group, the first one inside the time window. ``find_story`` over what it
    returns decides as it would over every recent source, at a cost that grows with the
    distinct stories an item could join, not with the size of the store.
    """

    def __init__(self) -> None:
        self._count = 0
        # (story, key, dated) -> its sources in filing order, as (position, candidate).
        self._groups: list[list[tuple[int, StoryCandidate]]] = []
        self._group_of: dict[tuple[str, StoryKey, bool], int] = {}
        self._by_url: dict[str, list[tuple[int, StoryCandidate]]] = {}
        self._by_word: dict[str, list[int]] = {}
        self._by_agreement: dict[tuple[str, str, str], list[int]] = {}
        self._last_seen: dict[str, datetime] = {}
        self._pool: dict[Any, Any] = {}  # see _compact

    def __len__(self) -> int:
        return self._count

    def add(self, candidate: StoryCandidate, *, seen: datetime) -> None:
        """File a source under its story; ``seen`` is when the story last gained one."""
        candidate = self._compact(candidate)
        position = self._count
        self._count += 1
        entry = (position, candidate)
        if candidate.url:
            self._by_url.setdefault(candidate.url, []).append(entry)
        group_key = (candidate.story_id, candidate.key, _known(candidate.published))
        group = self._group_of.get(group_key)
        if group is None:
            group = self._group_of[group_key] = len(self._groups)
            self._groups.append([])
            for word in _prefix(candidate.key.fingerprint):
                self._by_word.setdefault(word, []).append(group)
            for agreement in _agreement_keys(candidate.key):
                self._by_agreement.setdefault(agreement, []).append(group)
        self._groups[group].append(entry)
        self.touch(candidate.story_id, seen)

    def _compact(self, candidate: StoryCandidate) -> StoryCandidate:
        # Sources of one story share its id, syndicated copies their whole key, and most
        # keys a few names: one object each, not one per source (the index's memory).
        pool = self._pool
        key = pool.get(candidate.key)
        if key is None:
            old = candidate.key
            key = StoryKey(
                event=pool.setdefault(old.event, old.event),
                bill_ids=pool.setdefault(old.bill_ids, old.bill_ids),
                companies=pool.setdefault(old.companies, old.companies),
                jurisdictions=pool.setdefault(old.jurisdictions, old.jurisdictions),
                fingerprint=old.fingerprint,
            )
            pool[key] = key
        story_id = pool.setdefault(candidate.story_id, candidate.story_id)
        if key is candidate.key and story_id is candidate.story_id:
            return candidate
        return StoryCandidate(story_id, candidate.url, candidate.published, key)

    def touch(self, story_id: str, seen: datetime) -> None:
        known = self._last_seen.get(story_id)
        if known is None or seen > known:
            self._last_seen[story_id] = seen

    def candidates(
        self,
        item: FeedItem,
        match: Match,
        *,
        open_since: datetime,
        window: timedelta = DEFAULT_WINDOW,
    ) -> list[StoryCandidate]:
        """The filed sources ``item`` could join, of stories seen at or after
        ``open_since``, in the order they were filed (``window`` as for find_story)."""
        key = story_key(item, match)
        url = canonical_url(item.url)
        picked = dict(self._by_url.get(url, ())) if url else {}
        groups: set[int] = set()
        for word in _prefix(key.fingerprint):
            groups.update(self._by_word.get(word, ()))
        for agreement in _agreement_keys(key):
            groups.update(self._by_agreement.get(agreement, ()))
        published = item.published
        dated = _known(published)
        for group in groups:
            members = self._groups[group]
            # Members differ only by date, and are all dated or all undated (the group's
            # key says which): the first one find_story would not skip.
            if not (dated and _known(members[0][1].published)):
                position, candidate = members[0]
                picked[position] = candidate
                continue
            for position, candidate in members:
                if abs(published - candidate.published) <= window:
                    picked[position] = candidate
                    break
        return [
            picked[p]
            for p in sorted(picked)
            if self._last_seen[picked[p].story_id] >= open_since
        ]

    def pruned(self, open_since: datetime) -> StoryIndex:
        """A copy without the sources of stories closed before ``open_since``."""
        kept = StoryIndex()
        filed = sorted(
            (member for group in self._groups for member in group), key=lambda m: m[0]
        )
        for _position, candidate in filed:
            seen = self._last_seen[candidate.story_id]
            if seen >= open_since:
                kept.add(candidate, seen=seen)
        return kept
