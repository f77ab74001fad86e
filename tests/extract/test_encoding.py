"""Encodings: windows-1258 with or without a label, NFD, double-encoded UTF-8, BOMs, binaries."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from crawler.encoding import choose_codec, header_charset
from crawler.extract import extract
from crawler.extract.encoding import binary_kind, decode, repair_mojibake
from tests.support.encodings import to_cp1258

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extract"
CP1258 = FIXTURES / "encoding" / "windows1258.html"
EXPECTED_TTH = json.loads((FIXTURES / "encoding" / "windows1258.expected.json").read_text(encoding="utf-8"))


def test_windows_1258_tone_marks_are_combining_characters_in_the_bytes():
    raw = CP1258.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert not unicodedata.is_normalized("NFC", raw.decode("cp1258"))


@pytest.mark.parametrize("label", ["windows-1258", None, "iso-8859-1", "utf-8"])
def test_windows_1258_whatever_the_label_says(label):
    raw = CP1258.read_bytes().replace(b"charset=windows-1258", b"")
    result = extract(raw, encoding=label)
    assert result.title == EXPECTED_TTH["title"]
    assert result.paragraphs[0] == EXPECTED_TTH["first_paragraph"]
    assert unicodedata.is_normalized("NFC", result.text)


def test_nfd_page_comes_out_nfc():
    raw = (FIXTURES / "encoding" / "nfd.html").read_bytes()
    assert not unicodedata.is_normalized("NFC", raw.decode("utf-8"))
    result = extract(raw)
    for value in (result.title, result.lead, result.author, result.text):
        assert unicodedata.is_normalized("NFC", value)


def test_a_page_utf8_read_as_windows_1252_once_too_often_is_repaired():
    page = (FIXTURES / "thuathienhue" / "baothuathienhue.html").read_text(encoding="utf-8")
    # What a CMS does when it reads UTF-8 as windows-1252 (bytes that code page leaves undefined pass as Latin-1).
    misread = "".join(bytes([byte]).decode("cp1252", errors="ignore") or chr(byte) for byte in page.encode("utf-8"))
    garbled = misread.encode("utf-8")
    expected = json.loads((FIXTURES / "thuathienhue" / "baothuathienhue.expected.json").read_text(encoding="utf-8"))
    result = extract(garbled)
    assert result.rejected is None
    assert result.title == expected["title"]
    assert any("repaired" in w for w in result.warnings)


def test_repair_refuses_text_that_is_not_mojibake():
    assert repair_mojibake("Tiếp tục củng cố quan hệ") is None


@pytest.mark.parametrize("bom, codec", [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16")])
def test_byte_order_marks(bom, codec):
    html = "<html><body><h1>Đối ngoại nhân dân</h1></body></html>"
    raw = bom + html.encode("utf-16-le" if codec == "utf-16" else codec)
    assert "Đối ngoại nhân dân" in decode(raw).text


@pytest.mark.parametrize(
    "head, kind",
    [(b"%PDF-1.7\n", "pdf"), (b"\x89PNG\r\n\x1a\n\x00\x00", "image"), (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image"),
     (b"GIF89a\x01\x00", "image"), (b"PK\x03\x04\x14\x00", "binary"), (b"\x1f\x8b\x08\x00", "binary")],
)
def test_binary_bodies_are_named(head, kind):
    assert binary_kind(head + bytes(range(256)))[0] == kind
    assert extract(head + bytes(range(256))).rejected.startswith(f"{kind}:")


def test_html_is_not_binary():
    assert binary_kind(CP1258.read_bytes()) is None


# --- one charset decision for the whole crawl path (issue 10, item 8) --------------------------------
def test_a_utf8_page_with_a_stray_byte_stays_utf8_and_counts_it():
    page = (FIXTURES / "thuathienhue" / "baothuathienhue.html").read_bytes()
    expected = json.loads((FIXTURES / "thuathienhue" / "baothuathienhue.expected.json").read_text(encoding="utf-8"))
    anchor = expected["first_paragraph"].encode("utf-8")[:30]
    broken = page.replace(anchor, anchor + b"\xe1\xbb", 1)
    for label in ("utf-8", None, "iso-8859-1"):
        decoded = decode(broken, label)
        assert (decoded.codec, decoded.replaced) == ("utf-8", 1)
        result = extract(broken, encoding=label)
        assert result.rejected is None, result.rejected
        assert result.title == expected["title"]
        assert any("1 bytes were not UTF-8" in w for w in result.warnings)


def test_content_type_charset_beats_meta():
    # windows-1258 bytes, no letter only Vietnamese has (so Latin-1 "reads"), a <meta> that says Latin-1.
    html = '<html><head><meta charset="iso-8859-1"><title>Tiếp khách</title></head><body><p>Tiếp khách quốc tế</p></body></html>'
    raw = to_cp1258(html)
    assert choose_codec(raw) == "iso8859-1"  # the meta alone
    assert choose_codec(raw, header_charset("text/html; charset=windows-1258")) == "cp1258"
    assert "Tiếp khách quốc tế" in decode(raw, "windows-1258").text


@pytest.mark.parametrize("label", [None, "utf-8", "iso-8859-1", "windows-1258", "windows-1252"])
def test_the_decision_is_stable_so_middleware_and_extractor_agree(label):
    """The middleware decides from the header; the extractor is handed that decision and must reach it again."""
    pages = [CP1258.read_bytes(), (FIXTURES / "thuathienhue" / "baothuathienhue.html").read_bytes()]
    pages.append(pages[1].replace(b"</p>", b"\xff</p>", 1))
    pages.append(to_cp1258("<p>Đoàn đại biểu tỉnh sang thăm</p>") + b"\xe1\xbb\x9d")
    for raw in pages:
        decided = choose_codec(raw, label)
        assert choose_codec(raw, decided) == decided
        assert decode(raw, decided).codec == decided
