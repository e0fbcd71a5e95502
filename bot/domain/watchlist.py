"""The watchlist: tracked pledges and laws with sourced histories, and the matching vocabulary.

Loaded from ``bot/data/watchlist.yaml`` (packaged) and validated at start. The models are
plain, frozen pydantic records so the pledge and bill trackers can read histories directly.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.errors import ConfigError

CompanyId = Literal["ibm", "amazon", "microsoft", "google", "meta", "clearview", "axon", "other"]
Verification = Literal["verified", "derived", "conflict", "unverified"]
Level = Literal["federal", "state", "local", "supranational"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_url(value: str | None) -> str | None:
    if value is not None and not value.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {value!r}")
    return value


class HistoryEntry(_Record):
    """One dated (or undated) status event, exactly as the fact sheet records it."""

    date: date | None
    approx_date: str | None = None
    date_basis: str | None = None
    status: str
    summary: str
    source_url: str | None
    extra_sources: tuple[str, ...] = ()
    verification: Verification
    note: str | None = None
    # Why there is no URL (the sheet read the source but recorded no address).
    source_note: str | None = None

    _url = field_validator("source_url")(_check_url)

    @field_validator("extra_sources")
    @classmethod
    def _urls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for url in value:
            _check_url(url)
        return value

    @model_validator(mode="after")
    def _sourced(self) -> HistoryEntry:
        if self.source_url is None and self.verification != "unverified" and not self.source_note:
            raise ValueError("source_url required (or verification unverified, or a source_note)")
        return self

    @property
    def citable(self) -> bool:
        """Whether this entry may be stated to users (it has a source address)."""
        return self.source_url is not None

    @property
    def caveats(self) -> tuple[str, ...]:
        """Short labels for what the fact sheet marks about this entry, shown beside it."""
        out: list[str] = []
        if self.verification == "derived":
            out.append("derived")
        elif self.verification == "conflict":
            out.append(f"sources conflict: {self.note}" if self.note else "sources conflict")
        elif self.verification == "unverified":
            out.append("unverified")
        if self.date is None and self.approx_date:
            out.append(f"approximate date: {self.approx_date}")
        if self.verification != "conflict" and self.note:
            out.append(self.note)
        return tuple(out)

    @property
    def when(self) -> str:
        """The date as the sheet gives it: exact, approximate, or undated."""
        if self.date is not None:
            return self.date.isoformat()
        return f"~{self.approx_date.split(' ')[0]}" if self.approx_date else "undated"


class Quote(_Record):
    quote: str
    source_url: str
    label: str | None = None

    _url = field_validator("source_url")(_check_url)


class Pledge(_Record):
    """A company's public pledge about facial recognition, with its sourced history."""

    id: str
    company: CompanyId
    company_name: str
    title: str
    products: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    # Where the pledge is addressed (a matching aid: Congress, a national law, a state court).
    jurisdiction: str | None = None
    announced_date: date
    announced_by: str | None = None
    announced_source_url: str
    scope_quote: str | None = None
    scope_quote_source_url: str | None = None
    additional_quotes: tuple[Quote, ...] = ()
    conditions: str | None = None
    conditions_sources: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()
    exceptions_quote: Quote | None = None
    exceptions_purpose: str | None = None
    expiry: str | None = None
    expiry_sources: tuple[str, ...] = ()
    # A real date only where the fact sheet gives one.
    expiry_date: date | None = None
    # Status from the announcement on: "conditional" when it holds until an event (a law).
    announced_status: Literal["active", "conditional"] = "active"
    # An original fixed term stated in the announcement ("a one-year moratorium"), with the
    # source that states it; its end is derived from announced_date, and labelled derived.
    term_months: int | None = Field(default=None, gt=0)
    term_source_url: str | None = None
    # What the sheet's notes say about one fact (a field name): a secondary or weak source.
    caveats: dict[str, str] = Field(default_factory=dict)
    history: tuple[HistoryEntry, ...] = ()

    _url = field_validator("announced_source_url", "scope_quote_source_url")(_check_url)

    @model_validator(mode="after")
    def _sourced(self) -> Pledge:
        if self.scope_quote and not self.scope_quote_source_url:
            raise ValueError("scope_quote needs scope_quote_source_url")
        if self.conditions and not self.conditions_sources:
            raise ValueError("conditions need conditions_sources")
        if self.expiry and not self.expiry_sources:
            raise ValueError("expiry needs expiry_sources")
        if self.term_months and not self.term_source_url:
            raise ValueError("term_months needs term_source_url")
        return self


class Law(_Record):
    """A law, bill, ordinance or regulation, with its sourced history.

    ``source_url`` is the citation for the entry's title, session, bill numbers, sponsors,
    introduction date, exceptions and conditions unless a more specific source is given.
    """

    id: str
    jurisdiction: str  # "US-federal", "US-WA", "US-CA-San Francisco", "EU"
    jurisdiction_name: str
    level: Level
    title: str
    instrument_type: str | None = None
    session: str | None = None
    bill_ids: tuple[str, ...] = ()
    bill_numbers: tuple[str, ...] | None = None
    related_bill_ids: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    introduced_date: date | None = None
    sponsors: tuple[str, ...] | None = None
    scope_quote: str | None = None
    scope_quote_source_url: str | None = None
    exceptions: str | None = None
    conditions: str | None = None
    fr_provisions: str | None = None
    fr_provisions_sources: tuple[str, ...] = ()
    sunset: str | None = None
    expiry: str | None = None
    source_url: str | None = None
    # Facts the sheet read without recording an address: never cited with another source.
    source_notes: dict[str, str] = Field(default_factory=dict)
    # What the sheet or its notes say about one fact (a field name or a bill id): a
    # conflict, a weak source. Shown beside that fact.
    caveats: dict[str, str] = Field(default_factory=dict)
    note: str | None = None
    history: tuple[HistoryEntry, ...] = ()

    _url = field_validator("source_url", "scope_quote_source_url")(_check_url)

    @property
    def verified_existence(self) -> bool:
        """False for an entry the sheet could not confirm exists (no source, no history):
        it is watched for, not listed as a tracked bill."""
        return self.source_url is not None

    @model_validator(mode="after")
    def _sourced(self) -> Law:
        facts = (self.bill_numbers, self.introduced_date, self.sponsors, self.scope_quote,
                 self.exceptions, self.conditions, self.sunset, self.expiry)
        if self.source_url is None and (any(f is not None for f in facts) or self.history):
            raise ValueError("an entry that states facts needs source_url")
        return self

    @property
    def all_bill_ids(self) -> tuple[str, ...]:
        return self.bill_ids + self.related_bill_ids


# --- vocabulary -----------------------------------------------------------------------------


class PolicyFamily(_Record):
    weight: float
    terms: tuple[str, ...]
    cased: tuple[str, ...] = ()


class NegativeFamily(_Record):
    weight: float
    terms: tuple[str, ...]
    # A veto family makes an item irrelevant unless a strong legal signal is also present.
    veto: bool = False


class Topic(_Record):
    strong: tuple[str, ...]
    cased_strong: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    landmark: tuple[str, ...] = ()
    # Product features built on faces (photo tagging, face grouping): about facial
    # recognition only in a legal context.
    feature: tuple[str, ...] = ()


class CompanyVocab(_Record):
    id: CompanyId
    names: tuple[str, ...]
    cased_names: tuple[str, ...] = ()


class EventRule(_Record):
    name: str
    kind: Literal["company_statement", "legislation", "litigation_or_report", "other"]
    terms: tuple[str, ...]
    unless: tuple[str, ...] = ()
    # Policy families of which at least one must be present for the event to apply.
    needs_any: tuple[str, ...] = ()
    # The event needs a tracked company in the item.
    company: bool = False
    # Policy families whose presence rules the event out.
    unless_families: tuple[str, ...] = ()


class JurisdictionVocab(_Record):
    code: str
    names: tuple[str, ...]
    parent: str | None = None
    # Chamber word -> the state's bill prefix ("senate" -> "SB", "assembly" -> "AB").
    bill_prefixes: dict[str, str] = Field(default_factory=dict)
    # Colorado-style ids carry the session year: "SB 25-143".
    session_prefix_from_year: bool = False
    council_bill_prefix: str | None = None
    # Names shared by places in several states ("portland"): they count only when the
    # parent state is named too ("Portland ... the Oregon city council").
    city_names: tuple[str, ...] = ()


class Vocabulary(_Record):
    topic: Topic
    policy: dict[str, PolicyFamily]
    negative: dict[str, NegativeFamily]
    other_moratoria: tuple[str, ...] = ()
    other_topics: tuple[str, ...] = ()
    ai_general: tuple[str, ...] = ()
    # A company that is the subject without being named ("the vendor", "a camera maker").
    company_words: tuple[str, ...] = ()
    # A law cited as what a deployment complies with ("as state law requires").
    law_mentions: tuple[str, ...] = ()
    companies: tuple[CompanyVocab, ...]
    events: tuple[EventRule, ...]
    jurisdictions: tuple[JurisdictionVocab, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Vocabulary:
        families = set(self.policy)
        for rule in self.events:
            unknown = (set(rule.needs_any) | set(rule.unless_families)) - families
            if unknown:
                raise ValueError(f"event {rule.name}: unknown policy families {sorted(unknown)}")
        codes = [j.code for j in self.jurisdictions]
        if len(codes) != len(set(codes)):
            raise ValueError("duplicate jurisdiction codes")
        return self


class Watchlist(BaseModel):
    """The validated watchlist. Matching caches compiled patterns on the instance."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    pledges: tuple[Pledge, ...]
    laws: tuple[Law, ...]
    vocabulary: Vocabulary
    # Compiled matchers, built on first use by bot.domain.matching (not part of the data).
    _compiled: Any = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _unique_ids(self) -> Watchlist:
        ids = [p.id for p in self.pledges] + [law.id for law in self.laws]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate ids: {dupes}")
        return self

    def pledge(self, pledge_id: str) -> Pledge:
        for p in self.pledges:
            if p.id == pledge_id:
                return p
        raise KeyError(pledge_id)

    def law(self, law_id: str) -> Law:
        for law in self.laws:
            if law.id == law_id:
                return law
        raise KeyError(law_id)

    def pledges_of(self, company: str) -> tuple[Pledge, ...]:
        return tuple(p for p in self.pledges if p.company == company)


_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _describe(data: Any, loc: tuple[int | str, ...]) -> str:
    """Name the entry (by its id where it has one) and the field an error points at."""
    entry = "watchlist"
    node = data
    path: list[str] = []
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        node = node[part] if in_dict or in_list else None
        label = None
        if isinstance(node, dict):
            label = node.get("id") or node.get("name") or node.get("code")
        if isinstance(label, str):
            entry = label
            path = []
        else:
            path.append(str(part))
    return f"entry {entry!r}, field {'.'.join(path) or '(entry)'}"


def parse_watchlist(text: str, *, origin: str = "watchlist.yaml") -> Watchlist:
    """Validate watchlist YAML text; errors name the file, the entry id and the field."""
    try:
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader (libyaml's when built)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected a mapping at the top level")
    try:
        return Watchlist.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _describe(data, tuple(first["loc"]))
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ConfigError(f"{origin}: {where}: {first['msg']}{more}") from exc


def load_watchlist(path: Path | None = None) -> Watchlist:
    """Load and validate the watchlist; the packaged ``bot/data/watchlist.yaml`` by default."""
    if path is None:
        text = resources.files("bot").joinpath("data/watchlist.yaml").read_text(encoding="utf-8")
        return parse_watchlist(text, origin="bot/data/watchlist.yaml")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read watchlist: {exc}") from exc
    return parse_watchlist(text, origin=str(path))
