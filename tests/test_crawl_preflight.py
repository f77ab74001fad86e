"""The batch pre-flight (issue 17, item 5): an unchanged portal is settled without a Scrapy spider and
recorded exactly as a spider's unchanged visit is; anything else is still crawled by Scrapy, in the
same batch; robots.txt and the fetch policy bind the pre-flight as they bind the crawl.

Whether Scrapy ran is read from the child's own log line (the child inherits our stderr)."""

from __future__ import annotations

import dataclasses

import pytest

from crawler.cycle import crawl, prepare
from storage import repositories as repo
from storage.db import transaction
from storage.models import Portal
from tests.support.server import PortalServer, loopback
from tests.support.sites import FAMILIES, FixturePortal, make_articles

RUN_FIELDS = ("status", "reason", "requests", "listing_pages", "not_modified", "article_pages", "new_articles", "skipped", "errors")
LISTING_FIELDS = ("etag", "last_modified", "body_hash", "changed_at")


def registry(path, urls: dict[str, str]):
    lines = ["portals:"]
    for pid, url in urls.items():
        lines += [f"  - id: {pid}", f"    name: Portal {pid}", f'    start_urls: ["{url}"]']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def with_preflight(prepared, on: bool):
    return dataclasses.replace(prepared, settings=prepared.settings.model_copy(update={"preflight": on}))


def recorded(prepared, batch_id: str) -> dict[str, tuple]:
    with transaction(prepared.factory) as session:
        return {run.portal_id: tuple(getattr(run, f) for f in RUN_FIELDS) for run in repo.runs_of_batch(session, batch_id)}


def listings(prepared, portal_id: str) -> dict[str, tuple]:
    with transaction(prepared.factory) as session:
        return {url: (tuple(getattr(row, f) for f in LISTING_FIELDS), row.fetched_at)
                for url, row in repo.listing_validators(session, portal_id).items()}


def portal_row(prepared, portal_id: str) -> tuple:
    with transaction(prepared.factory) as session:
        p = session.get(Portal, portal_id)
        return p.baseline_done, p.consecutive_failures, p.last_failure_reason, p.health


def unchanged_line(err: str) -> str:
    return next((line for line in err.splitlines() if "pre-flight:" in line), "")


@pytest.mark.parametrize("conditional", [True, False], ids=["304", "200-same-body"])
def test_unchanged_portal_is_recorded_exactly_as_a_spider_records_it(conditional, tmp_path, db_url, make_settings, capfd):
    with PortalServer(conditional=conditional) as server:
        site = FixturePortal(server, FAMILIES["sharepoint"])
        site.publish(make_articles(4))
        settings = make_settings(db_url, registry(tmp_path / "p.yaml", {"quiet": site.listing_url}), log_level="INFO")
        prepared = prepare(settings)
        assert crawl(prepared).runs[0].new_articles == 4

        capfd.readouterr()
        server.reset_log()
        by_spider = crawl(with_preflight(prepared, False))
        spider_log, spider_listings, spider_portal = list(server.requests), listings(prepared, "quiet"), portal_row(prepared, "quiet")
        assert unchanged_line(capfd.readouterr().err) == ""  # switched off: Scrapy visited it

        server.reset_log()
        by_preflight = crawl(with_preflight(prepared, True))
        assert "1 of 1 portals unchanged, 0 to crawl" in unchanged_line(capfd.readouterr().err)

        assert recorded(prepared, by_preflight.batch_id) == recorded(prepared, by_spider.batch_id)
        assert recorded(prepared, by_preflight.batch_id)["quiet"] == ("ok", None, 1, 1, 1, 0, 0, 0, 0)
        # The same requests, answered the same way: robots.txt, then the listing (304 when the
        # server honours the stored ETag, else 200 with the stored body).
        assert sorted(server.requests) == sorted(spider_log)
        assert ("GET", "/robots.txt", 200) in server.requests
        assert [s for _, p, s in server.requests if p != "/robots.txt"] == [304 if conditional else 200]
        # Validators as a spider leaves them: a 304 saves nothing, a 200 refreshes fetched_at only.
        after = listings(prepared, "quiet")
        assert {u: v for u, (v, _) in after.items()} == {u: v for u, (v, _) in spider_listings.items()}
        fetched_before = {u: at for u, (_, at) in spider_listings.items()}
        fetched_after = {u: at for u, (_, at) in after.items()}
        assert (fetched_after == fetched_before) is conditional
        assert portal_row(prepared, "quiet") == spider_portal == (True, 0, None, spider_portal[3])


def test_changed_portal_is_still_crawled_in_the_same_batch(tmp_path, db_url, make_settings, capfd):
    with PortalServer(loopback(31)) as quiet_server, PortalServer(loopback(32)) as busy_server:
        quiet = FixturePortal(quiet_server, FAMILIES["sharepoint"])
        quiet.publish(make_articles(3))
        busy = FixturePortal(busy_server, FAMILIES["front"])
        busy.publish(make_articles(3, start=10))
        urls = {"quiet": quiet.listing_url, "busy": busy.listing_url}
        prepared = prepare(make_settings(db_url, registry(tmp_path / "p.yaml", urls), log_level="INFO"))
        crawl(prepared)
        busy_listing_before = listings(prepared, "busy")

        busy.publish(make_articles(1, start=40))
        quiet_server.reset_log(), busy_server.reset_log()
        capfd.readouterr()
        result = crawl(prepared)
        assert "1 of 2 portals unchanged, 1 to crawl" in unchanged_line(capfd.readouterr().err)
        runs = recorded(prepared, result.batch_id)
        assert runs["quiet"] == ("ok", None, 1, 1, 1, 0, 0, 0, 0)
        assert runs["busy"][:2] == ("ok", None) and runs["busy"][6] == 1  # one new article, stored
        assert busy.article_requests() == 1 and quiet.article_requests() == 0
        # The crawled listing's validators moved to its new body (its every new article was stored).
        assert listings(prepared, "busy") != busy_listing_before


def test_a_listing_whose_new_article_failed_is_read_again_by_the_next_poll(tmp_path, sqlite_url, make_settings):
    """Validators are saved only when the listing's articles were all stored: the pre-flight must see
    the listing as changed next time, or the lost article would never be fetched."""
    with PortalServer() as server:
        site = FixturePortal(server, FAMILIES["sharepoint"])
        site.publish(make_articles(3))
        prepared = prepare(make_settings(sqlite_url, registry(tmp_path / "p.yaml", {"flaky": site.listing_url})))
        crawl(prepared)
        fresh = make_articles(1, start=50)
        site.publish(fresh)
        path = site.family.article_path(fresh[0]).split("#")[0]
        server.fault(path, "500")
        assert crawl(prepared).runs[0].status == "partial"

        del server.faults[path]
        server.reset_log()
        again = crawl(prepared)
        assert again.runs[0].new_articles == 1
        assert server.paths()[path] == 1


def test_robots_txt_disallow_binds_the_preflight(tmp_path, sqlite_url, make_settings):
    with PortalServer() as server:
        site = FixturePortal(server, FAMILIES["front"])
        site.publish(make_articles(3))
        prepared = prepare(make_settings(sqlite_url, registry(tmp_path / "p.yaml", {"closed": site.listing_url})))
        crawl(prepared)
        server.robots = "User-agent: *\nDisallow: /doi-ngoai-nhan-dan/\n"
        server.reset_log()
        result = crawl(prepared)
        assert server.paths() == {}  # neither the pre-flight nor the crawl asked for the listing
        assert result.runs[0].status == "failed"
        assert "robots.txt" in result.runs[0].reason


def test_fetch_policy_binds_the_preflight(tmp_path, sqlite_url, make_settings):
    """A listing that now redirects to another host: the pre-flight does not follow it, and the crawl
    refuses it with the policy's reason; the other host never gets a request."""
    with PortalServer(loopback(33)) as server, PortalServer(loopback(34)) as elsewhere:
        site = FixturePortal(server, FAMILIES["wordpress"])
        site.publish(make_articles(3))
        prepared = prepare(make_settings(sqlite_url, registry(tmp_path / "p.yaml", {"moved": site.listing_url})))
        crawl(prepared)
        elsewhere.add("/tin/", "<html><body><a href='/a.html'>x</a></body></html>")
        server.add(site.family.listing_path, b"", status=302, headers={"Location": elsewhere.url("/tin/")})
        result = crawl(prepared)
        assert elsewhere.requests == []
        assert result.runs[0].status == "failed"
        assert "refused" in result.runs[0].reason and "not one of the portal's hosts" in result.runs[0].reason


def test_robots_txt_is_read_once_per_host_and_scrapy_never_imported_when_nothing_changed(tmp_path, sqlite_url, make_settings):
    """Two portals on one host: one robots.txt for both (a spider each asked for its own); and a
    child whose every portal is unchanged never loads Scrapy or Twisted."""
    import json
    import subprocess
    import sys

    with PortalServer() as server:
        first, second = FixturePortal(server, FAMILIES["sharepoint"]), FixturePortal(server, FAMILIES["front"])
        first.publish(make_articles(2))
        second.publish(make_articles(2, start=20))
        urls = {"first": first.listing_url, "second": second.listing_url}
        settings = make_settings(sqlite_url, registry(tmp_path / "p.yaml", urls))
        prepared = prepare(settings)
        crawl(prepared)
        server.reset_log()
        runs = crawl(prepared).runs
        assert {r.portal_id: (r.status, r.requests) for r in runs} == {"first": ("ok", 1), "second": ("ok", 1)}
        assert sum(1 for _, path, _ in server.requests if path == "/robots.txt") == 1

        child = (
            "import json, sys\n"
            "from crawler.batch import crawl_portals\n"
            "from crawler.config import Settings\n"
            "crawl_portals(Settings.from_json(sys.stdin.read()), ['first', 'second'], 'probe')\n"
            "print(json.dumps(sorted(m for m in ('scrapy', 'twisted') if m in sys.modules)))\n"
        )
        done = subprocess.run([sys.executable, "-c", child], input=settings.to_json(), capture_output=True, text=True, check=True)
        assert json.loads(done.stdout.splitlines()[-1]) == []
        assert [(r[0], r[1]) for r in recorded(prepared, "probe").values()] == [("ok", None), ("ok", None)]
