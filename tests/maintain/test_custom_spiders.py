"""Portals that need code: `portal add --spider` writes a working subclass, and `scrapy crawl` runs it.

The modules are written to a package under the test's temporary folder (``--spider-dir``), never
into ``spiders/custom`` of the project.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from scrapy.settings import Settings as ScrapySettings
from sqlalchemy import create_engine, text

from crawler.config import BUNDLED_PORTALS
from crawler.maintain import fixtures, scaffold
from crawler.spiderloader import RegistrySpiderLoader
from spiders.custom.postback import PostbackPagingSpider
from spiders.registry_loader import load_registry
from tests.maintain.conftest import one_line_error
from tests.maintain.sites import JS_SHELL
from tests.support.portal_fixtures import publish
from tests.support.server import PortalServer

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def spider_package(tmp_path, monkeypatch) -> Path:
    """A fresh importable package: its own name, so no other test's module of the same name is cached."""
    folder = tmp_path / "site" / f"my_spiders_{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(folder.parent))
    return folder


def test_a_postback_listing_gets_a_spider_that_scrapy_crawls_page_by_page(portalwatch, registry, spider_package, tmp_path):
    with PortalServer() as server:
        site = publish(server, "aspnet-postback", count=12)
        added = portalwatch(
            "portal", "add", site.listing_url, "--id", "postback-portal", "--spider", "--spider-dir", spider_package, "--write"
        )
        assert added.code == 0, added.err
        module = spider_package / "postback_portal.py"
        assert f"wrote {module} (postback spider)" in added.out
        assert "class PostbackPortalSpider(PostbackPagingSpider):" in module.read_text()
        assert f"listing {site.listing_url} (POST)  HTTP 200  5 article links" in added.out
        portal = load_registry(registry).get("postback-portal")
        assert portal.spider == f"{spider_package.name}.postback_portal.PostbackPortalSpider" and portal.enabled

        server.reset_log()
        database = tmp_path / "crawl.db"
        env = {
            **os.environ,
            "PYTHONPATH": str(spider_package.parent),
            "PORTALWATCH_PORTALS": str(registry),
            "PORTALWATCH_DATABASE_URL": f"sqlite:///{database}",
            "PORTALWATCH_DOWNLOAD_DELAY": "0",
            "PORTALWATCH_AUTOTHROTTLE": "false",
        }
        scrapy = Path(sys.executable).with_name("scrapy")
        listed = subprocess.run([scrapy, "list"], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=60)
        crawled = subprocess.run(
            [scrapy, "crawl", "postback-portal"], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120
        )
        posts = sum(1 for method, path, _ in server.requests if method == "POST")
    assert listed.stdout.split() == ["postback-portal"]
    assert crawled.returncode == 0, crawled.stderr
    with create_engine(f"sqlite:///{database}").connect() as connection:
        stored = connection.execute(text("select count(*) from articles")).scalar()
    assert stored == 12  # three listing pages: one GET, two posted back
    assert posts == 2


def test_a_json_endpoint_listing_is_checked_and_recorded_with_its_spider(portalwatch, registry, spider_package, tmp_path):
    path, dotted = scaffold.write_spider("json-portal", "JSON portal", "json", spider_package)
    assert "class JsonPortalSpider(JsonListingSpider):" in path.read_text()
    with PortalServer() as server:
        site = publish(server, "front", count=7)
        for page, chunk in enumerate((site.articles[:5], site.articles[5:], []), start=1):
            items = [{"url": site.family.article_path(a), "title": a.title, "date": f"{a.published:%d/%m/%Y}"} for a in chunk]
            server.add(f"/api/tin-tuc?page={page}", json.dumps({"data": items}, ensure_ascii=False), "application/json")
        registry.write_text(
            f'portals:\n  - id: json-portal\n    name: JSON portal\n    start_urls: ["{server.url("/api/tin-tuc?page=1")}"]\n'
            f"    spider: {dotted}\n",
            encoding="utf-8",
        )
        checked = portalwatch("portal", "check", "json-portal", "--pages", "3", "--articles", "2")
        recorded = portalwatch("fixture", "record", "json-portal", "--count", "1", "--out", tmp_path / "fx")
    assert checked.code == 0, checked.err
    first, second = server.url("/api/tin-tuc?page=1"), server.url("/api/tin-tuc?page=2")
    assert f"listing {first}  HTTP 200  5 article links, next page {second}" in checked.out
    assert f"listing {second}  HTTP 200  2 article links" in checked.out
    assert recorded.code == 0, recorded.err
    fixture = fixtures.load(tmp_path / "fx" / "json-portal")
    assert fixture.meta["listing"]["file"] == "listing.json"
    assert fixtures.verify(fixture, load_registry(registry).get("json-portal")) == []


def test_an_existing_spider_module_is_never_overwritten(portalwatch, spider_package):
    (spider_package / "taken.py").write_text("# a maintainer's work\n")
    with pytest.raises(Exception, match="already exists"):
        scaffold.write_spider("taken", "Taken", "links", spider_package)
    assert (spider_package / "taken.py").read_text() == "# a maintainer's work\n"
    assert scaffold.names("123-tin") == ("p_123_tin", "P123TinSpider")


def test_a_registry_spider_that_cannot_be_imported_is_one_line(portalwatch, registry):
    registry.write_text(
        'portals:\n  - id: broken-spider\n    name: Broken\n    start_urls: ["https://x.example.vn/"]\n'
        "    spider: spiders.custom.nowhere.Spider\n",
        encoding="utf-8",
    )
    result = portalwatch("portal", "check", "broken-spider")
    assert result.code == 2
    line = one_line_error(result)
    assert line.startswith("portalwatch portal: portal 'broken-spider' is in the registry but invalid: ")
    assert line.endswith("registry.yaml:5: portal 'broken-spider': field 'spider': spider 'spiders.custom.nowhere.Spider' "
                         "not found (give a dotted path such as spiders.custom.module.ClassName)")


def test_every_bundled_portal_is_a_scrapy_spider():
    loader = RegistrySpiderLoader(ScrapySettings({"PORTALWATCH_REGISTRY": str(BUNDLED_PORTALS)}))
    assert loader.errors == []
    assert loader.list() == sorted(p.id for p in load_registry(BUNDLED_PORTALS).portals)
    assert issubclass(loader.load("nghean-songoaivu"), PostbackPagingSpider)


def test_a_javascript_listing_gets_a_json_spider_and_stays_disabled_until_it_works(portalwatch, registry, spider_package):
    with PortalServer() as server:
        server.add("/tin-doi-ngoai", JS_SHELL)
        result = portalwatch(
            "portal", "add", server.url("/tin-doi-ngoai"), "--id", "js-portal", "--spider", "--spider-dir", spider_package,
            "--write",
        )
    assert result.code == 0, result.err
    assert f"wrote {spider_package / 'js_portal.py'} (json spider)" in result.out
    assert "the spider needs work (the page is a JavaScript shell; start_urls must name the JSON endpoint it calls (" in result.out
    assert f"next: edit {spider_package / 'js_portal.py'} until `portalwatch portal check js-portal` passes" in result.out
    portal = load_registry(registry).get("js-portal")
    assert portal.enabled is False and portal.spider == f"{spider_package.name}.js_portal.JsPortalSpider"
    assert portal.notes == "enable once its spider passes portal check"
