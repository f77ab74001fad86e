"""`portalwatch fixture record`: a portal's pages saved as a regression test that reads back the same."""

from __future__ import annotations

import json

from crawler.maintain import fixtures
from tests.maintain.conftest import one_line_error
from tests.support.server import PortalServer
from tests.support.sites import FAMILIES, FixturePortal, make_articles


def _entry(registry, portal_id: str, line: str) -> None:
    registry.write_text(f"portals:\n  - id: {portal_id}\n    name: Test portal\n    {line}\n", encoding="utf-8")


def test_a_feed_only_portal_is_recorded_and_its_fixture_catches_regressions(portalwatch, registry, tmp_path):
    root = tmp_path / "portals"
    with PortalServer() as server:
        site = FixturePortal(server, FAMILIES["wordpress"])
        site.publish(make_articles(4))
        _entry(registry, "feed-portal", f'feeds: ["{server.url("/feed/")}"]')
        result = portalwatch("fixture", "record", "feed-portal", "--count", "2", "--out", root)
    assert result.code == 0, result.err
    folder = root / "feed-portal"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "articles/01.expected.json", "articles/01.html", "articles/02.expected.json", "articles/02.html",
        "listing.xml", "meta.json",
    ]
    assert f"recorded {folder}: listing.xml (4 links), 2 articles" in result.out
    fixture = fixtures.load(folder)
    assert fixture.meta["listing"]["kind"] == "feed" and fixture.meta["listing"]["url"] == server.url("/feed/")
    expected = json.loads((folder / "articles/01.expected.json").read_text(encoding="utf-8"))
    assert expected["title"] == "Tăng cường phối hợp đối ngoại Đảng, ngoại giao Nhà nước và đối ngoại nhân dân"
    assert expected["published_at"] == "2026-03-07T09:40:00+07:00" and expected["rejected"] is None
    assert fixtures.verify(fixture) == []

    expected["author"] = "Someone Else"
    (folder / "articles/01.expected.json").write_text(json.dumps(expected, ensure_ascii=False), encoding="utf-8")
    fixture.meta["listing"]["links"].pop()
    assert fixtures.verify(fixture) == [
        f"listing.xml: links differ (missing [], unexpected ['{site.server.root}{site.family.article_path(site.articles[-1])}'])",
        "articles/01.html: author is 'Hương Lan', expected 'Someone Else'",
    ]


def test_nothing_is_recorded_from_a_portal_that_is_not_usable(portalwatch, registry, tmp_path):
    root = tmp_path / "portals"
    with PortalServer() as server:
        site = FixturePortal(server, FAMILIES["front"])
        site.publish(make_articles(3))
        server.robots = "User-agent: *\nDisallow: /\n"
        _entry(registry, "closed-portal", f'start_urls: ["{site.listing_url}"]')
        result = portalwatch("fixture", "record", "closed-portal", "--out", root)
    assert result.code == 1
    assert one_line_error(result) == f"portalwatch fixture: nothing recorded: robots.txt disallows {site.listing_url}"
    assert not root.exists() or list(root.iterdir()) == []


def test_bad_input_is_one_line(portalwatch, registry):
    unknown = portalwatch("fixture", "record", "nope")
    assert unknown.code == 2
    assert one_line_error(unknown) == (
        f"portalwatch fixture: no portal 'nope' in {registry} (add it first: portalwatch portal add URL --write)"
    )
    assert one_line_error(portalwatch("fixture", "record", "nope", "--count", "0")) == (
        "portalwatch fixture: --count must be between 1 and 20"
    )
