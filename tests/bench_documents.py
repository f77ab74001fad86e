"""Document text speed and memory on the real files of the shared corpus (``documents/files``, copied in tests/fixtures/documents) (make bench), and the
cost of an unchanged cycle for portals with registers.

Rows: text-layer PDF pages/s (pdftotext, reading order) with ``-layout`` and pypdf (when installed)
beside it as baselines from the same run; OCR seconds per page on one core (one single-threaded
Tesseract, as the crawl runs one per core); a 10-page text PDF cut from a real one: time and peak memory
(the converter child's peak RSS, and the Python side's allocations, measured in a fresh process).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from tests.support.corpus import corpus

CORPUS = corpus("documents/files")
TEXT_PDFS = ["02_49-2026-ND-CP.pdf", "04_VanBanGoc_100.2015.QH13.P1.pdf"]
SCAN = "01_199-2026-ND-CP.signed.scan.pdf"
ROUNDS = 5

_MEMORY_PROBE = """
import json, resource, sys, time, tracemalloc
from pathlib import Path
from crawler.documents import extract_document
data = Path(sys.argv[1]).read_bytes()
def cpu():
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
tracemalloc.start()
before = cpu()
start = time.perf_counter()
result = extract_document(data)
elapsed = time.perf_counter() - start
used = cpu() - before
peak = tracemalloc.get_traced_memory()[1]
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": elapsed, "cpu": used, "python_peak": peak, "child_rss_kb": child, "pages": result.pages}))
"""


def _median_seconds(fn, rounds: int = ROUNDS) -> float:
    fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _pages(path: Path) -> int:
    from crawler.documents.pdf import page_count
    from crawler.documents.model import Limits

    return page_count(path, Limits())


def _text_layer_rows(paths: list[Path]) -> list[tuple[str, str, str]]:
    from crawler.documents import extract_document

    pages = sum(_pages(p) for p in paths)
    datas = [p.read_bytes() for p in paths]
    ours = _median_seconds(lambda: [extract_document(d) for d in datas])
    layout = _median_seconds(lambda: [subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(p), "-"], capture_output=True, check=True) for p in paths])
    rows = [("documents: text-layer PDF pages/s", f"{pages / ours:.0f} pages/s ({pages} pages, 2 real PDFs)",
             f">= 50 pages/s; pdftotext -layout {pages / layout:.0f} pages/s")]
    try:
        import pypdf
    except ImportError:
        rows.append(("documents: pypdf baseline", "not installed (pip install pypdf to compare)", "-"))
    else:
        slow = _median_seconds(lambda: ["".join(pg.extract_text() or "" for pg in pypdf.PdfReader(str(p)).pages) for p in paths], rounds=1)
        rows.append(("documents: pypdf baseline", f"{pages / slow:.0f} pages/s", "same files, same run"))
    return rows


def _ocr_row(scan: Path) -> tuple[str, str, str]:
    from crawler.documents import Limits, extract_document
    from monitor.directives import find_codes

    data = scan.read_bytes()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = extract_document(data, Limits(ocr_workers=1))
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    found = "199/2026/NĐ-CP" in {c[0] for c in find_codes(result.text)}
    pages = result.ocr_pages
    return ("documents: OCR s/page (1 core, 300 dpi)",
            f"{cpu / pages:.2f} CPU-s/page, wall {elapsed / pages:.2f} s ({pages} p, conf {result.ocr_confidence}, code {'found' if found else 'MISSED'})",
            f"<= 3 s/page; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def _ten_pages_rows(source: Path) -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        subprocess.run(["pdfseparate", "-f", "1", "-l", "10", str(source), str(work / "p%d.pdf")], check=True)
        ten = work / "ten.pdf"
        subprocess.run(["pdfunite", *[str(work / f"p{n}.pdf") for n in range(1, 11)], str(ten)], check=True)
        probes = []
        for _ in range(3):
            out = subprocess.run([sys.executable, "-c", _MEMORY_PROBE, str(ten)], capture_output=True, text=True, check=True,
                                 cwd=Path(__file__).resolve().parents[1])
            probes.append(json.loads(out.stdout))
    seconds = statistics.median(p["seconds"] for p in probes)
    cpu = statistics.median(p["cpu"] for p in probes)
    child = max(p["child_rss_kb"] for p in probes) / 1024
    python = max(p["python_peak"] for p in probes) / (1024 * 1024)
    return [
        ("documents: 10-page text PDF time", f"{seconds:.3f} s wall, {cpu:.3f} CPU-s", f"<= 0.2 s; load average {os.getloadavg()[0]:.1f}"),
        ("documents: 10-page text PDF memory", f"pdftotext peak RSS {child:.1f} MB, Python peak {python:.1f} MB", "<= 50 MB"),
    ]


_CRAWL_PROBE = """
import json, resource, sys, tempfile
from pathlib import Path
from crawler.cycle import crawl, prepare
from tests.conftest import test_settings
from tests.support.server import PortalServer

big = Path(sys.argv[1]) if sys.argv[1] != "-" else None
with tempfile.TemporaryDirectory() as scratch, PortalServer() as server:
    rows = "<tr><td>1</td><td>25/2026/QĐ-UBND</td><td>01/02/2026</td><td><a href='/big.pdf'>Quyết định</a></td></tr>" if big else ""
    server.add("/van-ban", "<table><tr><th>STT</th><th>Số/Ký hiệu</th><th>Ngày ban hành</th><th>Trích yếu</th></tr>"
               "<tr><td>0</td><td>1/2026/QĐ-UBND</td><td>01/01/2026</td><td>Quyết định</td></tr>" + rows + "</table>")
    if big:
        server.add("/big.pdf", big.read_bytes(), "application/pdf")
    registry = Path(scratch) / "p.yaml"
    registry.write_text(f'portals:\\n  - id: big\\n    name: Big\\n    documents: ["{server.url("/van-ban")}"]\\n')
    settings = test_settings(f"sqlite:///{scratch}/db.sqlite", registry)
    crawl(prepare(settings))
print(json.dumps({"rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


# A file up to 25 MB is held a few times at once (Scrapy's body, the pipeline's, pdftotext's text): bounded by 4x its size.
RSS_HEADROOM_MB = 100


def _crawl_memory_row(source: Path) -> tuple[str, str, str]:
    """Peak RSS of the crawl child (and its converters) for a register row with a ~24 MB real-text PDF; the
    portal's only source is its register, so it has to be fetched (not refused as another host's)."""
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        copies = max(1, (24 * 1024 * 1024) // source.stat().st_size)
        big = work / "big.pdf"
        subprocess.run(["pdfunite", *[str(source)] * copies, str(big)], check=True)
        size = big.stat().st_size / (1024 * 1024)
        peaks = {}
        for name, arg in (("baseline", "-"), ("big", str(big))):
            out = subprocess.run([sys.executable, "-c", _CRAWL_PROBE, arg], capture_output=True, text=True, check=True,
                                 cwd=Path(__file__).resolve().parents[1])
            peaks[name] = json.loads(out.stdout.strip().splitlines()[-1])["rss_kb"] / 1024
    return ("documents: crawl child peak RSS, 1 register row + PDF",
            f"{peaks['big']:.0f} MB with a {size:.0f} MB PDF ({copies * _pages(source)} pages): +{peaks['big'] - peaks['baseline']:.0f} MB",
            f"<= baseline + {RSS_HEADROOM_MB} MB; baseline (same register, no file) {peaks['baseline']:.0f} MB")


REGISTER_PORTALS = 50


def _portal_lines(n: int, portal, with_registers: bool) -> list[str]:
    from tests.support.document_portal import GAZETTE, VBPL

    root = portal.server.root
    lines = [f"  - id: reg-{n:03d}", f"    name: Register {n}", "    province: Sơn La", f'    start_urls: ["{portal.news.listing_url}"]']
    if with_registers:
        lines.append(f'    documents: ["{root}{GAZETTE.format(start=1, page=1)}", "{root}{VBPL}"]')
    return lines


def _unchanged_register_rows() -> list[tuple[str, str, str]]:
    """CPU per portal of a cycle where nothing changed, for portals with two registers (the real gazette and vbpl.vn
    markup, with their attachments, as in tests/test_crawl_documents.py) beside the same portals' news alone."""
    import contextlib

    from crawler.cycle import crawl, prepare
    from tests.bench_crawl import cpu_seconds
    from tests.conftest import test_settings
    from tests.support.document_portal import DocumentPortal
    from tests.support.server import PortalServer, loopback

    with contextlib.ExitStack() as stack, tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        portals = []
        for n in range(REGISTER_PORTALS):
            portal = DocumentPortal(stack.enter_context(PortalServer(loopback(n))))
            portal.publish()
            portals.append(portal)
        per_portal, requests = {}, {}
        for name, with_registers in (("news only", False), ("registers", True)):
            registry = work / f"{name}.yaml"
            lines = ["portals:"] + [line for n, p in enumerate(portals) for line in _portal_lines(n, p, with_registers)]
            registry.write_text("\n".join(lines) + "\n", encoding="utf-8")
            settings = test_settings(f"sqlite:///{work / (name + '.db')}", registry, crawl_timeout=1800, log_level="WARNING")
            prepared = prepare(settings)
            first = crawl(prepared)
            assert all(run.status == "ok" for run in first.runs), [r for r in first.runs if r.status != "ok"][:3]
            for portal in portals:
                portal.server.reset_log()
            before = cpu_seconds()
            second = crawl(prepared)
            per_portal[name] = (cpu_seconds() - before) / REGISTER_PORTALS
            requests[name] = (sum(sum(p.server.paths().values()) for p in portals) / REGISTER_PORTALS, second.new_articles)
    return [(f"documents: CPU s per portal, unchanged cycle, {REGISTER_PORTALS} portals with 2 registers",
             f"{per_portal['registers']:.4f} ({requests['registers'][0]:.1f} requests/portal, {requests['registers'][1]} new)",
             f"<= 0.05; same portals' news alone {per_portal['news only']:.4f} ({requests['news only'][0]:.1f} requests/portal)")]


def run() -> list[tuple[str, str, str]]:
    paths = [CORPUS / name for name in TEXT_PDFS]
    if not all(p.is_file() for p in paths):
        raise FileNotFoundError(f"real documents missing under {CORPUS}")
    return [*_text_layer_rows(paths), _ocr_row(CORPUS / SCAN), *_ten_pages_rows(paths[0]), _crawl_memory_row(paths[0]),
            *_unchanged_register_rows()]


if __name__ == "__main__":
    for row in run():
        print("  ".join(row))
