"""Pure normalizers for fetched items: canonical URLs, plain text, UTC times.

None of these raise on odd input: a feed is hostile data, and a value that cannot
be normalized falls back to something safe (the input, an empty string, ``now``).
"""

from __future__ import annotations

import contextlib
import html
import re
import time
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

# Query parameters that only track the reader; removing them makes one story one URL.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "igshid",
        "igsh",
        "ref_src",
        "ref_url",
        "_hsenc",
        "_hsmi",
        "__hstc",
        "__hssc",
        "__hsfp",
        "hsctatracking",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "vero_conv",
        "_ga",
        "_gl",
        "wickedid",
        "s_kwcid",
        "ef_id",
        "srsltid",
        "cmpid",
        "at_medium",
        "at_campaign",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
# Google News article links are opaque redirect tokens: rewriting them breaks them.
_OPAQUE_HOSTS = frozenset({"news.google.com"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"

EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=2)

TITLE_MAX = 500
SUMMARY_MAX = 4000


def is_tracking_param(name: str) -> bool:
    """True for query parameters that identify the reader rather than the page."""
    key = name.strip().lower()
    return key in _TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The form of ``url`` used to recognise one page under many links.

    Lowercases scheme and host, drops the default port, the fragment and tracking
    parameters, and sorts the remaining query parameters. Non-HTTP(S) values and
    anything unparsable come back stripped but otherwise unchanged; Google News
    links come back as they are.
    """
    raw = url.strip()
    try:
        parts = urlsplit(raw)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return raw
        host = parts.hostname.lower().rstrip(".")
        if host in _OPAQUE_HOSTS:
            return raw
        port = parts.port
    except ValueError:
        return raw
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username is not None:
        userinfo = parts.username
        if parts.password is not None:
            userinfo += f":{parts.password}"
        netloc = f"{userinfo}@{netloc}"
    pairs = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_param(k)
    ]
    pairs.sort()
    query = urlencode(pairs, doseq=False)
    # Percent-encode what may not appear raw (spaces, controls, non-ASCII); keep escapes.
    path = quote(parts.path, safe=_PATH_SAFE) or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def is_http_url(url: str) -> bool:
    """True when ``url`` is an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
        return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.hostname)
    except ValueError:
        return False


# --- text -----------------------------------------------------------------------

# Elements whose content is never reader-visible text.
_DROP_ELEMENTS = frozenset({"script", "style", "noscript", "template", "head", "title", "svg"})
# Elements that separate words even when the markup has no whitespace between them.
_BLOCK_ELEMENTS = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "table", "h1", "h2", "h3",
        "h4", "h5", "h6", "blockquote", "section", "article", "header", "footer", "hr",
        "pre", "dd", "dt", "dl", "figure", "figcaption", "img", "font",
    }
)  # fmt: skip
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")
_SPACE = re.compile(r"\s+")
_MAX_DECODE_ROUNDS = 3


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_ELEMENTS:
            self._dropping.append(tag)
        elif tag in _BLOCK_ELEMENTS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_ELEMENTS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self._dropping and tag == self._dropping[-1]:
            self._dropping.pop()
        elif tag in _BLOCK_ELEMENTS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self.parts.append(data)


def _strip_tags(markup: str) -> str:
    parser = _TextExtractor()
    # html.parser still asserts on some malformed declarations; keep what was read.
    with contextlib.suppress(AssertionError, ValueError):
        parser.feed(markup)
        parser.close()
    return "".join(parser.parts)


# A start, end or self-closing tag whose attributes are plain names and values.
# Whitespace is html.parser's own set (a no-break space does not end a tag name there).
_SIMPLE_TAG = re.compile(
    r"""<(/?)([A-Za-z][A-Za-z0-9]*)(?:[ \t\n\r\f]+[A-Za-z_:][-A-Za-z0-9_:.]*"""
    r"""(?:[ \t\n\r\f]*=[ \t\n\r\f]*(?:"[^"]*"|'[^']*'|[^ \t\n\r\f"'<>=`]+))?)*"""
    r"""[ \t\n\r\f]*/?>"""
)
# Elements html.parser reads as raw text, or whose content is dropped: the full parser.
_NOT_SIMPLE = _DROP_ELEMENTS | {"textarea", "xmp", "iframe", "noembed", "noframes", "plaintext"}


def _strip_simple_tags(markup: str) -> str | None:
    """What :func:`_strip_tags` gives for markup of only text and simple tags (the common
    summary: a sentence and a link), without building a parser; None for anything else
    (entities, comments, declarations, raw-text elements, a stray ``<``)."""
    if "&" in markup or "<!" in markup or "<?" in markup:
        return None
    parts: list[str] = []
    at = 0
    for tag in _SIMPLE_TAG.finditer(markup):
        between = markup[at : tag.start()]
        if "<" in between:
            return None
        name = tag.group(2).lower()
        if name in _NOT_SIMPLE:
            return None
        parts.append(between)
        if name in _BLOCK_ELEMENTS:
            parts.append(" ")
        at = tag.end()
    rest = markup[at:]
    if "<" in rest:
        return None
    parts.append(rest)
    return "".join(parts)


def _finish(text: str, max_len: int) -> str:
    text = _SPACE.sub(" ", _CONTROL.sub("", text)).strip()
    return truncate(text, max_len)


def truncate(text: str, max_len: int) -> str:
    """Cut ``text`` to at most ``max_len`` characters, at a word break, with an ellipsis."""
    if max_len <= 0:
        return ""
    if len(text) <= max_len:
        return text
    if max_len == 1:
        return "…"
    cut = text[: max_len - 1]
    space = cut.rfind(" ")
    if space >= max_len // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def html_to_text(markup: str | None, *, max_len: int = SUMMARY_MAX) -> str:
    """Reader-visible text of an HTML fragment, on one line.

    Tags are stripped, scripts and styles dropped, entities decoded, including
    double-escaped ones (``&amp;amp;``, ``&amp;#39;``, ``&amp;lt;b&amp;gt;``), whitespace
    collapsed, and the result capped at ``max_len`` characters.
    """
    if not markup:
        return ""
    simple = _strip_simple_tags(markup)
    if simple is not None:  # no entities: nothing a second round could decode
        return _finish(simple, max_len)
    text = _strip_tags(markup)
    # Another round only when the first left entities behind: the source escaped its
    # markup twice, so what the entities spell is markup too.
    for _ in range(_MAX_DECODE_ROUNDS - 1):
        if not _ENTITY.search(text):
            break
        text = _strip_tags(html.unescape(text))
    return _finish(text, max_len)


def plain_text(value: str | None, *, max_len: int = TITLE_MAX) -> str:
    """Clean a value that is already meant as text: decode stray entities, collapse space.

    Unlike :func:`html_to_text`, angle brackets are kept (a title may say ``a <b> c``).
    """
    if not value:
        return ""
    text = value
    for _ in range(_MAX_DECODE_ROUNDS):
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return _finish(text, max_len)


# --- time -------------------------------------------------------------------------


def as_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime; a naive value is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _coerce(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, time.struct_time):
        # feedparser's *_parsed values are already in UTC.
        return datetime(*value[:6], tzinfo=UTC)
    if isinstance(value, str):
        return parse_datetime(value)
    return None


def parse_datetime(text: str) -> datetime | None:
    """Parse ISO 8601 (date or date-time) or RFC 2822 text to aware UTC, else ``None``."""
    raw = text.strip()
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        return as_utc(parsed)
    except (ValueError, OverflowError):
        pass
    try:
        return as_utc(parsedate_to_datetime(raw))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def normalize_published(value: object, *, now: datetime) -> datetime:
    """An item's publication time in UTC, or ``now`` (first seen) when it is missing,
    unparsable or absurd (before 1990, or more than two days in the future)."""
    first_seen = as_utc(now)
    try:
        moment = _coerce(value)
    except (ValueError, OverflowError, TypeError):
        moment = None
    if moment is None:
        return first_seen
    if moment < EARLIEST_PLAUSIBLE or moment > first_seen + FUTURE_TOLERANCE:
        return first_seen
    return moment
