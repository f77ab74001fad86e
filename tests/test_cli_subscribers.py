"""`portalwatch subscribers`: operators add, list and remove chats without the bot."""

from __future__ import annotations

import pytest

from crawler import cli


@pytest.fixture
def env(monkeypatch, sqlite_url):
    monkeypatch.setenv("PORTALWATCH_DATABASE_URL", sqlite_url)


def test_add_list_remove(env, capsys):
    assert cli.main(["subscribers", "add", "12345", "--keyword", "Lào", "-k", "~hop tac quoc te"]) == 0
    assert cli.main(["subscribers", "add", "-1001"]) == 0
    capsys.readouterr()
    assert cli.main(["subscribers"]) == 0
    listing = capsys.readouterr().out
    assert "12345" in listing and "Lào, ~hop tac quoc te" in listing and "-1001" in listing
    assert cli.main(["subscribers", "remove", "12345"]) == 0
    capsys.readouterr()
    assert cli.main(["subscribers", "list"]) == 0
    line = next(l for l in capsys.readouterr().out.splitlines() if "12345" in l)
    assert " no " in line


def test_removing_an_unknown_chat_is_a_one_line_error(env, capsys):
    assert cli.main(["subscribers", "remove", "999"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "portalwatch subscribers: no subscriber with chat id 999"


def test_e_mail_and_apprise_subscribers_added_listed_redacted_and_removed(env, capsys):
    secret = "json://bot:hunter22@hooks.example.vn/private-token-xyz"
    assert cli.main(["subscribers", "add", "--email", "An.Nguyen@Example.VN", "-k", "Lào", "--digest", "daily"]) == 0
    assert cli.main(["subscribers", "add", "--apprise", secret]) == 0
    assert cli.main(["subscribers", "add", "555", "--email", "ba@example.vn"]) == 0  # one person, two channels
    out = capsys.readouterr().out
    assert "added email:an.nguyen@example.vn" in out and "hunter22" not in out and "private-token" not in out
    assert cli.main(["subscribers", "list"]) == 0
    listing = capsys.readouterr().out
    assert "hunter22" not in listing and "private-token-xyz" not in listing
    assert "apprise:json://hooks.example.vn/***" in listing
    email_line = next(l for l in listing.splitlines() if "an.nguyen@example.vn" in l)
    assert "07:00" in email_line and "Lào" in email_line
    assert any("telegram:555" in l and "email:ba@example.vn" in l for l in listing.splitlines())
    assert cli.main(["subscribers", "remove", "--email", "ba@example.vn"]) == 0
    assert cli.main(["subscribers", "list"]) == 0
    line = next(l for l in capsys.readouterr().out.splitlines() if "telegram:555" in l)
    assert " yes " in line and "email:ba@example.vn (off)" in line  # still reached on Telegram


@pytest.mark.parametrize("argv, message", [
    (["subscribers", "add", "--email", "not-an-address"], "portalwatch subscribers: not an e-mail address: 'not-an-address'"),
    (["subscribers", "add", "--apprise", "nosuchscheme://x/secret"], "portalwatch subscribers: not an Apprise URL this Apprise understands: nosuchscheme://x/***"),
    (["subscribers", "add"], "portalwatch subscribers: name a Telegram chat id, --email ADDR or --apprise URL"),
    (["subscribers", "remove", "--email", "who@example.vn"], "portalwatch subscribers: no subscriber with email:who@example.vn"),
])
def test_bad_channels_are_one_line_errors(env, capsys, argv, message):
    assert cli.main(argv) == 2
    assert capsys.readouterr().err.strip() == message



def test_weekly_flag_opts_a_subscriber_in_and_out_of_the_weekly_picture(env, capsys):
    def columns(needle: str) -> list[str]:
        """ID, ACTIVE, MUTED UNTIL, DIGEST, WEEKLY of the subscriber whose line holds ``needle``."""
        assert cli.main(["subscribers", "list"]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].split()[:6] == ["ID", "ACTIVE", "MUTED", "UNTIL", "DIGEST", "WEEKLY"]
        return next(line for line in lines if needle in line).split()[:5]

    assert cli.main(["subscribers", "add", "--email", "tuan@example.vn", "--weekly"]) == 0
    assert cli.main(["subscribers", "add", "777"]) == 0
    capsys.readouterr()
    assert columns("email:tuan@example.vn")[1:] == ["yes", "-", "-", "yes"]
    assert columns("telegram:777")[1:] == ["yes", "-", "-", "-"]
    assert cli.main(["subscribers", "add", "--email", "tuan@example.vn", "--weekly", "off"]) == 0
    capsys.readouterr()
    assert columns("email:tuan@example.vn")[1:] == ["yes", "-", "-", "-"]
    with pytest.raises(SystemExit) as exit_:
        cli.main(["subscribers", "add", "--email", "tuan@example.vn", "--weekly", "sometimes"])
    assert exit_.value.code == 2
    assert "invalid choice: 'sometimes'" in capsys.readouterr().err
