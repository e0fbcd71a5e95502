"""The small records the pipeline stages hand to each other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

SourceKind = Literal["news", "legislative", "company", "advocacy"]
Kind = Literal["company_statement", "legislation", "litigation_or_report", "other"]
COMPANY_IDS: tuple[str, ...] = (
    "ibm",
    "amazon",
    "microsoft",
    "google",
    "meta",
    "clearview",
    "axon",
    "other",
)


@dataclass(frozen=True, slots=True)
class BillAction:
    """One legislative action as a source reported it."""

    date: date | None
    text: str
    source_url: str
    # Raw codes from the source: Congress.gov ``type``/``actionCode``, Open States
    # ``classification`` entries, LegiScan ``progress`` event numbers; empty for RSS text.
    codes: tuple[str, ...] = ()
    chamber: str | None = None
    # Which crosswalk reads ``codes``: "congress", "openstates", "legiscan" or
    # "text"; empty means the caller's default.
    source: str = ""


@dataclass(frozen=True, slots=True)
class BillRecord:
    """A bill as a legislative source describes it, with one identity across sources.

    ``key`` is ``us-<congress>-<type>-<number>`` for Congress (``us-117-hr-3907``) and
    ``<state>-<session>-<identifier>`` for states (``us-wa-2020-sb-6280``).
    """

    key: str
    jurisdiction: str  # "US-federal", "US-WA", ...
    session: str
    identifier: str  # normalized display form: "H.R.3907", "S.4084", "SB 6280"
    title: str
    url: str
    actions: tuple[BillAction, ...] = ()
    # LegiScan's numeric ``status`` (1-6) when the source reports one.
    status_code: str | None = None


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One normalized entry from any source: plain text, canonical URL, aware UTC time."""

    feed_id: str
    guid: str
    url: str
    title: str
    summary: str
    published: datetime  # aware, UTC; the first-seen time when the source had none
    source_kind: SourceKind = "news"
    source_name: str = ""  # the outlet, e.g. "Reuters" from a Google News item
    bill: BillRecord | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """What the classifier decided about an item, and why."""

    relevant: bool
    kind: Kind
    companies: tuple[str, ...] = ()
    jurisdictions: tuple[str, ...] = ()
    bill_ids: tuple[str, ...] = ()
    event: str = "none"
    score: float = 0.0
    reasons: tuple[str, ...] = ()
    pledges: tuple[str, ...] = ()  # tracked pledge ids the item concerns
    bills: tuple[str, ...] = ()  # tracked law/bill ids the item concerns

    def facts(self) -> dict[str, Any]:
        """What was decided, as plain JSON values: the fields stored rows, alert payloads and
        ``classify`` output share (each adds its own: relevance, reasons)."""
        return {
            "kind": self.kind,
            "event": self.event,
            "companies": list(self.companies),
            "jurisdictions": list(self.jurisdictions),
            "bill_ids": list(self.bill_ids),
            "pledges": list(self.pledges),
            "bills": list(self.bills),
            "score": self.score,
        }
