"""Store register rows as documents and attachments as document files (text, never the binary).

A file's content is hashed first: the same bytes met again (another portal's copy, a re-upload) are
linked, not extracted or OCR'd again. Extraction (pdftotext, Tesseract, antiword) runs in a worker
thread, one document at a time (OCR already uses every core), so the crawl's reactor keeps fetching.
Every failure — HTTP error, login page, encrypted or broken file, OCR timeout — is a row with its
reason, and that URL is not fetched again.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
import threading
from datetime import datetime, timezone

from scrapy import signals
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler.documents import DocumentError, DocumentText, extract_document
from crawler.pipelines import BASELINE_FRESH, _WithDatabase, content_hash
from crawler.timefmt import VIETNAM
from monitor.directives import code_scope
from spiders.documents import AttachmentItem, RegisterRowItem, post_canonical
from spiders.register_rows import DOCUMENT_TYPES, RegisterRow
from storage import documents as docs
from storage import repositories as repo
from storage.db import transaction
from storage.types import utcnow

log = logging.getLogger("portalwatch.documents")
# A stored article shorter than this is a stub pointing at its attachment.
STUB_TEXT_CHARS = 600
_ONE_AT_A_TIME = threading.Semaphore(1)
OCR_HEADING = "[Toàn văn tệp đính kèm — nhận dạng OCR"
# Added to the title of a post whose text came from OCR, so the alert says so.
OCR_NOTE = "văn bản nhận dạng OCR"


def issuer_unit(code: str) -> str | None:
    """The issuing unit a code names: "37/2026/QĐ-UBND" → "UBND", "04-CT/TW" → "TW", "331/UBND-TH" → "UBND",
    "100/2015/QH13" → "QH"."""
    last = code.replace("–", "-").split("/")[-1]
    pieces = last.split("-")
    if len(pieces) >= 2:
        return pieces[1] if pieces[0] in DOCUMENT_TYPES else pieces[0]
    return re.sub(r"\d+$", "", last) or None


def _day_first(iso: str | None) -> str | None:
    return "/".join(reversed(iso.split("-"))) if iso else None


def _vietnam_midnight(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso).replace(tzinfo=VIETNAM).astimezone(timezone.utc) if iso else None


def document_post_title(row: RegisterRow) -> str:
    """"Quyết định số 40/2026/QĐ-UBND của UBND tỉnh ngày 01/12/2026: ban hành …" — what an alert's snippet shows."""
    head = f"{row.kind or 'Văn bản'} số {row.code}"
    if row.issuer:
        head += f" của {row.issuer}"
    if row.issued_on:
        head += f" ngày {_day_first(row.issued_on)}"
    return f"{head}: {row.summary}" if row.summary else head


def document_post_text(row: RegisterRow, page_url: str) -> str:
    lines = [
        ("Số/Ký hiệu", row.code), ("Loại văn bản", row.kind), ("Cơ quan ban hành", row.issuer),
        ("Ngày ban hành", _day_first(row.issued_on)), ("Người ký", row.signer), ("Ngày có hiệu lực", _day_first(row.effective_on)),
        ("Trích yếu", row.summary), ("Tệp đính kèm", ", ".join(row.attachments) or None), ("Sổ văn bản", page_url),
    ]
    return "\n".join(f"{label}: {value}" for label, value in lines if value)


def with_heading(text: str | None, source: str | None, confidence: float | None) -> str | None:
    """The file's text as a post shows it, headed so an alert's reader knows when it came from OCR."""
    if not text:
        return None
    if source == "ocr":
        return f"{OCR_HEADING}, độ tin cậy {confidence or 0:.0f}%]\n{text}"
    return f"[Toàn văn tệp đính kèm]\n{text}"


def _row_fields(row: RegisterRow) -> docs.DocumentFields:
    return docs.DocumentFields(
        kind=row.kind, issuer=issuer_unit(row.code), issued_on=row.issued_on, summary=row.summary,
        issuer_name=row.issuer, signer=row.signer, effective_on=row.effective_on, register_url=row.detail_url,
    )


def _media(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


class DocumentPipeline(_WithDatabase):
    @classmethod
    def from_crawler(cls, crawler):
        pipeline = super().from_crawler(crawler)
        crawler.signals.connect(pipeline.spider_opened, signal=signals.spider_opened)
        return pipeline

    def __init__(self, state):
        super().__init__(state)
        self._outcomes: dict[str, tuple[DocumentText | None, str | None]] = {}
        # A local issuer's number is unique within the portal's province (document identity: code, scope).
        self._portal_province: str | None = None

    def spider_opened(self, spider) -> None:
        portal = getattr(spider, "portal", None)
        if portal is None:
            return
        self._portal_province = portal.province
        with transaction(self.state.factory) as session:
            spider.known_codes = docs.portal_document_codes(session, portal.id)
            spider.known_file_urls = docs.portal_file_urls(session, portal.id)

    def _add_post(self, session, item: RegisterRowItem) -> bool:
        """A new register row becomes a post of its own (its detail page, its file, or its anchor in the register as URL), so the monitor
        matches it and alerts as for any article: kind, code, issuer, dates, summary, links; the attachment's
        text is added to it when the file arrives (``_link``)."""
        canonical = post_canonical(item.post_url)
        if repo.article_id_by_url(session, canonical) is not None:
            return False
        text = document_post_text(item.row, item.page_url)
        issued = _vietnam_midnight(item.row.issued_on)
        fresh = issued is not None and utcnow() - issued < BASELINE_FRESH
        repo.add_article(
            session, portal_id=item.portal_id, crawl_run_id=self.state.run_id, url=item.post_url, canonical_url=canonical,
            title=document_post_title(item.row), text=text, published_at=issued, published_has_time=False,
            first_seen_at=utcnow(), content_hash=content_hash(text), baseline=self.state.first_crawl and not fresh,
        )
        return True

    async def process_item(self, item):
        if isinstance(item, RegisterRowItem):
            with transaction(self.state.factory) as session:
                scope = code_scope(item.row.code, self._province())
                _, first = docs.record_document(session, item.portal_id, item.row.code, scope, _row_fields(item.row), item.page_url, "register")
                if first and item.post_url and self._add_post(session, item):
                    self.state.new_articles += 1
            return item
        if not isinstance(item, AttachmentItem):
            return item
        if item.error or item.body is None:
            self._store(item, None, None, f"download failed: {item.error}")
            return item
        sha256 = hashlib.sha256(item.body).hexdigest()
        with transaction(self.state.factory) as session:
            known = docs.file_by_sha256(session, sha256)
            if known is not None:
                row, _ = docs.record_file(session, docs.FileFields(url=item.url, sha256=sha256, size=len(item.body)), portal_id=item.portal_id)
                self._link(session, item, row.id, with_heading(known.text, known.text_source, known.ocr_confidence))
                return item
        outcome = await maybe_deferred_to_future(deferToThread(self._extract, item.body, sha256))
        self._store(item, sha256, *outcome)
        return item

    def _extract(self, body: bytes, sha256: str) -> tuple[DocumentText | None, str | None]:
        # One at a time; two copies of one file fetched close together are extracted once (the second
        # finds the first's outcome here, before the first is in the database).
        with _ONE_AT_A_TIME:
            if sha256 in self._outcomes:
                return self._outcomes[sha256]
            try:
                outcome = extract_document(body), None
            except DocumentError as exc:
                outcome = None, str(exc)
            except Exception as exc:  # a converter bug must fail this file alone
                log.exception("document extraction crashed")
                outcome = None, f"extraction crashed: {type(exc).__name__}: {exc}"
            self._outcomes[sha256] = outcome
            return outcome

    def _store(self, item: AttachmentItem, sha256: str | None, result: DocumentText | None, error: str | None) -> None:
        fields = docs.FileFields(
            url=item.url, sha256=sha256, size=len(item.body) if item.body is not None else None, error=error,
            media_type=result.media_type if result else _media(item.content_type) or None,
            pages=result.pages if result else None, text=result.text if result else None,
            text_source=result.source if result else None, ocr_confidence=result.ocr_confidence if result else None,
            legacy_encoding=result.legacy_encoding if result else None, signature=result.signature if result else None,
            warnings=tuple(result.warnings) if result else (),
        )
        with transaction(self.state.factory) as session:
            row, _ = docs.record_file(session, fields, portal_id=item.portal_id)
            self._link(session, item, row.id, with_heading(result.text, result.source, result.ocr_confidence) if result else None)
        if error:
            log.info("attachment %s: %s", item.url, error, extra={"portal": item.portal_id, "url": item.url})

    def _province(self) -> str | None:
        return self._portal_province

    def _link(self, session, item: AttachmentItem, file_id: int, text: str | None) -> None:
        directive_id = article_id = None
        if item.code:
            document = docs.find_document(session, item.code, code_scope(item.code, self._province()))
            directive_id = document.id if document else None
        if item.article_canonical and text:
            note = OCR_NOTE if text.startswith(OCR_HEADING) else None
            # A register row's post is its document: it always gets the file's text (however long its summary), so
            # keywords match inside attachments; an article page only when it is a stub pointing at the file.
            below = sys.maxsize if item.code else STUB_TEXT_CHARS
            article_id = docs.give_article_document_text(session, item.article_canonical, text, below, note)
        docs.link_file(session, file_id, directive_id=directive_id, article_id=article_id)
