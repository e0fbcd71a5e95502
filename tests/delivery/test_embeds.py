"""Alert embeds: one design per kind, inert feed text, always within Discord's limits."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import discord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.delivery.embeds import (
    TOTAL,
    MessageParts,
    clip,
    embed_size,
    escape,
    problems,
    render_alert,
    render_digest,
    render_message,
    render_stage_update,
    units,
)
from storage.records import AlertView
from tests.fakediscord.limits import check_message

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
HOSTILE = (
    "@everyone @here <@&123> <@456> <@!789012345678901234> **bold** __u__ `code` "
    "[x](http://evil.example)\n# head\n> quote ||spoiler|| \x1b[31m\u202e"
)


def payload_for(
    kind: str, title: str, summary: str, url: str = "https://example.org/a"
) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": title,
        "summary": summary,
        "url": url,
        "source": summary[:300],
        "published": NOW.isoformat(),
        "kind": "legislation",
        "event": "bill_passed",
        "companies": ["amazon", title[:50]],
        "jurisdictions": ["US-CA"],
        "bill_ids": ["H.R. 3907"],
        "also_reported_by": [
            {"name": title, "url": f"https://o{i}.example/{summary[:40]}"} for i in range(40)
        ],
        "company_name": title,
        "pledge_title": summary,
        "pledge_id": "amazon-rekognition",
        "current_status": "active",
        "suggested_status": "lifted",
        "old_status": "active",
        "old_status_labels": [title, summary],
        "new_status": "extended",
        "date": "2021-05-18",
        "source_url": url,
        "confirmed_by": title,
        "deadline": "2026-02-01",
        "deadline_label": title,
        "derived": True,
        "status": "active",
        "identifier": title,
        "jurisdiction": title,
        "session": summary,
        "stage": "passed_one_chamber",
        "stage_date": "2026-01-02",
        "action_text": summary,
        "action_date": "2026-01-02",
        "old_stage": "in_committee",
        "new_stage": "passed_one_chamber",
        "feed_id": title,
        "feed_name": title,
        "state": "failing",
        "error": summary,
        "at": NOW.isoformat(),
        "after_failures": 3,
        "suggestion_id": 7,
    }
    return base


KINDS = [
    "news",
    "pledge_signal",
    "pledge_status",
    "pledge_deadline",
    "new_bill",
    "bill_stage",
    "feed_health",
]


def alert(kind: str, payload: dict[str, Any]) -> AlertView:
    return AlertView(1, f"{kind}:1", kind, 2, payload, NOW)


def wire(embed: discord.Embed) -> str:
    """Every text Discord would show from this embed."""
    d = embed.to_dict()
    parts = [
        d.get("title", ""),
        d.get("description", ""),
        d.get("footer", {}).get("text", ""),
        d.get("author", {}).get("name", ""),
    ]
    parts += [f["name"] + "\n" + f["value"] for f in d.get("fields", [])]
    return "\n".join(parts)


def assert_inert(text: str) -> None:
    assert not re.search(r"@(everyone|here)", text)
    assert not re.search(r"<@[!&]?\d+>", text)
    assert "\x1b" not in text
    assert "\u202e" not in text


huge_text = st.text(min_size=0, max_size=7000) | st.text(
    alphabet="\U0001f600 a\n@<>&*_`|~#[]()", min_size=2000, max_size=7000
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    kind=st.sampled_from(KINDS),
    title=huge_text,
    summary=huge_text,
    url=st.text(max_size=3000) | st.just("https://example.org/x_(y)"),
)
def test_hostile_payloads_always_make_valid_embeds(
    kind: str, title: str, summary: str, url: str
) -> None:
    embed = render_alert(alert(kind, payload_for(kind, title, summary, url)))
    assert problems(embed) == []
    assert check_message({"embeds": [embed.to_dict()]}).paths == []  # the fake's own rules
    assert embed_size(embed) <= TOTAL
    assert embed.title


@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(KINDS), title=st.text(max_size=500), summary=st.text(max_size=2000))
def test_mentions_and_markdown_in_feed_text_render_inert(
    kind: str, title: str, summary: str
) -> None:
    payload = payload_for(kind, HOSTILE + title, summary + HOSTILE)
    parts = render_message(alert(kind, payload), mention_role_id=None)
    assert parts.content is None
    assert parts.allowed_mentions.to_dict() == {"parse": []}
    assert_inert(wire(parts.embed))


def test_escape_neutralises_mentions_and_markdown() -> None:
    out = escape(HOSTILE)
    assert_inert(out)
    assert "\\*\\*bold\\*\\*" in out
    assert "\\[x](http://evil.example)" in out
    assert "\\# head" in out


def test_a_configured_role_is_the_only_mention_allowed() -> None:
    parts = render_message(alert("news", payload_for("news", HOSTILE, HOSTILE)), mention_role_id=42)
    assert parts.content == "<@&42>"
    assert parts.allowed_mentions.to_dict() == {"parse": [], "roles": [42]}
    body = parts.as_json()
    assert body["content"] == "<@&42>"
    assert len(body["embeds"]) == 1


def test_clip_cuts_on_a_word_boundary_with_an_ellipsis() -> None:
    assert clip("short", 10) == "short"
    assert clip("the quick brown fox jumps", 12) == "the quick\u2026"
    assert clip("x" * 50, 10) == "x" * 9 + "\u2026"
    assert units(clip("\U0001f600" * 300, 256)) <= 256
    assert not clip("abc \\" + "*" * 40, 6).rstrip("\u2026").endswith("\\")


def test_news_embed_has_source_link_also_reported_and_relative_time() -> None:
    p = payload_for("news", "Amazon extends Rekognition moratorium", "Indefinitely.")
    p["also_reported_by"] = [{"name": "Reuters", "url": "https://reuters.example/a"}]
    embed = render_alert(alert("news", p))
    fields = {f.name: f.value for f in embed.fields}
    assert embed.url == "https://example.org/a"
    assert fields["Source"].endswith("(https://example.org/a)")
    assert fields["Also reported by"] == "[Reuters](https://reuters.example/a)"
    assert re.fullmatch(r"<t:\d+:R>", fields["Published"])
    assert embed.footer.text
    assert embed.timestamp == NOW


def test_every_kind_names_its_source_url() -> None:
    for kind in KINDS:
        if kind == "feed_health":
            continue
        embed = render_alert(alert(kind, payload_for(kind, "Title", "Summary")))
        assert "https://example.org/a" in wire(embed) + (embed.url or ""), kind
        assert embed.colour is not None


def test_a_url_that_would_break_a_link_is_quoted_or_shown_as_text() -> None:
    embed = render_alert(alert("news", payload_for("news", "T", "S", url="https://e.org/a_(b) c")))
    assert embed.url == "https://e.org/a_%28b%29%20c"
    embed = render_alert(alert("news", payload_for("news", "T", "S", url="javascript:alert(1)")))
    assert embed.url is None
    source = next(f.value for f in embed.fields if f.name == "Source")
    assert "javascript" in (source or "")
    assert "](" not in (source or "")


def test_stage_update_keeps_the_earlier_alert_and_adds_the_new_stage() -> None:
    earlier = alert("new_bill", payload_for("new_bill", "H.R. 1", "A bill"))
    change = alert(
        "bill_stage", payload_for("bill_stage", "H.R. 1", "A bill") | {"new_stage": "enacted"}
    )
    embed = render_stage_update(earlier, change)
    assert embed.fields[0].name == "Update"
    assert "enacted" in (embed.fields[0].value or "")
    assert embed.title == render_alert(earlier).title
    assert problems(embed) == []


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(titles=st.lists(huge_text, min_size=0, max_size=80))
def test_digest_is_one_valid_embed_however_many_alerts(titles: list[str]) -> None:
    alerts = [
        alert(KINDS[i % len(KINDS)], payload_for(KINDS[i % len(KINDS)], t, t))
        for i, t in enumerate(titles)
    ]
    embed = render_digest(alerts, day=date(2026, 1, 5))
    assert problems(embed) == []
    assert check_message({"embeds": [embed.to_dict()]}).paths == []
    assert_inert(wire(embed))


def test_message_parts_is_what_the_sinks_send() -> None:
    parts = render_message(
        alert("feed_health", payload_for("feed_health", "Feed", "boom")), mention_role_id=None
    )
    assert isinstance(parts, MessageParts)
    assert parts.embed.title == "Feed failing: Feed"


def test_a_pledge_status_alert_labels_a_derived_old_status() -> None:
    payload = {
        "pledge_id": "microsoft-us-police-fr-sales-pledge",
        "company_name": "Microsoft",
        "pledge_title": "No sales to US police until a national law",
        "old_status": "conditional",
        "old_status_labels": ["derived"],
        "new_status": "lifted",
        "source_url": "https://news.example/1",
        "title": "Microsoft lifts its pledge",
        "date": "2026-01-04",
    }
    embed = render_alert(alert("pledge_status", payload))
    assert "**conditional** *(derived)* \u2192 **lifted**" in (embed.description or "")
    plain = render_alert(alert("pledge_status", {**payload, "old_status_labels": []}))
    assert "**conditional** \u2192 **lifted**" in (plain.description or "")


def _news_from_classifier(title: str, summary: str, published: datetime = NOW) -> discord.Embed:
    from bot.domain.alerts import news_alert
    from bot.domain.classify import classify
    from bot.domain.types import FeedItem
    from bot.domain.watchlist import load_watchlist

    item = FeedItem(feed_id="f", guid="g", url="https://example.org/a", title=title,
                    summary=summary, published=published)
    draft = news_alert(1, item, classify(item, load_watchlist()))
    return render_alert(alert("news", draft.payload))


def _why(embed: discord.Embed) -> str | None:
    return next((f.value for f in embed.fields if f.name == "Why this matters"), None)


def test_a_news_alert_says_why_it_matters_from_the_reasons() -> None:
    embed = _news_from_classifier(
        "Amazon extends its moratorium on police use of Rekognition",
        "The company said the pause will stay in place until further notice.",
    )
    why = _why(embed)
    # The pledge by its name, the event in words; no internal id.
    assert why == "Amazon moratorium on police use of Rekognition: moratorium extended"
    assert embed.fields[0].name == "Why this matters"
    bill = _why(_news_from_classifier(
        "Washington governor signs SB 6280 limiting facial recognition",
        "The law sets rules for state and local agencies.",
        datetime(2020, 3, 31, tzinfo=UTC),
    ))
    assert bill == "Washington SB 6280: bill signed"
    federal = _why(_news_from_classifier(
        "Markey, Merkley reintroduce bill to ban government face surveillance",
        "The Facial Recognition and Biometric Technology Moratorium Act of 2023 would halt "
        "federal use.",
        datetime(2023, 3, 8, tzinfo=UTC),
    ))
    assert federal == (
        "Facial Recognition and Biometric Technology Moratorium Act of 2023: bill introduced"
    )
    city = _why(_news_from_classifier(
        "Boston City Council unanimously votes to ban face surveillance",
        "The ordinance bars city agencies from using the technology.",
        datetime(2020, 6, 25, tzinfo=UTC),
    ))
    assert city == "The Boston, MA facial recognition ban: ban passed"


def test_why_it_matters_reads_ids_from_alerts_written_before_names() -> None:
    from bot.delivery.embeds import why_it_matters

    old = ["pledges: amazon-rekognition-police-moratorium",
           "event.moratorium_extended: extends its moratorium"]
    assert why_it_matters(old) == "Amazon-rekognition-police-moratorium: moratorium extended"


def test_why_it_matters_is_one_inert_line_within_limits() -> None:
    from bot.delivery.embeds import WHY, why_it_matters

    hostile = [f"event.{HOSTILE}: {HOSTILE * 20}", f"pledges: {HOSTILE}",
               f"about: {'; '.join(HOSTILE * 3 for _ in range(40))}",
               *(f"law {HOSTILE}{i}: named" for i in range(50))]
    why = why_it_matters(hostile)
    assert why is not None
    assert units(why) <= WHY
    assert "\n" not in why
    assert_inert(why)
    p = payload_for("news", "t", "s")
    p["reasons"] = hostile
    embed = render_alert(alert("news", p))
    assert problems(embed) == []
    assert check_message({"embeds": [embed.to_dict()]}).paths == []
    assert_inert(wire(embed))


def test_no_reason_naming_anything_means_no_why_line() -> None:
    from bot.delivery.embeds import why_it_matters

    assert why_it_matters(None) is None
    assert why_it_matters(["rule: policy score 2.5", "topic.strong: face recognition"]) is None
    p = payload_for("news", "t", "s")
    assert _why(render_alert(alert("news", p))) is None
    assert why_it_matters(["policy.litigation: sued"]) == "Facial recognition and litigation"


def test_a_confirmed_reaffirmation_says_the_status_holds() -> None:
    payload = {
        "pledge_id": "amazon-rekognition-police-moratorium",
        "company_name": "Amazon",
        "pledge_title": "Amazon moratorium on police use of Rekognition",
        "old_status": "extended",
        "new_status": "extended",
        "source_url": "https://news.example/1",
        "title": "Amazon says its moratorium stands",
        "date": "2026-01-04",
    }
    description = render_alert(alert("pledge_status", payload)).description or ""
    assert "reaffirmed (status unchanged)" in description
    assert "\u2192" not in description
