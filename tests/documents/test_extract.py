"""Document text from the real files in tests/fixtures/documents and from bad inputs made here."""

from __future__ import annotations

import json
import os
import time
import unicodedata
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.documents import DocumentError, Limits, extract_document, extract_document_file
from crawler.documents.ocr import ocr_pdf
from monitor.directives import find_codes
from tests.support.documents import DOC, DOCX, FIXTURES, LAW_PDF, SCAN, TEXT_PDF, docx_with, long_page, odt_with, text_pdf, zip_bomb_docx


def _codes(text: str) -> set[str]:
    return {found[0] for found in find_codes(text)}


def test_text_layer_pdf_gives_its_code_in_nfc():
    result = extract_document_file(TEXT_PDF)
    assert (result.source, result.pages, result.media_type) == ("text-layer", 29, "application/pdf")
    assert unicodedata.is_normalized("NFC", result.text)
    assert "49/2026/NĐ-CP" in _codes(result.text)
    # reading order: the number and the place/date line are separate lines, not one -layout row
    assert "Số: 49/2026/NĐ-CP\n" in result.text


def test_signature_stamp_is_kept_apart_and_not_taken_for_text():
    result = extract_document_file(LAW_PDF)
    assert result.source == "text-layer"
    assert result.signature.startswith("Ký bởi: Cổng Thông tin điện tử Chính phủ")
    assert "Thời gian ký" not in result.text
    assert "100/2015/QH13" in _codes(result.text)


def test_scan_is_read_by_ocr_and_its_code_found():
    result = extract_document_file(SCAN)
    assert result.source == "ocr" and result.ocr_pages == 3 and result.pages == 3
    assert "199/2026/NĐ-CP" in _codes(result.text)
    assert 50 < result.ocr_confidence <= 100
    # the e-signature stamp is the scan's only text layer: kept as signature, not mistaken for the text
    assert "VĂN PHÒNG CHÍNH PHỦ" in result.signature
    assert "Ð" not in result.text  # OCR's eth is repaired to Đ


def test_docx_with_tables_in_document_order():
    real = extract_document_file(DOCX)
    assert real.source == "docx" and real.pages == 6
    assert real.text.startswith("Án lệ số 14/2017/AL") and "299/QĐ-CA" in _codes(real.text)
    made = extract_document(docx_with(["Danh mục văn bản"], [["Số/Ký hiệu", "Trích yếu"], ["481/QĐ-UBND", "Về việc ban hành kế hoạch"]]))
    assert made.text.splitlines() == ["Danh mục văn bản", "Số/Ký hiệu | Trích yếu", "481/QĐ-UBND | Về việc ban hành kế hoạch"]


def test_odt_paragraphs_and_table_cells():
    result = extract_document(odt_with(["Kế hoạch số 12/KH-UBND", "Về công tác đối ngoại năm 2026"], [["STT", "Nội dung"], ["1", "Đón đoàn Lào"]]))
    assert (result.source, result.media_type) == ("odt", "application/vnd.oasis.opendocument.text")
    assert result.text.splitlines() == ["Kế hoạch số 12/KH-UBND", "Về công tác đối ngoại năm 2026", "STT", "Nội dung", "1", "Đón đoàn Lào"]


def test_legacy_doc_is_read_and_normalised():
    result = extract_document_file(DOC)
    assert result.source == "doc" and result.media_type == "application/msword"
    assert unicodedata.is_normalized("NFC", result.text)
    assert "Số: 31/VBHN-VPQH" in result.text and "15/2012/QH13" in _codes(result.text)
    assert result.text.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")


@pytest.mark.parametrize(
    ("legacy", "unicode_text", "encoding"),
    [
        ("UBND tØnh Lai Ch©u\nQuyÕt ®Þnh sè 481/Q§-UBND\nQUYÕT §ÞNH", "UBND tỉnh Lai Châu\nQuyết định số 481/QĐ-UBND\nQUYẾT ĐỊNH", "tcvn3"),
        ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam\nÑoäc laäp - Töï do - Haïnh phuùc\nQuyeát ñònh cuûa Uûy ban nhaân daân tænh",
         "Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc\nQuyết định của Ủy ban nhân dân tỉnh", "vni"),
        # one code typed in .VnTime inside a Unicode page
        ("Quyết định số 481/Q§-UBND ngày 5/3/2024", "Quyết định số 481/QĐ-UBND ngày 5/3/2024", "tcvn3"),
    ],
)
def test_legacy_font_encodings_become_unicode(legacy, unicode_text, encoding):
    result = extract_document(docx_with(legacy.split("\n")))
    assert (result.text, result.legacy_encoding) == (unicode_text, encoding)


def test_unicode_text_is_left_alone():
    text = "Cộng hòa xã hội chủ nghĩa Việt Nam — theo § 3 và «Chỉ thị 04-CT/TW», Tôi, Ông Bùi Văn Cường"
    result = extract_document(docx_with([text]))
    assert (result.text, result.legacy_encoding) == (text, None)


# --- bad input: each fails alone with a reason -----------------------------------------------


def _refused(data: bytes, limits: Limits = Limits()) -> str:
    with pytest.raises(DocumentError) as caught:
        extract_document(data, limits)
    return str(caught.value)


def test_html_served_as_document_is_an_error():
    assert "HTML page" in _refused("\ufeff\n<!DOCTYPE html><html><head><title>Đăng nhập</title></head></html>".encode())


def test_encrypted_pdf():
    assert _refused((FIXTURES / "generated" / "encrypted.pdf").read_bytes()) == "encrypted PDF (needs a password)"


def test_corrupt_pdf():
    truncated = TEXT_PDF.read_bytes()[:3000]
    assert "PDF" in _refused(truncated)


def test_password_protected_docx():
    assert "password-protected" in _refused((FIXTURES / "generated" / "password.docx").read_bytes())


def test_docx_zip_bomb_refused_before_inflating():
    bomb = zip_bomb_docx(200)
    assert len(bomb) < 1024 * 1024
    assert _refused(bomb).startswith("zip bomb: 200 MB uncompressed")


def test_too_large_and_empty():
    assert _refused(TEXT_PDF.read_bytes(), Limits(max_bytes=1024)).startswith("larger than")
    assert _refused(b"") == "empty file"


def test_500_page_pdf_stops_at_300_pages_with_a_reason():
    result = extract_document(text_pdf([long_page(n) for n in range(1, 501)]))
    assert result.source == "text-layer" and result.pages == 500
    assert "Page 300 line 0" in result.text and "Page 301" not in result.text
    assert result.warnings == ["text of the first 300 of 500 pages only (limit 300)"]


def _ocr_processes(within: str = "") -> list[str]:
    """Converter processes still alive that work in ``within`` (this test's own scratch folders: other
    tests may be running OCR at the same time on other workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            except OSError:
                continue
            if ("portalwatch-ocr-" in cmdline or "portalwatch-doc-" in cmdline) and within in cmdline:
                found.append(cmdline)
    return found


def test_ocr_that_times_out_fails_with_a_reason_and_leaves_no_process(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # this test's scratch folders, told apart from others'
    # 50 ms a page (both tools together) and 100 ms in all: no page of a 300 dpi scan can be rendered and
    # read in that time, however idle the machine (0.3 s was once enough for its near-blank last page).
    limits = Limits(ocr_page_seconds=0.05, ocr_document_seconds=0.1)
    reason = _refused(SCAN.read_bytes(), limits)
    assert reason.startswith("scanned PDF: OCR gave no text (OCR timed out")
    assert _ocr_processes(str(tmp_path)) == []


def test_ocr_document_deadline_keeps_what_was_read():
    # One worker; the injected clock jumps past the document limit once page 1 has been read.
    calls = []

    def clock() -> float:
        calls.append(1)
        return time.monotonic() + (0 if len(calls) <= 4 else 1000)

    result = ocr_pdf(SCAN, 3, Limits(ocr_workers=1), clock=clock)
    assert result.ocr_pages == 1 and "199/2026/NĐ-CP" in _codes(result.text)
    assert result.warnings == [f"page {n}: not read: document OCR limit of 90 s reached" for n in (2, 3)]


# --- the command ------------------------------------------------------------------------------


def test_extract_command_prints_document_json(capsys, tmp_path):
    html_doc = tmp_path / "van-ban.doc"
    html_doc.write_bytes(b"<html><body>Phi\xc3\xaan \xc4\x91\xc4\x83ng nh\xe1\xba\xadp \xc4\x91\xc3\xa3 h\xe1\xba\xbft h\xe1\xba\xa1n</body></html>")
    assert main(["extract", str(DOCX), str(html_doc)]) == 1
    document, refused = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert document["source"] == "docx" and document["document"] is True
    assert "14/2017/AL" in document["text"] and document["chars"] == len(document["text"])
    assert refused == {"input": str(html_doc), "error": "an HTML page, not a document (login, error or redirect page?)"}
    assert os.environ.get("OMP_THREAD_LIMIT") is None  # Tesseract's limit is set for its process only


def _running(marker: str) -> bool:
    """A ``sleep <marker>`` process exists (not the script that names it)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "cmdline").read_bytes().split(b"\0")[:2] == [b"sleep", marker.encode()]:
                    return True
            except OSError:
                continue
    return False


def test_a_converter_dies_at_its_limit_even_when_its_parent_is_killed():
    import signal
    import subprocess
    import sys

    marker = f"31.{os.getpid()}{int(time.time())}"  # a sleep standing in for a stuck Tesseract
    script = ("from crawler.documents.processes import run_tool\n"
              f"run_tool(['sleep', '{marker}'], timeout=1.0)\n")
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[2])
    deadline = time.monotonic() + 10
    while not _running(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _running(marker)
    parent.send_signal(signal.SIGKILL)  # the crawl child killed by the batch runner's hard timeout
    parent.wait()
    while _running(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(marker)
