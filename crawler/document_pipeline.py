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
import threading

from scrapy import signals
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler.documents import DocumentError, DocumentText, extract_document
from crawler.pipelines import _WithDatabase
from spiders.documents import AttachmentItem, RegisterRowItem
from spiders.register_rows import DOCUMENT_TYPES, RegisterRow
from storage import documents as docs
from storage.db import transaction

log = logging.getLogger("portalwatch.documents")
# A stored article shorter than this is a stub pointing at its attachment.
STUB_TEXT_CHARS = 600
_ONE_AT_A_TIME = threading.Semaphore(1)


def issuer_unit(code: str) -> str | None:
    """The issuing unit a code names: "37/2026/QĐ-UBND" → "UBND", "04-CT/TW" → "TW", "331/UBND-TH" → "UBND",
    "100/2015/QH13" → "QH"."""
    last = code.replace("–", "-").split("/")[-1]
    pieces = last.split("-")
    if len(pieces) >= 2:
        return pieces[1] if pieces[0] in DOCUMENT_TYPES else pieces[0]
    return re.sub(r"\d+$", "", last) or None


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

    def spider_opened(self, spider) -> None:
        portal = getattr(spider, "portal", None)
        if portal is None:
            return
        with transaction(self.state.factory) as session:
            spider.known_codes = docs.portal_document_codes(session, portal.id)
            spider.known_file_urls = docs.portal_file_urls(session, portal.id)

    async def process_item(self, item):
        if isinstance(item, RegisterRowItem):
            with transaction(self.state.factory) as session:
                docs.record_document(session, item.portal_id, item.row.code, _row_fields(item.row), item.page_url, "register")
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
                self._link(session, item, row.id, known.text)
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
            self._link(session, item, row.id, fields.text)
        if error:
            log.info("attachment %s: %s", item.url, error, extra={"portal": item.portal_id, "url": item.url})

    @staticmethod
    def _link(session, item: AttachmentItem, file_id: int, text: str | None) -> None:
        directive_id = article_id = None
        if item.code:
            document = docs.find_document(session, item.code)
            directive_id = document.id if document else None
        if item.article_canonical and text:
            article_id = docs.give_article_document_text(session, item.article_canonical, text, STUB_TEXT_CHARS)
        docs.link_file(session, file_id, directive_id=directive_id, article_id=article_id)
