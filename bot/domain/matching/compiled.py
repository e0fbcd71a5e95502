"""The watchlist's vocabulary compiled into one term index, built once per Watchlist."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from bot.domain.matching.names import law_name, pledge_name
from bot.domain.matching.terms import TermIndex
from bot.domain.watchlist import EventRule, JurisdictionVocab, Law, Watchlist

_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Compiled:
    index: TermIndex
    policy_weights: dict[str, float]
    negative_weights: dict[str, float]
    veto_families: frozenset[str]
    events: tuple[EventRule, ...]
    jurisdictions: dict[str, JurisdictionVocab]
    laws: tuple[Law, ...]
    laws_by_id: dict[str, Law]
    laws_by_jurisdiction: dict[str, tuple[Law, ...]]
    laws_by_bill_id: dict[str, tuple[Law, ...]]
    pledges_by_company: dict[str, tuple[str, ...]]
    pledge_jurisdiction: dict[str, str]
    # Pledge and law ids to the names a reader knows them by.
    names: dict[str, str]


def compiled(watchlist: Watchlist) -> Compiled:
    """The compiled form of ``watchlist``, cached on the instance."""
    # Read the private slot directly: pydantic's attribute lookup for private fields is slow
    # enough to show in the per-item cost.
    private = watchlist.__pydantic_private__
    cached = private.get("_compiled") if private else None
    if cached is None:
        with _lock:
            cached = watchlist._compiled
            if cached is None:
                cached = _compile(watchlist)
                watchlist._compiled = cached
    assert isinstance(cached, Compiled)
    return cached


def _compile(wl: Watchlist) -> Compiled:
    v = wl.vocabulary
    index = TermIndex()
    index.add_all("topic.strong", v.topic.strong)
    for token in v.topic.cased_strong:
        index.add_cased("topic.strong", token)
    index.add_all("topic.weak", v.topic.weak)
    index.add_all("topic.landmark", v.topic.landmark)
    index.add_all("topic.feature", v.topic.feature)
    index.add_all("company_word", v.company_words)
    index.add_all("law_mention", v.law_mentions)
    for name, fam in v.policy.items():
        index.add_all(f"policy.{name}", fam.terms)
        for token in fam.cased:
            index.add_cased(f"policy.{name}", token)
    for name, neg in v.negative.items():
        index.add_all(f"neg.{name}", neg.terms)
    index.add_all("other_moratoria", v.other_moratoria)
    index.add_all("other_topics", v.other_topics)
    index.add_all("ai_general", v.ai_general)
    for company in v.companies:
        index.add_all(f"company.{company.id}", company.names)
        for token in company.cased_names:
            index.add_cased(f"company.{company.id}", token)
    for rule in v.events:
        index.add_all(f"event.{rule.name}", rule.terms)
        index.add_all(f"unless.{rule.name}", rule.unless)
    for jur in v.jurisdictions:
        index.add_all(f"jur.{jur.code}", jur.names)
        index.add_all(f"city.{jur.code}", jur.city_names)
    pledges_by_company: dict[str, list[str]] = {}
    for pledge in wl.pledges:
        # A product alias names the company too ("Rekognition" is Amazon's).
        index.add_all(f"company.{pledge.company}", pledge.aliases)
        index.add_all(f"pledge.{pledge.id}", pledge.aliases)
        pledges_by_company.setdefault(pledge.company, []).append(pledge.id)
    by_bill: dict[str, list[Law]] = {}
    for law in wl.laws:
        index.add_all(f"law.{law.id}", law.aliases)
        index.add_all(f"subject.{law.id}", law.subjects)
        for bill_id in law.all_bill_ids:
            by_bill.setdefault(bill_id, []).append(law)
    return Compiled(
        index=index,
        policy_weights={name: fam.weight for name, fam in v.policy.items()},
        negative_weights={name: neg.weight for name, neg in v.negative.items()},
        veto_families=frozenset(name for name, neg in v.negative.items() if neg.veto),
        events=v.events,
        jurisdictions={j.code: j for j in v.jurisdictions},
        laws=wl.laws,
        laws_by_id={law.id: law for law in wl.laws},
        laws_by_jurisdiction={
            code: tuple(law for law in wl.laws if law.jurisdiction == code)
            for code in {law.jurisdiction for law in wl.laws}
        },
        laws_by_bill_id={k: tuple(ls) for k, ls in by_bill.items()},
        pledges_by_company={k: tuple(ps) for k, ps in pledges_by_company.items()},
        pledge_jurisdiction={p.id: p.jurisdiction for p in wl.pledges if p.jurisdiction},
        names={**{p.id: pledge_name(p) for p in wl.pledges},
               **{law.id: law_name(law) for law in wl.laws}},
    )
