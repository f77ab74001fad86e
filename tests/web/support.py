"""The web app over a real migrated database, served by aiohttp's test server on 127.0.0.1."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from aiohttp.test_utils import TestClient, TestServer

from crawler.metrics import Metrics
from storage import repositories as repo
from storage.db import transaction
from storage.models import Article, Directive, DirectiveMention, Match

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc)


@dataclass
class Prepared:
    factory: object


class PageDaemon:
    """What web/app.py reads from the daemon, over a real database: health, metrics, sessions."""

    def __init__(self, factory):
        self.prepared = Prepared(factory)
        self.metrics = Metrics()
        self.last_cycle_at = NOW

    def health(self):
        return True, {"status": "ok"}

    def refresh_gauges(self):
        pass


def fetch(factory, *paths: str) -> list[tuple[int, str, dict]]:
    """GET each path from the app; returns (status, body, headers)."""
    from web.app import build_app

    async def go():
        async with TestClient(TestServer(build_app(PageDaemon(factory)), host="127.0.0.1")) as client:
            out = []
            for path in paths:
                answer = await client.get(path)
                out.append((answer.status, await answer.text(), dict(answer.headers)))
            return out

    return asyncio.run(go())


def add_portal(session, portal_id: str, name: str, province: str | None = None, kind: str | None = "government"):
    repo.sync_portal(session, repo.PortalFields(id=portal_id, name=name, province=province, kind=kind))
    session.flush()


def add_article(session, portal_id: str, title: str, text: str, days_ago: float = 0, lead: str | None = None,
                code: str | None = None, visit: bool = False, topic: str | None = None) -> Article:
    when = NOW - timedelta(days=days_ago)
    article = repo.add_article(
        session, portal_id=portal_id, url=f"http://127.0.0.1/{portal_id}/{abs(hash((title, days_ago)))}",
        canonical_url=f"http://127.0.0.1/{portal_id}/{abs(hash((title, days_ago)))}", title=title, lead=lead, text=text,
        published_at=when, first_seen_at=when, content_hash=f"{abs(hash((title, text, days_ago))):x}", topic=topic,
    )
    if code:
        directive = session.query(Directive).filter_by(code=code).one_or_none()
        if directive is None:
            directive = Directive(code=code, kind="Chỉ thị", first_article_id=article.id, first_seen_at=when, mentions=0)
            session.add(directive)
            session.flush()
        session.add(DirectiveMention(directive_id=directive.id, article_id=article.id, sentence=title))
        directive.mentions += 1
    if visit:
        session.add(Match(article_id=article.id, kind="visit", terms=["Lào"], data={}, snippet=title))
    session.flush()
    return article


def seeded(factory, build) -> None:
    with transaction(factory) as session:
        build(session)
