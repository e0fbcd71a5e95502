"""Federal Register API v1: ``documents.json`` searches and single documents.

A search with no hits has no ``results`` key at all (only ``count`` and
``description``): that is an empty page, not an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.domain.types import FeedItem
from bot.errors import FeedError
from bot.ingest.adapters.base import (
    AdapterContext,
    RecordError,
    build_all,
    get_list,
    get_str,
    shape_error,
)
from bot.ingest.normalize import (
    SUMMARY_MAX,
    canonical_url,
    is_http_url,
    normalize_published,
    plain_text,
)

SOURCE = "federal_register"
SOURCE_NAME = "Federal Register"


def _agencies(raw: Mapping[str, Any]) -> str:
    names = [
        get_str(a, "name") or get_str(a, "raw_name")
        for a in get_list(raw, "agencies")
        if isinstance(a, Mapping)
    ]
    return "; ".join(n for n in names if n)


def _document(ctx: AdapterContext, raw: Mapping[str, Any]) -> FeedItem:
    number = get_str(raw, "document_number")
    if not number:
        raise RecordError("no document_number")
    url = get_str(raw, "html_url")
    kind = get_str(raw, "type")
    agencies = _agencies(raw)
    lead = " — ".join(p for p in (kind, agencies) if p)
    abstract = get_str(raw, "abstract")
    summary = f"{lead}: {abstract}" if lead and abstract else (abstract or lead)
    return FeedItem(
        feed_id=ctx.feed_id,
        guid=f"federalregister:{number}",
        url=canonical_url(url) if is_http_url(url) else "",
        title=plain_text(get_str(raw, "title")) or f"Federal Register document {number}",
        summary=plain_text(summary, max_len=SUMMARY_MAX),
        published=normalize_published(raw.get("publication_date"), now=ctx.now),
        source_kind=ctx.source_kind,
        source_name=SOURCE_NAME,
    )


def adapt(data: Any, ctx: AdapterContext) -> list[FeedItem]:
    """Items from ``/api/v1/documents.json`` (or ``/documents/{number}.json``)."""
    if not isinstance(data, Mapping):
        raise shape_error(SOURCE, data)
    if "errors" in data:
        raise FeedError(f"{SOURCE}: API error: {data['errors']}")
    if isinstance(data.get("results"), list):
        return build_all(SOURCE, data["results"], lambda raw: _document(ctx, raw))
    if "results" not in data and ("count" in data or "description" in data):
        return []  # a search without hits
    if "document_number" in data:
        return build_all(SOURCE, [data], lambda raw: _document(ctx, raw))
    raise shape_error(SOURCE, data)
