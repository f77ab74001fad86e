"""One entry point from bytes to text for every document format the portals serve."""

from __future__ import annotations

import tempfile
from pathlib import Path

from crawler.documents.legacy_fonts import to_unicode
from crawler.documents.model import DocumentError, DocumentText, Limits
from crawler.documents.office import docx_text, odt_text
from crawler.documents.pdf import pdf_text
from crawler.documents.sniff import DOCX, ODT, PDF, sniff
from crawler.documents.word97 import doc_text

DEFAULT_LIMITS = Limits()

def extract_document(data: bytes, limits: Limits = DEFAULT_LIMITS) -> DocumentText:
    """Text and metadata of one PDF/DOCX/ODT/DOC file; DocumentError with the reason otherwise."""
    if len(data) > limits.max_bytes:
        raise DocumentError(f"larger than {limits.max_bytes // (1024 * 1024)} MB ({len(data)} bytes)")
    media_type = sniff(data)
    if media_type == DOCX:
        result = docx_text(data, limits)
    elif media_type == ODT:
        result = odt_text(data, limits)
    else:
        with tempfile.TemporaryDirectory(prefix="portalwatch-doc-") as scratch:
            path = Path(scratch) / ("file.pdf" if media_type == PDF else "file.doc")
            path.write_bytes(data)
            result = pdf_text(path, limits) if media_type == PDF else doc_text(path, limits)
    if result.source != "ocr":
        result.text, result.legacy_encoding = to_unicode(result.text)
    if not result.text.strip():
        raise DocumentError(f"no text: the file is blank or only images without words (read by {result.source})")
    return result

def extract_document_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> DocumentText:
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise DocumentError(f"larger than {limits.max_bytes // (1024 * 1024)} MB ({size} bytes)")
    return extract_document(path.read_bytes(), limits)
