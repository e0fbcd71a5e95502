"""How long the Discord bot takes to start, and to answer one slash command.

Runs the real bot (real discord.py, real SQLite file, every cog) against the fake Discord
on loopback, several times: building the app (migrations, watchlist), logging in with the
first command sync, reaching READY, then /pledge amazon from injection to the answer in the
channel, and each newer command (/follow, /unfollow, /timeline): the time to Discord's
interaction callback (what the 3 s deadline is about: /timeline defers, then draws) and to
the final answer. A second start on the same database shows the start without a sync.
Reported as ratios against Discord's 3 s deadline for answering an interaction and a
one-second goal for start-up.

    .venv/bin/python bench/bot_startup.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402  (the harness's monkeypatch restores discord.py's globals)

from bot.app import open_app  # noqa: E402
from bot.discord_bot import build_bot  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.discord.harness import BotRunner  # noqa: E402
from tests.fakediscord import FakeDiscord  # noqa: E402

RUNS = 5
INTERACTION_DEADLINE_S = 3.0
STARTUP_GOAL_S = 1.0
FEEDS = "feeds: []\n"
# The newer commands, in the order a server would use them; /timeline twice, as its first
# run in a process loads matplotlib.
COMMANDS: list[tuple[str, str, dict[str, str], str]] = [
    ("/follow bill S.681", "follow bill", {"id": "S.681"}, "mod"),
    ("/follow pledge amazon", "follow pledge", {"company": "amazon"}, "mod"),
    ("/follow place US-WA", "follow place", {"place": "US-WA"}, "mod"),
    ("/unfollow place:US-WA", "unfollow", {"followed": "place:US-WA"}, "mod"),
    ("/timeline (first, loads matplotlib)", "timeline", {}, "alice"),
    ("/timeline amazon", "timeline", {"about": "amazon"}, "alice"),
    ("/timeline (again)", "timeline", {}, "alice"),
]


async def one_run(tmp: Path) -> dict[str, float]:
    times: dict[str, float] = {}
    monkeypatch = pytest.MonkeyPatch()
    try:
        async with FakeDiscord() as fake:
            guild = fake.add_guild("Bench")
            channel = fake.add_channel(guild, "alerts")
            member = fake.add_member(guild, "alice")
            mod = fake.add_member(guild, "mod", permissions=["manage_guild"])
            (tmp / "feeds.yaml").write_text(FEEDS, encoding="utf-8")
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                discord_token=fake.token,
                discord_api_base=fake.url,
                database_url=f"sqlite:///{tmp / 'bench.db'}",
                pledgewatch_feeds=tmp / "feeds.yaml",
            )
            runner = BotRunner(fake, monkeypatch)
            for label in ("first start", "restart"):
                started = time.perf_counter()
                async with open_app(settings) as app:
                    built = time.perf_counter()
                    bot = build_bot(app, guild_ready_timeout=0.01)
                    await runner.start(bot)
                    ready = time.perf_counter()
                    asked = time.perf_counter()
                    interaction = fake.inject_slash_command(
                        "pledge", {"company": "amazon"}, member=member, channel=channel
                    )
                    await interaction.wait_for_original()
                    answered = time.perf_counter()
                    for shown, name, options, who in COMMANDS:
                        sent = time.perf_counter()
                        interaction = fake.inject_slash_command(
                            name, options, member=mod if who == "mod" else member, channel=channel
                        )
                        await interaction.wait_for_callback()
                        called = time.perf_counter()
                        await interaction.wait_for_original(lambda m: not m.loading)
                        final = time.perf_counter()
                        times[f"{label}: {shown} callback"] = called - sent
                        times[f"{label}: {shown} answer"] = final - sent
                    await bot.close()
                    await runner.stop_all()
                times[f"{label}: app"] = built - started
                times[f"{label}: login to ready"] = ready - built
                times[f"{label}: total to ready"] = ready - started
                times[f"{label}: /pledge answer"] = answered - asked
            fake.verify()
    finally:
        monkeypatch.undo()
    return times


async def main() -> None:
    runs = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(await one_run(Path(tmp)))
    print(f"{RUNS} runs, median (min to max), seconds:")
    for key in runs[0]:
        values = [r[key] for r in runs]
        print(
            f"  {key:32} {statistics.median(values):.3f} ({min(values):.3f} to {max(values):.3f})"
        )
    start = statistics.median(r["first start: total to ready"] for r in runs)
    restart = statistics.median(r["restart: total to ready"] for r in runs)
    answer = statistics.median(r["first start: /pledge answer"] for r in runs)
    print(f"start to ready: {start / STARTUP_GOAL_S:.2f}x the one-second goal")
    print(f"restart (no sync) to ready: {restart / STARTUP_GOAL_S:.2f}x the one-second goal")
    print(f"/pledge answer: {answer / INTERACTION_DEADLINE_S:.3f}x Discord's 3 s deadline")
    for key in runs[0]:
        if key.startswith("first start: /") and key.endswith((" callback", " answer")):
            if key.endswith("/pledge answer"):
                continue
            worst = max(r[key] for r in runs)
            print(
                f"{key[len('first start: ') :]:46} "
                f"{statistics.median(r[key] for r in runs) / INTERACTION_DEADLINE_S:.3f}x "
                f"(worst {worst / INTERACTION_DEADLINE_S:.3f}x) Discord's 3 s deadline"
            )


if __name__ == "__main__":
    asyncio.run(main())
