"""Find bill identifiers in free text and write them the one way PledgeWatch compares them.

Federal: ``S.4084``, ``H.R.3907``, ``S.Res.12``, ``H.Res.12`` (no spaces). States: as the state
writes it with one space: ``SB 6280``, ``AB 1215``, ``LD 1585``, ``S 124`` (Vermont),
``A 6787`` (New York), ``SB 22-113`` (Colorado, session year first). Local council bills:
``CB 21-0001``. Trackers' and GovInfo's Congress-prefixed forms (``117_HR_3907``,
``BILLS-117s2052is``) read as the federal number; the classifier reads the Congress.

The same letters mean different things by place ("S. 124" is a Vermont bill in a Vermont
story and a Senate bill in a Congress story), so extraction takes a :class:`BillContext`
that the classifier fills from the places it found.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["BillContext", "extract_bill_ids", "might_have_bill_id", "normalize_bill_id"]


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


_SEP = r"[\s.#-]{0,2}(?:(?i:no)\.?\s?)?"
_NUM = r"(\d{2}-\d{2,4}|\d{1,5})"

# One pass over the text: each alternative is one written form, tried left to right; at the
# same position the earlier alternative wins.
_FORMS = re.compile(
    # Only at the start of a word not glued to a "." or "&" (not "U.S. 12", not "S&P 500"),
    # and only at letters that start some form: cheap rejection for every other position.
    r"(?<![.&])\b(?=[HSACFLEhsacfle])(?:"
    r"(?P<res>[HS])\.?\s?Res\.?\s?(?P<res_n>\d{1,5})\b"
    r"|H(?P<hr_d1>\.?)\s?R(?P<hr_d2>\.?)" + _SEP + r"(?P<hr_n>\d{1,5})\b"
    r"|(?i:council\s+bill|CB)" + _SEP + r"(?P<cb_n>\d{2}-\d{3,4})\b"
    r"|(?i:file\s*(?:\#|no\.?)\s*:?)\s*(?P<file_n>\d{2}-\d{3,4})\b"
    r"|(?P<chamber>(?i:senate|house|assembly))\s+(?i:bill)" + _SEP
    + _NUM.replace("(", "(?P<ch_n>", 1) + r"\b"
    r"|(?:E?2?S)?(?P<prefix>SB|HB|AB|SF|HF|SJR|HJR|AJR|SCR|HCR|ACR)" + _SEP
    + _NUM.replace("(", "(?P<pre_n>", 1) + r"\b"
    r"|(?P<dot>[SHA])\.\s?B\.?\s?(?P<dot_n>\d{1,5})\b"
    r"|L(?P<ld_sep>\.?\s?)D\.?" + _SEP + r"(?P<ld_n>\d{1,5})\b"
    r"|(?P<single>[SAH])(?P<single_dot>\.?)\s?(?P<single_n>\d{1,5})"
    r"(?P<single_v>-[A-Z])?\b(?![.,]\d)"
    r")"
)
# Congress-prefixed forms that trackers and GovInfo use: "117_HR_3907", "BILLS-117s2052is".
_CONGRESS_FORMS = re.compile(
    r"\b1\d\d_(?P<t1>HR|S|HRES|SRES)_(?P<n1>\d{1,5})\b"
    r"|\bBILLS-1\d\d(?P<t2>hr|s|hres|sres)(?P<n2>\d{1,5})[a-z]*\b",
    re.IGNORECASE,
)
_CONGRESS_TYPES = {"hr": "H.R.", "s": "S.", "hres": "H.Res.", "sres": "S.Res."}
_MAYBE = re.compile(r"\d")
_NONZERO = re.compile(r"[1-9]")
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


def might_have_bill_id(text: str) -> bool:
    """False when ``text`` certainly holds no bill identifier (a fast pre-check)."""
    return _MAYBE.search(text) is not None


def extract_bill_ids(text: str, ctx: BillContext | None = None) -> tuple[str, ...]:
    """All bill identifiers in ``text``, normalized, in order of first appearance."""
    if not might_have_bill_id(text):
        return ()
    ctx = ctx or BillContext()
    found: list[tuple[int, str]] = []
    for m in _FORMS.finditer(text):
        bill_id = _normalize(m, ctx)
        if bill_id is not None and _NONZERO.search(bill_id):  # "AB 0" is no bill
            found.append((m.start(), bill_id))
    if "_" in text or "BILLS-" in text:
        for m in _CONGRESS_FORMS.finditer(text):
            kind, number = (m["t1"], m["n1"]) if m["t1"] else (m["t2"], m["n2"])
            found.append((m.start(), f"{_CONGRESS_TYPES[kind.lower()]}{int(number)}"))
    return tuple(dict.fromkeys(bill_id for _, bill_id in sorted(found)))


def _normalize(m: re.Match[str], ctx: BillContext) -> str | None:
    """The normalized identifier for one written form, or None when context rules it out."""
    if m["res"]:
        return f"{m['res']}.Res.{int(m['res_n'])}"
    if m["hr_n"]:
        number = m["hr_n"]
        if not (m["hr_d1"] or m["hr_d2"]) and _YEARLIKE.match(number) and not ctx.legislative:
            return None
        return f"H.R.{int(number)}"
    if m["cb_n"]:
        return f"{ctx.council_prefix or 'CB'} {m['cb_n']}"
    if m["file_n"]:
        return f"{ctx.council_prefix} {m['file_n']}" if ctx.council_prefix else None
    if m["chamber"]:
        prefix = _chamber_prefix(m["chamber"], ctx)
        number = m["ch_n"]
        if prefix is None:
            return None
        if prefix.endswith("."):
            return None if "-" in number else f"{prefix}{int(number)}"
        return _state(prefix, number, ctx)
    if m["prefix"]:
        return _state(m["prefix"], m["pre_n"], ctx)
    if m["dot"]:
        return _state(f"{m['dot']}B", m["dot_n"], ctx)
    if m["ld_n"]:
        return f"LD {int(m['ld_n'])}" if m["ld_sep"] or ctx.legislative else None
    return _single(m["single"], bool(m["single_dot"]), m["single_n"], bool(m["single_v"]), ctx)


def _single(
    letter: str, dotted: bool, number: str, versioned: bool, ctx: BillContext
) -> str | None:
    """``S. 124``, ``S2052``, ``A6787-D``, ``H.4359``: the riskiest forms, so the strictest."""
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
