"""The web app over a real migrated database, served by aiohttp's test server on 127.0.0.1."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from datetime import datetime, timedelta, timezone

from aiohttp.test_utils import TestClient, TestServer

from crawler.metrics import Metrics
from spiders.registry_loader import Registry
from storage import repositories as repo
from storage.db import transaction
from storage.models import Article, Directive, DirectiveMention, Match

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc)


@dataclass
class Prepared:
    factory: object
    # The daemon's loaded registry: the status page lists its errors (none here).
    registry: object = field(default_factory=lambda: Registry())


class PageDaemon:
    """What web/app.py reads from the daemon, over a real database: health, metrics, sessions."""

    def __init__(self, factory, settings=None):
        self.settings = settings
        self.prepared = Prepared(factory)
        self.metrics = Metrics()
        self.last_cycle_at = NOW

    async def health(self):
        return True, {"status": "ok"}

    async def refresh_gauges_async(self):
        pass


def fetch(factory, *paths: str, settings=None, headers: dict | None = None, raw: bool = False) -> list[tuple[int, str | bytes, dict]]:
    """GET each path from the app; returns (status, body, headers), the body as bytes when ``raw``."""
    from web.app import build_app

    async def go():
        async with TestClient(TestServer(build_app(PageDaemon(factory, settings)), host="127.0.0.1")) as client:
            out = []
            for path in paths:
                answer = await client.get(path, headers=headers)
                out.append((answer.status, await (answer.read() if raw else answer.text()), dict(answer.headers)))
            return out

    return asyncio.run(go())


def add_portal(session, portal_id: str, name: str, province: str | None = None, kind: str | None = "government"):
    repo.sync_portal(session, repo.PortalFields(id=portal_id, name=name, province=province, kind=kind))
    session.flush()


def add_article(session, portal_id: str, title: str, text: str, days_ago: float = 0, lead: str | None = None,
                code: str | None = None, visit: bool = False, topic: str | None = None,
                partners: list[str] | None = None) -> Article:
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
    if visit or partners:
        session.add(Match(article_id=article.id, kind="visit", terms=partners or ["Lào"], data={}, snippet=title))
    session.flush()
    return article


def seeded(factory, build) -> None:
    with transaction(factory) as session:
        build(session)


# The five real seed texts (tests/fixtures/shared/seeds, see its README) as articles of their portals.
SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "shared" / "seeds"
REAL_PORTALS = [
    ("000", "snv-caobang", "Sở Ngoại vụ Cao Bằng", "Cao Bằng", "foreign-affairs",
     "Tăng cường phối hợp đối ngoại Đảng, ngoại giao Nhà nước và đối ngoại nhân dân", 2),
    ("001", "backan-gov", "Cổng TTĐT tỉnh Bắc Kạn", "Bắc Kạn", "government",
     "Nâng cao hiệu quả công tác đối ngoại Nhân dân trong tình hình mới", 5),
    ("002", "baoquocte", "Báo Thế giới và Việt Nam", None, "newspaper",
     "5 phương hướng để đẩy mạnh công tác đối ngoại địa phương", 1),
    ("003", "baothuathienhue", "Báo Thừa Thiên Huế", "Thừa Thiên Huế", "newspaper",
     "Tiếp tục củng cố và mở rộng quan hệ hợp tác nhiều mặt", 9),
    ("004", "mattran", "Mặt trận Tổ quốc Việt Nam", None, "front",
     "Công tác đối ngoại nhân dân của tỉnh Lai Châu từ năm 2011 đến nay và giải pháp trong thời gian tới", 3),
]


def seed_real_articles(factory) -> None:
    """Store the seeds and run the real monitor over them (directives, visits, topic)."""
    from monitor.processing import MonitorCache, match_pending

    with transaction(factory) as session:
        for prefix, portal_id, name, province, kind, title, days_ago in REAL_PORTALS:
            add_portal(session, portal_id, name, province, kind)
            text = next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
            add_article(session, portal_id, title, text, days_ago=days_ago)
    match_pending(factory, MonitorCache(None))


class LiveServer:
    """web.app.start_server on 127.0.0.1 in a thread of its own, as the daemon serves it."""

    def __init__(self, factory):
        from tests.support.daemon import free_port

        self.daemon, self.port = PageDaemon(factory), free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "LiveServer":
        import threading

        from web.app import start_server

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.runner = asyncio.run_coroutine_threadsafe(start_server(self.daemon, "127.0.0.1", self.port), self.loop).result(10)
        return self

    def __exit__(self, *exc) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()
