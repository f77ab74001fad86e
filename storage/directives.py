"""The directive registry: every code ever seen, with its first article and its mentions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Directive, DirectiveMention
from storage.types import utcnow


def known_codes(session: Session) -> set[str]:
    """Codes some article already reported (a document seen only in a register or file is still news)."""
    return set(session.scalars(select(Directive.code).where(Directive.first_article_id.is_not(None))))


def record_mention(session: Session, article_id: int, code: str, fields: dict, sentence: str | None) -> tuple[Directive, bool]:
    """Store that ``article_id`` mentions ``code``; returns (directive, first sighting)."""
    directive = session.scalar(select(Directive).where(Directive.code == code))
    created = directive is None
    if created:
        directive = Directive(code=code, first_article_id=article_id, first_seen_at=utcnow(), mentions=0, **fields)
        session.add(directive)
        session.flush()
    elif directive.first_article_id is None:
        # Known so far only from a register row or an attachment (storage/documents.py), which do not alert
        # yet: its first article is still news.
        directive.first_article_id, created = article_id, True
    exists = session.scalar(
        select(DirectiveMention.id).where(DirectiveMention.directive_id == directive.id, DirectiveMention.article_id == article_id)
    )
    if exists is None:
        session.add(DirectiveMention(directive_id=directive.id, article_id=article_id, sentence=sentence))
        directive.mentions = (directive.mentions or 0) + 1
    return directive, created


def mention_count(session: Session, code: str) -> int:
    directive = session.scalar(select(Directive).where(Directive.code == code))
    return directive.mentions if directive else 0
