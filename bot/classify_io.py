"""JSON Lines in and out for ``pledgewatch classify``, and the labelled-corpus evaluation.

Input lines: ``id``, ``title``, ``summary``, ``source_url``, ``published`` (``YYYY-MM-DD``,
``YYYY-MM``, ``YYYY``, an ISO time, or null). Output lines: ``id``, ``relevant``, ``kind``,
``companies``, ``jurisdictions``, ``bill_ids`` (found in the text), ``event``, ``score``,
``reasons``, ``pledges``, ``bills`` (the tracked laws resolved) and ``bill_numbers`` (those
laws' own bill numbers, e.g. ``H.R.3907`` for the 117th Congress's version). A line that
cannot be read becomes ``{"id": ..., "error": ...}`` and the stream goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from bot.domain.classify import classify
from bot.domain.matching.decide import named_congresses
from bot.domain.types import FeedItem, Match
from bot.domain.watchlist import Law, Watchlist, load_watchlist

__all__ = [
    "bill_numbers", "classify_lines", "eval_rows", "item_from_json", "match_to_json", "run_eval",
]

# Stands for "no date": classify treats times before 1990 as unknown.
UNKNOWN_TIME = datetime(1970, 1, 1, tzinfo=UTC)


class _BadLine(ValueError):
    pass


def _published(value: Any) -> datetime:
    if value is None or value == "":
        return UNKNOWN_TIME
    if not isinstance(value, str):
        raise _BadLine("published must be a string or null")
    text = value.strip()
    try:
        if len(text) == 4:
            return datetime(int(text), 1, 1, tzinfo=UTC)
        if len(text) == 7:
            return datetime(int(text[:4]), int(text[5:7]), 1, tzinfo=UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _BadLine(f"published is not a date: {value!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _text(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _BadLine(f"{key} must be a string")
    return value


def item_from_json(obj: Any) -> FeedItem:
    """A FeedItem from one decoded input object; raises ValueError naming the bad field."""
    if not isinstance(obj, dict):
        raise _BadLine("a line must be a JSON object")
    if not _text(obj, "title") and not _text(obj, "summary"):
        raise _BadLine("title and summary are both missing")
    item_id = obj.get("id")
    return FeedItem(
        feed_id="classify",
        guid="" if item_id is None else str(item_id),
        url=_text(obj, "source_url"),
        title=_text(obj, "title"),
        summary=_text(obj, "summary"),
        published=_published(obj.get("published")),
    )


def bill_numbers(match: Match, watchlist: Watchlist) -> list[str]:
    """The bill numbers of the tracked laws ``match`` resolved, in order, each once."""
    laws = {law.id: law for law in watchlist.laws}
    return list(dict.fromkeys(b for law_id in match.bills for b in laws[law_id].bill_ids))


def match_to_json(item_id: Any, match: Match, watchlist: Watchlist) -> dict[str, Any]:
    return {
        "id": item_id,
        "relevant": match.relevant,
        **match.facts(),
        "reasons": list(match.reasons),
        "bill_numbers": bill_numbers(match, watchlist),
    }


def classify_lines(lines: Iterable[str], watchlist: Watchlist) -> Iterator[str]:
    """Classify JSON Lines; one output line per non-blank input line, errors included."""
    for line in lines:
        if not line.strip():
            continue
        item_id: Any = None
        try:
            obj = json.loads(line)
            if isinstance(obj, dict):
                item_id = obj.get("id")
            item = item_from_json(obj)
        except (ValueError, RecursionError) as exc:
            yield json.dumps({"id": item_id, "error": str(exc) or type(exc).__name__})
            continue
        match = classify(item, watchlist)
        yield json.dumps(match_to_json(item_id, match, watchlist), ensure_ascii=False)


# --- evaluation -------------------------------------------------------------------------------


@dataclass
class _Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def f1(self) -> float:
        p, r = self.precision(), self.recall()
        return 2 * p * r / (p + r) if p + r else 0.0


def _ratio(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def run_eval(corpus: Path, out: TextIO, watchlist: Watchlist | None = None) -> dict[str, float]:
    """Score the classifier on a labelled JSON Lines corpus; print figures and every error."""
    with corpus.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return eval_rows(rows, out, watchlist, name=str(corpus))


def eval_rows(
    rows: Iterable[dict[str, Any]],
    out: TextIO,
    watchlist: Watchlist | None = None,
    *,
    name: str = "cases",
) -> dict[str, float]:
    """Score the classifier on labelled rows (the corpus format); print figures and errors.

    Definitions (borderline items are left out of every figure except ``borderline_flagged``):
    - relevance precision/recall/F1: ``labels.relevant`` true vs false;
    - kind accuracy: all items (an irrelevant item's kind is ``other``);
    - company F1: micro-averaged over (item, company) pairs, ``other`` included;
    - bill-id exact match: over items whose labels have bill ids or whose prediction has any,
      the share whose predicted set equals the labelled set;
    - event accuracy: over items labelled relevant (the event label is ``none`` elsewhere);
    - jurisdiction accuracy: over items labelled relevant with a jurisdiction, the share whose
      label is among the predicted places;
    - bill resolved: over relevant items with labelled bill ids, the share whose ids are all
      among the ids found in the text and the numbers of the tracked laws resolved;
    - tracked laws exactly resolved: over relevant rows labelled with ``bills`` (tracked law
      ids), the share whose resolved laws are exactly those;
    - Congress over-links: items naming a Congress or a bill's year that are linked to more
      than one Congress's version of the same bill (the goal is none).
    """
    wl = watchlist or load_watchlist()
    relevance, companies = _Tally(), _Tally()
    n = kind_ok = 0
    bill_total = bill_ok = 0
    event_total = event_ok = 0
    jur_total = jur_ok = 0
    borderline = borderline_flagged = 0
    misses: list[str] = []
    alarms: list[str] = []
    others: list[str] = []
    resolved_total = resolved_ok = 0
    kind_rel_total = kind_rel_ok = 0
    law_total = law_ok = 0
    congress_named = overlinks = 0
    laws = {law.id: law for law in wl.laws}
    for row in rows:
        labels = row["labels"]
        match = classify(item_from_json(row), wl)
        rid, title = row.get("id"), str(row.get("title", ""))[:100]
        why = "; ".join(match.reasons)
        if labels["relevant"] == "borderline":
            borderline += 1
            borderline_flagged += match.relevant
            continue
        n += 1
        want = labels["relevant"] is True
        if want and match.relevant:
            relevance.tp += 1
        elif want:
            relevance.fn += 1
            misses.append(f"  MISS {rid}: {title}\n      {why}")
        elif match.relevant:
            relevance.fp += 1
            alarms.append(f"  FALSE ALARM {rid}: {title}\n      {why}")
        kind_ok += match.kind == labels["kind"]
        if want:
            kind_rel_total += 1
            kind_rel_ok += match.kind == labels["kind"]
            if match.kind != labels["kind"]:
                others.append(f"  KIND {rid}: want {labels['kind']} got {match.kind}")
        want_c, got_c = set(labels["companies"]), set(match.companies)
        companies.tp += len(want_c & got_c)
        companies.fp += len(got_c - want_c)
        companies.fn += len(want_c - got_c)
        want_b, got_b = set(labels["bill_ids"]), set(match.bill_ids)
        if want_b or got_b:
            bill_total += 1
            bill_ok += want_b == got_b
            if want_b != got_b:
                others.append(f"  BILL IDS {rid}: want {sorted(want_b)} got {sorted(got_b)}")
        if want and labels["bill_ids"]:
            resolved_total += 1
            numbers = {b for law_id in match.bills for b in laws[law_id].all_bill_ids}
            if set(labels["bill_ids"]) <= got_b | numbers:
                resolved_ok += 1
            else:
                others.append(f"  BILL NOT RESOLVED {rid}: want {sorted(want_b)} got "
                              f"{sorted(got_b)} and laws {sorted(match.bills)}")
        if names_congress(f"{row.get('title', '')} {row.get('summary', '')}"):
            congress_named += 1
            if congress_overlinked(match.bills, laws):
                overlinks += 1
                others.append(f"  SEVERAL CONGRESSES {rid}: {sorted(match.bills)}")
        if want and labels["event"] is not None:
            event_total += 1
            event_ok += match.event == labels["event"]
            if match.event != labels["event"]:
                others.append(f"  EVENT {rid}: want {labels['event']} got {match.event}")
        if want and labels.get("jurisdiction"):
            jur_total += 1
            jur_ok += labels["jurisdiction"] in match.jurisdictions
        if want and "bills" in labels:
            law_total += 1
            law_ok += set(labels["bills"]) == set(match.bills)
            if set(labels["bills"]) != set(match.bills):
                others.append(f"  LAWS {rid}: want {sorted(labels['bills'])} got "
                              f"{sorted(match.bills)}")
        if want_c != got_c:
            others.append(f"  COMPANIES {rid}: want {sorted(want_c)} got {sorted(got_c)}")
    figures = {
        "items": float(n),
        "relevance_precision": relevance.precision(),
        "relevance_recall": relevance.recall(),
        "relevance_f1": relevance.f1(),
        "kind_accuracy": _ratio(kind_ok, n),
        "kind_accuracy_relevant": _ratio(kind_rel_ok, kind_rel_total),
        "company_f1": companies.f1(),
        "bill_id_exact_match": _ratio(bill_ok, bill_total),
        "event_accuracy": _ratio(event_ok, event_total),
        "jurisdiction_accuracy": _ratio(jur_ok, jur_total),
        "bill_resolved": _ratio(resolved_ok, resolved_total),
        "congress_overlinks": float(overlinks),
        "tracked_law_exact": _ratio(law_ok, law_total),
        "borderline": float(borderline),
        "borderline_flagged": float(borderline_flagged),
    }
    out.write(f"corpus: {name} ({n} scored items, {borderline} borderline left out)\n")
    out.write(
        f"relevance: precision {figures['relevance_precision']:.3f}  recall "
        f"{figures['relevance_recall']:.3f}  F1 {figures['relevance_f1']:.3f}  "
        f"(tp {relevance.tp}, fp {relevance.fp}, fn {relevance.fn})\n"
    )
    out.write(
        f"kind accuracy: {figures['kind_accuracy']:.3f} (on relevant items "
        f"{figures['kind_accuracy_relevant']:.3f})\n"
    )
    out.write(f"company F1 (micro): {figures['company_f1']:.3f}\n")
    out.write(f"bill-id exact match: {figures['bill_id_exact_match']:.3f} over {bill_total}\n")
    out.write(f"event accuracy: {figures['event_accuracy']:.3f} over {event_total} relevant\n")
    out.write(f"jurisdiction accuracy: {figures['jurisdiction_accuracy']:.3f} over {jur_total}\n")
    out.write(f"labelled bill resolved: {figures['bill_resolved']:.3f} over {resolved_total}\n")
    if law_total:
        out.write(f"tracked laws exactly resolved: {figures['tracked_law_exact']:.3f} over "
                  f"{law_total}\n")
    out.write(
        f"linked to several Congresses' versions: {overlinks} of {congress_named} items "
        "naming a Congress or a year\n"
    )
    out.write(f"borderline flagged relevant: {borderline_flagged} of {borderline}\n")
    out.write(f"misses ({len(misses)}):\n" + "".join(m + "\n" for m in misses))
    out.write(f"false alarms ({len(alarms)}):\n" + "".join(a + "\n" for a in alarms))
    out.write(f"other disagreements ({len(others)}):\n" + "".join(o + "\n" for o in others))
    return figures


def names_congress(text: str) -> bool:
    """Whether ``text`` says which Congress (or which year's version) a bill is."""
    return bool(named_congresses(text))


def congress_overlinked(bills: Iterable[str], laws: dict[str, Law]) -> bool:
    """Whether ``bills`` hold more than one Congress's version of one federal bill."""
    seen: dict[str, set[str]] = {}
    for law_id in bills:
        law = laws[law_id]
        if law.level == "federal":
            for alias in law.aliases:
                seen.setdefault(alias.lower(), set()).add(law.session or law.id)
    return any(len(sessions) > 1 for sessions in seen.values())
