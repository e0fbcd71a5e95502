"""Canonical URLs, plain text from HTML, and publication times."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ingest.normalize import (
    _finish,
    _strip_simple_tags,
    _strip_tags,
    canonical_url,
    html_to_text,
    is_tracking_param,
    normalize_published,
    parse_datetime,
    plain_text,
    truncate,
)

NOW = datetime(2026, 9, 25, 18, 0, tzinfo=UTC)


# --- canonical URLs --------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTPS://Example.COM/Path?b=2&a=1", "https://example.com/Path?a=1&b=2"),
        ("https://example.com:443/x#section-2", "https://example.com/x"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/x", "http://example.com:8080/x"),
        (
            "https://news.example/a?utm_source=tw&utm_medium=social&UTM_Campaign=x&id=7",
            "https://news.example/a?id=7",
        ),
        (
            "https://x.example/a?fbclid=1&gclid=2&dclid=3&msclkid=4&mc_cid=5&mc_eid=6&igshid=7",
            "https://x.example/a",
        ),
        (
            "https://x.example/a?ref_src=twsrc&_hsenc=p2&_hsmi=9&yclid=1&q=face",
            "https://x.example/a?q=face",
        ),
        ("https://x.example/a?q=a%20b&q=c", "https://x.example/a?q=a+b&q=c"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com./a", "https://example.com/a"),
        ("http://[2001:DB8::1]:80/a", "http://[2001:db8::1]/a"),
    ],
)
def test_canonical_url(raw: str, canonical: str):
    assert canonical_url(raw) == canonical


def test_same_story_with_and_without_tracking_is_one_url():
    plain = "https://www.reuters.com/technology/amazon-extends-moratorium-2021-05-18/"
    tracked = plain + "?utm_source=newsletter&utm_medium=email&mc_cid=abc&mc_eid=def#top"

    assert canonical_url(plain) == canonical_url(tracked)


def test_google_news_links_are_kept_as_they_are():
    link = "https://news.google.com/rss/articles/CBMinwFBVV95cUxObDNTMW1VT3pC?oc=5&utm_source=x"

    assert canonical_url(link) == link


@pytest.mark.parametrize(
    "raw", ["mailto:a@example.org", "javascript:alert(1)", "not a url", "", "http://[::1"]
)
def test_non_http_values_come_back_stripped(raw: str):
    assert canonical_url(f" {raw} ") == raw


@pytest.mark.parametrize(
    ("name", "tracking"),
    [
        ("utm_source", True),
        ("UTM_TERM", True),
        ("fbclid", True),
        ("_hsmi", True),
        ("id", False),
        ("page", False),
    ],
)
def test_tracking_params(name: str, tracking: bool):
    assert is_tracking_param(name) is tracking


# --- text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>Amazon <b>extends</b> moratorium</p>", "Amazon extends moratorium"),
        ("<p>One</p><p>Two</p>", "One Two"),
        ("a<br>b", "a b"),
        ("<script>alert('x')</script>Visible<style>p{color:red}</style>", "Visible"),
        ("Tom &amp; Jerry &#8212; &quot;quoted&quot;", 'Tom & Jerry — "quoted"'),
        ("VA&amp;#39;s data", "VA's data"),  # double-escaped numeric reference
        ("AT&amp;amp;T", "AT&T"),  # double-escaped named reference
        ("&amp;lt;p&amp;gt;Escaped twice&amp;lt;/p&amp;gt;", "Escaped twice"),
        ("a &lt;b&gt; c", "a <b> c"),  # escaped once: the author meant the brackets
        ("  lots \n\t of   space&nbsp;&nbsp;here ", "lots of space here"),
        ("<a href='x'>link</a>&nbsp;&nbsp;<font color='#6f6f6f'>Outlet</font>", "link Outlet"),
        ("zero\u200bwidth\x00control", "zerowidthcontrol"),
        ("<unclosed <b>bold", "bold"),
        ("", ""),
    ],
)
def test_html_to_text(markup: str, text: str):
    assert html_to_text(markup) == text


# Pieces of summaries as feeds write them, and the ones the quick path must hand over.
_MARKUP_PIECES = [
    "Amazon extends", " moratorium ", "\n\t", "<p>", "</p>", "<br>", "<br/>", "<BR />",
    "<a href='https://x.example/a?b=1>2'>", '<a href="x" title="a > b">', "</a>", "<b>",
    "</B>", "<font color=#6f6f6f>", "</font>", "<img src=x alt=''/>", "<script>", "</script>",
    "<style>", "p{}", "</style>", "<title>", "</title>", "<textarea>", "<!-- c -->",
    "<!DOCTYPE html>", "<?xml ?>", "a < b", "<", ">", "<my-tag>", "</my-tag>", "<a b='x",
    "&amp;", "&#39;", "< p>", "</ a>", "<p\nclass=x>", "<div data-x=\"1\"/>",
    "<p\u00a0class=x>", "<br\v/>", "<li\tvalue=2>", "<h2 id=a-b.c>", "</li >",
]


# What the quick path reads itself: drawn more often, so most cases exercise it.
_SIMPLE_PIECES = [p for p in _MARKUP_PIECES if _strip_simple_tags(p) is not None]


@given(st.lists(st.sampled_from(_SIMPLE_PIECES * 6 + _MARKUP_PIECES), max_size=12))
def test_html_to_text_quick_path_reads_markup_as_the_parser_does(pieces: list[str]):
    markup = "".join(pieces)
    quick = _strip_simple_tags(markup)

    if quick is not None:
        assert _finish(quick, 300) == _finish(_strip_tags(markup), 300)
        assert html_to_text(markup, max_len=300) == _finish(quick, 300)


def test_html_to_text_takes_the_quick_path_for_a_sentence_and_a_link():
    markup = 'Council bans face scans <a href="https://x.example/1">Outlet</a><br/>More'

    assert _strip_simple_tags(markup) == "Council bans face scans Outlet More"
    assert _strip_simple_tags("a &amp; b") is None
    assert _strip_simple_tags("<script>x</script>") is None
    assert _strip_simple_tags("a<p\u00a0class=x>b") is None  # no tag name end for the parser


def test_html_to_text_caps_length_at_a_word_break():
    text = html_to_text("<p>" + "word " * 1000 + "</p>", max_len=50)

    assert len(text) <= 50
    assert text.endswith("word…")


def test_plain_text_keeps_brackets_and_decodes_stray_entities():
    assert (
        plain_text("Ban on &lt;face&gt; recognition &amp;amp; more")
        == "Ban on <face> recognition & more"
    )


def test_truncate():
    assert truncate("short", 10) == "short"
    assert truncate("abcdefghij", 5) == "abcd…"
    assert truncate("anything", 0) == ""


# --- time -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2020, 6, 10, 12, 0, tzinfo=UTC), datetime(2020, 6, 10, 12, 0, tzinfo=UTC)),
        (
            datetime(2020, 6, 10, 8, 0, tzinfo=timezone(timedelta(hours=-4))),
            datetime(2020, 6, 10, 12, 0, tzinfo=UTC),
        ),
        (datetime(2020, 6, 10, 12, 0), datetime(2020, 6, 10, 12, 0, tzinfo=UTC)),  # naive: UTC
        (date(2021, 5, 18), datetime(2021, 5, 18, tzinfo=UTC)),
        (
            time.struct_time((2020, 6, 8, 20, 0, 0, 0, 160, 0)),
            datetime(2020, 6, 8, 20, 0, tzinfo=UTC),
        ),
        ("2021-05-18", datetime(2021, 5, 18, tzinfo=UTC)),
        ("2022-03-25T01:16:59Z", datetime(2022, 3, 25, 1, 16, 59, tzinfo=UTC)),
        ("Fri, 25 Sep 2026 13:53:48 GMT", datetime(2026, 9, 25, 13, 53, 48, tzinfo=UTC)),
        ("Thu, 11 Jun 2020 09:30:00 -0400", datetime(2020, 6, 11, 13, 30, tzinfo=UTC)),
    ],
)
def test_published_times_become_utc(value: object, expected: datetime):
    assert normalize_published(value, now=NOW) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "yesterday-ish",
        "1970-01-01T00:00:00Z",  # epoch zero: a missing date in disguise
        "1989-12-31",
        NOW + timedelta(days=2, seconds=1),  # from the future
        "9999-12-31T23:59:59Z",
        time.struct_time((2020, 2, 30, 0, 0, 0, 0, 1, 0)),  # no such day
        12345,
    ],
)
def test_missing_unparsable_or_absurd_times_fall_back_to_first_seen(value: object):
    assert normalize_published(value, now=NOW) == NOW


def test_slightly_future_times_are_kept():
    soon = NOW + timedelta(hours=30)  # time zones and early publishing

    assert normalize_published(soon, now=NOW) == soon


def test_parse_datetime_gives_none_for_nonsense():
    assert parse_datetime("not a date") is None


# --- never raise --------------------------------------------------------------------

urls = st.one_of(
    st.text(max_size=200),
    st.builds(
        lambda scheme, host, path, query, frag: f"{scheme}://{host}/{path}?{query}#{frag}",
        st.sampled_from(["http", "https", "HTTP", "ftp", ""]),
        st.text(max_size=30),
        st.text(max_size=40),
        st.text(max_size=60),
        st.text(max_size=10),
    ),
)


@given(urls)
def test_canonical_url_never_raises_and_is_stable(url: str):
    once = canonical_url(url)

    assert isinstance(once, str)
    assert canonical_url(once) == once


@given(st.text(max_size=500), st.integers(min_value=0, max_value=600))
def test_html_to_text_never_raises_and_respects_the_cap(markup: str, cap: int):
    text = html_to_text(markup, max_len=cap)

    assert len(text) <= cap
    assert text == text.strip()
    assert "  " not in text


@given(
    st.text(
        alphabet=st.sampled_from(list("<>&;#x/ab=\"' script style amp lt gt 39 ")), max_size=300
    )
)
def test_html_to_text_survives_markup_soup(markup: str):
    assert isinstance(html_to_text(markup), str)


@given(st.text(max_size=300))
def test_plain_text_never_raises(value: str):
    assert len(plain_text(value, max_len=100)) <= 100


published_values = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.datetimes(timezones=st.none() | st.timezones()),
    st.dates(),
    st.integers(),
    st.builds(
        time.struct_time,
        st.tuples(*(st.integers(min_value=-10, max_value=10000) for _ in range(9))),
    ),
)


@given(published_values)
def test_normalize_published_never_raises_and_stays_in_range(value: object):
    result = normalize_published(value, now=NOW)

    assert result.tzinfo == UTC
    assert datetime(1990, 1, 1, tzinfo=UTC) <= result <= NOW + timedelta(days=2)
