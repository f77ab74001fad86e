"""Decide a file's type from its first bytes, never from its name or Content-Type.

Portals serve login pages, error pages and "file not found" HTML under .pdf/.doc links; those are
errors, not documents. Zip containers are told apart by their members (DOCX vs ODT vs other Office
files), OLE2 containers by their stream names (Word 97–2003 vs a password-protected OOXML file,
which Office also wraps in OLE2).
"""

from __future__ import annotations

import io
import zipfile

from crawler.documents.model import DocumentError

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
DOC = "application/msword"

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_HTML_STARTS = (b"<!doctype", b"<html", b"<head", b"<body", b"<?xml", b"<script", b"<meta", b"<title")


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def sniff(data: bytes) -> str:
    """The media type of ``data``, or DocumentError naming what it is instead."""
    if not data:
        raise DocumentError("empty file")
    head = data[:1024]
    # A PDF may carry a few junk bytes before its header; readers accept up to 1 KB.
    if b"%PDF-" in head:
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if data.startswith(OLE2_MAGIC):
        return _ole2_type(data)
    if _looks_like_html(head):
        raise DocumentError("an HTML page, not a document (login, error or redirect page?)")
    if data.startswith(b"{\\rtf"):
        raise DocumentError("an RTF file (not supported)")
    raise DocumentError(f"unknown file type (starts with {data[:8]!r})")


def _looks_like_html(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(_HTML_STARTS):
        return True
    return b"<html" in text or b"<!doctype html" in text


def _zip_type(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return DOCX
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
                if archive.read("mimetype").strip() == ODT.encode():
                    return ODT
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise DocumentError(f"corrupt zip container: {exc}") from None
    if any(name.startswith("xl/") for name in names):
        raise DocumentError("a spreadsheet (XLSX), not a text document")
    if any(name.startswith("ppt/") for name in names):
        raise DocumentError("a presentation (PPTX), not a text document")
    raise DocumentError("a zip archive that is neither DOCX nor ODT")


def _ole2_type(data: bytes) -> str:
    # Directory entries hold the stream names in UTF-16; a scan of the file finds them without a
    # compound-file parser (the directory may sit anywhere, so the whole file is searched).
    if _utf16("EncryptedPackage") in data or _utf16("EncryptionInfo") in data:
        raise DocumentError("a password-protected Office file (encrypted)")
    if _utf16("WordDocument") in data:
        return DOC
    if _utf16("Workbook") in data or _utf16("Book") in data:
        raise DocumentError("a spreadsheet (XLS), not a text document")
    raise DocumentError("an OLE2 file that is not a Word document")
