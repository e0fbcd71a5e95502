"""Find bill identifiers in free text and write them the one way PledgeWatch compares them.

Federal: ``S.4084``, ``H.R.3907``, ``S.Res.12``, ``H.Res.12`` (no spaces). States: as the state
writes it with one space: ``SB 6280``, ``AB 1215``, ``LD 1585``, ``S 124`` (Vermont),
``A 6787`` (New York), ``SB 22-113`` (Colorado, session year first). Local council bills:
``CB 21-0001``.

The same letters mean different things by place ("S. 124" is a Vermont bill in a Vermont
story and a Senate bill in a Congress story), so extraction takes a :class:`BillContext`
that the classifier fills from the places it found.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["BillContext", "extract_bill_ids", "normalize_bill_id"]


@dataclass(frozen=True, slots=True)
class BillContext:
    """What the surrounding text says about where a bill comes from."""

    federal: bool = True  # Congress is a plausible source of bills in this text
    # Chamber word -> prefix of the state in the text ("senate" -> "SB"); empty if none.
    state_prefixes: Mapping[str, str] = field(default_factory=dict)
    # Colorado-style ids: add the session year ("SB 143" in 2025 -> "SB 25-143").
    year_prefix: bool = False
    year: int | None = None
    council_prefix: str | None = None  # "CB" in Baltimore
    legislative: bool = False  # the text talks about bills or laws at all


_SEP = r"[\s.#-]{0,2}(?:No\.?\s?)?"
_NUM = r"(\d{2}-\d{2,4}|\d{1,5})"
_END = r"(?![\w-]*\d)"  # not the start of a longer token with more digits

_FEDERAL_HR = re.compile(r"(?<![\w.])H\.?\s?R\.?" + _SEP + r"(\d{1,5})\b")
_FEDERAL_RES = re.compile(r"(?<![\w.])([HS])\.?\s?Res\.?\s?(\d{1,5})\b")
_CHAMBER_WORDS = re.compile(
    r"\b(Senate|House|Assembly)\s+Bill" + _SEP + _NUM + r"\b", re.IGNORECASE
)
_STATE_PREFIXED = re.compile(
    r"(?<![\w.])(?:E?2?S)?(SB|HB|AB|SF|HF|SJR|HJR|AJR|SCR|HCR|ACR)" + _SEP + _NUM + r"\b"
)
_DOTTED_PREFIX = re.compile(r"(?<![\w.])([SHA])\.\s?B\.?\s?(\d{1,5})\b")
_LD = re.compile(r"(?<![\w.])L\.?\s?D\.?" + _SEP + r"(\d{1,5})\b")
_SINGLE = re.compile(r"(?<![\w.&])([SAH])(\.?)\s?(\d{1,5})(?:-[A-Z])?\b(?![.,]\d)")
_COUNCIL = re.compile(r"\b(?:Council\s+Bill|CB)" + _SEP + r"(\d{2}-\d{3,4})\b", re.IGNORECASE)
_FILE_NO = re.compile(r"\bFile\s*(?:#|No\.?)\s*:?\s*(\d{2}-\d{3,4})\b", re.IGNORECASE)

_YEARLIKE = re.compile(r"^(199\d|20[0-3]\d)$")


def _state(prefix: str, number: str, ctx: BillContext) -> str:
    if "-" not in number and ctx.year_prefix and ctx.year is not None:
        number = f"{ctx.year % 100:02d}-{number}"
    return f"{prefix} {number.lstrip('0') if '-' not in number else number}"


def _chamber_prefix(chamber: str, ctx: BillContext) -> str | None:
    chamber = chamber.lower()
    if ctx.state_prefixes:
        default = {"senate": "SB", "house": "HB", "assembly": "AB"}[chamber]
        return ctx.state_prefixes.get(chamber, default)
    if ctx.federal:
        return {"senate": "S.", "house": "H.R."}.get(chamber, "AB")
    return {"senate": "SB", "house": "HB", "assembly": "AB"}[chamber]


def extract_bill_ids(text: str, ctx: BillContext | None = None) -> tuple[str, ...]:
    """All bill identifiers in ``text``, normalized, in order of first appearance."""
    ctx = ctx or BillContext()
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, bill_id: str | None) -> None:
        if bill_id is None or any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        found.append((start, bill_id))

    for m in _FEDERAL_RES.finditer(text):
        add(m.start(), m.end(), f"{m.group(1)}.Res.{int(m.group(2))}")
    for m in _FEDERAL_HR.finditer(text):
        number = m.group(1)
        dotted = "." in m.group(0)[:4]
        if not dotted and _YEARLIKE.match(number) and not ctx.legislative:
            continue
        add(m.start(), m.end(), f"H.R.{int(number)}")
    for m in _COUNCIL.finditer(text):
        add(m.start(), m.end(), f"{ctx.council_prefix or 'CB'} {m.group(1)}")
    if ctx.council_prefix:
        for m in _FILE_NO.finditer(text):
            add(m.start(), m.end(), f"{ctx.council_prefix} {m.group(1)}")
    for m in _CHAMBER_WORDS.finditer(text):
        prefix = _chamber_prefix(m.group(1), ctx)
        if prefix is None:
            continue
        number = m.group(2)
        if prefix.endswith("."):
            bill_id = None if "-" in number else f"{prefix}{int(number)}"
        else:
            bill_id = _state(prefix, number, ctx)
        add(m.start(), m.end(), bill_id)
    for m in _STATE_PREFIXED.finditer(text):
        add(m.start(), m.end(), _state(m.group(1), m.group(2), ctx))
    for m in _DOTTED_PREFIX.finditer(text):
        add(m.start(), m.end(), _state(f"{m.group(1)}B", m.group(2), ctx))
    for m in _LD.finditer(text):
        spaced = m.group(0)[2:3] in (" ", ".")
        if spaced or ctx.legislative:
            add(m.start(), m.end(), f"LD {int(m.group(1))}")
    for m in _SINGLE.finditer(text):
        add(m.start(), m.end(), _single(m.group(1), bool(m.group(2)), m.group(3), m.group(0), ctx))
    found.sort()
    out: list[str] = []
    for _, bill_id in found:
        if bill_id not in out:
            out.append(bill_id)
    return tuple(out)


def _single(letter: str, dotted: bool, number: str, raw: str, ctx: BillContext) -> str | None:
    """``S. 124``, ``S2052``, ``A6787-D``, ``H.4359``: the riskiest forms, so the strictest."""
    versioned = raw.endswith(tuple(f"-{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    if not dotted and not (ctx.legislative and len(number) >= 3) and not versioned:
        return None
    if _YEARLIKE.match(number) and not dotted:
        return None
    state_prefix = {"S": ctx.state_prefixes.get("senate"), "H": ctx.state_prefixes.get("house"),
                    "A": ctx.state_prefixes.get("assembly")}[letter]
    if state_prefix == letter:
        return f"{letter} {int(number)}"
    if letter == "S" and ctx.federal:
        return f"S.{int(number)}"
    if letter == "A" and versioned:
        return f"A {int(number)}"
    return None


def normalize_bill_id(raw: str, ctx: BillContext | None = None) -> str | None:
    """Normalize one identifier as written ("ESSB 6280", "H.R. 3907"); None if it is not one."""
    ctx = ctx or BillContext(legislative=True)
    if not ctx.legislative:
        ctx = BillContext(
            federal=ctx.federal,
            state_prefixes=ctx.state_prefixes,
            year_prefix=ctx.year_prefix,
            year=ctx.year,
            council_prefix=ctx.council_prefix,
            legislative=True,
        )
    ids = extract_bill_ids(raw.strip(), ctx)
    return ids[0] if len(ids) == 1 else None
