"""Documents, sightings and files on SQLite and PostgreSQL: one document per code, one file per content."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage import documents as docs
from storage import repositories as repo
from storage.db import transaction
from storage.models import DocumentFile, DocumentSighting


def _portals(session):
    for pid in ("sonla", "laichau"):
        repo.sync_portal(session, repo.PortalFields(pid, pid, None, "government", "h", True))


def test_a_document_seen_twice_is_one_row_first_fields_kept_missing_filled(db_factory):
    with transaction(db_factory) as session:
        _portals(session)
        first, created = docs.record_document(
            session, "sonla", "49/2026/NĐ-CP", "VN", docs.DocumentFields(kind="Nghị định", issued_on="2026-01-31"), "http://a/van-ban"
        )
        assert created
    with transaction(db_factory) as session:
        again, created = docs.record_document(
            session, "laichau", "49/2026/NĐ-CP", "VN",
            docs.DocumentFields(kind="Quyết định", summary="Quy định chi tiết…", signer="Trần Hồng Hà"), "http://b/van-ban",
        )
        assert not created and again.id == first.id
        assert (again.kind, again.summary, again.signer, again.first_portal_id) == ("Nghị định", "Quy định chi tiết…", "Trần Hồng Hà", "sonla")
        docs.record_document(session, "laichau", "49/2026/NĐ-CP", "VN", docs.DocumentFields(), "http://b/van-ban?page=2")
    with transaction(db_factory) as session:
        assert len(session.scalars(select(DocumentSighting)).all()) == 2
        assert docs.known_document_codes(session, "laichau", ["49/2026/NĐ-CP", "1/2026/QĐ-UBND"]) == {"49/2026/NĐ-CP"}
        rows = docs.list_documents(session, portal_id="laichau")
        assert [r.document.code for r in rows] == ["49/2026/NĐ-CP"] and rows[0].sightings == 2


def test_same_file_content_is_one_row_and_errors_are_kept(db_factory):
    with transaction(db_factory) as session:
        _portals(session)
        document, _ = docs.record_document(session, "sonla", "481/QĐ-UBND", "Sơn La", docs.DocumentFields(), "http://a/")
        row, created = docs.record_file(
            session, docs.FileFields(url="http://a/1.pdf", sha256="a" * 64, size=10, text="Quyết định", text_source="ocr",
                                     ocr_confidence=91.5, warnings=("page 3: OCR timed out (limit 15 s)",)),
            portal_id="sonla", directive_id=document.id,
        )
        assert created
        again, created = docs.record_file(session, docs.FileFields(url="http://b/copy.pdf", sha256="a" * 64), portal_id="laichau")
        assert not created and again.duplicate_of == row.id and again.text is None and again.sha256 is None
        failed, _ = docs.record_file(session, docs.FileFields(url="http://a/login.pdf", error="an HTML page, not a document"), portal_id="sonla")
        docs.record_file(session, docs.FileFields(url="http://a/404.pdf", error="HTTP 404"), portal_id="sonla")
    with transaction(db_factory) as session:
        assert docs.known_file_urls(session, ["http://a/1.pdf", "http://a/login.pdf", "http://b/copy.pdf", "http://x/"]) == {
            "http://a/1.pdf", "http://a/login.pdf", "http://b/copy.pdf"}
        assert docs.portal_file_urls(session, "laichau") == {"http://b/copy.pdf"}
        stored = docs.file_by_sha256(session, "a" * 64)
        assert stored.warnings == ["page 3: OCR timed out (limit 15 s)"] and stored.ocr_confidence == pytest.approx(91.5)
        assert len(session.scalars(select(DocumentFile)).all()) == 4  # content, its copy, two failures
        assert docs.list_documents(session)[0].files[0].url == "http://a/1.pdf"


def test_first_article_about_a_register_document_is_still_its_first_sighting(db_factory):
    from datetime import datetime, timezone

    from storage.directives import record_mention

    with transaction(db_factory) as session:
        _portals(session)
        docs.record_document(session, "sonla", "37/2026/QĐ-UBND", "Sơn La", docs.DocumentFields(kind="Quyết định"), "http://a/")
        ids = [
            repo.add_article(session, portal_id="sonla", url=f"http://a/{n}", canonical_url=f"http://a/{n}", title="Tin", text="…",
                             content_hash=str(n) * 64, first_seen_at=datetime.now(timezone.utc)).id
            for n in (1, 2)
        ]
        first, created = record_mention(session, ids[0], "37/2026/QĐ-UBND", "Sơn La", {}, "Quyết định số 37/2026/QĐ-UBND …")
        assert created and first.first_article_id == ids[0] and first.kind == "Quyết định"
        _, created = record_mention(session, ids[1], "37/2026/QĐ-UBND", "Sơn La", {}, None)
        assert not created
