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


def queue_admin_notice(session: Session, text: str, chat_ids=(), emails=(), now: datetime | None = None) -> int:
    now = now or utcnow()
    targets = admin_targets(session, chat_ids, emails)
    for kind, address in targets:
        chat_id = int(address) if kind == "telegram" else None
        session.add(Notice(chat_id=chat_id, kind=kind, address=None if chat_id is not None else address,
                           text=text, status="pending", attempts=0, created_at=now))
    return len(targets)
