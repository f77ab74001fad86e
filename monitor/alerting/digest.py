"""Daily digests: one message per subscriber at their chosen Vietnam time, instead of instant alerts."""

from __future__ import annotations

import html
from datetime import datetime, time, timedelta

from monitor.alerting.format import LATE_LABEL, VN_TZ, is_late, reason_label, vn_time
from storage import outbox
from storage.models import Subscriber


def digest_slot(at: str, now: datetime) -> datetime:
    """The latest HH:MM (Vietnam time) at or before ``now``."""
    hour, minute = (int(part) for part in at.split(":"))
    local = now.astimezone(VN_TZ)
    slot = datetime.combine(local.date(), time(hour, minute), VN_TZ)
    return slot if slot <= local else slot - timedelta(days=1)


def is_due(subscriber: Subscriber, now: datetime) -> bool:
    if not subscriber.digest_time or not subscriber.active:
        return False
    if subscriber.muted_until and subscriber.muted_until > now:
        return False
    slot = digest_slot(subscriber.digest_time, now)
    return subscriber.last_digest_at is None or subscriber.last_digest_at < slot


def render_digest(views: list[outbox.AlertView], now: datetime) -> tuple[str, str]:
    """(Telegram HTML, plain text) listing each article with its reasons and link."""
    day = now.astimezone(VN_TZ).strftime("%d/%m/%Y")
    html_lines = [f"🗞 <b>Bản tổng hợp ngày {day}</b> — {len(views)} bài"]
    text_lines = [f"Bản tổng hợp ngày {day} — {len(views)} bài"]
    for n, view in enumerate(views, start=1):
        kinds = ", ".join(dict.fromkeys(reason_label(r) for r in view.reasons))
        when = vn_time(view.published_at) if view.published_at else "không rõ"
        if is_late(view.published_at, view.first_seen_at):
            when += f" ({LATE_LABEL})"
        portals = ", ".join(dict.fromkeys(name for name, _ in view.sources))
        url = view.sources[0][1] if view.sources else ""
        html_lines.append(
            f'\n{n}. <b>{html.escape(kinds)}</b>: <a href="{html.escape(url, quote=True)}">{html.escape(view.title)}</a>'
            f"\n   {html.escape(portals)} · {when}"
        )
        text_lines.append(f"{n}. [{kinds}] {view.title} — {portals}, {when}\n   {url}")
    return "\n".join(html_lines), "\n".join(text_lines)
