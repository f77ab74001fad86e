"""Directive identity (code, scope) end to end: two provinces' 481/QĐ-UBND are two documents, one
national code seen on two portals is one; and migration 0005 gives existing rows their scope."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from crawler.cycle import run_once
from crawler.store import open_store
from storage import repositories as repo
from storage.db import make_engine, transaction
from storage.migrate import upgrade
from storage.models import Directive
from tests.support.server import PortalServer
from tests.support.sites import FAMILIES, FixtureArticle, FixturePortal

VN = timezone(timedelta(hours=7))
TEXT = [
    "Thực hiện Chỉ thị số 45-CT/TW ngày 20/11/2026 của Ban Bí thư, Ủy ban nhân dân tỉnh đã ban hành Quyết định số "
    "481/QĐ-UBND ngày 25/11/2026 về Kế hoạch triển khai công tác đối ngoại nhân dân trên địa bàn tỉnh.",
    "Các sở, ban, ngành và địa phương có trách nhiệm xây dựng kế hoạch cụ thể, bảo đảm thiết thực, phù hợp với tình "
    "hình thực tế và báo cáo kết quả thực hiện về Ủy ban nhân dân tỉnh trước ngày 31/12/2026.",
    "Quyết định có hiệu lực kể từ ngày ký, thay thế các văn bản trước đây trái với nội dung của Quyết định này và "
    "được gửi tới các cơ quan, đơn vị liên quan để thực hiện nghiêm túc.",
]


def documents(url: str) -> dict[str, list[tuple[str, int]]]:
    with transaction(open_store(url)) as session:
        rows = session.scalars(select(Directive).order_by(Directive.id))
        found: dict[str, list[tuple[str, int]]] = {}
        for row in rows:
            found.setdefault(row.code, []).append((row.scope, row.mentions))
        return found


def test_two_provinces_481_are_two_documents_and_a_national_code_is_one(tmp_path: Path, db_url, make_settings):
    now = datetime.now(VN).replace(second=0, microsecond=0)
    with PortalServer() as lai_chau_server, PortalServer() as cao_bang_server:
        lines = []
        for number, (pid, province, server) in enumerate(
            (("laichau", "Lai Châu", lai_chau_server), ("caobang", "Cao Bằng", cao_bang_server)), start=1
        ):
            site = FixturePortal(server, FAMILIES["front"])
            text = [TEXT[0], f"Lãnh đạo tỉnh {province} yêu cầu các đơn vị khẩn trương triển khai thực hiện.", *TEXT[1:]]
            title = f"{province} ban hành Kế hoạch đối ngoại nhân dân"
            site.publish([FixtureArticle(3000 + number, title, now - timedelta(hours=number), text)])
            lines.append(
                f'  - id: {pid}\n    name: Cổng TTĐT tỉnh {province}\n    province: {province}\n'
                f'    start_urls: ["{site.listing_url}"]\n'
            )
        registry = tmp_path / "p.yaml"
        registry.write_text("portals:\n" + "".join(lines), encoding="utf-8")
        stats = run_once(make_settings(db_url, registry))
        assert stats.new_articles == 2
    found = documents(db_url)
    assert sorted(found["481/QĐ-UBND"]) == [("Cao Bằng", 1), ("Lai Châu", 1)]
    assert found["45-CT/TW"] == [("VN", 2)]


def test_migration_0005_scopes_existing_rows(tmp_path: Path, db_url):
    upgrade(db_url, revision="0004")
    engine = make_engine(db_url)
    now = datetime.now(timezone.utc)
    try:
        with transaction(sessionmaker(engine)) as session:
            repo.sync_portal(session, repo.PortalFields("lc", "Cổng TTĐT tỉnh Lai Châu", "Lai Châu", "government", "h", True))
            repo.sync_portal(session, repo.PortalFields("nat", "Báo", None, "newspaper", "h", True))
            ids = [
                repo.add_article(session, portal_id=portal, url=f"https://x.vn/{portal}", canonical_url=f"https://x.vn/{portal}",
                                 title="t", text="x", content_hash="h" * 64, first_seen_at=now).id
                for portal in ("lc", "nat")
            ]
        with engine.begin() as connection:
            for code, issuer, article_id in (("481/QĐ-UBND", "UBND", ids[0]), ("45-CT/TW", "TW", ids[0]), ("12/QĐ-UBND", "UBND", ids[1])):
                connection.execute(sa.text(
                    "INSERT INTO directives (code, issuer, first_article_id, first_seen_at, mentions) "
                    "VALUES (:code, :issuer, :article, :now, 1)"
                ), {"code": code, "issuer": issuer, "article": article_id, "now": now})
        upgrade(db_url)
        with engine.begin() as connection:
            scopes = dict(connection.execute(sa.text("SELECT code, scope FROM directives")).all())
            assert scopes == {"481/QĐ-UBND": "Lai Châu", "45-CT/TW": "VN", "12/QĐ-UBND": "?"}
            # Another province's 481/QĐ-UBND is now a row of its own; the same (code, scope) is refused.
            connection.execute(sa.text(
                "INSERT INTO directives (code, scope, issuer, first_seen_at, mentions) VALUES ('481/QĐ-UBND', 'Cao Bằng', 'UBND', :now, 0)"
            ), {"now": now})
        try:
            with engine.begin() as connection:
                connection.execute(sa.text(
                    "INSERT INTO directives (code, scope, first_seen_at, mentions) VALUES ('481/QĐ-UBND', 'Lai Châu', :now, 0)"
                ), {"now": now})
        except sa.exc.IntegrityError:
            pass
        else:
            raise AssertionError("a second (481/QĐ-UBND, Lai Châu) was accepted")
    finally:
        engine.dispose()


def test_migration_0005_downgrade_merges_the_scopes_of_one_code_again(db_url):
    from alembic import command

    from storage.migrate import alembic_config

    upgrade(db_url)
    engine = make_engine(db_url)
    now = datetime.now(timezone.utc)
    try:
        with engine.begin() as connection:
            for scope in ("Lai Châu", "Cao Bằng"):
                connection.execute(sa.text(
                    "INSERT INTO directives (code, scope, issuer, first_seen_at, mentions) VALUES ('481/QĐ-UBND', :scope, 'UBND', :now, 0)"
                ), {"scope": scope, "now": now})
            config = alembic_config(db_url)
            config.attributes["connection"] = connection
            command.downgrade(config, "0004")
        with engine.begin() as connection:
            assert connection.execute(sa.text("SELECT code FROM directives")).scalars().all() == ["481/QĐ-UBND"]
    finally:
        engine.dispose()


def test_two_provinces_new_481_are_two_alert_events_and_a_national_code_is_one():
    from monitor.analysis import ArticleInput, Monitor
    from monitor.processing import event_key
    from monitor.rules import bundled_rules

    monitor, keys = Monitor(bundled_rules()), {}
    for province in ("Lai Châu", "Cao Bằng"):
        for text in ("Tỉnh ban hành Quyết định số 481/QĐ-UBND về đối ngoại.", "Quán triệt Chỉ thị số 45-CT/TW của Ban Bí thư."):
            analysis = monitor.analyse(ArticleInput(text, province=province))
            [match] = [m for m in analysis.rules if m.kind == "new-directive"]
            keys[(province, text[:8])] = event_key(match, None, {d.code: d.scope for d in analysis.directives})
    assert keys[("Lai Châu", "Tỉnh ban")] != keys[("Cao Bằng", "Tỉnh ban")]
    assert keys[("Lai Châu", "Quán tri")] == keys[("Cao Bằng", "Quán tri")]
