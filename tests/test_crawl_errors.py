"""Errors during a crawl reach the run record and lose nothing: a storage failure, a callback's
exception, malformed links, and the caps on links taken from one listing."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from sqlalchemy import func, select

from crawler.cycle import run_once
from crawler.store import open_store
from storage.db import transaction
from storage.models import Article, SkippedPage
from tests.support.server import PortalServer, loopback
from tests.support.sites import FAMILIES, FixturePortal, make_articles

BAD_LINKS = (
    '<a href="http://[2001:db8::1/x">Đường dẫn hỏng với địa chỉ IPv6 không đóng ngoặc</a>'
    '<a href="http://127.0.0.1:99999/bai-viet-co-cong-sai.html">Đường dẫn hỏng với cổng không tồn tại nào cả</a>'
)


def registry(path: Path, entries: list[str]) -> Path:
    path.write_text("portals:\n" + "".join(entries), encoding="utf-8")
    return path


def entry(pid: str, start_urls: list[str], feeds: list[str] = (), spider: str | None = None) -> str:
    text = f"  - id: {pid}\n    name: Cổng {pid}\n    start_urls: {list(start_urls)!r}\n".replace("'", '"')
    if feeds:
        text += f"    feeds: {list(feeds)!r}\n".replace("'", '"')
    if spider:
        text += f"    spider: {spider}\n"
    return text


def sqlite_file(url: str) -> str:
    return url.removeprefix("sqlite:///")


def count(url: str, model, *where) -> int:
    with transaction(open_store(url)) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_storage_failure_and_callback_error_fail_the_run_and_the_rerun_fetches_what_was_lost(
    tmp_path, sqlite_url, make_settings
):
    with PortalServer(loopback(1)) as server_p, PortalServer(loopback(2)) as server_q:
        p = FixturePortal(server_p, FAMILIES["wordpress"])
        p.publish(make_articles(6))
        # Malformed links on the listing and in the feed are skipped alone.
        page = server_p.pages[p.family.listing_path]
        server_p.add(p.family.listing_path, page.body.decode().replace("<main>", "<main>" + BAD_LINKS))
        feed = server_p.pages["/feed/"]
        bad_item = "<item><title>Bài có đường dẫn hỏng</title><link>http://[2001:db8::1/x</link></item>"
        server_p.add("/feed/", feed.body.decode().replace("</channel>", bad_item + "</channel>"), feed.content_type)
        q = FixturePortal(server_q, FAMILIES["front"])
        q.publish(make_articles(4, start=20))
        lost = p.articles[2]
        buggy = tmp_path / "buggy.yaml"
        registry(buggy, [
            entry("pp", [p.listing_url], [server_p.url("/feed/")]),
            entry("qq", [q.listing_url], spider="tests.support.faulty_spiders.ListingBugSpider"),
        ])
        settings = make_settings(sqlite_url, buggy)
        open_store(sqlite_url)  # the schema, for the trigger
        with contextlib.closing(sqlite3.connect(sqlite_file(sqlite_url))) as db:
            # The database refuses one article, as a full disk or a broken constraint would.
            db.execute(
                "CREATE TRIGGER refuse_one BEFORE INSERT ON articles "
                f"WHEN NEW.canonical_url LIKE '%post{lost.number}.html%' "
                "BEGIN SELECT RAISE(ABORT, 'simulated storage failure'); END"
            )
            db.commit()

        first = {run.portal_id: run for run in run_once(settings).runs}
        assert first["pp"].status == "partial", first["pp"]
        assert "simulated storage failure" in first["pp"].reason
        assert "2001:db8" not in first["pp"].reason and "99999" not in first["pp"].reason  # skipped alone
        assert first["pp"].new_articles == 5
        assert first["qq"].status in ("partial", "failed"), first["qq"]
        assert "RuntimeError: listing parser bug" in first["qq"].reason
        assert first["qq"].new_articles == 0
        # The refused article is not remembered as a duplicate or a non-article.
        assert count(sqlite_url, SkippedPage) == 0

        with contextlib.closing(sqlite3.connect(sqlite_file(sqlite_url))) as db:
            db.execute("DROP TRIGGER refuse_one")
            db.commit()
        fixed = registry(tmp_path / "fixed.yaml", [
            entry("pp", [p.listing_url], [server_p.url("/feed/")]),
            entry("qq", [q.listing_url]),
        ])
        server_p.reset_log()
        server_q.reset_log()
        second = {run.portal_id: run for run in run_once(make_settings(sqlite_url, fixed)).runs}
        assert second["pp"].status == "ok", second["pp"]
        assert second["pp"].new_articles == 1 and p.article_requests() == 1
        assert second["qq"].status == "ok", second["qq"]
        assert second["qq"].new_articles == 4 and q.article_requests() == 4
    assert count(sqlite_url, Article) == 10


def listing_of(count: int, start: int = 0, prefix: str = "/tin") -> str:
    links = "".join(
        f'<li><a href="{prefix}/bai-viet-so-{n}-ve-cong-tac-doi-ngoai.html">Bài viết số {n} về công tác đối ngoại của tỉnh</a></li>'
        for n in range(start, start + count)
    )
    return f'<html><head><meta charset="utf-8"><title>Tin</title></head><body><ul>{links}</ul></body></html>'


def article_paths(server: PortalServer) -> set[str]:
    return {path for path in server.paths() if "/bai-viet-so-" in path}


def test_links_taken_per_listing_page_and_per_visit_are_capped_and_the_rest_come_next_visit(
    tmp_path, sqlite_url, make_settings
):
    with PortalServer(loopback(1)) as server:
        for prefix in ("/a", "/b"):
            server.add(f"{prefix}/", listing_of(100, 0, prefix))
            for n in range(100):  # stored or remembered as not an article: either way never fetched again
                server.add(f"{prefix}/bai-viet-so-{n}-ve-cong-tac-doi-ngoai.html", f"<html><body><h1>Bài {prefix} {n}</h1></body></html>")
        path = registry(tmp_path / "p.yaml", [entry("big", [server.url("/a/"), server.url("/b/")])])
        settings = make_settings(sqlite_url, path, max_links_per_page=20, max_articles_per_visit=30)

        first = run_once(settings).runs[0]
        taken = article_paths(server)
        assert len(taken) == 30
        assert "capped: 20 of 100 new links" in first.reason
        assert "capped: 10 of 100 new links" in first.reason

        server.reset_log()
        run_once(settings)
        again = article_paths(server)
        # The capped listings were read again (no validators saved), and the links not taken came now.
        assert len(again) == 30 and not again & taken


def test_a_malformed_href_is_skipped_alone():
    from parsel import Selector

    from spiders.links import article_links

    good = "".join(f'<a href="/tin/bai-viet-so-{n}.html">Bài viết số {n} về công tác đối ngoại của tỉnh</a>' for n in range(3))
    found = article_links(Selector(f"<html><body>{BAD_LINKS}{good}</body></html>"), "http://127.0.0.1/tin/")
    assert [link.url for link in found] == [f"http://127.0.0.1/tin/bai-viet-so-{n}.html" for n in range(3)]
