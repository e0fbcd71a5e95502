"""How long one `pledgewatch poll --once` over the sample feeds takes, and its peak memory.

Serves every fixture feed (and ../shared/samples when present) from a loopback server, writes
a feeds.yaml pointing at them, and runs the real CLI in a subprocess on a fresh SQLite file:
a first (cold) poll and a second poll that the validators turn into 304s. Reported as ratios:
wall time against the shortest poll interval in feeds.yaml (15 minutes), and peak RSS
against a bare interpreter that only imports the application.

    .venv/bin/python bench/poll_once.py
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "feeds"
SAMPLES = ROOT.parent / "shared" / "samples"
FORMATS = {
    "congress": "congress",
    "openstates": "openstates",
    "legiscan": "legiscan",
    "federal_register_documents": "federal_register",
    "federalregister_v1": "federal_register",
}
SHORTEST_INTERVAL_S = 15 * 60


def feed_files() -> list[tuple[str, Path, str]]:
    files = [p for p in sorted(FIXTURES.iterdir()) if p.suffix in (".xml", ".json")]
    files = [p for p in files if not p.name.endswith(".expected.json")]
    if SAMPLES.exists():
        files += [p for p in sorted(SAMPLES.iterdir()) if p.suffix in (".xml", ".json")]
        files += sorted((SAMPLES / "feedparser_hostile").glob("*.xml"))
    out = []
    for path in files:
        fmt = "rss"
        for prefix, name in FORMATS.items():
            if path.stem.startswith(prefix) or path.stem.startswith(prefix.replace("_", "")):
                fmt = name
        if path.suffix == ".json" and fmt == "rss":
            fmt = (
                "congress"
                if "congress" in path.stem
                else "openstates"
                if "openstates" in path.stem
                else "legiscan"
                if "legiscan" in path.stem
                else "federal_register"
            )
        feed_id = hashlib.sha1(str(path).encode()).hexdigest()[:10]
        out.append((f"f-{feed_id}", path, fmt))
    return out


async def serve(files: list[tuple[str, Path, str]]) -> tuple[web.AppRunner, int]:
    bodies = {feed_id: path.read_bytes() for feed_id, path, _ in files}

    async def handle(request: web.Request) -> web.Response:
        body = bodies[request.match_info["name"]]
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, headers={"ETag": etag})

    app = web.Application()
    app.router.add_get("/{name}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in KiB (of this child alone), exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0:
        print(proc.stderr[-2000:], file=sys.stderr)
    return seconds, max(peak, before), proc.returncode


async def main() -> None:
    files = feed_files()
    runner, port = await serve(files)
    with tempfile.TemporaryDirectory() as tmp:
        feeds = Path(tmp) / "feeds.yaml"
        lines = ["feeds:"]
        for feed_id, _path, fmt in files:
            kind = "news" if fmt == "rss" else "legislative"
            lines += [
                f"  - id: {feed_id}",
                f"    url: http://127.0.0.1:{port}/{feed_id}",
                f"    kind: {kind}",
                f"    format: {fmt}",
            ]
        feeds.write_text("\n".join(lines) + "\n")
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "PLEDGEWATCH_FEEDS": str(feeds),
            "PLEDGEWATCH_ALLOW_PRIVATE_FEEDS": "1",
            "PLEDGEWATCH_LOG_LEVEL": "ERROR",
        }
        cli = [str(ROOT / ".venv" / "bin" / "pledgewatch"), "poll", "--once", "--json"]
        loop = asyncio.get_running_loop()
        base_s, base_kib, _ = await loop.run_in_executor(
            None, run, [sys.executable, "-c", "import bot.app, bot.cli"], env
        )
        cold_s, cold_kib, code1 = await loop.run_in_executor(None, run, cli, env)
        warm_s, warm_kib, code2 = await loop.run_in_executor(None, run, cli, env)
    await runner.cleanup()
    print(
        f"feeds served: {len(files)} (fixtures{' + ../shared/samples' if SAMPLES.exists() else ''})"
    )
    print(f"import only:           {base_s:6.2f} s   peak {base_kib / 1024:6.1f} MiB")
    print(
        f"poll --once (cold):    {cold_s:6.2f} s   peak {cold_kib / 1024:6.1f} MiB   exit {code1}"
    )
    print(
        f"poll --once (304s):    {warm_s:6.2f} s   peak {warm_kib / 1024:6.1f} MiB   exit {code2}"
    )
    print(f"cold poll / shortest interval (15 min): {cold_s / SHORTEST_INTERVAL_S:.4f}")
    print(f"cold poll peak / import-only peak:      {cold_kib / base_kib:.2f}x")
    print(f"304 poll / cold poll wall time:          {warm_s / cold_s:.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
