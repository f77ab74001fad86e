"""PDF text: poppler's pdftotext for the text layer; scans (no real text layer) go to OCR.

pdftotext in its default reading order, not ``-layout``: measured on the real documents in
``tests/fixtures/documents`` (the shared corpus's real files) both find the same codes and words, but ``-layout`` puts the two
header columns on one line ("CHÍNH PHỦ     CỘNG HOÀ XÃ HỘI…", "Số: 49/2026/NĐ-CP     Hà Nội, ngày…")
and pads every line with indentation (+6 % characters); reading order keeps issuer, number and place/date
on their own lines. pypdf was 10–20× slower, split 163 words in one file and missed the stamp.
"""

from __future__ import annotations

import re
from pathlib import Path

from crawler.documents.model import DocumentError, DocumentText, Limits
from crawler.documents.ocr import ocr_pdf
from crawler.documents.processes import ToolFailed, ToolTimeout, run_tool
from crawler.documents.signature import split_stamp
from crawler.documents.sniff import PDF
from crawler.documents.textnorm import tidy

_PAGES = re.compile(r"^Pages:\s+(\d+)", re.MULTILINE)
_ENCRYPTED = re.compile(r"^Encrypted:\s+yes", re.MULTILINE)


def page_count(path: Path, limits: Limits) -> int:
    try:
        info = run_tool(["pdfinfo", str(path)], timeout=limits.tool_seconds).decode("utf-8", "replace")
    except ToolFailed as exc:
        raise DocumentError(_reason(exc)) from None
    except ToolTimeout:
        raise DocumentError("pdfinfo timed out (damaged PDF?)") from None
    match = _PAGES.search(info)
    if not match or int(match.group(1)) == 0:
        raise DocumentError("corrupt PDF: no pages")
    return int(match.group(1))


def _reason(exc: ToolFailed) -> str:
    text = exc.stderr.lower()
    if "password" in text or "encrypt" in text:
        return "encrypted PDF (needs a password)"
    return f"corrupt PDF ({exc})"


def pdf_text(path: Path, limits: Limits) -> DocumentText:
    pages = page_count(path, limits)
    last = min(pages, limits.max_text_pages)
    try:
        raw = run_tool(["pdftotext", "-enc", "UTF-8", "-l", str(last), str(path), "-"], timeout=limits.tool_seconds)
    except ToolFailed as exc:
        raise DocumentError(_reason(exc)) from None
    except ToolTimeout:
        raise DocumentError(f"pdftotext timed out after {limits.tool_seconds:.0f} s") from None
    page_texts = raw.decode("utf-8", "replace").split("\f")[:last]
    bodies, stamps = [], []
    for page in page_texts:
        body, stamp = split_stamp(page)
        bodies.append(body)
        if stamp:
            stamps.append(stamp)
    signature = tidy(stamps[0]) if stamps else None
    warnings = []
    if pages > last:
        warnings.append(f"text of the first {last} of {pages} pages only (limit {limits.max_text_pages})")
    chars = sum(len("".join(body.split())) for body in bodies)
    if chars < limits.scan_chars_per_page * len(bodies):
        result = ocr_pdf(path, pages, limits)
        result.signature = signature
        return result
    return DocumentText(media_type=PDF, text=tidy("\n\n".join(bodies)), source="text-layer", pages=pages,
                        signature=signature, warnings=warnings)
