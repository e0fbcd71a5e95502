"""Bill stages: a crosswalk of Congress.gov, Open States, LegiScan and the action text that
GovTrack's and other feeds carry. Pure.

Every source's action becomes a :class:`Step` (a stage, or a chamber passage); the stage is
folded from the steps in date order. An action nobody recognises moves nothing: the stage is
never guessed upward.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal, get_args

from bot.domain.types import BillAction, BillRecord
from bot.domain.watchlist import HistoryEntry, Law

Stage = Literal[
    "introduced",
    "in_committee",
    "reported",
    "passed_one_chamber",
    "passed_both",
    "sent_to_executive",
    "enacted",
    "vetoed",
    "failed",
    "withdrawn",
    "expired",
]
STAGES: tuple[Stage, ...] = get_args(Stage)
# How far along a bill is; the ends that stop it (vetoed, failed, withdrawn, expired) are
# not ranks: they hold until a later action moves the bill past its best rank.
RANK: dict[str, int] = {
    "introduced": 0,
    "in_committee": 1,
    "reported": 2,
    "passed_one_chamber": 3,
    "passed_both": 4,
    "sent_to_executive": 5,
    "enacted": 6,
}
STOPPED: frozenset[str] = frozenset({"vetoed", "failed", "withdrawn", "expired"})
# A chamber passage is folded into passed_one_chamber / passed_both by counting chambers.
PASSAGE = "passage"
StepKind = Literal[
    "effective",
    "replaced",
    "partly_reversed",
    "introduced",
    "in_committee",
    "reported",
    "passage",
    "passed_one_chamber",
    "passed_both",
    "sent_to_executive",
    "enacted",
    "vetoed",
    "failed",
    "withdrawn",
    "expired",
]


@dataclass(frozen=True, slots=True)
class Step:
    kind: StepKind
    chamber: str | None = None


@dataclass(frozen=True, slots=True)
class StageResult:
    stage: Stage | None
    date: date | None = None
    action: BillAction | None = None
    unknown: tuple[BillAction, ...] = field(default=())


# --- Congress.gov ---------------------------------------------------------------------------

# Library of Congress action codes (the "sourceSystem: Library of Congress" rows).
_LOC_CODES: dict[str, Step] = {
    "1000": Step("introduced", "house"),
    "10000": Step("introduced", "senate"),
    "Intro-H": Step("introduced", "house"),
    "Intro-S": Step("introduced", "senate"),
    "5000": Step("reported", "house"),
    "14000": Step("reported", "senate"),
    "8000": Step("passage", "house"),
    "17000": Step("passage", "senate"),
    "9000": Step("failed", "house"),
    "18000": Step("failed", "senate"),
    "28000": Step("sent_to_executive"),
    "29000": Step("sent_to_executive"),
    "31000": Step("vetoed"),
    "36000": Step("enacted"),
    "E40000": Step("enacted"),
}
_CONGRESS_TYPES: dict[str, Step] = {
    "BecameLaw": Step("enacted"),
    "Veto": Step("vetoed"),
}


def congress_step(action: BillAction) -> Step | None:
    """``codes`` holds Congress.gov's ``type`` and ``actionCode``."""
    for code in action.codes:
        if code in _LOC_CODES:
            return _LOC_CODES[code]
    for code in action.codes:
        if code in _CONGRESS_TYPES:
            return _CONGRESS_TYPES[code]
    step = text_step(action.text, chamber=action.chamber)
    if step is not None:
        return step
    if "IntroReferral" in action.codes or "Committee" in action.codes:
        return Step("in_committee") if _REFERRED.search(action.text) else None
    return None


# --- Open States ----------------------------------------------------------------------------

_OPENSTATES: dict[str, StepKind] = {
    "introduction": "introduced",
    "filing": "introduced",
    "referral-committee": "in_committee",
    "committee-passage": "reported",
    "committee-passage-favorable": "reported",
    "committee-failure": "failed",
    "passage": "passage",
    "failure": "failed",
    "withdrawal": "withdrawn",
    "executive-receipt": "sent_to_executive",
    "executive-signature": "enacted",
    "became-law": "enacted",
    "executive-veto": "vetoed",
    "veto-override-passage": "enacted",
}
# Strongest first: one action may carry several classifications.
_OPENSTATES_ORDER = (
    "became-law",
    "executive-signature",
    "veto-override-passage",
    "executive-veto",
    "executive-receipt",
    "withdrawal",
    "failure",
    "committee-failure",
    "passage",
    "committee-passage-favorable",
    "committee-passage",
    "referral-committee",
    "introduction",
    "filing",
)


def openstates_step(action: BillAction) -> Step | None:
    """``codes`` holds the action's ``classification`` list; ``chamber`` its organization's
    classification (``lower``/``upper``)."""
    for name in _OPENSTATES_ORDER:
        if name in action.codes:
            return Step(_OPENSTATES[name], action.chamber)
    return text_step(action.text, chamber=action.chamber)


# --- LegiScan -------------------------------------------------------------------------------

# ``progress`` events 1-12 and ``status`` 1-6 share the low numbers.
_LEGISCAN: dict[str, StepKind] = {
    "1": "introduced",
    "2": "passed_one_chamber",  # engrossed
    "3": "passed_both",  # enrolled
    "4": "enacted",  # passed
    "5": "vetoed",
    "6": "failed",
    "7": "enacted",  # veto override
    "8": "enacted",  # chaptered
    "9": "in_committee",  # referred
    "10": "reported",  # report pass
    # A do-not-pass report is one committee's view, not the bill's end.
    "11": "in_committee",
}


def legiscan_step(action: BillAction) -> Step | None:
    """``codes`` holds a ``progress`` event number, when the row came from ``progress``."""
    for code in action.codes:
        if code in _LEGISCAN:
            return Step(_LEGISCAN[code])
    return text_step(action.text, chamber=action.chamber)


def legiscan_status_stage(status: str | None) -> Stage | None:
    """The stage LegiScan's top-level ``status`` (1-6) states by itself."""
    kind = _LEGISCAN.get(status or "")
    return kind if kind in RANK or kind in STOPPED else None  # type: ignore[return-value]


# --- Action text (GovTrack RSS, news, any source without codes) ------------------------------

_F = re.IGNORECASE
_TEXT_RULES: tuple[tuple[re.Pattern[str], StepKind], ...] = (
    (
        re.compile(r"\bveto(?:es)? (?:was )?overridden|\boverr(?:ode|ide) (?:the )?veto", _F),
        "enacted",
    ),
    (re.compile(r"\b(?:pocket[- ])?vetoed\b|\bveto message\b", _F), "vetoed"),
    (
        re.compile(
            r"\bbecame (?:public |private )?law\b|\bsigned (?:into law )?by (?:the )?"
            r"(?:president|governor)\b(?! pro tem)|\bchaptered\b|\bapproved by (?:the )?governor"
            r"|\benacted\b|\bpublic law no\b|\blaw without (?:the )?(?:governor's )?signature",
            _F,
        ),
        "enacted",
    ),
    (
        re.compile(
            r"\bpresented to (?:the )?(?:president|governor)|\b(?:sent|delivered|transmitted) "
            r"to (?:the )?governor|\bto governor\b|\benrolled and presented",
            _F,
        ),
        "sent_to_executive",
    ),
    (re.compile(r"\bwithdrawn\b|\bwithdrawal of\b", _F), "withdrawn"),
    (
        re.compile(
            r"\bfailed (?:of |to )?pass(?:age)?\b|\bdefeated\b|\bdied in committee\b"
            r"|\bindefinitely postponed\b|\bnot passed\b",
            _F,
        ),
        "failed",
    ),
    (
        re.compile(r"\bdied (?:at|upon) (?:the )?(?:end|adjournment)|\bsine die\b.*\bdied\b", _F),
        "expired",
    ),
    (
        re.compile(
            r"\bpassed/agreed to in (?:the )?(house|senate)\b|\bpassed (?:the )?"
            r"(house|senate|assembly)\b|\b(house|senate|assembly) passed\b"
            r"|\bthird reading,? (?:final )?passed\b|\bpassed (?:third|3rd) reading\b"
            r"|\bon passage passed\b",
            _F,
        ),
        "passage",
    ),
    (
        re.compile(
            r"\breported (?:favorabl[ey]|with(?:out)? amendment|by committee|to (?:the )?"
            r"(?:house|senate))|\bordered to be reported\b|\bdo pass\b|\breported out of\b",
            _F,
        ),
        "reported",
    ),
    (
        re.compile(r"\breferred to (?:the )?(?:house |senate )?(?:committee|subcommittee)", _F),
        "in_committee",
    ),
    (
        re.compile(
            r"\bintroduced\b|\bprefiled\b|\bread (?:the )?first time\b|\bfirst reading\b", _F
        ),
        "introduced",
    ),
)
_REFERRED = re.compile(r"\breferred to\b", _F)
_CHAMBER = re.compile(r"\b(house|senate|assembly)\b", _F)
_CHAMBER_NAMES = {"lower": "house", "upper": "senate", "assembly": "house"}


def text_step(text: str, *, chamber: str | None = None) -> Step | None:
    for pattern, kind in _TEXT_RULES:
        match = pattern.search(text)
        if match is None:
            continue
        if kind == "passage":
            named = next((g for g in match.groups() if g), None) or _first_chamber(text)
            return Step("passage", _chamber(named or chamber))
        return Step(kind, _chamber(chamber))
    return None


def _first_chamber(text: str) -> str | None:
    found = _CHAMBER.search(text)
    return found.group(1) if found else None


def _chamber(name: str | None) -> str | None:
    if name is None:
        return None
    name = name.lower()
    return _CHAMBER_NAMES.get(name, name)


# --- Folding --------------------------------------------------------------------------------


# --- The fact sheet's history events ---------------------------------------------------------

# Each event name in the shipped history: the step it is, or None for a note (hearings,
# follow-up bills...). A test checks every shipped name is listed, so a new one forces a
# decision. How a law stands is folded from these by :func:`law_standing`.
FACT_STEPS: dict[str, Step | None] = {
    "prefiled": Step("introduced"),
    "filed": Step("introduced"),
    "introduced": Step("introduced"),
    "introduced_house": Step("introduced", "house"),
    "introduced_senate": Step("introduced", "senate"),
    "reintroduced_house": Step("introduced", "house"),
    "introduced_and_referred": Step("in_committee"),
    "introduced_committee": Step("in_committee"),
    "hearing_testimony": Step("in_committee"),
    "reported": Step("reported"),
    "committee_approved": Step("reported"),
    "passed_house": Step("passage", "house"),
    "passed_assembly": Step("passage", "house"),
    "passed_senate": Step("passage", "senate"),
    "passed_legislature": Step("passed_both"),
    "concurrence": Step("passed_both"),
    "reenacted_senate": Step("passed_both"),
    "reenacted_house": Step("passed_both"),
    # A city or county council is a one-chamber body: its approval enacts the ordinance,
    # unless a later signature (the mayor's, the enactment record) dates it.
    "passed_council": Step("enacted", "council"),
    "passed": Step("enacted", "council"),
    "ban_passed": Step("enacted", "council"),
    "ordained": Step("enacted", "council"),
    "passed_first_vote": Step("enacted", "council"),
    "sent_to_governor": Step("sent_to_executive"),
    "signed": Step("enacted"),
    "signed_partial_veto": Step("enacted"),
    "became_law": Step("enacted"),
    "enacted": Step("enacted"),
    "enacted_without_signature": Step("enacted"),
    "final_passage": Step("enacted"),
    "final_adoption": Step("enacted"),
    "mayor_approved": Step("enacted"),
    "approved_by_voters": Step("enacted"),
    "adopted": Step("enacted"),
    # In force from: not a passage date. A law seen only in force is enacted, undated.
    "effective": Step("effective"),
    "private_ban_effective": Step("effective"),
    "entered_into_force": Step("effective"),
    "prohibition_applies": Step("effective"),
    "expired": Step("expired"),
    "sunset": Step("expired"),
    # Another instrument replaced or partly reversed the law; a signing after it is the
    # rollback's, not the law's.
    "rolled_back_by_sb741": Step("replaced"),
    "ban_partially_reversed": Step("partly_reversed"),
    "stalled_senate": None,
    "returned_with_amendment": None,
    "governor_amendment_adopted": None,
    "ceremonial_signing": None,
    "amended_exception": None,
    "followup_bill_reported": None,
    "followup_bill_filed": None,
    "renewal_bill_introduced": None,
    "renewal_bill_passed_assembly": None,
    "renewal_bill_inactive": None,
    "report_released": None,
    "ban_by_determination": None,
    "school_ban_scheduled_repeal": None,
    "rollback_introduced": None,
    "guardrails_passed": None,
    "live_fr_alerts_paused": None,
    "authorization_proposal_reported": None,
    "public_comment": None,
    "lawsuit_filed": None,
    "settled": None,
}
# The same measure brought back in a later session: its stage starts over.
_RESTARTS = frozenset({"reintroduced_house"})


def text_only_step(action: BillAction) -> Step | None:
    return text_step(action.text, chamber=action.chamber)


STEPPERS: dict[str, Callable[[BillAction], Step | None]] = {
    "congress": congress_step,
    "openstates": openstates_step,
    "legiscan": legiscan_step,
    "text": text_only_step,
}


@dataclass(frozen=True, slots=True)
class Transition:
    """The bill moved to ``stage`` by ``action``."""

    stage: Stage
    action: BillAction


def stage_history(
    actions: Iterable[BillAction], *, source: str, start: Stage | None = None
) -> tuple[list[Transition], list[BillAction]]:
    """Every change of stage in date order, and the actions nobody recognised.

    Actions come oldest first (as the adapters give them); same-day actions keep that order.
    """
    stepper = STEPPERS[source]
    ordered = sorted(actions, key=lambda action: action.date or date.min)
    stage: Stage | None = start
    best = RANK.get(start or "", -1)
    chambers: set[str] = set()
    transitions: list[Transition] = []
    unknown: list[BillAction] = []
    for action in ordered:
        step = (STEPPERS.get(action.source) or stepper)(action)
        if step is None:
            unknown.append(action)
            continue
        moved = _advance(stage, best, _apply(step, chambers))
        if moved is not None:
            stage, best = moved, max(best, RANK.get(moved, -1))
            transitions.append(Transition(moved, action))
    return transitions, unknown


def derive_stage(
    actions: Iterable[BillAction], *, source: str, start: Stage | None = None
) -> StageResult:
    """The stage after these actions; ``start`` when none of them moves the bill."""
    transitions, unknown = stage_history(actions, source=source, start=start)
    if not transitions:
        return StageResult(start, unknown=tuple(unknown))
    last = transitions[-1]
    return StageResult(last.stage, last.action.date, last.action, tuple(unknown))


def _apply(step: Step, chambers: set[str]) -> Stage:
    if step.kind != PASSAGE:
        if step.kind == "passed_both":
            chambers.update({"house", "senate"})
        return step.kind  # type: ignore[return-value]
    chambers.add(step.chamber or f"chamber{len(chambers) + 1}")
    return "passed_both" if len(chambers) >= 2 else "passed_one_chamber"


def _advance(current: Stage | None, best: int, new: Stage) -> Stage | None:
    """The next stage, or None when ``new`` does not move the bill."""
    if new in STOPPED:
        if current == new or (current == "enacted" and new != "expired"):
            return None  # an enacted law can still sunset, but not fail or be withdrawn
        return new
    if RANK[new] > best:
        return new
    return None


def is_progress(old: Stage | None, new: Stage | None) -> bool:
    """Whether a change from ``old`` to ``new`` is news (any real change of stage)."""
    return new is not None and new != old


_YEARS = re.compile(r"\b(?:19|20)\d\d\b")
_NUMBERS = re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)?\b")


def tracked_law_for(bill: BillRecord, laws: Iterable[Law]) -> str | None:
    """The tracked law this bill is, by jurisdiction, identifier and session; else None."""
    ident = _compact(bill.identifier)
    for law in laws:
        if law.jurisdiction != bill.jurisdiction or not law.session:
            continue
        if ident not in {_compact(i) for i in law.bill_ids}:
            continue
        if _same_session(bill.session, law.session):
            return law.id
    return None


def _compact(identifier: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", identifier.upper())


def _same_session(record_session: str, law_session: str) -> bool:
    years = set(_YEARS.findall(record_session))
    if years:
        return bool(years & set(_YEARS.findall(law_session)))
    law_numbers = set(_NUMBERS.findall(_YEARS.sub("", law_session)))
    return bool(set(_NUMBERS.findall(record_session)) & law_numbers)


# --- Where a tracked law stands ---------------------------------------------------------------

_ORDINAL = re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)\b")
_KEY_CONGRESS = re.compile(r"^us-(\d{1,3})-")
# The event a stage stands on when a Congress's end, not a source, expired the bill.
CONGRESS_ENDED = "congress_ended"


def congress_end(number: int) -> date:
    """The day Congress ``number`` ended (or ends): January 3 of the year 1789 + 2n since
    the Twentieth Amendment (the 73rd Congress on), March 4 before it."""
    year = 1789 + 2 * number
    return date(year, 1, 3) if number >= 73 else date(year, 3, 4)


def congress_of(jurisdiction: str, session: str | None, key: str = "") -> int | None:
    """The (latest) Congress a federal bill belongs to, from its session or record key."""
    if jurisdiction != "US-federal":
        return None
    found = _KEY_CONGRESS.match(key)
    numbers = [int(n) for n in _ORDINAL.findall(session or "")]
    if not numbers and session and session.strip().isdigit():
        numbers = [int(session)]
    if found:
        numbers.append(int(found.group(1)))
    return max(numbers) if numbers else None


def ended_congress(
    jurisdiction: str, session: str | None, today: date, key: str = ""
) -> int | None:
    """The Congress of a federal bill when it has ended by ``today``; else None."""
    number = congress_of(jurisdiction, session, key)
    return number if number is not None and congress_end(number) <= today else None


@dataclass(frozen=True, slots=True)
class LawChange:
    """Another instrument replaced or partly reversed the law."""

    kind: Literal["replaced", "partly_reversed"]
    entry: HistoryEntry
    # The rollback's own signing, when the sheet records one after it.
    signed: HistoryEntry | None = None


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a law stands, how that is known, and what the sheet says beside it.

    ``basis`` names the events a derived stage or date comes from; ``caveats`` are the
    labels to show beside the stage (derived, sources conflict, unverified...).
    """

    stage: Stage | None
    date: date | None
    source_url: str | None
    event: str | None
    entry: HistoryEntry | None = None
    derived: bool = False
    basis: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()
    in_force: tuple[HistoryEntry, ...] = ()
    change: LawChange | None = None


def law_standing(law: Law, *, today: date) -> Standing:
    """Where a tracked law stands by its shipped, sourced history (and the calendar).

    - a one-chamber body's approval enacts; a later signature by the executive (or the
      enactment record) dates the enactment instead;
    - an in-force date is never a passage date: a law seen only in force is enacted with
      no date, derived from that event;
    - after a rollback or replacement, a signing belongs to the rollback;
    - a federal bill of a Congress that has ended with no enactment is expired on the day
      that Congress ended (derived).
    """
    stage: Stage | None = None
    best = -1
    chambers: set[str] = set()
    at: HistoryEntry | None = None
    by_council = False
    derived_from: list[str] = []
    in_force: list[HistoryEntry] = []
    change: LawChange | None = None
    for entry in law.history:
        step = FACT_STEPS.get(entry.status)
        if step is None or entry.source_url is None:
            continue
        if entry.status in _RESTARTS:
            stage, best, at, by_council, derived_from = None, -1, None, False, []
            chambers.clear()
        if step.kind in ("replaced", "partly_reversed"):
            change = LawChange(step.kind, entry)
            continue
        if change is not None and step.kind == "enacted":
            if change.signed is None:
                change = LawChange(change.kind, change.entry, entry)
            continue
        if step.kind == "effective":
            in_force.append(entry)
            if stage != "enacted" and stage not in STOPPED:
                stage, best, at = "enacted", RANK["enacted"], entry
                derived_from = [f"in force from {entry.when}: {entry.summary}"]
            continue
        if stage == "enacted" and step.kind == "enacted":
            # An executive's signature after a council's approval dates the enactment.
            if by_council and step.chamber != "council" and _later(entry, at):
                at, by_council = entry, False
            continue
        moved = _advance(stage, best, _apply(step, chambers))
        if moved is None:
            continue
        stage, best, at = moved, max(best, RANK.get(moved, -1)), entry
        by_council = step.chamber == "council"
        derived_from = []
    when = at.date if at and not derived_from else None
    source = at.source_url if at else None
    caveats = list(at.caveats) if at else []
    derived = bool(derived_from) or (at is not None and at.verification == "derived")
    pending = [e for e in law.history if e.source_url is None and e.verification == "unverified"]
    if stage == "enacted":
        caveats += [f"{label_of(e.status)} unverified" for e in pending]
    congress = ended_congress(law.jurisdiction, law.session, today)
    if (
        congress is not None
        and stage != "enacted"
        and stage not in ("vetoed", "failed", "withdrawn")
    ):
        end = congress_end(congress)
        event = at.status if at else None
        if stage != "expired":  # the sheet does not say so: the calendar does
            last = at.when if at else "no recorded action"
            derived_from = [f"last recorded action {last}: {at.summary if at else ''}".strip()]
            stage, event = "expired", CONGRESS_ENDED
        derived_from.append(f"the {_nth(congress)} Congress ended on {end.isoformat()}")
        when, derived = end, True
    else:
        event = at.status if at else None
    if derived and "derived" not in caveats:
        caveats.insert(0, "derived")
    return Standing(
        stage=stage,
        date=when,
        source_url=source,
        event=event,
        entry=at,
        derived=derived,
        basis=tuple(derived_from),
        caveats=tuple(caveats),
        in_force=tuple(in_force),
        change=change,
    )


def with_runtime(
    standing: Standing,
    stage: str | None,
    when: date | None,
    source_url: str | None,
    *,
    jurisdiction: str,
    session: str | None,
    key: str,
    today: date,
) -> Standing:
    """The shipped standing, moved on by a stage learned at run time only when that is a
    later step forward: never back to an older stage, never past a Congress's end."""
    if stage not in RANK and stage not in STOPPED:
        return standing
    if standing.stage is not None:
        # A final shipped stage (enacted, or a stop) is not moved by run-time data.
        final = standing.stage == "enacted" or standing.stage in STOPPED
        if final or when is None or standing.date is None or when <= standing.date:
            return standing
    best = RANK.get(standing.stage or "", -1)
    if _advance(standing.stage, best, stage) is None:  # type: ignore[arg-type]
        return standing
    congress = ended_congress(jurisdiction, session, today, key)
    if congress is not None and stage != "enacted" and stage not in STOPPED:
        return standing
    return replace(
        standing,
        stage=stage,  # type: ignore[arg-type]
        date=when,
        source_url=source_url,
        event=None,
        entry=None,
        derived=False,
        basis=(),
        caveats=(),
    )


def bill_standing(
    stage: str | None,
    when: date | None,
    source_url: str | None,
    *,
    jurisdiction: str,
    session: str | None,
    key: str,
    today: date,
) -> Standing:
    """Where a bill seen only in legislative data stands (a finished Congress expires it)."""
    congress = ended_congress(jurisdiction, session, today, key)
    if congress is not None and stage != "enacted" and stage not in STOPPED:
        end = congress_end(congress)
        basis = (
            f"last recorded stage {label_of(stage) if stage else 'unknown'}"
            f" ({when.isoformat() if when else 'undated'})",
            f"the {_nth(congress)} Congress ended on {end.isoformat()}",
        )
        return Standing(
            "expired", end, source_url, None, derived=True, basis=basis, caveats=("derived",)
        )
    return Standing(stage, when, source_url, None)  # type: ignore[arg-type]


def _later(entry: HistoryEntry, than: HistoryEntry | None) -> bool:
    return than is None or than.date is None or (entry.date is not None and entry.date > than.date)


def label_of(name: str) -> str:
    return name.replace("_", " ")


def _nth(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
