"""Document files on disk: which inputs of ``portalwatch extract`` are documents, and their JSON record.

A file is a document when its first bytes say so (``%PDF-``, zip, OLE2) or its name ends in a document
suffix; the second rule is what makes "a .doc that is really HTML" an error rather than an article.
"""

from __future__ import annotations

from pathlib import Path

from crawler.documents import DocumentError, extract_document_file
from crawler.documents.sniff import OLE2_MAGIC

DOCUMENT_SUFFIXES = frozenset({".pdf", ".doc", ".docx", ".odt"})


def is_document(path: Path) -> bool:
    if path.suffix.lower() in DOCUMENT_SUFFIXES:
        return True
    with path.open("rb") as handle:
        head = handle.read(1024)
    return b"%PDF-" in head or head.startswith((b"PK\x03\x04", OLE2_MAGIC))


def document_record(path: Path) -> tuple[dict, bool]:
    """(the JSON object to print, whether it succeeded)."""
    try:
        result = extract_document_file(path)
    except DocumentError as exc:
        return {"input": str(path), "error": str(exc)}, False
    return {"input": str(path), "document": True, **result.as_json()}, True
