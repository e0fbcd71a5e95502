"""JSON Lines in and out, and the evaluation report."""

from __future__ import annotations

import io
import json
from pathlib import Path

from bot.classify_io import classify_lines, run_eval
from bot.domain.watchlist import Watchlist

FIELDS = {"id", "relevant", "kind", "companies", "jurisdictions", "bill_ids", "event", "score",
          "reasons", "pledges", "bills", "bill_numbers"}


def _line(**fields: object) -> str:
    return json.dumps(fields)


def test_each_line_gets_one_result_with_every_field(watchlist: Watchlist) -> None:
    lines = [
        _line(id="a", title="Governor signs SB 6280 limiting facial recognition",
              summary="Washington's facial recognition bill is law.",
              source_url="https://x.example/a", published="2020-03-31"),
        _line(id=7, title="Facial recognition market to double", summary="A CAGR of 14%.",
              source_url="https://x.example/b", published=None),
    ]
    out = [json.loads(x) for x in classify_lines(lines, watchlist)]
    assert [o["id"] for o in out] == ["a", 7]
    assert all(set(o) == FIELDS for o in out)
    assert out[0]["relevant"] is True
    assert out[0]["bill_ids"] == ["SB 6280"]
    assert "wa-sb6280-2020" in out[0]["bills"]
    assert out[0]["bill_numbers"] == ["SB 6280"]
    assert out[1]["relevant"] is False
    assert out[1]["bill_numbers"] == []
    assert out[1]["kind"] == "other"


def test_malformed_lines_become_errors_and_the_stream_goes_on(watchlist: Watchlist) -> None:
    lines = [
        "{not json",
        _line(id="no-text", source_url="https://x.example"),
        _line(id="bad-date", title="Council bans facial recognition", published="yesterday"),
        "[1, 2]",
        _line(id="bad-type", title=["a list"]),
        "",
        _line(id="ok", title="Council votes to ban facial recognition", summary=""),
    ]
    out = [json.loads(x) for x in classify_lines(lines, watchlist)]
    assert [o["id"] for o in out] == [None, "no-text", "bad-date", None, "bad-type", "ok"]
    assert all("error" in o for o in out[:5])
    assert "published" in out[2]["error"]
    assert out[5]["relevant"] is True


def test_dates_in_several_shapes(watchlist: Watchlist) -> None:
    lines = [
        _line(id=i, title="Colorado Senate Bill SB143 on school facial recognition",
              summary="The bill limits facial recognition services in schools.", published=p)
        for i, p in enumerate(["2025-04-08", "2025-04", "2025", "2025-04-08T10:00:00Z", None])
    ]
    out = [json.loads(x) for x in classify_lines(lines, watchlist)]
    assert [o["bill_ids"] for o in out] == [["SB 25-143"]] * 4 + [["SB 143"]]


def test_eval_reports_figures_misses_and_false_alarms(tmp_path: Path, watchlist: Watchlist) -> None:
    rows = [
        {"id": "p1", "title": "City council votes to ban facial recognition",
         "summary": "The ordinance bars police use.", "source_url": "https://x/1",
         "published": "2020-01-13",
         "labels": {"relevant": True, "kind": "legislation", "companies": [],
                    "jurisdiction": None, "bill_ids": [], "event": "ban_passed"}},
        {"id": "p2", "title": "A quiet day", "summary": "Nothing happened.",
         "source_url": "https://x/2", "published": None,
         "labels": {"relevant": True, "kind": "legislation", "companies": [],
                    "jurisdiction": None, "bill_ids": ["SB 1"], "event": "bill_passed"}},
        {"id": "n1", "title": "Police lawsuit over facial recognition arrest settled",
         "summary": "The city paid $300,000.", "source_url": "https://x/3", "published": None,
         "labels": {"relevant": False, "kind": "other", "companies": [], "jurisdiction": None,
                    "bill_ids": [], "event": "none"}},
        {"id": "b1", "title": "NYPD used facial recognition on a protester", "summary": "",
         "source_url": "https://x/4", "published": None,
         "labels": {"relevant": "borderline", "kind": "litigation_or_report", "companies": [],
                    "jurisdiction": None, "bill_ids": [], "event": "deployment"}},
    ]
    corpus = tmp_path / "labels.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    out = io.StringIO()
    figures = run_eval(corpus, out, watchlist)
    report = out.getvalue()
    assert figures["items"] == 3
    assert figures["borderline"] == 1
    assert figures["relevance_precision"] == 0.5
    assert figures["relevance_recall"] == 0.5
    assert figures["bill_id_exact_match"] == 0.0
    assert "MISS p2" in report
    assert "FALSE ALARM n1" in report
    assert "rule:" in report  # reasons are printed with each error


def test_the_named_congress_gives_one_version_and_its_numbers(watchlist: Watchlist) -> None:
    lines = [
        _line(id=1, title="Facial Recognition and Biometric Technology Moratorium Act of 2021",
              summary="Senators introduced the bill to ban federal use of the technology."),
        _line(id=2, title="117_HR_3907: Facial Recognition and Biometric Technology "
              "Moratorium Act", summary="Status: died in committee."),
        _line(id=3, title="Lawmakers back the Facial Recognition and Biometric Technology "
              "Moratorium Act", summary="The bill would halt federal use of face recognition."),
    ]
    out = [json.loads(x) for x in classify_lines(lines, watchlist)]
    assert out[0]["bills"] == ["us-frbtma-117"]
    assert sorted(out[0]["bill_numbers"]) == ["H.R.3907", "S.2052"]
    assert out[1]["bill_ids"] == ["H.R.3907"]
    assert out[1]["bills"] == ["us-frbtma-117"]
    # No year, no Congress, no date: every tracked version is a candidate.
    assert len(out[2]["bills"]) > 1
