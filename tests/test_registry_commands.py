"""A registry that watches nothing stops the commands with one line; bad entries are reported once
(file:line, portal, field), the valid portals still run, and the command ends in exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from crawler import cli
from web.status import render
from crawler.store import open_store
from spiders.registry_loader import load_registry
from storage.db import transaction
from storage.models import Article
from tests.support.server import PortalServer
from tests.support.sites import FAMILIES, FixturePortal, make_articles
from tests.test_console_alerts import cli_env


# Before the fix `run` started a daemon that watched nothing: the timeout ends such a run as a failure.
@pytest.mark.timeout(60)
@pytest.mark.parametrize("command", [["crawl"], ["run", "--once"], ["run"], ["portals"]])
def test_a_registry_path_that_does_not_exist_stops_the_command(tmp_path, sqlite_url, monkeypatch, capsys, command):
    missing = tmp_path / "portals-typo.yaml"
    cli_env(monkeypatch, sqlite_url, missing)
    assert cli.main(command) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"portalwatch {command[0]}: registry {missing} does not exist (check PORTALWATCH_PORTALS)"]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("command", [["crawl"], ["run", "--once"], ["run"]])
def test_a_registry_with_no_valid_portal_stops_the_command(tmp_path, sqlite_url, monkeypatch, capsys, command):
    registry = tmp_path / "r.yaml"
    registry.write_text("portals:\n  - id: broken\n    name: Broken\n", encoding="utf-8")
    cli_env(monkeypatch, sqlite_url, registry)
    assert cli.main(command) != 0
    err = capsys.readouterr().err
    assert f"portalwatch {command[0]}: registry {registry} has no valid portal" in err
    assert err.count("start_urls or feeds") == 1 and f"{registry}:2: portal 'broken'" in err
    assert "Traceback" not in err


def test_bad_entries_fail_alone_each_reported_once_and_the_command_exits_2(tmp_path, sqlite_url, monkeypatch, capsys):
    with PortalServer() as server:
        site = FixturePortal(server, FAMILIES["sharepoint"])
        site.publish(make_articles(3))
        registry = tmp_path / "r.yaml"
        registry.write_text(
            f"""portals:
  - id: healthy
    name: Healthy
    start_urls: ["{site.listing_url}"]
  - id: off-broken-spider
    name: Disabled, with a spider path that does not exist
    enabled: false
    start_urls: ["{site.listing_url}"]
    spider: spiders.custom.nowhere.Spider
  - id: bad-field
    name: Bad
    start_urls: ["{site.listing_url}"]
    max_pages: -1
""",
            encoding="utf-8",
        )
        cli_env(monkeypatch, sqlite_url, registry)
        assert cli.main(["crawl"]) == 2
        out, err = capsys.readouterr()
    assert "healthy" in out and "1 portals, 3 new articles, 0 failed" in out
    assert err.count("registry error:") == 2
    assert err.count(f"{registry}:9: portal 'off-broken-spider': field 'spider': spider 'spiders.custom.nowhere.Spider' not found") == 1
    assert err.count(f"{registry}:13: portal 'bad-field': field 'max_pages'") == 1
    with transaction(open_store(sqlite_url)) as session:
        assert session.scalar(select(func.count(Article.id)).where(Article.portal_id == "healthy")) == 3

    assert cli.main(["portals"]) == 2  # the listing shows the broken entries too
    out, err = capsys.readouterr()
    assert "healthy" in out and "off-broken-spider" in err and "bad-field" in err

    page = render(open_store(sqlite_url), None, load_registry(registry).errors)
    assert "Lỗi trong danh sách cổng (2)" in page and "off-broken-spider" in page and "r.yaml:13" in page
