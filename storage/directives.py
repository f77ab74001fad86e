"""The directive registry: every document ever seen, by (code, scope), with its first article and
its mentions. Scope: "VN" for national issuers, the province for local ones, "?" when unknown."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Directive, DirectiveMention
from storage.types import utcnow

NATIONAL = "VN"


def known_codes(session: Session) -> set[tuple[str, str]]:
    """The (code, scope) keys of documents some article already reported (a document seen only in a
    register or a file is still news when an article first reports it)."""
    return set(session.execute(select(Directive.code, Directive.scope).where(Directive.first_article_id.is_not(None))).tuples())


def record_mention(
    session: Session, article_id: int, code: str, scope: str, fields: dict, sentence: str | None
) -> tuple[Directive, bool]:
    """Store that ``article_id`` mentions document (``code``, ``scope``); returns (directive, first sighting)."""
    directive = session.scalar(select(Directive).where(Directive.code == code, Directive.scope == scope))
    created = directive is None
    if created:
        directive = Directive(
            code=code, scope=scope, first_article_id=article_id, first_seen_at=utcnow(), mentions=0, **fields
        )
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


def mention_count(session: Session, code: str, scope: str = NATIONAL) -> int:
    directive = session.scalar(select(Directive).where(Directive.code == code, Directive.scope == scope))
    return directive.mentions if directive else 0


def documents(session: Session, code: str) -> list[Directive]:
    """Every document numbered ``code``, one per scope, in order of first sighting."""
    return list(session.scalars(select(Directive).where(Directive.code == code).order_by(Directive.id)))
