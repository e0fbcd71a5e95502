from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.types import FeedItem
from bot.domain.watchlist import Watchlist, load_watchlist

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="session")
def watchlist() -> Watchlist:
    return load_watchlist()


def make_item(
    title: str,
    summary: str = "",
    *,
    published: datetime | None = None,
    url: str | None = None,
) -> FeedItem:
    # A distinct address per title, so that only tests that mean to share a URL do.
    url = url or f"https://news.example/{abs(hash(title)):x}"
    return FeedItem(
        feed_id="test",
        guid=url,
        url=url,
        title=title,
        summary=summary,
        published=published or EPOCH,
    )
