"""How long light commands take to answer: `pledgewatch --help` and `--version`, each a whole
process, against a bare interpreter and against importing the whole application.

    .venv/bin/python bench/cli_startup.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7


def seconds(*args: str) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    bare = seconds("-c", "pass")
    whole = seconds("-c", "import bot.app, bot.discord_bot")
    print(f"bare interpreter: {bare * 1000:.0f} ms; importing the whole app: {whole * 1000:.0f} ms")
    for argv in (["--help"], ["--version"]):
        took = seconds("-m", "bot", *argv)
        print(
            f"pledgewatch {' '.join(argv)}: {took * 1000:.0f} ms = {took / bare:.1f}x a bare "
            f"interpreter, {took / whole:.2f}x importing the whole app"
        )


if __name__ == "__main__":
    main()
