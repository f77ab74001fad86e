"""`portalwatch extract URL` fetches as the crawler does: robots.txt, charset repair, the same extraction."""

from __future__ import annotations

import json

from sqlalchemy import select

from crawler.cli import main
from crawler.cycle import run_once
from crawler.store import open_store
from storage.db import transaction
from storage.models import Article
from tests.support.encodings import to_cp1258
from tests.support.server import PortalServer
from tests.support.sites import FAMILIES, make_articles


def test_extract_url_shows_what_the_crawler_stores_and_obeys_robots_txt(tmp_path, monkeypatch, capsys, sqlite_url, make_settings):
    fam = FAMILIES["front"]
    articles = make_articles(2)
    with PortalServer() as server:
        # windows-1258 bytes served as "charset=utf-8": the crawl repairs the label.
        pages = {fam.listing_path: fam.listing(articles, 1, False), **{fam.article_path(a): fam.article(a, []) for a in articles}}
        for path, html in pages.items():
            server.add(path, to_cp1258(html.replace('charset="utf-8"', 'charset="windows-1258"')), "text/html; charset=utf-8")
        server.add("/private/bai-viet.html", fam.article(articles[0], []))  # robots.txt: Disallow: /private/
        registry = tmp_path / "p.yaml"
        registry.write_text(f'portals:\n  - id: enc\n    name: Enc\n    start_urls: ["{server.url(fam.listing_path)}"]\n', encoding="utf-8")
        settings = make_settings(sqlite_url, registry)
        assert run_once(settings).runs[0].status == "ok"
        with transaction(open_store(sqlite_url)) as session:
            stored = session.scalars(select(Article).where(Article.url == server.url(fam.article_path(articles[0])))).one()

        for key, value in {"PORTALWATCH_PORTALS": str(registry), "PORTALWATCH_DATABASE_URL": sqlite_url,
                           "PORTALWATCH_DOWNLOAD_DELAY": "0", "PORTALWATCH_DOWNLOAD_TIMEOUT": "3"}.items():
            monkeypatch.setenv(key, value)
        capsys.readouterr()
        assert main(["extract", server.url(fam.article_path(articles[0]))]) == 0
        shown = json.loads(capsys.readouterr().out)
        assert main(["extract", server.url("/private/bai-viet.html")]) == 1
        refused = json.loads(capsys.readouterr().out)
        assert server.count("/private/") == 0
    assert shown["portal"] == "enc"
    assert (shown["title"], shown["lead"], shown["text"], shown["author"]) == (stored.title, stored.lead, stored.text, stored.author)
    assert "robots.txt" in refused["error"]


def test_extract_url_reads_a_self_signed_government_host_as_the_crawl_does(tmp_path, monkeypatch, capsys):
    import ssl

    from tests.maintain.tls import self_signed

    fam = FAMILIES["front"]
    article = make_articles(1)[0]
    cert, key = self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = PortalServer()
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    server.add(fam.article_path(article), fam.article(article, []))
    monkeypatch.setenv("PORTALWATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")
    monkeypatch.setenv("PORTALWATCH_DOWNLOAD_TIMEOUT", "3")
    with server:
        capsys.readouterr()
        code = main(["extract", f"https://127.0.0.1:{server.port}{fam.article_path(article)}"])
    record = json.loads(capsys.readouterr().out)
    assert code == 0, record
    assert record["title"] == article.title
