"""Bad settings, as an operator makes them: each is one line on stderr naming the setting, and
exit status 2, through the real command line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import POSTGRES_URL, REPO_ROOT, require_postgres

ENV_NAMES = (
    "DISCORD_TOKEN",
    "DISCORD_WEBHOOK_URL",
    "DISCORD_API_BASE",
    "DISCORD_SHARD_COUNT",
    "DISCORD_SHARD_IDS",
    "DATABASE_URL",
    "PLEDGEWATCH_FEEDS",
    "PLEDGEWATCH_DISPATCH_EVERY",
    "PLEDGEWATCH_ALLOW_PRIVATE_FEEDS",
)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'pw.db'}")
    (tmp_path / "feeds.yaml").write_text("feeds: []\n", encoding="utf-8")
    return tmp_path


def one_line_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    # Log lines may come before (discord.py's at start); the error itself is one line.
    lines = [line for line in err.strip().splitlines() if not line.startswith("20")]
    assert len(lines) == 1, err
    assert lines[0].startswith("pledgewatch: ")
    return lines[0]


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("PLEDGEWATCH_DISPATCH_EVERY", "soon", "valid number"),
        ("PLEDGEWATCH_DISPATCH_EVERY", "-1", "greater than 0"),
        ("PLEDGEWATCH_ALLOW_PRIVATE_FEEDS", "maybe", "valid boolean"),
        ("DISCORD_GUILD_ID", "my-server", "valid integer"),
        ("DISCORD_SHARD_COUNT", "two", "valid integer"),
        ("DATABASE_URL", "mysql://user@db.example/pledgewatch", "unsupported database 'mysql'"),
        ("DATABASE_URL", "postgresql://user:pw@db.example:port/pw", "cannot parse"),
        ("DATABASE_URL", "pledgewatch.db", "unsupported database"),
        ("DATABASE_URL", "postgresql://user@db.example", "names no database"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch, name: str, value: str, says: str
) -> None:
    monkeypatch.setenv(name, value)
    line = one_line_error(capsys, ["poll", "--once"])
    assert line.startswith(f"pledgewatch: {name}: ")
    assert says in line
    assert "pw@" not in line  # a URL's password is never echoed


def test_shard_ids_without_a_count_or_beyond_it_are_refused(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setenv("DISCORD_SHARD_IDS", "0-1")
    assert "DISCORD_SHARD_COUNT" in one_line_error(capsys, ["db", "upgrade"])
    monkeypatch.setenv("DISCORD_SHARD_COUNT", "2")
    monkeypatch.setenv("DISCORD_SHARD_IDS", "1-2")
    assert "DISCORD_SHARD_IDS: shard 2 is not below" in one_line_error(capsys, ["db", "upgrade"])
    monkeypatch.setenv("DISCORD_SHARD_IDS", "a,b")
    assert "DISCORD_SHARD_IDS: 'a' is not a shard id" in one_line_error(capsys, ["db", "upgrade"])


def test_a_feeds_file_that_is_not_utf8_names_the_file_and_line(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (env / "feeds.yaml").write_bytes(b"feeds:\n  - id: caf\xe9\n    url: https://a.example/\n")
    line = one_line_error(capsys, ["poll", "--once"])
    assert "feeds.yaml:2: not UTF-8" in line
    assert "PLEDGEWATCH_FEEDS" in line


def test_an_env_file_that_is_not_utf8_names_it(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (env / ".env").write_bytes(b"DISCORD_GUILD_ID=caf\xe9\n")
    assert ".env: not UTF-8" in one_line_error(capsys, ["db", "upgrade"])


@pytest.mark.postgres
def test_a_missing_postgresql_database_names_database_url(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    require_postgres()
    missing = f"pw_missing_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("DATABASE_URL", POSTGRES_URL.rsplit("/", 1)[0] + f"/{missing}")
    line = one_line_error(capsys, ["db", "upgrade"])
    assert line.startswith("pledgewatch: DATABASE_URL: cannot open ")
    assert f'database "{missing}" does not exist' in line


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_database_server_names_database_url(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"postgresql://u:secret@127.0.0.1:{closed_port()}/pw")
    line = one_line_error(capsys, ["db", "upgrade"])
    assert line.startswith("pledgewatch: DATABASE_URL: cannot open postgresql://u:***@127.0.0.1")
    assert "secret" not in line


def test_an_unreachable_discord_api_in_bot_mode_names_discord_api_base(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    base = f"http://127.0.0.1:{closed_port()}/api/v10"
    monkeypatch.setenv("DISCORD_TOKEN", "a-token")
    monkeypatch.setenv("DISCORD_API_BASE", base)
    line = one_line_error(capsys, ["run"])
    assert line.startswith(f"pledgewatch: DISCORD_API_BASE ({base}) is unreachable: ")


def test_the_real_command_prints_no_traceback(env: Path) -> None:
    """The installed entry point as a shell runs it, not only ``main``."""
    environ = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    environ["PLEDGEWATCH_DISPATCH_EVERY"] = "often"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "poll", "--once"],
        cwd=env,
        env={**environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "pledgewatch: PLEDGEWATCH_DISPATCH_EVERY: Input should be a valid number, unable to "
        "parse string as a number (got 'often')"
    ]
