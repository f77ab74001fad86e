"""Documents (rows of ``directives``), where they were sighted, and their files. Every query for them is here.

A document is found by its identity (code, scope) in one place (``find_document``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields as dataclass_fields

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Article, Directive, DirectiveMention, DocumentFile, DocumentSighting
from storage.types import utcnow


@dataclass(frozen=True)
class DocumentFields:
    """What a register row (or a document's first page) tells about a document; None where not shown."""

    kind: str | None = None
    number: str | None = None
    year: int | None = None
    issuer: str | None = None
    issued_on: str | None = None
    summary: str | None = None
    issuer_name: str | None = None
    signer: str | None = None
    effective_on: str | None = None
    register_url: str | None = None


@dataclass(frozen=True)
class FileFields:
    url: str
    sha256: str | None = None
    size: int | None = None
    media_type: str | None = None
    pages: int | None = None
    text: str | None = None
    text_source: str | None = None
    ocr_confidence: float | None = None
    legacy_encoding: str | None = None
    signature: str | None = None
    warnings: tuple[str, ...] = ()
    error: str | None = None


def find_document(session: Session, code: str, scope: str) -> Directive | None:
    return session.scalar(select(Directive).where(Directive.code == code, Directive.scope == scope))


def record_document(
    session: Session, portal_id: str, code: str, scope: str, details: DocumentFields, page_url: str, source: str = "register"
) -> tuple[Directive, bool]:
    """Store a sighting of document (``code``, ``scope``); returns (document, first sighting anywhere). Known
    fields are kept, missing ones filled in from this sighting."""
    document = find_document(session, code, scope)
    created = document is None
    if created:
        document = Directive(code=code, scope=scope, first_seen_at=utcnow(), mentions=0, first_portal_id=portal_id)
        session.add(document)
    for field in dataclass_fields(DocumentFields):
        value = getattr(details, field.name)
        if value is not None and getattr(document, field.name) is None:
            setattr(document, field.name, value)
    session.flush()
    seen = session.scalar(
        select(DocumentSighting.id).where(
            DocumentSighting.directive_id == document.id,
            DocumentSighting.portal_id == portal_id,
            DocumentSighting.source == source,
        )
    )
    if seen is None:
        session.add(DocumentSighting(directive_id=document.id, portal_id=portal_id, source=source, page_url=page_url))
    return document, created


def known_document_codes(session: Session, portal_id: str, codes: Iterable[str]) -> set[str]:
    """The codes among ``codes`` this portal's register already showed (a register page of only these is old)."""
    wanted = set(codes)
    if not wanted:
        return set()
    rows = session.scalars(
        select(Directive.code)
        .join(DocumentSighting, DocumentSighting.directive_id == Directive.id)
        .where(DocumentSighting.portal_id == portal_id, Directive.code.in_(wanted))
    )
    return set(rows)


def known_file_urls(session: Session, urls: Iterable[str]) -> set[str]:
    wanted = set(urls)
    if not wanted:
        return set()
    return set(session.scalars(select(DocumentFile.url).where(DocumentFile.url.in_(wanted))))


def record_file(
    session: Session, details: FileFields, *, portal_id: str | None, directive_id: int | None = None, article_id: int | None = None
) -> tuple[DocumentFile, bool]:
    """Store one fetched file. The same content (sha256) under another URL is a copy row pointing at the first
    (``duplicate_of``, no text), so its URL is known and its bytes are not extracted again."""
    existing = None
    if details.sha256:
        existing = session.scalar(select(DocumentFile).where(DocumentFile.sha256 == details.sha256))
    if existing is not None:
        if existing.url == details.url:
            existing.directive_id = existing.directive_id or directive_id
            existing.article_id = existing.article_id or article_id
            return existing, False
        copy = DocumentFile(url=details.url, duplicate_of=existing.id, size=details.size, media_type=existing.media_type,
                            portal_id=portal_id, directive_id=directive_id, article_id=article_id, warnings=[], fetched_at=utcnow())
        session.add(copy)
        session.flush()
        return copy, False
    values = {field.name: getattr(details, field.name) for field in dataclass_fields(FileFields)}
    values["warnings"] = list(details.warnings)
    row = DocumentFile(**values, portal_id=portal_id, directive_id=directive_id, article_id=article_id, fetched_at=utcnow())
    session.add(row)
    session.flush()
    return row, True


def file_by_sha256(session: Session, sha256: str) -> DocumentFile | None:
    return session.scalar(select(DocumentFile).where(DocumentFile.sha256 == sha256))


def link_file(session: Session, file_id: int, *, directive_id: int | None = None, article_id: int | None = None) -> None:
    row = session.get(DocumentFile, file_id)
    if row is not None:
        row.directive_id = row.directive_id or directive_id
        row.article_id = row.article_id or article_id


@dataclass(frozen=True)
class DocumentRow:
    document: Directive
    sightings: int
    files: list[DocumentFile]


def list_documents(session: Session, portal_id: str | None = None, limit: int = 50) -> list[DocumentRow]:
    """Documents newest first (first seen), with their sighting count (register rows, posts, news mentions) and files.
    ``portal_id``: documents this portal's registers showed or its articles mentioned."""
    query = select(Directive).order_by(Directive.first_seen_at.desc(), Directive.id.desc()).limit(limit)
    if portal_id:
        mentioned = select(DirectiveMention.directive_id).join(Article, Article.id == DirectiveMention.article_id).where(Article.portal_id == portal_id)
        query = query.where(
            Directive.id.in_(select(DocumentSighting.directive_id).where(DocumentSighting.portal_id == portal_id))
            | Directive.id.in_(mentioned)
        )
    documents = list(session.scalars(query))
    ids = [d.id for d in documents]
    counts = dict(
        session.execute(
            select(DocumentSighting.directive_id, func.count()).where(DocumentSighting.directive_id.in_(ids)).group_by(DocumentSighting.directive_id)
        ).all()
    ) if ids else {}
    files: dict[int, list[DocumentFile]] = {}
    if ids:
        for row in session.scalars(select(DocumentFile).where(DocumentFile.directive_id.in_(ids)).order_by(DocumentFile.id)):
            files.setdefault(row.directive_id, []).append(row)
    return [DocumentRow(d, counts.get(d.id, 0) + (d.mentions or 0), files.get(d.id, [])) for d in documents]


def portal_document_codes(session: Session, portal_id: str) -> set[str]:
    """Every code this portal's registers showed: rows with these codes are not new."""
    return set(
        session.scalars(
            select(Directive.code).join(DocumentSighting, DocumentSighting.directive_id == Directive.id).where(DocumentSighting.portal_id == portal_id)
        )
    )


def portal_file_urls(session: Session, portal_id: str) -> set[str]:
    """Attachment URLs already fetched for this portal (successfully or not): not fetched again."""
    return set(session.scalars(select(DocumentFile.url).where(DocumentFile.portal_id == portal_id)))


def give_article_document_text(
    session: Session, canonical_url: str, text: str, own_text_below: int, title_note: str | None = None
) -> int | None:
    """A stub post ("Toàn văn … xem tại văn bản đính kèm") gets the attachment's text as its body.

    Only when its own text is shorter than ``own_text_below``; returns the article id, if the article is stored."""
    article = session.scalar(select(Article).where(Article.canonical_url == canonical_url))
    if article is None:
        return None
    if len(article.text or "") < own_text_below and text not in (article.text or ""):
        article.text = f"{article.text}\n\n{text}" if article.text else text
        if title_note and title_note not in article.title:
            article.title = f"{article.title} ({title_note})"
    return article.id


def _file_fact(session: Session, row: DocumentFile) -> dict:
    """One attachment as an alert links it: its own URL, and what its content (the first copy's, for a copy) is."""
    content = session.get(DocumentFile, row.duplicate_of) if row.duplicate_of else row
    content = content or row
    return {
        "url": row.url, "media_type": content.media_type, "pages": content.pages, "text_source": content.text_source,
        "ocr_confidence": content.ocr_confidence, "chars": len(content.text or ""), "error": row.error or content.error,
    }


def alert_facts(session: Session, document: Directive, article_id: int | None = None) -> dict | None:
    """What a new document's alert says of it: kind, code, issuer, dates, summary, the register page that listed it,
    its detail page and its files (each with where its text came from: text layer, DOCX, DOC or OCR).

    ``article_id``: the article reporting it; files that article links are its files too when their text names
    the code (a stub post with the PDF). None when nothing beyond a mention in text is known of the document."""
    registers = list(
        session.scalars(
            select(DocumentSighting.page_url)
            .where(DocumentSighting.directive_id == document.id, DocumentSighting.source == "register")
            .order_by(DocumentSighting.id)
        )
    )
    rows = list(session.scalars(select(DocumentFile).where(DocumentFile.directive_id == document.id).order_by(DocumentFile.id)))
    if article_id is not None:
        for row in session.scalars(
            select(DocumentFile).where(DocumentFile.article_id == article_id, DocumentFile.directive_id.is_(None)).order_by(DocumentFile.id)
        ):
            content = session.get(DocumentFile, row.duplicate_of) if row.duplicate_of else row
            if content is not None and document.code in (content.text or ""):
                rows.append(row)
    if not registers and not rows and not document.register_url:
        return None
    return {
        "code": document.code, "scope": document.scope, "doc_kind": document.kind,
        "issuer": document.issuer_name or document.issuer, "issued_on": document.issued_on, "summary": document.summary,
        "signer": document.signer, "effective_on": document.effective_on,
        "register_url": registers[0] if registers else None, "detail_url": document.register_url,
        "files": [_file_fact(session, row) for row in rows],
    }
