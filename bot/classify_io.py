"""JSON Lines in and out for ``pledgewatch classify``, and the labelled-corpus evaluation.

Input lines: ``id``, ``title``, ``summary``, ``source_url``, ``published`` (``YYYY-MM-DD``,
``YYYY-MM``, ``YYYY``, an ISO time, or null). Output lines: ``id``, ``relevant``, ``kind``,
``companies``, ``jurisdictions``, ``bill_ids``, ``event``, ``score``, ``reasons``, ``pledges``,
``bills``. A line that cannot be read becomes ``{"id": ..., "error": ...}`` and the stream goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from bot.domain.classify import classify
from bot.domain.types import FeedItem, Match
from bot.domain.watchlist import Watchlist, load_watchlist

__all__ = ["classify_lines", "item_from_json", "match_to_json", "run_eval"]

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


def match_to_json(item_id: Any, match: Match) -> dict[str, Any]:
    return {
        "id": item_id,
        "relevant": match.relevant,
        "kind": match.kind,
        "companies": list(match.companies),
        "jurisdictions": list(match.jurisdictions),
        "bill_ids": list(match.bill_ids),
        "event": match.event,
        "score": match.score,
        "reasons": list(match.reasons),
        "pledges": list(match.pledges),
        "bills": list(match.bills),
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
        yield json.dumps(match_to_json(item_id, classify(item, watchlist)), ensure_ascii=False)


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
    """Score the classifier on a labelled JSON Lines corpus; print figures and every error.

    Definitions (borderline items are left out of every figure except ``borderline_flagged``):
    - relevance precision/recall/F1: ``labels.relevant`` true vs false;
    - kind accuracy: all items (an irrelevant item's kind is ``other``);
    - company F1: micro-averaged over (item, company) pairs, ``other`` included;
    - bill-id exact match: over items whose labels have bill ids or whose prediction has any,
      the share whose predicted set equals the labelled set;
    - event accuracy: over items labelled relevant (the event label is ``none`` elsewhere);
    - jurisdiction accuracy: over items labelled relevant with a jurisdiction, the share whose
      label is among the predicted places.
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
    with corpus.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
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
            if want:
                event_total += 1
                event_ok += match.event == labels["event"]
                if match.event != labels["event"]:
                    others.append(f"  EVENT {rid}: want {labels['event']} got {match.event}")
                if labels.get("jurisdiction"):
                    jur_total += 1
                    jur_ok += labels["jurisdiction"] in match.jurisdictions
            if want_c != got_c:
                others.append(f"  COMPANIES {rid}: want {sorted(want_c)} got {sorted(got_c)}")
    figures = {
        "items": float(n),
        "relevance_precision": relevance.precision(),
        "relevance_recall": relevance.recall(),
        "relevance_f1": relevance.f1(),
        "kind_accuracy": _ratio(kind_ok, n),
        "company_f1": companies.f1(),
        "bill_id_exact_match": _ratio(bill_ok, bill_total),
        "event_accuracy": _ratio(event_ok, event_total),
        "jurisdiction_accuracy": _ratio(jur_ok, jur_total),
        "borderline": float(borderline),
        "borderline_flagged": float(borderline_flagged),
    }
    out.write(f"corpus: {corpus} ({n} scored items, {borderline} borderline left out)\n")
    out.write(
        f"relevance: precision {figures['relevance_precision']:.3f}  recall "
        f"{figures['relevance_recall']:.3f}  F1 {figures['relevance_f1']:.3f}  "
        f"(tp {relevance.tp}, fp {relevance.fp}, fn {relevance.fn})\n"
    )
    out.write(f"kind accuracy: {figures['kind_accuracy']:.3f}\n")
    out.write(f"company F1 (micro): {figures['company_f1']:.3f}\n")
    out.write(f"bill-id exact match: {figures['bill_id_exact_match']:.3f} over {bill_total}\n")
    out.write(f"event accuracy: {figures['event_accuracy']:.3f} over {event_total} relevant\n")
    out.write(f"jurisdiction accuracy: {figures['jurisdiction_accuracy']:.3f} over {jur_total}\n")
    out.write(f"borderline flagged relevant: {borderline_flagged} of {borderline}\n")
    out.write(f"misses ({len(misses)}):\n" + "".join(m + "\n" for m in misses))
    out.write(f"false alarms ({len(alarms)}):\n" + "".join(a + "\n" for a in alarms))
    out.write(f"other disagreements ({len(others)}):\n" + "".join(o + "\n" for o in others))
    return figures
