"""Several `pledgewatch run` processes on one PostgreSQL database, as Discord bot runners (one
shard each) against the fake Discord, fed by a loopback feed of generated stories.

For 1, 2 and 3 runners: alerts delivered, lost and duplicated per channel, once with every
runner running to the end and once with one runner killed (SIGKILL) while it holds a delivery
claim (2 and 3 runners); delivery throughput (deliveries per second from the first post to
the last) with 1 vs 2 runners as a ratio; and the claim hand-over after a kill: from SIGKILL
to the next post in a channel the killed runner held (its lease, PLEDGEWATCH_DELIVERY_LEASE,
runs out first).

    .venv/bin/python bench/scaleout.py [--stories 200] [--channels 10] [--lease 3]

Needs the PostgreSQL server of the tests (PLEDGEWATCH_TEST_POSTGRES); makes and drops a
database per run.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bot.settings import async_database_url  # noqa: E402
from tests.conftest import POSTGRES_URL  # noqa: E402
from tests.fakediscord import FakeDiscord  # noqa: E402
from tests.scaleout.world import Fleet, feed_server, stories_posted, story_feed  # noqa: E402


@dataclass
class Outcome:
    runners: int
    killed: bool
    expected: int
    delivered: int
    lost: int
    duplicated: int
    seconds: float
    handover: float | None
    too_many: int  # 429 answers from the fake Discord

    @property
    def rate(self) -> float:
        return self.delivered / self.seconds if self.seconds else 0.0


async def fresh_database() -> tuple[str, str]:
    name = f"pw_bench_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(async_database_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}", name


async def drop_database(name: str) -> None:
    admin = create_async_engine(async_database_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


async def one_run(
    runners: int, *, kill: bool, stories: int, channels: int, lease: float
) -> Outcome:
    url, name = await fresh_database()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            async with FakeDiscord(shard_count=runners) as fake:
                guild = fake.add_guild("Policy Watch")
                chans = [fake.add_channel(guild, f"alerts-{i}") for i in range(channels)]
                ids = [c.id for c in chans]
                async with feed_server(story_feed(stories)) as feed_url:
                    fleet = Fleet(url, Path(tmp), fake, "bot", feed_url, lease=lease)
                    await fleet.prepare([(guild.id, c) for c in ids])
                    await fleet.start(runners)
                    total = stories * channels

                    def posted() -> int:
                        return sum(len(stories_posted(fake, c)) for c in ids)

                    try:
                        await fake.changes.until(
                            lambda: posted() > 0 or None, timeout=120, what="a post"
                        )
                        started = time.perf_counter()
                        handover = None
                        if kill:
                            await fake.changes.until(
                                lambda: posted() >= total // 4 or None,
                                timeout=120,
                                what="a quarter",
                            )
                            claims = await fleet.claims()
                            while not claims:
                                await asyncio.sleep(0.02)
                                claims = await fleet.claims()
                            victim_pid = next(iter(claims.values()))
                            held = [
                                int(t.split(":")[1]) for t, p in claims.items() if p == victim_pid
                            ]
                            victim = next(r for r in fleet.runners if r.pid == victim_pid)
                            before = {c: len(fake.messages(c)) for c in held}
                            fleet.kill(victim)
                            killed_at = time.perf_counter()
                            await fake.changes.until(
                                lambda: (
                                    any(len(fake.messages(c)) > before[c] for c in held)
                                    or all(len(stories_posted(fake, c)) == stories for c in held)
                                    or None
                                ),
                                timeout=120,
                                what="the hand-over",
                            )
                            handover = time.perf_counter() - killed_at
                        await fake.changes.until(
                            lambda: posted() >= total or None, timeout=300, what="every delivery"
                        )
                        seconds = time.perf_counter() - started
                    finally:
                        await fleet.stop()
                counts = [stories_posted(fake, c) for c in ids]
                delivered = sum(len(c) for c in counts)
                duplicated = sum(t - 1 for c in counts for t in c.values() if t > 1)
                too_many = sum(1 for r in fake.requests if r.status == 429)
                return Outcome(
                    runners,
                    kill,
                    total,
                    delivered,
                    total - delivered,
                    duplicated,
                    seconds,
                    handover,
                    too_many,
                )
    finally:
        await drop_database(name)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", type=int, default=200)
    parser.add_argument("--channels", type=int, default=10)
    parser.add_argument("--lease", type=float, default=3.0)
    args = parser.parse_args()
    options = {"stories": args.stories, "channels": args.channels, "lease": args.lease}
    outcomes = []
    for runners, kill in ((1, False), (2, False), (3, False), (2, True), (3, True)):
        outcome = await one_run(runners, kill=kill, **options)
        outcomes.append(outcome)
        handover = f", hand-over {outcome.handover:.1f}s" if outcome.handover is not None else ""
        print(
            f"{runners} runner(s){' one killed' if kill else ''}: {outcome.delivered}/"
            f"{outcome.expected} delivered, {outcome.lost} lost, {outcome.duplicated} duplicated; "
            f"{outcome.rate:.1f} deliveries/s, {outcome.too_many} 429s{handover}",
            flush=True,
        )
    one, two = outcomes[0], outcomes[1]
    print(
        f"throughput 2 vs 1 runner(s): {two.rate / one.rate:.2f}x "
        f"(Discord's global limit, 50/s per bot, is shared by the runners)"
    )


if __name__ == "__main__":
    asyncio.run(main())
