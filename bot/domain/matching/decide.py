"""``classify``: a pure, explainable decision about one feed item.

The steps, each driven by the watchlist's vocabulary:
1. find every vocabulary term in the title and summary (one pass, see ``terms``);
2. relevance: the item must be about facial recognition (a topic term, or a landmark case) and
   carry enough policy context (legislation, bans, litigation, enforcement, reports, harm,
   company sales policy), net of contexts that make a mention something else (market
   reports, phone unlock, payments, research, entertainment, product news, deployments);
   a bill's own page (its number as the title), a tracked law named by title and a tracked
   company's pledge news count as policy context; a deployment citing the law it complies
   with does not;
3. the event: the event rule with the strongest evidence (title over summary, then order; a
   title's cause after "after" or "amid" is weakest); a company event needs the company to
   act (named before the words, no lawmaker before it);
4. companies, places, bill identifiers, and the tracked pledges and laws the item concerns
   (one Congress's version of a bill when the item names the Congress or the bill's year).

Nothing here reads a clock, a file or the network.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from bot.domain.billids import BillContext, extract_bill_ids, might_have_bill_id
from bot.domain.matching.compiled import Compiled, compiled
from bot.domain.matching.outlet import headline
from bot.domain.matching.terms import Hit
from bot.domain.types import FeedItem, Kind, Match
from bot.domain.watchlist import Law, Watchlist

__all__ = ["THRESHOLD", "classify", "named_congresses"]

# Net policy score at which an item about facial recognition counts as policy news.
THRESHOLD = 2.0
_STRONG_LEGAL = frozenset({"legislation", "litigation", "enforcement", "harm"})
# Legal action over a product feature built on faces (photo tagging, face grouping).
_FEATURE_LEGAL = frozenset({"litigation", "enforcement"})
_LAW_MENTION_PENALTY = 2.5
_LEGAL_ACTION = frozenset({"litigation", "enforcement", "report", "harm"})
# Families that make an item lawmaking news.
_LAWMAKING = frozenset({"legislation", "ban", "law"})
_STAGE_EVENTS = frozenset({
    "bill_introduced", "committee_passed", "bill_passed_chamber", "bill_passed", "bill_signed",
    "law_enacted", "ban_passed", "veto_threat", "bill_failed",
})
_PLEDGE_EVENTS = (
    "moratorium_lifted", "sales_resumed", "breach_reported", "scope_narrowed",
    "pledge_reaffirmed", "pledge_superseded", "moratorium_extended",
)
_COMPANY_EVENTS = frozenset({
    "moratorium_extended", "moratorium_announced", "product_exit", "product_restriction",
    "sales_to_police", "shareholder_vote", "moratorium_expired", "moratorium_lifted",
    "sales_resumed", "breach_reported", "scope_narrowed", "pledge_reaffirmed",
    "pledge_superseded",
})
# Events a company does itself: its name comes before the words that say so (a sale has
# two sides: "UK signs contract with IBM" is IBM's sale).
_COMPANY_ACTS = frozenset({
    "lobbying", "product_restriction", "product_exit", "moratorium_announced",
})
# Words after which a title gives a cause, not its news.
_CAUSES = frozenset({"after", "amid", "despite", "following"})
_OTHER_MORATORIA_PENALTY = 2.5
_OTHER_TOPIC_PENALTY = 1.5
_TITLE_POLICY_BONUS = 0.5
_COMPANY_POLICY_BONUS = 0.5
# Publication times before this year mean "unknown" (callers without a date pass the epoch).
_EARLIEST_NEWS = 1990
_CONGRESS = re.compile(r"(\d{3})(?:st|nd|rd|th)")
_DIGITS = re.compile(r"\d+")
# "117th Congress", "(117th)", "118th and 119th Congresses"; "117_HR_3907" (trackers);
# "BILLS-117s2052is" (GovInfo). An ordinal alone ("its 100th day") names no Congress.
_CONGRESS_NAMED = re.compile(
    r"\b(1\d\d)(?:st|nd|rd|th)(?=\s+Congress|\)|\s+and\s+1\d\d(?:st|nd|rd|th)\s+Congress)"
    r"|\b(1\d\d)_(?:HR|S|HRES|SRES)_\d|\bBILLS-(1\d\d)(?:hr|s)\d",
    re.IGNORECASE,
)
# "Act of 2021", "bill of 2020", "the 2023 version": a bill's year says its Congress.
_BILL_YEAR = re.compile(r"\b(?:act|bill) of ((?:19|20)\d\d)\b|\b((?:19|20)\d\d) version\b",
                        re.IGNORECASE)


class _Evidence:
    """The terms found in one item, by group, with family lookups precomputed."""

    __slots__ = ("families_of", "groups", "title_len", "words")

    def __init__(self, groups: dict[str, list[Hit]], title_len: int, words: list[str]) -> None:
        self.groups = groups
        self.title_len = title_len
        self.words = words
        self.families_of: dict[str, dict[str, list[Hit]]] = {}
        for group, hits in groups.items():
            prefix, _, name = group.partition(".")
            self.families_of.setdefault(prefix, {})[name] = hits

    def has(self, group: str) -> bool:
        return group in self.groups

    def in_title(self, group: str) -> bool:
        limit = self.title_len
        return any(pos < limit for _, pos, _ in self.groups.get(group, ()))

    def families(self, prefix: str) -> dict[str, list[Hit]]:
        return dict(self.families_of.get(prefix, {}))


def _first(hits: list[Hit]) -> int:
    return min(pos for _, pos, _ in hits)


def _reason(ev: _Evidence, group: str, hits: list[Hit]) -> str:
    """``group: the words that fired`` (as they read in the item, lower-cased)."""
    words = ev.words
    said = dict.fromkeys(" ".join(words[start:end]) or term for term, start, end in hits)
    return f"{group}: {', '.join(list(said)[:4])}"


def classify(item: FeedItem, watchlist: Watchlist) -> Match:
    """Whether ``item`` is facial-recognition policy news, of what kind, and what it concerns."""
    c = compiled(watchlist)
    title = headline(item.title)
    if title != item.title:
        item = replace(item, title=title)  # the outlet's name is no evidence
    ev = _Evidence(*c.index.scan(item.title, item.summary))
    reasons: list[str] = []

    policy = ev.families("policy")
    negative = _outside(ev.families("neg"), policy.get("company_policy", ()))
    companies = _companies(ev)
    tracked = tuple(x for x in companies if x != "other")

    if tracked and "company_policy" not in policy:
        # A tracked company's own pledge news (lifted, resumed, breached, narrowed,
        # reaffirmed) is company policy news.
        signal = [h for e in _PLEDGE_EVENTS for h in ev.groups.get(f"event.{e}", ())]
        if signal:
            policy["company_policy"] = signal
    places = _jurisdictions(ev, c)
    published = item.published.date() if item.published.year >= _EARLIEST_NEWS else None
    bill_ids = _bill_ids(item, ev, c, places, published)
    bill_page = bool(bill_ids) and _bill_id_in_title(item.title, bill_ids)
    if "legislation" not in policy:
        named_laws = [h for hits in ev.families_of.get("law", {}).values() for h in hits]
        if named_laws:
            # A tracked law named by its title ("the Body Camera Accountability Act").
            policy["legislation"] = named_laws
        elif bill_page:
            # A bill's own page: its number is the title ("SB 6280", "S.681 - 118th Congress").
            policy["legislation"] = []
            reasons.append("rule: a bill number in the title")
    tracked_page = bill_page and any(b in c.laws_by_bill_id for b in bill_ids)
    relevant, raw = _relevance(ev, c, policy, negative, tracked, reasons, tracked_page)
    if bill_ids:
        reasons.append(f"bill ids: {', '.join(bill_ids)}")
    if any(b.startswith(("S.", "H.R.", "H.Res", "S.Res")) for b in bill_ids):
        places = _with_federal(places)

    if not relevant:
        return Match(
            relevant=False, kind="other", companies=companies, jurisdictions=places,
            bill_ids=bill_ids, event="none", score=_squash(raw), reasons=tuple(reasons),
        )

    # Company events and kinds hold for any company, tracked or not, named or not (a vendor
    # that stops selling to police is company policy news too).
    # "Vendor discontinues face analysis": a company the title does not name still acts.
    actors = companies or (("other",) if ev.in_title("company_word") else ())
    event, kind = _event(ev, c, policy, actors, reasons)
    if bill_page and kind != "legislation":
        # A bill's page that mentions penalties or suits is still the bill.
        event, kind = "none", "legislation"
        reasons.append("kind: a bill's page")
    laws = _laws(f"{item.title}\n{item.summary}", ev, c, bill_ids, places, published, reasons,
                 kind)
    if not bill_ids and event in _STAGE_EVENTS:
        bill_ids = _inferred_bill_ids(ev, laws, reasons)
    pledges = _pledges(ev, c, tracked, kind, event)
    places = _places_from_links(c, places, laws, pledges)
    if pledges:
        reasons.append(f"pledges: {', '.join(pledges)}")
    if pledges or laws:
        # What a reader knows them by, for the alert's one-line reason.
        named = dict.fromkeys(c.names[x] for x in (*pledges, *(law.id for law in laws)))
        reasons.append(f"about: {'; '.join(named)}")
    return Match(
        relevant=True, kind=kind, companies=companies, jurisdictions=places, bill_ids=bill_ids,
        event=event, score=_squash(raw), reasons=tuple(reasons),
        pledges=pledges, bills=tuple(law.id for law in laws),
    )


def _places_from_links(
    c: Compiled, places: tuple[str, ...], laws: tuple[Law, ...], pledges: tuple[str, ...]
) -> tuple[str, ...]:
    """Places the item names, completed from the tracked laws and pledges it concerns."""
    if any(law.level == "federal" for law in laws):
        places = _with_federal(places)
    if not places:
        # "Governor signs SB 6280": the tracked bill says where.
        places = tuple(dict.fromkeys(law.jurisdiction for law in laws))
    if not places:
        # A statement about a pledge made to one jurisdiction (a national law, Congress).
        codes = (c.pledge_jurisdiction.get(p) for p in pledges)
        places = tuple(dict.fromkeys(code for code in codes if code))
    return places


def _squash(raw: float) -> float:
    """Net score to 0..1, 0.5 at the threshold."""
    return round(1.0 / (1.0 + math.exp(-(raw - THRESHOLD))), 4)


def _companies(ev: _Evidence) -> tuple[str, ...]:
    found = ev.families("company")
    if "other" in found and len(found) > 1 and not ev.in_title("company.other"):
        # An outside name in the summary of a story about a tracked company is a mention,
        # not the subject.
        del found["other"]
    order = sorted(found, key=lambda cid: _first(found[cid]))
    return tuple(order)


def _relevance(
    ev: _Evidence,
    c: Compiled,
    policy: dict[str, list[Hit]],
    negative: dict[str, list[Hit]],
    tracked: tuple[str, ...],
    reasons: list[str],
    tracked_page: bool = False,
) -> tuple[bool, float]:
    strong = ev.has("topic.strong")
    if tracked_page and not strong:
        # "H.R.1280 - George Floyd Justice in Policing Act": a tracked bill's own page.
        strong = True
        reasons.append("rule: the page of a tracked bill")
    landmark = ev.has("topic.landmark")
    if not (strong or landmark or ev.has("topic.weak") or ev.has("topic.feature")):
        # Most of a real feed: nothing about faces or biometrics at all.
        reasons.append("rule: not about facial recognition")
        return False, 0.0
    for group in ("topic.strong", "topic.landmark", "topic.weak"):
        if ev.has(group):
            reasons.append(_reason(ev, group, ev.groups[group]))
    for fam, hits in sorted(policy.items()):
        if hits:
            reasons.append(_reason(ev, f"policy.{fam}", hits))
    for fam, hits in sorted(negative.items()):
        reasons.append(_reason(ev, f"negative.{fam}", hits))
    for group in ("other_moratoria", "other_topics"):
        if ev.has(group):
            reasons.append(_reason(ev, group, ev.groups[group]))

    if not strong and ev.has("topic.feature") and _FEATURE_LEGAL.intersection(policy):
        # Suits and orders over photo tagging or face grouping are about facial recognition
        # even when they never say so.
        strong = True
        reasons.append(_reason(ev, "topic.feature", ev.groups["topic.feature"]))
    score = sum(c.policy_weights[f] for f in policy)
    in_title = any(ev.in_title(f"policy.{f}") for f in policy)
    if in_title:
        score += _TITLE_POLICY_BONUS
    legal_title = any(ev.in_title(f"policy.{f}") for f in _STRONG_LEGAL)
    stops = ev.in_title("policy.company_policy")
    if ev.has("law_mention") and not stops and (not legal_title or "deployment" in negative):
        # "as state law requires", "complies with privacy regulations": a deployment that
        # cites a law, not news about the law (a program ended "following a state ban" is).
        score -= _LAW_MENTION_PENALTY
        reasons.append(_reason(ev, "law_mention", ev.groups["law_mention"]))
    legal = _STRONG_LEGAL.intersection(policy)
    vetoes = c.veto_families.intersection(negative)
    # A bill or a lawsuit against a deployment still talks about the deployment: a legal
    # context halves the negatives, and one in the title (a store sued, a retailer fined)
    # makes the legal action the story.
    factor = 1.0
    if legal:
        factor = 0.0 if any(ev.in_title(f"policy.{f}") for f in legal) else 0.5
    company_acts = _company_acts_on_faces(ev, policy)
    if company_acts:
        # "Photo app maker removes face recognition": the company's own policy on its face
        # product is the story, not the consumer product it is in.
        factor = 0.0
    score -= factor * sum(c.negative_weights[f] for f in negative)
    if ev.has("other_moratoria"):
        score -= _OTHER_MORATORIA_PENALTY
    if ev.has("other_topics"):
        score -= _OTHER_TOPIC_PENALTY
    if (tracked or ev.in_title("company_word")) and "company_policy" in policy:
        # A company, named or not, stating its own policy.
        score += _COMPANY_POLICY_BONUS

    if not (strong or landmark):
        # Biometric-privacy wording counts only with a legal context strong enough, or
        # aimed at a tracked company.
        needed = THRESHOLD if tracked else THRESHOLD + 1.5
        weak_ok = (
            ev.has("topic.weak") and legal and score >= needed
            and not vetoes and not ev.has("other_topics")
        )
        if weak_ok:
            reasons.append("rule: biometric terms with a strong legal context")
            return True, score
        reasons.append("rule: not about facial recognition")
        return False, score
    if vetoes and not legal and company_acts:
        reasons.append("rule: a company's own policy on its face product")
        vetoes = frozenset()
    if vetoes and not legal:
        reasons.append(f"rule: {', '.join(sorted(vetoes))} context without a legal signal")
        return False, score
    if score < THRESHOLD:
        reasons.append(f"rule: policy score {score:.1f} below {THRESHOLD}")
        return False, score
    reasons.append(f"rule: policy score {score:.1f}")
    return True, score


def _jurisdictions(ev: _Evidence, c: Compiled) -> tuple[str, ...]:
    found = ev.families("jur")
    for code, hits in ev.families_of.get("city", {}).items():
        parent = c.jurisdictions[code].parent
        if parent in found and code not in found:
            found[code] = hits
    if not found:
        return ()
    codes = sorted(found, key=lambda code: _first(found[code]))
    parents = {c.jurisdictions[code].parent for code in codes} - {None}
    specific = [code for code in codes if code not in parents]
    if len(specific) > 1 and "US-federal" in specific:
        # A state or city story that mentions a federal agency is still a state or city story.
        specific.remove("US-federal")
    return tuple(specific)


def _with_federal(places: tuple[str, ...]) -> tuple[str, ...]:
    return places if "US-federal" in places else ("US-federal", *places)


def _state_of(code: str, c: Compiled) -> str | None:
    while code in c.jurisdictions:
        jur = c.jurisdictions[code]
        if jur.bill_prefixes or (code.startswith("US-") and code.count("-") == 1):
            return code if code != "US-federal" else None
        if jur.parent is None:
            return None
        code = jur.parent
    return None


def _bill_ids(
    item: FeedItem,
    ev: _Evidence,
    c: Compiled,
    places: tuple[str, ...],
    published: date | None,
) -> tuple[str, ...]:
    text = f"{item.title}\n{item.summary}"
    if not might_have_bill_id(text):
        return ()  # the common case, decided before building a context
    state = next((s for s in (_state_of(p, c) for p in places) if s), None)
    state_vocab = c.jurisdictions.get(state) if state else None
    council = next(
        (c.jurisdictions[p].council_bill_prefix for p in places
         if p in c.jurisdictions and c.jurisdictions[p].council_bill_prefix),
        None,
    )
    ctx = BillContext(
        federal=state is None or "US-federal" in places,
        state_prefixes=dict(state_vocab.bill_prefixes) if state_vocab else {},
        year_prefix=bool(state_vocab and state_vocab.session_prefix_from_year),
        year=published.year if published else None,
        council_prefix=council,
        legislative=ev.has("policy.legislation"),
    )
    return extract_bill_ids(text, ctx)


def _event(
    ev: _Evidence,
    c: Compiled,
    policy: dict[str, list[Hit]],
    named: tuple[str, ...],
    reasons: list[str],
) -> tuple[str, Kind]:
    present = ev.families_of.get("event", {})
    unless = ev.families_of.get("unless", {})
    best: tuple[int, int, int] | None = None
    chosen = signal = None
    title_len = ev.title_len
    cause = next((i for i, w in enumerate(ev.words[:title_len]) if w in _CAUSES), title_len)
    # "Vendor halts sales ... after wrongful arrests": the company's act is the news.
    acts_first = any(pos < cause for _, pos, _ in policy.get("company_policy", ()))
    # A title that opens with the company ("Amazon proposes guidelines for lawmakers"): its
    # stand outranks what the same words would mean from a lawmaker (a bill proposed).
    opens_with_company = any(
        pos == 0 for group, found in ev.groups.items()
        if group.startswith("company.") for _, pos, _ in found
    )
    for order, rule in enumerate(c.events):
        hits = present.get(rule.name)
        if hits is None:
            continue
        if rule.unless and rule.name in unless:
            continue
        if rule.needs_any and not policy.keys() & set(rule.needs_any):
            continue
        if rule.company and not named:
            continue
        if rule.name in _COMPANY_ACTS and _company_is_object(ev, hits):
            continue
        if rule.company and rule.name not in _PLEDGE_EVENTS and _lawmakers_act(ev):
            continue
        if rule.kind == "company_statement" and not rule.company and _lawmakers_lead(ev):
            # "California lawmakers extend ban on face recognition in body cameras": the
            # same words from lawmakers, with no company in the title, are theirs.
            continue
        if rule.unless_families and policy.keys() & set(rule.unless_families):
            continue
        weight = _weight(hits, title_len, cause)
        if weight == 0 and acts_first:
            continue
        subject = int(opens_with_company and rule.name == "lobbying" and weight == 2)
        rank = (weight, subject, -order)
        if rule.name in _PLEDGE_EVENTS:
            signal = signal or rule
        if best is None or rank > best:
            best, chosen = rank, rule
    if chosen is not None and chosen.name == "moratorium_announced" and signal is not None:
        # "Amazon's police moratorium on Rekognition to continue": the title names the
        # pledge; what happens to it (extended, lifted...) can be the summary's news.
        chosen = signal
    if chosen is not None:
        reasons.append(_reason(ev, f"event.{chosen.name}", present[chosen.name]))
        return chosen.name, chosen.kind
    if _city_bans(ev, policy):
        # "Somerville Bans Government Use of Facial Recognition": a city or county acting is
        # its council's vote.
        reasons.append("event.ban_passed: a city or county as the subject of a ban")
        return "ban_passed", "legislation"
    kind: Kind
    lawmakers_first = _lawmakers_act(ev)
    if named and "company_policy" in policy and not lawmakers_first:
        kind = "company_statement"
    elif named and "ban" in policy and not _LEGAL_ACTION.union({"legislation"}) & policy.keys():
        # "Amazon restricts Rekognition": a company's restriction, with no lawmaker or court.
        kind = "company_statement"
    elif "company_policy" in policy and not _LEGAL_ACTION.union(_LAWMAKING) & policy.keys():
        # "Dating app ends face-matching feature": company policy words and no lawmaker,
        # court or report; the maker acts even when the title names it only by its product.
        kind = "company_statement"
    elif _LEGAL_ACTION.intersection(policy) and "legislation" not in policy:
        # An order, a suit or a report that mentions a ban is still that order or suit.
        kind = "litigation_or_report"
    elif "legislation" in policy or "ban" in policy or "law" in policy:
        kind = "legislation"
    else:
        kind = "litigation_or_report"
    reasons.append(f"kind from policy families: {kind}")
    return "none", kind


def _weight(hits: list[Hit], title_len: int, cause: int) -> int:
    """How strongly an event's words say what the item reports: in the title before any
    "after", "amid" or "despite" (2), in the summary (1), or only as the title's cause
    ("... withdrawn by its maker after bias audit": the audit is why, not what) (0)."""
    positions = [pos for _, pos, _ in hits]
    if any(pos <= cause for pos in positions):
        return 2
    return 1 if any(pos > title_len for pos in positions) else 0


def _outside(negative: dict[str, list[Hit]], policy: Iterable[Hit]) -> dict[str, list[Hit]]:
    """Negative contexts whose words are not part of a company's policy words ("not to
    deploy" refuses a deployment; it is not one)."""
    spans = [(start, end) for _, start, end in policy]
    if not spans:
        return negative
    kept = {}
    for family, hits in negative.items():
        rest = [h for h in hits if not any(a <= h[1] and h[2] <= b for a, b in spans)]
        if rest:
            kept[family] = rest
    return kept


def _city_bans(ev: _Evidence, policy: dict[str, list[Hit]]) -> bool:
    """Whether the title opens with a city or county followed at once by a ban word."""
    starts = {start for _, start, _ in policy.get("ban", ()) if start < ev.title_len}
    return any(
        start == 0 and end in starts
        for prefix in ("jur", "city")
        for code, hits in ev.families_of.get(prefix, {}).items() if code.count("-") == 2
        for _, start, end in hits
    )


def _company_acts_on_faces(ev: _Evidence, policy: dict[str, list[Hit]]) -> bool:
    """A title in which a company, named or not, states its policy on facial recognition:
    the company first, then its policy words, and the topic in the title too."""
    limit = ev.title_len
    acts = [pos for _, pos, _ in policy.get("company_policy", ()) if pos < limit]
    if not acts or not ev.in_title("topic.strong"):
        return False
    firsts = [
        pos for group, found in ev.groups.items()
        if group.startswith("company") for _, pos, _ in found if pos < limit
    ]
    return bool(firsts) and min(firsts) < min(acts)


def _lawmakers_act(ev: _Evidence) -> bool:
    """Whether lawmakers come before any company in the title ("Senators ask Microsoft to
    explain contracts with police": the senators' news, not the company's)."""
    limit = ev.title_len
    firsts = [
        pos for group, found in ev.groups.items()
        if group.startswith("company") for _, pos, _ in found if pos < limit
    ]
    if not firsts:
        return False
    lawmakers = [pos for _, pos, _ in ev.groups.get("policy.legislation", ()) if pos < limit]
    return bool(lawmakers) and min(lawmakers) < min(firsts)


def _lawmakers_lead(ev: _Evidence) -> bool:
    """Whether the title names lawmakers and no company before them."""
    limit = ev.title_len
    lawmakers = [pos for _, pos, _ in ev.groups.get("policy.legislation", ()) if pos < limit]
    if not lawmakers:
        return False
    firsts = [
        pos for group, found in ev.groups.items()
        if group.startswith("company") for _, pos, _ in found if pos < limit
    ]
    return not firsts or min(lawmakers) < min(firsts)


def _company_is_object(ev: _Evidence, hits: list[Hit]) -> bool:
    """Whether a company event's words in the title come before any company the title names
    ("Attorney general bars police from using Clearview": the company does not act)."""
    limit = ev.title_len
    title_hits = [pos for _, pos, _ in hits if pos < limit]
    if not title_hits:
        return False
    firsts = [
        pos for group, found in ev.groups.items()
        if group.startswith("company") for _, pos, _ in found if pos < limit
    ]
    return bool(firsts) and min(title_hits) < min(firsts)


def _congresses(law: Law) -> set[int]:
    return {int(n) for n in _CONGRESS.findall(law.session or "")}


def _fits_date(law: Law, published: date | None) -> bool:
    """Whether an item published on ``published`` can be about ``law`` (unknown dates fit)."""
    if published is None:
        return True
    congresses = _congresses(law) if law.level == "federal" else set()
    if congresses:
        # A Congress sits two years (from January of odd years); January news may still be
        # about the one that just ended.
        sitting = (published.year - 1789) // 2 + 1
        trailing = sitting - 1 if published.year % 2 == 1 and published.month == 1 else sitting
        return bool({sitting, trailing} & congresses)
    dates = [h.date for h in law.history if h.date]
    if law.introduced_date:
        dates.append(law.introduced_date)
    if not dates:
        return True
    first, last = min(dates), max(dates)
    return first.replace(year=first.year - 1) <= published <= last.replace(year=last.year + 2)


def named_congresses(text: str) -> frozenset[int]:
    """The Congresses a text names: "117th Congress", "117_HR_3907", "BILLS-117s2052is", or
    a bill's year ("Act of 2021", "the 2023 version")."""
    found = {int(next(g for g in m.groups() if g)) for m in _CONGRESS_NAMED.finditer(text)}
    for m in _BILL_YEAR.finditer(text):
        found.add((int(next(g for g in m.groups() if g)) - 1789) // 2 + 1)
    return frozenset(found)


def _fits_congress(law: Law, congresses: frozenset[int]) -> bool:
    if not congresses or law.level != "federal":
        return True
    return bool(_congresses(law) & congresses)


def _laws(
    text: str,
    ev: _Evidence,
    c: Compiled,
    bill_ids: tuple[str, ...],
    places: tuple[str, ...],
    published: date | None,
    reasons: list[str],
    kind: Kind = "legislation",
) -> tuple[Law, ...]:
    chosen: dict[str, Law] = {}
    congresses = named_congresses(text)
    scope = set(places)
    for code in places:
        jur = c.jurisdictions.get(code)
        if jur and jur.parent:
            scope.add(jur.parent)
    for bill_id in bill_ids:
        candidates = c.laws_by_bill_id.get(bill_id, ())
        # "SB 741" is Virginia's 2022 law, not the 2021 one it replaced (a related id there).
        own = [law for law in candidates if bill_id in law.bill_ids]
        for law in own or candidates:
            state_ok = law.level == "federal" or not scope or law.jurisdiction in scope
            if state_ok and _fits_date(law, published) and _fits_congress(law, congresses):
                chosen[law.id] = law
                reasons.append(f"law {law.id}: bill id {bill_id}")
    pinned = {alias for law in chosen.values() for alias in law.aliases}
    named = [
        c.laws_by_id[i] for i in ev.families_of.get("law", ())
        # A number already says which version of a bill reintroduced each Congress.
        if not pinned.intersection(c.laws_by_id[i].aliases)
    ]
    if congresses:
        named = [law for law in named if _fits_congress(law, congresses)]
    dated = [law for law in named if _fits_date(law, published)]
    for law in dated or named:
        chosen.setdefault(law.id, law)
        reasons.append(f"law {law.id}: named")
    for law_id in ev.families_of.get("subject", ()):
        law = c.laws_by_id[law_id]
        if (
            law.jurisdiction in scope
            and _fits_date(law, published)
            and (not bill_ids or any(b in law.all_bill_ids for b in bill_ids))
        ):
            chosen.setdefault(law.id, law)
            reasons.append(f"law {law.id}: subject in {law.jurisdiction}")
    if not chosen and not bill_ids:
        for code in places:
            fitting = [
                law for law in c.laws_by_jurisdiction.get(code, ())
                # A suit or a company's statement in a state is not news of the state's
                # law; a city's entry may be a settlement (Detroit's) and stays.
                if (law.level == "local" or (law.level == "state" and kind == "legislation"))
                and _fits_date(law, published)
            ]
            for law in _latest_begun(fitting, published):
                chosen[law.id] = law
                reasons.append(f"law {law.id}: jurisdiction {law.jurisdiction}")
    return tuple(chosen.values())


def _latest_begun(laws: list[Law], published: date | None) -> list[Law]:
    """Of a place's laws that fit a date, the one begun last by then (news of a state's
    facial-recognition law in 2022 is of its 2022 law, not the 2021 one it replaced)."""
    if published is None or len(laws) < 2:
        return laws

    def begun(law: Law) -> date | None:
        dates = [h.date for h in law.history if h.date]
        if law.introduced_date:
            dates.append(law.introduced_date)
        return min(dates) if dates else None

    started = [(d, law) for law in laws if (d := begun(law)) is not None and d <= published]
    if not started:
        return laws
    last = max(d for d, _ in started)
    return [law for d, law in started if d == last]


def _inferred_bill_ids(ev: _Evidence, laws: tuple[Law, ...], reasons: list[str]) -> tuple[str, ...]:
    """A stage event of a tracked law named by its distinctive subject: that law's own ids."""
    by_subject = [law for law in laws if ev.has(f"subject.{law.id}") and law.bill_ids]
    if len(by_subject) != 1:
        return ()
    law = by_subject[0]
    reasons.append(f"bill ids from {law.id} (subject and stage event)")
    return law.bill_ids


def _pledges(
    ev: _Evidence, c: Compiled, tracked: tuple[str, ...], kind: Kind, event: str
) -> tuple[str, ...]:
    out: list[str] = []
    for company in tracked:
        for pledge_id in c.pledges_by_company.get(company, ()):
            concerned = kind == "company_statement" or event in _COMPANY_EVENTS
            if concerned or ev.has(f"pledge.{pledge_id}"):
                out.append(pledge_id)
    return tuple(out)


def _bill_id_in_title(title: str, bill_ids: tuple[str, ...]) -> bool:
    """Whether the title itself names one of the bills (its number is in the title)."""
    numbers = {n.lstrip("0") for n in _DIGITS.findall(title)}
    return any(
        digits[-1].lstrip("0") in numbers
        for digits in (_DIGITS.findall(bill_id) for bill_id in bill_ids)
        if digits
    )
