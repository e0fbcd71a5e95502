"""Webhook mode's settings: a bad one is one line naming it, through the real command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'pw.db'}")
    return tmp_path


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("PLEDGEWATCH_WEBHOOK_KINDS", "news, rumours", "unknown kinds rumours"),
        ("PLEDGEWATCH_WEBHOOK_COMPANIES", "acme", "unknown companies acme"),
        ("PLEDGEWATCH_WEBHOOK_KEYWORDS", '"open', "quote is not closed"),
        ("PLEDGEWATCH_WEBHOOK_DIGEST", "hourly", "use off, daily or weekly"),
        ("PLEDGEWATCH_DIGEST_HOUR", "25", "less than or equal to 23"),
        ("PLEDGEWATCH_DIGEST_WEEKDAY", "someday", "not a weekday"),
        ("PLEDGEWATCH_TIMEZONE", "Mars/Olympus", "Unknown timezone"),
    ],
)
def test_a_bad_webhook_setting_is_one_line_naming_it(env, monkeypatch, capsys, name, value, says):
    monkeypatch.setenv(name, value)
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"pledgewatch: {name}: ")
    assert says in err
    assert len(err.splitlines()) == 1


def test_unset_webhook_settings_filter_nothing_and_send_at_once():
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.webhook_policy() == (None, None)
