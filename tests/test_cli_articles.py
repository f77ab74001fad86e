"""`portalwatch articles` says why it prints nothing: an empty database, or a portal it does not know."""

from __future__ import annotations

from crawler import cli
from tests.test_console_alerts import cli_env
from tests.test_daemon import registry_file


def test_empty_database_and_unknown_portal_are_said_on_stderr(tmp_path, sqlite_url, monkeypatch, capsys):
    registry = registry_file(tmp_path / "p.yaml", {"known": "http://127.0.0.1:9/tin-tuc"})
    cli_env(monkeypatch, sqlite_url, registry)
    assert cli.main(["articles"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and err.strip() == "no articles stored yet (`portalwatch crawl` collects them)"

    assert cli.main(["articles", "--portal", "known"]) == 0  # in the registry, nothing crawled yet
    out, err = capsys.readouterr()
    assert out == "" and "no articles stored for portal 'known' yet" in err

    assert cli.main(["articles", "--portal", "typo", "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.strip() == "portalwatch articles: unknown portal 'typo' (see `portalwatch portals`)"
