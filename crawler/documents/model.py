"""What a document extraction gives back, what it refuses with, and the limits it works within.

One result type for every format so the crawl, the CLI and storage treat a scan and a .docx alike;
one error type whose message is the reason recorded beside the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

MB = 1024 * 1024


class DocumentError(Exception):
    """The file cannot give text; the message is the one-line reason stored with it."""


@dataclass(frozen=True)
class Limits:
    """Bounds on one document. Defaults are the service's; tests shrink them to reach the edges."""

    max_bytes: int = 25 * MB
    # Text-layer PDFs: text of this many pages, then stop with a warning.
    max_text_pages: int = 300
    # DOCX/ODT: the sum of the declared uncompressed member sizes (zip bombs are refused before reading).
    max_unzipped_bytes: int = 100 * MB
    max_zip_members: int = 5000
    # A page of a text-layer PDF with fewer characters than this (signature stamp left out) is a scan.
    scan_chars_per_page: int = 200
    ocr_first_pages: int = 3
    ocr_max_pages: int = 30
    ocr_dpi: int = 300
    ocr_page_seconds: float = 15.0
    ocr_document_seconds: float = 90.0
    ocr_workers: int = 0  # 0: one Tesseract per core
    # pdftotext / antiword / catdoc on one file.
    tool_seconds: float = 60.0

    def workers(self) -> int:
        if self.ocr_workers > 0:
            return self.ocr_workers
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # not Linux
            return max(1, os.cpu_count() or 1)


@dataclass
class DocumentText:
    """Extracted text (NFC) and how it was obtained."""

    media_type: str
    text: str
    source: str  # text-layer | docx | odt | doc | ocr
    pages: int | None = None
    ocr_confidence: float | None = None  # mean Tesseract word confidence, 0–100
    ocr_pages: int | None = None
    legacy_encoding: str | None = None  # tcvn3 | vni when the text was converted
    signature: str | None = None  # the e-signature stamp's text, when the PDF carries one
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "media_type": self.media_type,
            "source": self.source,
            "pages": self.pages,
            "ocr_pages": self.ocr_pages,
            "ocr_confidence": self.ocr_confidence,
            "legacy_encoding": self.legacy_encoding,
            "signature": self.signature,
            "warnings": self.warnings,
            "chars": len(self.text),
            "text": self.text,
        }
