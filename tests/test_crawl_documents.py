"""``run --once`` on a portal with document registers (real markup, real files) and a stub post with a scan."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from crawler.cycle import run_once
from crawler.store import open_store
from spiders.register_rows import parse_register
from storage.db import transaction
from storage.models import Article, Directive, DirectiveMention, DocumentFile, DocumentSighting
from tests.support.document_portal import GAZETTE, NATIONAL_ROWS, PAGES, STUB_FILE, VBPL, DocumentPortal, gazette_page1
from tests.support.server import PortalServer


def test_register_rows_attachments_and_stub_post_become_documents(tmp_path: Path, sqlite_url, make_settings):
    with PortalServer() as server:
        portal = DocumentPortal(server)
        portal.publish()
        registry = tmp_path / "p.yaml"
        registry.write_text(portal.registry_yaml(), encoding="utf-8")
        settings = make_settings(sqlite_url, registry)

        run_once(settings)

        gazette = parse_register(gazette_page1(), server.url(GAZETTE.format(start=1, page=1)))
        vbpl = parse_register((PAGES / "01_vbpl_search_results.html").read_text(encoding="utf-8"), server.url(VBPL))
        assert len(gazette) == 11 and len(vbpl) == 10
        with transaction(open_store(sqlite_url)) as session:
            documents = {d.code: d for d in session.scalars(select(Directive))}
            # every register row is a document, with the register's code, kind, date and issuer
            for row in gazette:
                stored = documents[row.code]
                assert (stored.kind, stored.issued_on, stored.issuer_name, stored.issuer) == (row.kind, row.issued_on, row.issuer, "UBND")
            assert documents["37/2026/QĐ-UBND"].kind == "Quyết định" and documents["37/2026/QĐ-UBND"].issued_on == "2026-07-13"
            assert documents["38/2026/QĐ-UBND"].issuer_name == "Chủ tịch UBND tỉnh"
            assert documents["37/2026/QĐ-UBND"].summary.startswith("bãi bỏ Quyết định số 90/2025/QĐ-UBND")
            for row in vbpl:
                assert documents[row.code].kind == "Luật" and documents[row.code].issuer == "VPQH"
            for day, _, code, *_ in NATIONAL_ROWS:  # page 2, reached by Start=&page= URL paging
                assert documents[code].kind == "Nghị định" and documents[code].issuer == "CP"
                assert documents[code].issuer_name == "Chính phủ"
            assert documents["199/2026/NĐ-CP"].issued_on == "2026-06-05"
            assert session.scalar(select(DocumentSighting).where(DocumentSighting.directive_id == documents["199/2026/NĐ-CP"].id)).source == "register"

            files = {f.url: f for f in session.scalars(select(DocumentFile))}
            by_id = {f.id: f for f in files.values()}
            content = {f.url: by_id[f.duplicate_of] if f.duplicate_of else f for f in files.values()}
            by_code = {code: [content[f.url] for f in files.values() if f.directive_id == d.id] for code, d in documents.items()}
            scan = by_code["199/2026/NĐ-CP"][0]
            assert scan.text_source == "ocr" and "199/2026/NĐ-CP" in scan.text and scan.ocr_confidence > 50
            assert by_code["49/2026/NĐ-CP"][0].text_source == "text-layer"
            assert by_code["37/2026/QĐ-UBND"][0].text_source == "doc"
            assert by_code["38/2026/QĐ-UBND"][0].text_source == "docx"
            failures = sorted(f.error for f in files.values() if f.error)
            # the 4th gazette row's file and the vbpl files other than 147301's are not served
            missing = 1 + len({url for row in vbpl for url in row.attachments}) - 1
            assert failures == ["an HTML page, not a document (login, error or redirect page?)"] + ["download failed: HTTP 404"] * missing
            # same bytes under many URLs: one row with the text, the others point at it
            contents = [f for f in files.values() if f.sha256]
            assert len(contents) == len({f.sha256 for f in contents}) == 5  # .doc, .docx, scan, text PDF, the login page
            assert sum(1 for f in contents if f.text) == 4
            assert all(f.text is None for f in files.values() if f.duplicate_of)

            stub = session.scalar(select(Article).where(Article.title.startswith("Toàn văn Nghị định số 199/2026/NĐ-CP")))
            assert stub is not None and "199/2026/NĐ-CP" in stub.text and "Phạm vi điều chỉnh" in stub.text
            assert content[server.url(STUB_FILE)].id == scan.id  # the scan was OCR'd once
            # the stub post is matched like any article and mentions the register's document
            mentioned = session.scalars(select(DirectiveMention.directive_id).where(DirectiveMention.article_id == stub.id)).all()
            assert documents["199/2026/NĐ-CP"].id in mentioned
            # each new register row is a post of its own (what the monitor matches and alerts on), with its file's text
            # (the stub post or the register's post may be stored first: either is the document's first article)
            post = session.scalar(select(Article).where(Article.url.endswith("ParentUNID=" + "A" * 32)))
            assert session.get(Directive, documents["199/2026/NĐ-CP"].id).first_article_id in (post.id, stub.id)
            assert post.title == ("Nghị định số 199/2026/NĐ-CP của Chính phủ ngày 05/06/2026: quy định chính sách hỗ trợ phục vụ"
                                  " (văn bản nhận dạng OCR)")
            assert post.url.endswith("ParentUNID=" + "A" * 32)
            assert "Ngày ban hành: 05/06/2026" in post.text and "Cơ quan ban hành: Chính phủ" in post.text
            assert "[Toàn văn tệp đính kèm — nhận dạng OCR, độ tin cậy" in post.text and "Phạm vi điều chỉnh" in post.text
            assert post.baseline  # the portal's first crawl: stored, not alerted
            assert {files[server.url(STUB_FILE)].article_id, scan.article_id} & {stub.id}

        # second run: registers unchanged, nothing new — no attachment fetched again, paging stops at once
        server.reset_log()
        run_once(settings)
        paths = server.paths()
        assert not any("$file" in p or "Attachments" in p or "DownloadFile" in p for p in paths), paths
        assert paths[GAZETTE.format(start=1, page=1)] == 1 and paths[GAZETTE.format(start=31, page=2)] == 0
        with transaction(open_store(sqlite_url)) as session:
            assert len(session.scalars(select(Directive)).all()) == len(documents)


def test_documents_command_lists_newest_first_with_files(tmp_path: Path, sqlite_url, make_settings, capsys, monkeypatch):
    import json

    from crawler.cli import main
    from storage import documents as docs
    from storage import repositories as repo

    factory = open_store(sqlite_url)
    with transaction(factory) as session:
        repo.sync_portal(session, repo.PortalFields("sonla-gov", "Sơn La", "Sơn La", "government", "h", True))
        older, _ = docs.record_document(session, "sonla-gov", "37/2026/QĐ-UBND", "Sơn La",
                                        docs.DocumentFields(kind="Quyết định", issued_on="2026-07-13", issuer_name="UBND tỉnh"), "http://a/")
        session.flush()
        older.first_seen_at = older.first_seen_at.replace(year=2025)
        newer, _ = docs.record_document(session, "sonla-gov", "199/2026/NĐ-CP", "VN", docs.DocumentFields(kind="Nghị định"), "http://a/")
        docs.record_file(session, docs.FileFields(url="http://a/199.pdf", sha256="b" * 64, text="Nghị định 199/2026/NĐ-CP",
                                                  text_source="ocr", ocr_confidence=94.5), portal_id="sonla-gov", directive_id=newer.id)
    monkeypatch.setenv("PORTALWATCH_DATABASE_URL", sqlite_url)
    assert main(["documents", "--json", "--portal", "sonla-gov"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["code"] for line in lines] == ["199/2026/NĐ-CP", "37/2026/QĐ-UBND"]
    assert lines[0]["files"] == [{"url": "http://a/199.pdf", "media_type": None, "pages": None, "chars": 24, "source": "ocr",
                                  "ocr_confidence": 94.5, "error": None, "copy_of": None}]
    assert lines[1]["issued_on"] == "2026-07-13" and lines[1]["first_seen_at"].endswith("+07:00")
    assert main(["documents", "--limit", "1"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("-           199/2026/NĐ-CP") and "ocr 24 chars" in text and "37/2026" not in text
