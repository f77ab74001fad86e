"""CSV export of a search: UTF-8 with a BOM (so Excel reads Vietnamese), streamed page by page.

Each batch is one short transaction and is written out before the next is read, so an export of the
whole archive holds one batch in memory, not the archive.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from storage.db import transaction
from storage.search import search
from web.archive import KIND_LABELS, TOPIC_LABELS, read_request, shown_date

BATCH = 1000
HEADER = ["Ngày", "Tiêu đề", "Cổng", "Tỉnh, thành phố", "Loại cổng", "Chủ đề", "Văn bản nêu", "Đoàn (đối tác)", "Đường dẫn"]
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """A spreadsheet cell that cannot run as a formula (a title starting with "=" stays text)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def csv_lines(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue().encode("utf-8")


def header() -> bytes:
    return "\ufeff".encode("utf-8") + csv_lines([HEADER])


def batch(factory, query, number: int) -> bytes | None:
    """CSV lines of batch ``number`` (from 1) of the search ``query`` asks for; None after the last."""
    request, message = read_request(query)
    if message:
        return None
    request = replace(request, page=number, per_page=BATCH, with_text=False)
    with transaction(factory) as session:
        result = search(session, request)
    if not result.hits:
        return None
    return csv_lines(
        [shown_date(h.article), h.article.title, h.portal.name, h.portal.province, KIND_LABELS.get(h.portal.kind, h.portal.kind),
         TOPIC_LABELS.get(h.article.topic, h.article.topic), "; ".join(h.codes), ", ".join(h.partners), h.article.url]
        for h in result.hits
    )
