"""A new document's block in the alert: its facts, the register page and each attachment linked, OCR said."""

from __future__ import annotations

import datetime as dt

from monitor.alerting.format import Alert, EventKind, Reason, Source, render_html, render_text
from monitor.alerting.sender import message_of
from monitor.processing import document_reason
from storage.outbox import AlertView
from tests.fakes.telegram_html import visible_text

FACTS = {
    "code": "199/2026/NĐ-CP", "scope": "VN", "doc_kind": "Nghị định", "issuer": "Chính phủ", "issued_on": "2026-06-05",
    "summary": "quy định chính sách hỗ trợ <phục vụ> & cán bộ", "signer": None, "effective_on": None,
    "register_url": "https://congbao.sonla.gov.vn/congbao.nsf/VanBan?OpenView&Start=31&page=2",
    "detail_url": "https://congbao.sonla.gov.vn/congbao.nsf/NoiDung?openForm&ParentUNID=AAAA",
    "files": [
        {"url": "https://congbao.sonla.gov.vn/congbao.nsf/AAAA/$file/ND%20199.2026.pdf", "media_type": "application/pdf",
         "pages": 3, "text_source": "ocr", "ocr_confidence": 91.6, "chars": 4000, "error": None},
        {"url": "https://congbao.sonla.gov.vn/DownloadFile.aspx?id=7", "media_type": None, "pages": None,
         "text_source": None, "ocr_confidence": None, "chars": 0, "error": "download failed: HTTP 404"},
    ],
}
DIRECTIVE = {"kind": "directive", "detail": "văn bản mới: Nghị định 199/2026/NĐ-CP", "snippet": "Nghị định số 199/2026/NĐ-CP",
             "spans": [[0, 27]]}


def _view(reasons) -> AlertView:
    return AlertView(1, 111, "Nghị định số 199/2026/NĐ-CP của Chính phủ", dt.datetime(2026, 6, 4, 17, tzinfo=dt.timezone.utc),
                     reasons, [("Cổng TTĐT tỉnh Sơn La", FACTS["detail_url"])])


def test_a_new_documents_alert_names_its_facts_and_links_register_and_file_apart():
    message = message_of(_view([DIRECTIVE, document_reason(FACTS)]))
    # the facts are a block of the message, not one more matched reason
    assert [r.kind for r in message.reasons] == ["directive"] and len(message.documents) == 1
    html_text = render_html(message)
    text = visible_text(html_text)  # well-formed Telegram HTML (the portal's "<" and "&" escaped)
    assert "Nghị định 199/2026/NĐ-CP\nCơ quan ban hành: Chính phủ\nNgày ban hành: 05/06/2026\n" in text
    assert "Trích yếu: quy định chính sách hỗ trợ <phục vụ> & cán bộ" in text
    assert "bản quét, lấy bằng nhận dạng OCR (độ tin cậy 92%)" in text
    assert '📚 <a href="https://congbao.sonla.gov.vn/congbao.nsf/VanBan?OpenView&amp;Start=31&amp;page=2">Sổ văn bản</a>' in html_text
    assert ('📎 <a href="https://congbao.sonla.gov.vn/congbao.nsf/AAAA/$file/ND%20199.2026.pdf">'
            "Tệp đính kèm: ND 199.2026.pdf (nhận dạng OCR, độ tin cậy 92%, 3 trang)</a>") in html_text
    assert "Tệp đính kèm: DownloadFile.aspx?id=7 (không tải được: download failed: HTTP 404)" in text
    # the block comes before the matched passage, which is still there
    assert text.index("Trích yếu") < text.index("văn bản mới: Nghị định 199/2026/NĐ-CP")

    plain = render_text(message)
    assert "* Nghị định 199/2026/NĐ-CP" in plain and "  Sổ văn bản: " + FACTS["register_url"] in plain
    assert "  ! Nội dung tệp đính kèm là bản quét" in plain
    assert "Tệp đính kèm: ND 199.2026.pdf (nhận dạng OCR, độ tin cậy 92%, 3 trang): " + FACTS["files"][0]["url"] in plain


def test_a_text_layer_document_says_no_ocr_and_non_web_links_are_shown_not_linked():
    facts = {**FACTS, "doc_kind": None, "register_url": "javascript:void(0)", "detail_url": None,
             "files": [{**FACTS["files"][0], "text_source": "text-layer", "ocr_confidence": None}]}
    html_text = render_html(message_of(_view([document_reason(facts)])))
    text = visible_text(html_text)
    assert "📄 Văn bản 199/2026/NĐ-CP" in text and "OCR" not in text
    assert "Sổ văn bản: javascript:void(0)" in text and 'href="javascript' not in html_text
    assert "Tệp đính kèm: ND 199.2026.pdf (lớp chữ PDF, 3 trang)" in text


def test_an_alert_without_a_document_is_unchanged():
    alert = Alert("Tin", [Reason(EventKind.KEYWORD, "đoàn công tác", [(0, 4)], "từ khóa")], [Source("P", "https://p.vn/1")])
    assert "📄" not in render_html(alert) and render_text(alert).splitlines()[0] == "[Từ khóa] Tin"
