"""The packaged watchlist: complete, sourced, unique, and validated with useful errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.domain.watchlist import (
    HistoryEntry,
    Law,
    Pledge,
    Watchlist,
    load_watchlist,
    parse_watchlist,
)
from bot.errors import ConfigError

PACKAGED = Path(__file__).resolve().parents[2] / "bot" / "data" / "watchlist.yaml"
FACTS = Path(__file__).resolve().parents[2] / ".." / "shared" / "facts" / "moratoria.yaml"


def test_loads_from_package_data() -> None:
    wl = load_watchlist()
    assert isinstance(wl, Watchlist)
    assert len(wl.pledges) == 7
    assert len(wl.laws) == 34


def test_every_tracked_company_has_a_pledge(watchlist: Watchlist) -> None:
    companies = {p.company for p in watchlist.pledges}
    assert companies == {"ibm", "amazon", "microsoft", "google", "meta", "clearview", "axon"}


def test_ids_are_unique(watchlist: Watchlist) -> None:
    ids = [p.id for p in watchlist.pledges] + [law.id for law in watchlist.laws]
    assert len(ids) == len(set(ids))


def _entry_urls_ok(entry: HistoryEntry) -> bool:
    if entry.source_url is not None:
        return entry.source_url.startswith(("http://", "https://"))
    # No address: only for a fact the sheet could not verify, or one read without a URL.
    return entry.verification == "unverified" or bool(entry.source_note)


def test_every_history_entry_has_a_source(watchlist: Watchlist) -> None:
    entries = [e for p in watchlist.pledges for e in p.history]
    entries += [e for law in watchlist.laws for e in law.history]
    assert len(entries) >= 130
    assert all(_entry_urls_ok(e) for e in entries)
    unsourced = [e for e in entries if e.source_url is None]
    assert all(e.verification == "unverified" for e in unsourced)


def test_every_pledge_fact_has_a_source(watchlist: Watchlist) -> None:
    for p in watchlist.pledges:
        assert p.announced_source_url.startswith("http")
        assert p.scope_quote is None or p.scope_quote_source_url
        assert p.conditions is None or p.conditions_sources
        assert p.expiry is None or p.expiry_sources
        assert p.exceptions_quote is None or p.exceptions_quote.source_url
        assert all(q.source_url.startswith("http") for q in p.additional_quotes)


def test_every_law_fact_has_a_source(watchlist: Watchlist) -> None:
    for law in watchlist.laws:
        facts = (law.bill_numbers, law.introduced_date, law.sponsors, law.scope_quote,
                 law.exceptions, law.conditions)
        if any(f is not None for f in facts) or law.history:
            assert law.source_url, law.id
        assert law.scope_quote is None or law.scope_quote_source_url or law.source_url


def test_unknown_facts_stay_unknown(watchlist: Watchlist) -> None:
    # The sheet found no 119th-Congress reintroduction of the moratorium act.
    law = watchlist.law("us-frbtma-119")
    assert law.bill_ids == ()
    assert law.introduced_date is None
    assert law.sponsors is None
    assert law.history == ()
    # No pledge has a verified end date.
    assert all(p.expiry_date is None for p in watchlist.pledges)


def test_history_keeps_the_fact_sheet_status_strings(watchlist: Watchlist) -> None:
    amazon = watchlist.pledge("amazon-rekognition-police-moratorium")
    statuses = [e.status for e in amazon.history]
    assert statuses == ["announced", "extended_indefinitely", "scope_disputed"]
    assert str(amazon.history[1].date) == "2021-05-18"
    wa = watchlist.law("wa-sb6280-2020")
    assert [e.status for e in wa.history] == [
        "introduced", "passed_house", "passed_legislature", "signed_partial_veto", "effective",
    ]
    assert wa.history[-1].verification == "conflict"


def test_bill_ids_are_normalized(watchlist: Watchlist) -> None:
    ids = {b for law in watchlist.laws for b in law.bill_ids}
    assert {"S.4084", "H.R.7356", "H.R.3907", "S.2052", "SB 6280", "AB 1215", "LD 1585",
            "SB 22-113", "S 124"} <= ids
    assert all("  " not in b and not b.endswith(" ") for b in ids)


def test_jurisdiction_codes(watchlist: Watchlist) -> None:
    codes = {law.jurisdiction for law in watchlist.laws}
    assert {"US-federal", "US-WA", "US-CA-San Francisco", "US-WA-King County", "EU"} <= codes
    known = {j.code for j in watchlist.vocabulary.jurisdictions}
    assert codes <= known


def undouble(url: str | None) -> str | None:
    """The sheet's notes: an address returned twice over (King County) is its first half."""
    if url and url.count("https://") == 2:
        return "https://" + url.split("https://")[1]
    return url


@pytest.mark.skipif(not FACTS.exists(), reason="../shared/facts/moratoria.yaml is not present")
def test_matches_the_fact_sheet() -> None:
    sheet = yaml.safe_load(FACTS.read_text(encoding="utf-8"))
    wl = load_watchlist()
    assert [p["id"] for p in sheet["pledges"]] == [p.id for p in wl.pledges]
    assert [law["id"] for law in sheet["laws_and_bills"]] == [law.id for law in wl.laws]
    ours: dict[str, Pledge | Law] = {p.id: p for p in wl.pledges} | {law.id: law for law in wl.laws}
    for entry in sheet["pledges"] + sheet["laws_and_bills"]:
        mine = ours[entry["id"]]
        # Entries the sheet gives no address for are left out, unless they only record that
        # something is unverified.
        theirs = [
            (e.get("date"), e["status"], undouble(e.get("source_url")))
            for e in entry["status_history"]
            if e.get("source_url") or e["verification"] == "unverified"
        ]
        got = [(str(e.date) if e.date else None, e.status, e.source_url) for e in mine.history]
        assert got == theirs, entry["id"]


# --- validation errors ---------------------------------------------------------------------


def _broken(old: str, new: str) -> str:
    text = PACKAGED.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def test_error_names_file_entry_and_field(tmp_path: Path) -> None:
    path = tmp_path / "watchlist.yaml"
    path.write_text(_broken("  announced_date: '2020-06-10'", "  announced_date: 'June'"))
    with pytest.raises(ConfigError) as err:
        load_watchlist(path)
    message = str(err.value)
    assert str(path) in message
    assert "amazon-rekognition-police-moratorium" in message
    assert "announced_date" in message


def test_history_entry_without_a_source_is_rejected() -> None:
    text = _broken(
        "    source_url: https://www.govinfo.gov/content/pkg/BILLS-116hr7356ih/xml/BILLS-116hr7356ih.xml\n"
        "    verification: verified",
        "    source_url: null\n    verification: verified",
    )
    with pytest.raises(ConfigError, match=r"us-frbtma-116.*history"):
        parse_watchlist(text, origin="test.yaml")


def test_duplicate_ids_are_rejected() -> None:
    text = _broken("- id: us-frbtma-117\n", "- id: us-frbtma-116\n")
    with pytest.raises(ConfigError, match="duplicate ids"):
        parse_watchlist(text)


def test_unknown_event_family_is_rejected() -> None:
    text = _broken('      needs_any: ["legislation"]\n', '      needs_any: ["legislatoin"]\n')
    with pytest.raises(ConfigError, match="legislatoin"):
        parse_watchlist(text)


def test_bad_yaml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid YAML"):
        parse_watchlist("pledges: [", origin="x.yaml")
    with pytest.raises(ConfigError, match="cannot read"):
        load_watchlist(tmp_path / "missing.yaml")
