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
