"""Light commands answer without importing the application: `--help`, `--version` and a
mistyped command load neither the store, nor Discord, nor the feed stack."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

HEAVY = ("sqlalchemy", "discord", "aiohttp", "feedparser", "apscheduler", "pydantic", "yaml")

PROBE = """
import json, sys
from bot.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
sys.stdout = sys.__stdout__
print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))
"""


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["no-such-command"], ["db"]])
def test_light_commands_do_not_import_the_application(argv: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "bot" in loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_help_still_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("run", "poll", "feeds", "db", "pledges", "bills", "classify", "eval"):
        assert command in out
