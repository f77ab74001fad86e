"""Bad database settings end in one line naming what is wrong (exit ≠ 0), never a traceback; a
refused PostgreSQL is retried with backoff for a bounded time; no folder is created but data/."""

from __future__ import annotations

import pytest

from crawler import cli
from crawler.errors import UserError
from crawler.store import open_store

from tests.support.daemon import free_port


def one_line(capsys, waiting: bool = False) -> str:
    """The error line; while retrying, one more line may say how long it waits (once, not per try)."""
    out, err = capsys.readouterr()
    assert "Traceback" not in err and out == ""
    lines = err.strip().splitlines()
    if waiting:
        assert len(lines) == 2 and "waiting up to" in lines[0], err
        return lines[1]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize(
    "url, says",
    [
        ("foo://bar", "unknown database kind 'foo'"),
        ("mysql://user@host/db", "no driver installed for 'mysql'"),
        ("not a url", "is not a database URL"),
        ("sqlite:////nonexistent-portalwatch/dir/x.db", "SQLite folder /nonexistent-portalwatch/dir does not exist"),
    ],
)
@pytest.mark.parametrize("command", ["articles", "migrate", "portals", "subscribers"])
def test_a_bad_database_url_is_one_line(monkeypatch, capsys, url, says, command):
    monkeypatch.setenv("PORTALWATCH_DATABASE_URL", url)
    assert cli.main([command]) == 2
    line = one_line(capsys)
    assert line.startswith(f"portalwatch {command}: bad database setting: ") and says in line


def test_no_folder_is_created_for_a_mistyped_sqlite_path(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "no" / "such" / "dir"
    monkeypatch.setenv("PORTALWATCH_DATABASE_URL", f"sqlite:///{target / 'x.db'}")
    assert cli.main(["migrate"]) == 2
    assert not (tmp_path / "no").exists()
    one_line(capsys)
    # The embedded default's own folder is the one exception.
    monkeypatch.delenv("PORTALWATCH_DATABASE_URL")
    assert cli.main(["migrate"]) == 0
    assert (tmp_path / "data" / "portalwatch.db").is_file()


def test_a_refused_postgresql_is_retried_with_backoff_then_one_line(monkeypatch, capsys):
    port = free_port()
    url = f"postgresql://portalwatch:s3cret@127.0.0.1:{port}/portalwatch"
    naps: list[float] = []
    with pytest.raises(UserError) as raised:
        open_store(url, wait=3.0, sleep=naps.append)  # injected sleep: the backoff is counted, not waited
    message = str(raised.value)
    assert raised.value.exit_code == 1 and "\n" not in message
    assert message.startswith("database not reachable (tried for 3 s): ") and "refused" in message.lower()
    assert "s3cret" not in message and f":{port}/" in message
    assert len(naps) >= 2 and naps[1] > naps[0]  # backoff grows
    capsys.readouterr()  # (whatever an earlier test's log handler made of the wait notice)

    monkeypatch.setenv("PORTALWATCH_DATABASE_URL", url)
    monkeypatch.setenv("PORTALWATCH_DATABASE_WAIT", "0.3")
    assert cli.main(["articles"]) == 1
    assert one_line(capsys, waiting=True).startswith("portalwatch articles: database not reachable (tried for 0.3 s): ")


@pytest.mark.postgres
def test_a_postgresql_that_starts_answering_while_waiting_is_used(postgres_url):
    from sqlalchemy.engine import make_url

    from tests.container.tcpproxy import TcpProxy

    real = make_url(postgres_url)
    proxy = TcpProxy((real.host, real.port or 5432))  # refuses until started, as a booting server
    naps: list[float] = []

    def nap(seconds: float) -> None:
        naps.append(seconds)
        proxy.start()  # the server comes up during the first pause

    try:
        url = postgres_url.replace(f"{real.host}:{real.port or 5432}", f"127.0.0.1:{proxy.port}", 1)
        factory = open_store(url, wait=30.0, sleep=nap)
        assert len(naps) == 1
        with factory() as session:
            from sqlalchemy import text

            assert session.execute(text("select 1")).scalar() == 1
        factory.kw["bind"].dispose()
    finally:
        proxy.close()
