"""The status page, health and metrics served by web/app.py; stored text cannot inject markup."""

from __future__ import annotations

from storage.models import Alert, CrawlRun, Subscriber
from tests.web.support import NOW, add_article, add_portal, fetch, seeded


def test_status_page_lists_portals_and_alerts_escaped(db_factory):
    def build(session):
        add_portal(session, "evil", "<script>alert(1)</script> Cổng", "Lào Cai")
        session.add(CrawlRun(portal_id="evil", status="failed", reason="HTTP 500 <b>", started_at=NOW))
        article = add_article(session, "evil", "Tiếp <img src=x onerror=alert(2)> Đại sứ", "Nội dung", days_ago=1)
        subscriber = Subscriber(chat_id=42)
        session.add(subscriber)
        session.flush()
        session.add(Alert(subscriber_id=subscriber.id, article_id=article.id, status="sent",
                          reasons=[{"kind": "visit", "detail": "Lào"}], created_at=NOW))

    seeded(db_factory, build)
    (status, page, headers), (status2, page2, _) = fetch(db_factory, "/trang-thai", "/static/style.css")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; Cổng" in page
    assert "HTTP 500 &lt;b&gt;" in page and "<img src=x" not in page
    assert "Tiếp &lt;img src=x onerror=alert(2)&gt; Đại sứ" in page and "đã gửi" in page
    assert "1 cổng" in page and 'data-portal="evil"' in page
    assert status2 == 200 and ".topbar" in page2


def test_health_and_metrics(db_factory):
    (health_status, health, _), (metrics_status, metrics, headers) = fetch(db_factory, "/healthz", "/metrics")
    assert health_status == 200 and '"status": "ok"' in health
    assert metrics_status == 200 and "portalwatch_" in metrics and headers["Content-Type"].startswith("text/plain")
