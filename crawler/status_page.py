"""The maintainers' status page at ``/``: server-rendered, read-only, Vietnamese, no build step."""

from __future__ import annotations

import html
from datetime import timedelta

from sqlalchemy import func, select

from crawler.timefmt import short_vn
from monitor.alerting.format import kind_label
from storage import repositories as repo
from storage.db import transaction
from storage.models import Alert, Article, Portal
from storage.types import utcnow

HEALTH_LABELS = {"healthy": "Hoạt động tốt", "unhealthy": "Gặp sự cố", "unknown": "Chưa rõ", "paused": "Tạm dừng"}
STATUS_LABELS = {"sent": "đã gửi", "pending": "chờ gửi", "sending": "đang gửi", "digest": "chờ bản tổng hợp",
                 "merged": "gộp", "failed": "lỗi", "dropped": "bỏ"}
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1d2733;background:#f6f8fa}
h1{font-size:1.5rem;margin:0 0 .25rem} h2{font-size:1.15rem;margin:2rem 0 .5rem}
.meta{color:#5b6b7b;margin-bottom:1rem} table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #e3e8ee;padding:.45rem .6rem;text-align:left;vertical-align:top;font-size:.92rem}
th{background:#eef2f6} .ok{color:#137333;font-weight:600} .bad{color:#b3261e;font-weight:600}
.muted{color:#5b6b7b} .num{text-align:right;font-variant-numeric:tabular-nums}
"""


def e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def render(factory, last_cycle_at=None, registry_errors=()) -> str:
    now = utcnow()
    week_ago = now - timedelta(days=7)
    with transaction(factory) as session:
        portals = list(session.scalars(select(Portal).order_by(Portal.name)))
        runs = repo.last_runs(session)
        weekly = dict(
            session.execute(
                select(Article.portal_id, func.count(Article.id)).where(Article.first_seen_at >= week_ago).group_by(Article.portal_id)
            ).all()
        )
        totals = dict(session.execute(select(Article.portal_id, func.count(Article.id)).group_by(Article.portal_id)).all())
        latest = session.execute(
            select(Article, Portal.name, func.count(Alert.id), func.min(Alert.status), func.max(Alert.created_at))
            .join(Alert, Alert.article_id == Article.id)
            .join(Portal, Portal.id == Article.portal_id)
            .group_by(Article.id, Portal.name)
            .order_by(func.max(Alert.created_at).desc())
            .limit(30)
        ).all()
        reasons = {
            article.id: session.scalars(select(Alert.reasons).where(Alert.article_id == article.id).limit(1)).first() or []
            for article, *_ in latest
        }
    unhealthy = sum(1 for p in portals if p.health == "unhealthy")
    rows = []
    for p in portals:
        state = "paused" if p.paused else p.health
        css = "bad" if state == "unhealthy" else ("ok" if state == "healthy" else "muted")
        run = runs.get(p.id)
        why = p.health_reason if state == "unhealthy" else (run.reason if run and run.status != "ok" else "")
        rows.append(
            f"<tr data-portal='{e(p.id)}'><td>{e(p.name)}<div class='muted'>{e(p.id)}</div></td>"
            f"<td class='{css}'>{e(HEALTH_LABELS.get(state, state))}</td><td>{e(why)}</td>"
            f"<td>{e(short_vn(p.last_success_at))}</td><td class='num'>{weekly.get(p.id, 0) / 7:.1f}</td>"
            f"<td class='num'>{totals.get(p.id, 0)}</td></tr>"
        )
    alert_rows = []
    for article, portal_name, recipients, status, created in latest:
        kinds = "; ".join(
            dict.fromkeys(f"{kind_label(r.get('kind', 'keyword'))}: {r.get('detail', '')}".rstrip(": ") for r in reasons[article.id])
        )
        alert_rows.append(
            f"<tr><td>{e(short_vn(created))}</td><td><a href='{e(article.url)}'>{e(article.title)}</a></td>"
            f"<td>{e(portal_name)}</td><td>{e(kinds)}</td><td class='num'>{recipients}</td>"
            f"<td>{e(STATUS_LABELS.get(status, status))}</td></tr>"
        )
    empty_alerts = "<tr><td colspan='6' class='muted'>Chưa có cảnh báo nào.</td></tr>"
    # Entries the registry could not load are watched by nobody: say so where maintainers look.
    registry_section = (
        f"<h2>Lỗi trong danh sách cổng ({len(registry_errors)})</h2><ul id='registry-errors'>"
        + "".join(f"<li class='bad'>{e(error)}</li>" for error in registry_errors)
        + "</ul>"
        if registry_errors
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><meta http-equiv="refresh" content="60">
<title>portalwatch — Tình trạng theo dõi</title><style>{STYLE}</style></head>
<body><h1>portalwatch — Tình trạng theo dõi</h1>
<div class="meta">Cập nhật lúc {e(short_vn(now))} (giờ Việt Nam) · Chu kỳ thu thập gần nhất: {e(short_vn(last_cycle_at))} ·
{len(portals)} cổng, <span class="{'bad' if unhealthy else 'ok'}">{unhealthy} cổng gặp sự cố</span></div>
{registry_section}<h2>Các cổng được theo dõi</h2>
<table id="portals"><thead><tr><th>Cổng</th><th>Tình trạng</th><th>Lý do</th><th>Thu thập thành công gần nhất</th>
<th class="num">Bài/ngày (7 ngày)</th><th class="num">Tổng số bài</th></tr></thead><tbody>{''.join(rows)}</tbody></table>
<h2>Cảnh báo gần đây</h2>
<table id="alerts"><thead><tr><th>Thời gian</th><th>Bài viết</th><th>Cổng</th><th>Lý do</th><th class="num">Người nhận</th>
<th>Trạng thái</th></tr></thead><tbody>{''.join(alert_rows) or empty_alerts}</tbody></table>
</body></html>"""
