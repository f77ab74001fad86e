"""Admin notices, addressed to every channel an admin has.

An admin is named in the settings by a Telegram chat id or an e-mail address; if that chat or
address belongs to a subscriber, the notice goes to each of that subscriber's active channels (an
admin who reads e-mail because Telegram is blocked still hears of a broken portal), otherwise to
the chat or address itself.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Channel, Notice, Subscriber
from storage.types import utcnow


def admin_targets(session: Session, chat_ids=(), emails=()) -> list[tuple[str, str]]:
    """(kind, address) of every channel to tell, each once."""
    targets: dict[tuple[str, str], None] = {}
    named = [("telegram", str(c)) for c in chat_ids] + [("email", e.strip().lower()) for e in emails if e.strip()]
    for kind, address in named:
        subscriber_id = session.scalar(
            select(Channel.subscriber_id).where(Channel.kind == kind, Channel.address == address)
        )
        if subscriber_id is None and kind == "telegram":
            subscriber_id = session.scalar(select(Subscriber.id).where(Subscriber.chat_id == int(address)))
        channels = []
        if subscriber_id is not None:
            channels = session.execute(
                select(Channel.kind, Channel.address)
                .where(Channel.subscriber_id == subscriber_id, Channel.active.is_(True), Channel.kind != "console")
                .order_by(Channel.id)
            ).all()
        for target in [tuple(c) for c in channels] or [(kind, address)]:
            targets.setdefault(target, None)
    return list(targets)


def queue_admin_notice(session: Session, text: str, chat_ids=(), emails=(), now: datetime | None = None,
                       skip_kinds=()) -> int:
    """One pending notice per admin channel; ``skip_kinds``: channels not to use (e.g. the one that is down)."""
    now = now or utcnow()
    targets = [t for t in admin_targets(session, chat_ids, emails) if t[0] not in skip_kinds]
    for kind, address in targets:
        chat_id = int(address) if kind == "telegram" else None
        session.add(Notice(chat_id=chat_id, kind=kind, address=None if chat_id is not None else address,
                           text=text, status="pending", attempts=0, created_at=now))
    return len(targets)


def due_notices(session: Session, now: datetime) -> list[tuple[int, str, int | str, str]]:
    """(id, kind, chat id or address, text) of each pending notice whose time has come, oldest first."""
    return [
        (n.id, n.kind or "telegram", n.chat_id if n.chat_id is not None else n.address, n.text)
        for n in session.scalars(select(Notice).where(Notice.status == "pending").order_by(Notice.id))
        if n.next_attempt_at is None or n.next_attempt_at <= now
    ]


def mark_notice_sent(session: Session, notice_id: int, now: datetime | None = None) -> None:
    notice = session.get(Notice, notice_id)
    notice.status, notice.sent_at = "sent", now or utcnow()


def mark_notice_failed(session: Session, notice_id: int, reason: str, retry_at) -> None:
    """One more failed attempt: tried again at ``retry_at(attempts)``, or given up for good when that is None."""
    notice = session.get(Notice, notice_id)
    notice.attempts += 1
    notice.last_error = reason[:1000]
    when = retry_at(notice.attempts)
    if when is None:
        notice.status = "failed"
    else:
        notice.next_attempt_at = when


# A transport (e-mail's SMTP server, the Telegram bot) the sender found unusable: the key holds the
# reason while it is down, so the admins are told once per outage, across restarts too.
DOWN_KEY = "sender.down.{kind}"


def transport_down(session: Session, kind: str) -> str | None:
    from storage.repositories import get_state

    return get_state(session, DOWN_KEY.format(kind=kind)) or None


def set_transport_down(session: Session, kind: str, reason: str | None) -> None:
    """Record (reason) or clear (None) that ``kind``'s server refuses the sender."""
    from storage.repositories import set_state

    set_state(session, DOWN_KEY.format(kind=kind), reason or "")
