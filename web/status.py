"""The maintainers' status page: server-rendered, read-only, Vietnamese, no build step."""

from __future__ import annotations

from datetime import timedelta

from monitor.alerting.format import kind_label
from storage.db import transaction
from storage.status import status_overview
from storage.types import utcnow
from web.templating import render as render_template

HEALTH_LABELS = {"healthy": "Hoạt động tốt", "unhealthy": "Gặp sự cố", "unknown": "Chưa rõ", "paused": "Tạm dừng"}
STATUS_LABELS = {"sent": "đã gửi", "pending": "chờ gửi", "sending": "đang gửi", "digest": "chờ bản tổng hợp",
                 "merged": "gộp", "failed": "lỗi", "dropped": "bỏ"}


def render(factory, last_cycle_at=None, registry_errors=(), paces=None, csrf: str | None = None) -> str:
    """``registry_errors``: entries the registry could not load (watched by nobody: said where maintainers
    look); ``paces``: each portal's next poll and today's budget use (crawler/polling.py); ``csrf``: an
    admin's token (web/auth.py), which shows the pause/resume buttons; None shows none."""
    now = utcnow()
    with transaction(factory) as session:
        overview = status_overview(session, now - timedelta(days=7))
    rows = []
    for p in overview.portals:
        state = "paused" if p.paused else p.health
        run = overview.runs.get(p.id)
        rows.append(dict(
            id=p.id, name=p.name, state=state, paused=p.paused, label=HEALTH_LABELS.get(state, state),
            css="bad" if state == "unhealthy" else ("ok" if state == "healthy" else "muted"),
            why=p.health_reason if state == "unhealthy" else (run.reason if run and run.status != "ok" else ""),
            last_success_at=p.last_success_at,
            per_day=f"{overview.weekly.get(p.id, 0) / 7:.1f}", total=overview.totals.get(p.id, 0),
            next_poll_at=pace.next_poll_at if (pace := (paces or {}).get(p.id)) else None,
            polls_today=pace.polls_today if pace else "-", budget=pace.budget if pace else "-",
        ))
    alerts = []
    for article, portal_name, recipients, status, created in overview.latest:
        kinds = "; ".join(dict.fromkeys(
            f"{kind_label(r.get('kind', 'keyword'))}: {r.get('detail', '')}".rstrip(": ") for r in overview.reasons[article.id]
        ))
        alerts.append(dict(created=created, article=article, portal_name=portal_name, kinds=kinds, recipients=recipients,
                           status=STATUS_LABELS.get(status, status)))
    return render_template(
        "status.html", now=now, last_cycle_at=last_cycle_at, portals=rows, alerts=alerts, registry_errors=list(registry_errors),
        unhealthy=sum(1 for p in overview.portals if p.health == "unhealthy"),
        paused=[p for p in overview.portals if p.paused], csrf=csrf,
    )
