"""Web sign-ups waiting for their e-mail confirmation, and the counts behind the hourly limits.
Each function takes a session; the caller commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from storage.models import Signup


def add_signup(session: Session, address: str, keywords: list[str], follows_defaults: bool, digest_time: str | None,
               client: str, now: datetime) -> Signup:
    signup = Signup(address=address, keywords=list(keywords), follows_defaults=follows_defaults,
                    digest_time=digest_time, client=client, created_at=now)
    session.add(signup)
    session.flush()
    return signup


def get_signup(session: Session, signup_id: int) -> Signup | None:
    return session.get(Signup, signup_id)


def recent_counts(session: Session, address: str, client: str, since: datetime) -> tuple[int, int]:
    """Confirmations sent since ``since``: (to this address, from this client)."""
    recent = select(func.count(Signup.id)).where(Signup.created_at >= since)
    by_address = session.scalar(recent.where(Signup.address == address)) or 0
    by_client = session.scalar(recent.where(Signup.client == client)) or 0
    return by_address, by_client


def mark_confirmed(session: Session, signup: Signup, channel_id: int, now: datetime) -> None:
    signup.confirmed_at, signup.channel_id = now, channel_id
    session.flush()


def prune(session: Session, before: datetime) -> int:
    """Forget sign-ups made before ``before`` (their links have expired by then)."""
    return session.execute(delete(Signup).where(Signup.created_at < before)).rowcount or 0
