"""Generated news feeds for the ingest benchmarks: realistic facial-recognition headlines, about
59 items a feed, with stories that several feeds carry (as overlapping news searches do).

Deterministic for a given seed, and served from loopback with ETag / 304 like a real server.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

from aiohttp import web

ITEMS_PER_FEED = 59
COMPANIES = ["Amazon", "Microsoft", "IBM", "Clearview AI", "Axon", "Google", "Meta", "NEC"]
PRODUCTS = {"Amazon": "Rekognition", "Microsoft": "Azure Face", "Clearview AI": "Clearview"}
PLACES = [
    "San Francisco", "Boston", "Portland", "New York", "Washington state", "California",
    "Illinois", "Texas", "Detroit", "Minneapolis", "New Orleans", "Baltimore", "Massachusetts",
    "Virginia", "Colorado", "Maine", "Vermont", "King County", "Oakland", "Somerville",
    "the UK", "the EU", "London", "Toronto", "Sydney",
]  # fmt: skip
OUTLETS = [
    "Reuters", "AP News", "The Verge", "Wired", "The Guardian", "NPR", "Ars Technica",
    "TechCrunch", "The Washington Post", "Politico", "Axios", "CNN", "BBC", "Bloomberg",
    "The Register", "Engadget", "Gizmodo", "Vice", "Fast Company", "StateScoop",
]  # fmt: skip
TEMPLATES = [
    "{place} bans police use of facial recognition",
    "{place} lawmakers advance facial recognition moratorium",
    "{place} city council votes to restrict facial recognition technology",
    "{company} extends moratorium on police use of {product}",
    "{company} faces lawsuit over facial recognition database",
    "{company} says it will not sell facial recognition to police in {place}",
    "Police in {place} used {company} facial recognition despite ban, records show",
    "Senators reintroduce Facial Recognition and Biometric Technology Moratorium Act",
    "{place} governor signs bill limiting facial recognition by law enforcement",
    "Civil liberties groups urge {place} to halt {company} face surveillance contract",
    "Regulator fines {company} over facial recognition in {place}",
    "{place} repeals facial recognition ban amid crime concerns",
    "Report: {company} pitched {product} to immigration agents",
    "{place} schools pause facial recognition pilot after privacy outcry",
    "Judge blocks {place} police facial recognition program",
]
OFF_TOPIC = [
    "{company} reports quarterly earnings above expectations",
    "Best budget phones of the year, tested",
    "{place} weather: storms expected through the weekend",
    "{company} unveils new laptop lineup",
    "How to set up face unlock on your phone",
    "{place} transit agency raises fares",
    "{company} stock slips after analyst downgrade",
    "Local team wins championship in {place}",
]


@dataclass(frozen=True, slots=True)
class Story:
    title: str
    slug: str
    published: datetime


def _story(rng: random.Random, now: datetime, n: int) -> Story:
    company = rng.choice(COMPANIES)
    templates = TEMPLATES if rng.random() < 0.7 else OFF_TOPIC
    title = rng.choice(templates).format(
        place=rng.choice(PLACES), company=company, product=PRODUCTS.get(company, "face matching")
    )
    published = now - timedelta(minutes=rng.randint(0, 3 * 24 * 60))
    return Story(title, f"story-{n}", published)


def build_feeds(count: int, *, seed: int = 14, now: datetime | None = None) -> dict[str, bytes]:
    """``count`` RSS bodies named ``feed-0000`` ...: about a third of each feed's items are
    stories some other feed carries too (another outlet's copy, or the same link)."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC).replace(microsecond=0)
    shared = [_story(rng, now, n) for n in range(max(50, count * 3))]
    serial = len(shared)
    bodies = {}
    for index in range(count):
        name = f"feed-{index:04d}"
        entries = []
        for position in range(ITEMS_PER_FEED):
            if rng.random() < 0.33:
                story = rng.choice(shared)
                outlet = rng.choice(OUTLETS)
                # Half the copies link the same article, half another outlet's version.
                link = (
                    f"https://news.example.com/{story.slug}"
                    if rng.random() < 0.5
                    else f"https://{outlet.lower().replace(' ', '')}.example.org/{story.slug}"
                )
                title = f"{story.title} - {outlet}"
            else:
                serial += 1
                story = _story(rng, now, serial)
                outlet = rng.choice(OUTLETS)
                link = f"https://{outlet.lower().replace(' ', '')}.example.org/{story.slug}"
                title = f"{story.title} - {outlet}"
            entries.append(
                "<item>"
                f"<title>{escape(title)}</title>"
                f"<link>{escape(link)}</link>"
                f"<guid isPermaLink=\"false\">{name}-{position}-{story.slug}</guid>"
                f"<pubDate>{format_datetime(story.published)}</pubDate>"
                f"<description>{escape(title)} &lt;a href=&quot;{escape(link)}&quot;&gt;"
                f"{escape(outlet)}&lt;/a&gt;</description>"
                f"<source url=\"https://{outlet.lower().replace(' ', '')}.example.org\">"
                f"{escape(outlet)}</source>"
                "</item>"
            )
        bodies[name] = (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>facial recognition search {index}</title>"
            "<link>https://news.example.com/</link><description>news search</description>"
            + "".join(entries)
            + "</channel></rss>"
        ).encode()
    return bodies


async def serve(bodies: dict[str, bytes]) -> tuple[web.AppRunner, int]:
    """Serve ``bodies`` at ``/<name>`` with an ETag, answering 304 to a matching one."""
    tags = {name: f'"{hashlib.sha256(body).hexdigest()[:16]}"' for name, body in bodies.items()}

    async def handle(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in bodies:
            return web.Response(status=404)
        etag = tags[name]
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(
            body=bodies[name], headers={"ETag": etag, "Content-Type": "application/rss+xml"}
        )

    app = web.Application()
    app.router.add_get("/{name}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
