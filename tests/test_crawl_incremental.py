"""End to end: a few-line YAML portal is crawled over real HTTP, stored, and revisited incrementally."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler import cli
from crawler.cycle import run_once
from tests.support.server import PortalServer
from tests.support.sites import FAMILIES, FixturePortal, make_articles


def write_registry(path: Path, entries: list[str]) -> Path:
    path.write_text("portals:\n" + "".join(entries), encoding="utf-8")
    return path


def entry(portal_id: str, url: str, extra: str = "") -> str:
    return f"  - id: {portal_id}\n    name: Portal {portal_id}\n    start_urls: [\"{url}\"]\n{extra}"


def articles_json(capsys, settings, *args) -> list[dict]:
    import os

    os.environ["PORTALWATCH_DATABASE_URL"] = settings.database_url
    os.environ["PORTALWATCH_PORTALS"] = str(settings.portals)
    try:
        capsys.readouterr()
        assert cli.main(["articles", "--json", *args]) == 0
        out = capsys.readouterr().out
    finally:
        del os.environ["PORTALWATCH_DATABASE_URL"], os.environ["PORTALWATCH_PORTALS"]
    return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_four_line_portal_is_crawled_then_revisited_without_article_requests(
    family, tmp_path, sqlite_url, make_settings, capsys
):
    with PortalServer() as server:
        site = FixturePortal(server, FAMILIES[family])
        site.publish(make_articles(7))
        registry = write_registry(tmp_path / "portals.yaml", [entry("fixture", site.listing_url)])
        settings = make_settings(sqlite_url, registry)

        first = run_once(settings)
        assert [(r.portal_id, r.status) for r in first.runs] == [("fixture", "ok")]
        assert first.new_articles == 7

        stored = articles_json(capsys, settings)
        by_title = {a["title"]: a for a in stored}
        for article in site.articles:
            got = by_title[article.title]
            assert got["portal"] == "fixture"
            # The portal's date, not one quoted in the body; shown in Vietnam time.
            assert got["published_at"].startswith(article.published.strftime("%Y-%m-%d"))
            assert got["published_at"].endswith("+07:00")
            assert got["first_seen_at"].endswith("+07:00")
        assert len({a["url"] for a in stored}) == 7

        server.reset_log()
        second = run_once(settings)
        assert second.new_articles == 0
        assert site.article_requests() == 0, server.paths()
        # An unchanged listing costs one request (a 304 where the server supports it).
        assert server.count(status=304) == 1

        server.reset_log()
        site.publish(make_articles(2, start=20, base=site.articles[0].published.replace(year=2027)))
        third = run_once(settings)
        assert third.new_articles == 2
        assert site.article_requests() == 2, server.paths()
        assert len(articles_json(capsys, settings)) == 9
