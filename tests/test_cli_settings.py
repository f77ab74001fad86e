"""A bad environment variable, given to the real CLI in a subprocess: every command ends with one line
naming the setting and exit code 2, no traceback, and never the value (it may be a password)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SECRET = "mat-khau-bi-mat"


def run_cli(args: list[str], env: dict[str, str], cwd) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PORTALWATCH_", "TELEGRAM_"))}
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], env={**clean, **env}, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


BAD = [
    ({"PORTALWATCH_SMTP_URL": "garbage"}, "PORTALWATCH_SMTP_URL"),
    ({"PORTALWATCH_SMTP_URL": f"http://canhbao:{SECRET}@mail.example.vn"}, "PORTALWATCH_SMTP_URL"),  # unsupported scheme
    ({"PORTALWATCH_SMTP_URL": f"smtp://canhbao:{SECRET}@mail.example.vn:99999"}, "PORTALWATCH_SMTP_URL"),
    ({"PORTALWATCH_HTTP_PORT": "abc"}, "PORTALWATCH_HTTP_PORT"),
    ({"PORTALWATCH_HTTP_PORT": "70000"}, "PORTALWATCH_HTTP_PORT"),
    ({"PORTALWATCH_DATABASE_WAIT": "-1"}, "PORTALWATCH_DATABASE_WAIT"),
    ({"TELEGRAM_ADMIN_CHAT_IDS": "12345,abc"}, "TELEGRAM_ADMIN_CHAT_IDS"),
    ({"PORTALWATCH_LOG_FORMAT": "xml"}, "PORTALWATCH_LOG_FORMAT"),
    ({"PORTALWATCH_LOG_LEVEL": "LOUD"}, "PORTALWATCH_LOG_LEVEL"),
    ({"PORTALWATCH_AUTOTHROTTLE": "maybe"}, "PORTALWATCH_AUTOTHROTTLE"),
    ({"PORTALWATCH_INTERVAL_SCALE": "0"}, "PORTALWATCH_INTERVAL_SCALE"),
    ({"PORTALWATCH_PUBLIC_URL": "pw.example.vn"}, "PORTALWATCH_PUBLIC_URL"),
    # Combinations that would leave a part of the service doing nothing.
    ({"PORTALWATCH_SMTP_URL": f"smtp://canhbao:{SECRET}@mail.example.vn", "PORTALWATCH_MAIL_FROM": "canhbao"},
     "PORTALWATCH_MAIL_FROM"),
    ({"PORTALWATCH_ADMIN_EMAILS": "quan.tri@example.vn, quan tri"}, "PORTALWATCH_ADMIN_EMAILS"),
    ({"PORTALWATCH_POLL_FLOOR_MINUTES": "500"}, "PORTALWATCH_POLL_FLOOR_MINUTES"),
]


@pytest.mark.parametrize("env, name", BAD, ids=[f"{n}={list(e.values())[-1][:20]}" for e, n in BAD])
def test_a_bad_setting_is_one_line_naming_it_and_exit_2(tmp_path, env, name):
    answer = run_cli(["portals"], env, tmp_path)
    assert answer.returncode == 2, answer.stderr
    assert "Traceback" not in answer.stderr and answer.stdout == ""
    [line] = answer.stderr.strip().splitlines()
    assert line.startswith("portalwatch: invalid setting: ") and name in line
    assert SECRET not in line


@pytest.mark.parametrize("command", [["run", "--once"], ["run"], ["migrate"], ["crawl"], ["subscribers", "list"],
                                     ["articles"], ["schedule", "--help"]])
def test_every_command_stops_at_a_bad_setting(tmp_path, command):
    answer = run_cli(command, {"PORTALWATCH_SMTP_URL": "garbage", "PORTALWATCH_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"},
                     tmp_path)
    if command[-1] == "--help":  # argparse answers help before any setting is read
        assert answer.returncode == 0 and "Traceback" not in answer.stderr
        return
    assert answer.returncode == 2 and "Traceback" not in answer.stderr
    assert answer.stderr.strip().splitlines() == ["portalwatch: invalid setting: PORTALWATCH_SMTP_URL must start with smtp:// or smtps://"]
    assert not (tmp_path / "x.db").exists()  # nothing was done


def test_scrapy_reading_the_project_settings_says_the_same_in_one_line(tmp_path):
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PORTALWATCH_", "TELEGRAM_"))}
    answer = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=root, capture_output=True, text=True, timeout=120,
                            env={**clean, "PORTALWATCH_HTTP_PORT": "abc"})
    assert answer.returncode != 0 and "Traceback" not in answer.stderr
    assert answer.stderr.strip().splitlines()[-1] == (
        "portalwatch: invalid setting: PORTALWATCH_HTTP_PORT: Input should be a valid integer, unable to parse string as an integer")


def test_a_variable_no_setting_reads_is_named_with_the_likely_one(tmp_path):
    registry = tmp_path / "p.yaml"
    registry.write_text("portals: []\n", encoding="utf-8")
    answer = run_cli(["portals"], {"PORTALWATCH_WEB_PORT": "9090", "PORTALWATCH_PORTALS": str(registry),
                                   "PORTALWATCH_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}, tmp_path)
    assert ("portalwatch: warning: PORTALWATCH_WEB_PORT is not a setting and is ignored "
            "(did you mean PORTALWATCH_HTTP_PORT?)") in answer.stderr.splitlines()
    assert "Traceback" not in answer.stderr
