"""OCR of scanned PDFs: pdftoppm renders each page at 300 dpi, Tesseract (Vietnamese) reads it.

Measured here: 200 dpi lost half the codes; Tesseract with two threads on two cores was ten times
slower than one single-threaded Tesseract per core, so every Tesseract runs with OMP_THREAD_LIMIT=1
and as many run at once as there are cores. Pages are rendered to uncompressed PGM: PNG's compression
cost 1.2 CPU-s per page (PGM 0.1 s), more than half of Tesseract's own 1.6 s. Pages go in order (the first pages carry number, date,
issuer and summary), at most ``ocr_max_pages``; each page has its own time limit and the document a
deadline, both enforced by killing the process group, so no OCR process outlives its limit.
"""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from crawler.documents.model import DocumentError, DocumentText, Limits
from crawler.documents.ocr_fixes import fix_codes
from crawler.documents.processes import ToolFailed, ToolTimeout, run_tool
from crawler.documents.sniff import PDF
from crawler.documents.textnorm import tidy

TESSERACT_ENV = {"OMP_THREAD_LIMIT": "1"}


@dataclass
class _Page:
    number: int
    text: str | None = None
    confidences: tuple[float, ...] = ()
    failure: str | None = None


def ocr_pdf(path: Path, pages: int, limits: Limits, clock=time.monotonic) -> DocumentText:
    deadline = clock() + limits.ocr_document_seconds
    wanted = min(pages, limits.ocr_max_pages)
    with tempfile.TemporaryDirectory(prefix="portalwatch-ocr-") as scratch:
        work = Path(scratch)

        def one(number: int) -> _Page:
            return _ocr_page(path, number, work, limits, deadline, clock)

        with ThreadPoolExecutor(max_workers=limits.workers(), thread_name_prefix="ocr") as pool:
            results = list(pool.map(one, range(1, wanted + 1)))
    done = [page for page in results if page.text is not None]
    warnings = [f"page {page.number}: {page.failure}" for page in results if page.failure]
    if pages > wanted:
        warnings.append(f"OCR of the first {wanted} of {pages} pages only (limit {limits.ocr_max_pages})")
    if not done:
        reason = results[0].failure if results else "no pages"
        raise DocumentError(f"scanned PDF: OCR gave no text ({reason})")
    confidences = [c for page in done for c in page.confidences]
    text = tidy(fix_codes("\n\n".join(page.text for page in done)))
    return DocumentText(
        media_type=PDF,
        text=text,
        source="ocr",
        pages=pages,
        ocr_pages=len(done),
        ocr_confidence=round(sum(confidences) / len(confidences), 1) if confidences else None,
        warnings=warnings,
    )


def _ocr_page(path: Path, number: int, work: Path, limits: Limits, deadline: float, clock) -> _Page:
    page = _Page(number)
    started = clock()
    if started >= deadline:
        page.failure = f"not read: document OCR limit of {limits.ocr_document_seconds:.0f} s reached"
        return page
    page_deadline = min(deadline, started + limits.ocr_page_seconds)
    image = work / f"p{number}"
    try:
        run_tool(
            ["pdftoppm", "-f", str(number), "-l", str(number), "-r", str(limits.ocr_dpi), "-gray",
             "-singlefile", str(path), str(image)],
            timeout=page_deadline - clock(),
        )
        out = work / f"o{number}"
        run_tool(
            ["tesseract", str(image) + ".pgm", str(out), "-l", "vie", "--psm", "3", "txt", "tsv"],
            timeout=page_deadline - clock(),
            env=TESSERACT_ENV,
        )
        page.text = (out.with_suffix(".txt")).read_text("utf-8", "replace")
        page.confidences = _confidences((out.with_suffix(".tsv")).read_text("utf-8", "replace"))
    except ToolTimeout:
        limit = limits.ocr_page_seconds if page_deadline < deadline else limits.ocr_document_seconds
        page.failure = f"OCR timed out (limit {limit:.0f} s)"
    except ToolFailed as exc:
        page.failure = f"OCR failed: {exc}"
    finally:
        for leftover in work.glob(f"[po]{number}.*"):
            leftover.unlink(missing_ok=True)
    return page


def _confidences(tsv: str) -> tuple[float, ...]:
    """Word confidences (level 5 rows with text) from Tesseract's TSV output."""
    values = []
    for line in tsv.splitlines()[1:]:
        cells = line.split("\t")
        if len(cells) == 12 and cells[0] == "5" and cells[11].strip():
            try:
                conf = float(cells[10])
            except ValueError:
                continue
            if conf >= 0:
                values.append(conf)
    return tuple(values)
