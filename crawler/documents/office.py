"""DOCX (python-docx, tables included, in document order) and ODT (content.xml) text.

Both are zip containers: the declared uncompressed sizes and member count are checked before
anything is inflated, so a zip bomb is refused without reading it; python-docx then reads the real
members. The page count comes from docProps/app.xml when Word wrote one.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from crawler.documents.model import DocumentError, DocumentText, Limits
from crawler.documents.sniff import DOCX, ODT
from crawler.documents.textnorm import tidy

_APP_PAGES = re.compile(rb"<Pages>(\d+)</Pages>")
_ODT_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def check_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DocumentError(f"corrupt zip container: {exc}") from None
    members = archive.infolist()
    if len(members) > limits.max_zip_members:
        raise DocumentError(f"zip with {len(members)} members (limit {limits.max_zip_members}): refused")
    total = sum(member.file_size for member in members)
    if total > limits.max_unzipped_bytes:
        raise DocumentError(
            f"zip bomb: {total // (1024 * 1024)} MB uncompressed (limit {limits.max_unzipped_bytes // (1024 * 1024)} MB)"
        )
    if any(member.flag_bits & 0x1 for member in members):
        raise DocumentError("a password-protected zip container (encrypted)")
    return archive


def docx_text(data: bytes, limits: Limits) -> DocumentText:
    import docx  # python-docx; imported here so the crawl loads it only when a DOCX arrives
    from docx.table import Table

    archive = check_zip(data, limits)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors… on damaged files
        raise DocumentError(f"corrupt DOCX: {type(exc).__name__}: {exc}") from None
    blocks: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            blocks.extend(_table_rows(block))
        else:
            blocks.append(block.text)
    return DocumentText(media_type=DOCX, text=tidy("\n".join(blocks)), source="docx", pages=_app_pages(archive))


def _table_rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if not cells or cells[-1] != text:  # merged cells repeat their text
                cells.append(text)
        rows.append(" | ".join(cells))
    return rows


def _app_pages(archive: zipfile.ZipFile) -> int | None:
    try:
        match = _APP_PAGES.search(archive.read("docProps/app.xml"))
    except KeyError:
        return None
    return int(match.group(1)) if match else None


def odt_text(data: bytes, limits: Limits) -> DocumentText:
    archive = check_zip(data, limits)
    try:
        root = etree.fromstring(archive.read("content.xml"), parser=etree.XMLParser(resolve_entities=False, huge_tree=False))
    except (KeyError, etree.XMLSyntaxError) as exc:
        raise DocumentError(f"corrupt ODT: {exc}") from None
    lines = []
    for element in root.iter(f"{{{_ODT_TEXT}}}p", f"{{{_ODT_TEXT}}}h"):
        if element.getparent() is not None and element.getparent().tag in (f"{{{_ODT_TEXT}}}p", f"{{{_ODT_TEXT}}}h"):
            continue
        lines.append("".join(element.itertext()))
    return DocumentText(media_type=ODT, text=tidy("\n".join(lines)), source="odt")
