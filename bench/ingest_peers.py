"""Ingest against its floor and a peer: bare feedparser, the `reader` library and
`pledgewatch poll --once`, on the same generated loopback feeds, every variant a whole process.

Prints, for each feed count: cold ingest items/s (every feed new), the cost per item at the
start and the end of pledgewatch's cold cycle, a 304 cycle per feed (everything unchanged),
and peak memory; then the ratios the floors are stated in.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/ingest_peers.py              # 200 and 1,000 feeds
    .venv/bin/python bench/ingest_peers.py --feeds 50   # one size, while developing
    .venv/bin/python bench/ingest_peers.py --postgres   # pledgewatch on a fresh PostgreSQL db

Input items/s count every entry of every feed (the same work for all three), whatever each
one stores: pledgewatch keeps one copy of an article several feeds link, reader one per feed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedgen import ITEMS_PER_FEED, build_feeds, serve

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PLEDGEWATCH = str(ROOT / ".venv" / "bin" / "pledgewatch")
POSTGRES_ADMIN = os.environ.get(
    "PLEDGEWATCH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)

FEEDPARSER_CHILD = r"""
import asyncio, sys, aiohttp, feedparser
urls = open(sys.argv[1]).read().split()
async def main():
    limit = asyncio.Semaphore(8)
    count = 0
    async with aiohttp.ClientSession() as http:
        async def one(url):
            nonlocal count
            async with limit, http.get(url) as resp:
                body = await resp.read()
            count += len(feedparser.parse(body).entries)
        await asyncio.gather(*(one(u) for u in urls))
    print(count)
asyncio.run(main())
"""

READER_CHILD = r"""
import sys
from reader import make_reader
urls = open(sys.argv[1]).read().split()
reader = make_reader(sys.argv[2])
for url in urls:
    reader.add_feed(url, exist_ok=True)
reader.update_feeds(workers=8)
print(reader.get_entry_counts().total)
"""


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    peak_mib: float
    stdout: str
    stderr: str


class _Popen(subprocess.Popen[str]):
    """Reaps with wait4, keeping the child's CPU time."""

    cpu_seconds = 0.0

    def _try_wait(self, wait_flags: int) -> tuple[int, int]:
        pid, status, usage = os.wait4(self.pid, wait_flags)
        if pid:
            self.cpu_seconds = usage.ru_utime + usage.ru_stime
        return pid, status


def _watch_peak(pid: int, peak: list[float], done: threading.Event) -> None:
    # VmHWM is the process's own high-water mark since exec (ru_maxrss would also count
    # the forked copy of this benchmark); read it until the process is gone.
    status = Path(f"/proc/{pid}/status")
    while not done.is_set():
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak[0] = max(peak[0], int(line.split()[1]) / 1024)
        except (OSError, ValueError):
            return
        done.wait(0.02)


def run(cmd: list[str], env: dict[str, str]) -> Run:
    started = time.perf_counter()
    proc = _Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak, done = [0.0], threading.Event()
    watcher = threading.Thread(target=_watch_peak, args=(proc.pid, peak, done), daemon=True)
    watcher.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    watcher.join()
    if proc.returncode != 0:
        print(err[-3000:], file=sys.stderr)
        raise SystemExit(f"{cmd[0]} failed with {proc.returncode}")
    return Run(seconds, proc.cpu_seconds, peak[0], out, err)


_POLLED = re.compile(r"^(\S+ \S+) INFO bot\.ingest\.pipeline: feed polled .*items=(\d+)")


def per_item_ms(stderr: str, share: float = 0.1) -> tuple[float, float]:
    """Milliseconds per input item for the first and the last ``share`` of the feeds, from
    the gaps between "feed polled" log lines (the store stage's pace)."""
    stamps = []
    for line in stderr.splitlines():
        found = _POLLED.match(line)
        if found:
            when = datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S,%f")  # noqa: DTZ007
            stamps.append((when, int(found.group(2))))
    if len(stamps) < 4:
        return float("nan"), float("nan")
    k = max(2, int(len(stamps) * share))

    def pace(window: list[tuple[datetime, int]]) -> float:
        seconds = (window[-1][0] - window[0][0]).total_seconds()
        items = sum(count for _, count in window[1:])
        return 1000 * seconds / max(items, 1)

    return pace(stamps[: k + 1]), pace(stamps[-(k + 1) :])


async def measure(count: int, postgres: bool) -> dict[str, float]:
    bodies = build_feeds(count)
    runner, port = await serve(bodies)
    loop = asyncio.get_running_loop()
    items = count * ITEMS_PER_FEED
    figures: dict[str, float] = {"feeds": count, "items": items}
    with tempfile.TemporaryDirectory() as tmp:
        urls = Path(tmp) / "urls.txt"
        urls.write_text("\n".join(f"http://127.0.0.1:{port}/{name}" for name in bodies))
        feeds = Path(tmp) / "feeds.yaml"
        lines = ["feeds:"]
        for name in bodies:
            lines += [f"  - id: {name}", f"    url: http://127.0.0.1:{port}/{name}",
                      "    kind: news", "    format: rss"]  # fmt: skip
        feeds.write_text("\n".join(lines) + "\n")
        db_name = f"bench_{uuid.uuid4().hex[:10]}"
        if postgres:
            database_url = POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{db_name}"
            await _postgres(f'CREATE DATABASE "{db_name}"')
        else:
            database_url = f"sqlite:///{tmp}/pledgewatch.db"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "PLEDGEWATCH_FEEDS": str(feeds),
            "PLEDGEWATCH_ALLOW_PRIVATE_FEEDS": "1",
            "PLEDGEWATCH_LOG_LEVEL": "INFO",
        }
        try:
            bare = await loop.run_in_executor(
                None, run, [PYTHON, "-c", FEEDPARSER_CHILD, str(urls)], env
            )
            reader_db = f"{tmp}/reader.sqlite"
            reader_cmd = [PYTHON, "-c", READER_CHILD, str(urls), reader_db]
            reader_cold = await loop.run_in_executor(None, run, reader_cmd, env)
            reader_304 = await loop.run_in_executor(None, run, reader_cmd, env)
            ours_cmd = [PLEDGEWATCH, "poll", "--once", "--json"]
            ours_cold = await loop.run_in_executor(None, run, ours_cmd, env)
            ours_304 = await loop.run_in_executor(None, run, ours_cmd, env)
        finally:
            if postgres:
                await _postgres(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    await runner.cleanup()
    start_ms, end_ms = per_item_ms(ours_cold.stderr)
    figures.update(
        feedparser_items_s=items / bare.seconds,
        feedparser_cpu_items_s=items / bare.cpu_seconds,
        reader_cpu_items_s=items / reader_cold.cpu_seconds,
        ours_cpu_items_s=items / ours_cold.cpu_seconds,
        feedparser_peak=bare.peak_mib,
        reader_items_s=items / reader_cold.seconds,
        reader_peak=max(reader_cold.peak_mib, reader_304.peak_mib),
        reader_304_ms=1000 * reader_304.seconds / count,
        ours_items_s=items / ours_cold.seconds,
        ours_stored=len(ours_cold.stdout.splitlines()),
        ours_peak=max(ours_cold.peak_mib, ours_304.peak_mib),
        ours_304_ms=1000 * ours_304.seconds / count,
        ours_start_ms=start_ms,
        ours_end_ms=end_ms,
        reader_stored=float(reader_cold.stdout.strip() or 0),
        feedparser_parsed=float(bare.stdout.strip() or 0),
    )
    return figures


async def _postgres(statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def report(f: dict[str, float], store: str) -> None:
    print(f"\n== {int(f['feeds'])} feeds, {int(f['items'])} items, pledgewatch on {store} ==")
    print(f"{'variant':<20}{'items/s':>9}{'per CPU-s':>11}{'304 ms/feed':>13}{'peak MiB':>10}"
          f"{'stored':>8}")  # fmt: skip
    for name, key, stored in (
        ("bare feedparser", "feedparser", "feedparser_parsed"),
        ("reader", "reader", "reader_stored"),
        ("pledgewatch poll", "ours", "ours_stored"),
    ):
        warm = f.get(f"{key}_304_ms")
        print(f"{name:<20}{f[key + '_items_s']:>9.0f}{f[key + '_cpu_items_s']:>11.0f}"
              f"{f'{warm:.1f}' if warm else '-':>13}{f[key + '_peak']:>10.1f}"
              f"{f[stored]:>8.0f}")  # fmt: skip
    print(f"cold ingest / bare feedparser:  {f['ours_items_s'] / f['feedparser_items_s']:.2f}x"
          "  (floor 0.5x)")  # fmt: skip
    print(f"cold ingest / reader:           {f['ours_items_s'] / f['reader_items_s']:.2f}x"
          "  (floor: above 1x)")  # fmt: skip
    print(f"same, per CPU second:           "
          f"{f['ours_cpu_items_s'] / f['feedparser_cpu_items_s']:.2f}x feedparser, "
          f"{f['ours_cpu_items_s'] / f['reader_cpu_items_s']:.2f}x reader")  # fmt: skip
    print(f"per item, start -> end of cycle: {f['ours_start_ms']:.2f} -> {f['ours_end_ms']:.2f} ms"
          f"  = {f['ours_end_ms'] / f['ours_start_ms']:.2f}x  (floor 1.5x at 1,000 feeds)")
    print(f"304 cycle per feed / reader's:  {f['ours_304_ms'] / f['reader_304_ms']:.2f}x"
          "  (floor 0.5x)")  # fmt: skip
    print(f"peak memory:                    {f['ours_peak']:.1f} MiB"
          f"  = {f['ours_peak'] * 1.048576 / 150:.2f}x the 150 MB ceiling")  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, action="append", help="feed count (repeatable)")
    parser.add_argument("--postgres", action="store_true", help="pledgewatch on PostgreSQL")
    args = parser.parse_args()
    for count in args.feeds or [200, 1000]:
        figures = await measure(count, args.postgres)
        report(figures, "PostgreSQL" if args.postgres else "SQLite")


if __name__ == "__main__":
    asyncio.run(main())
