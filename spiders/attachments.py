"""Links to document files on register rows and article pages.

Portals link files directly (``…/QD so 37.2026.doc``), through download handlers (``DownloadFile.aspx?id=``,
Lotus Domino ``<UNID>/$file/<name>``, SharePoint ``…/Attachments/<id>/<file>``) or behind JavaScript
(vbpl.vn: ``javascript:downloadfile('name','/…/Attachments/<id>/<file>')``). Type is decided later from
the bytes; here only "this link is meant to give a file".
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

DOCUMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".odt")
# Matched on the path alone: a viewer page such as ``WopiFrame.aspx?sourcedoc=/…/Attachments/…`` is not a file.
_HANDLERS = re.compile(r"(/downloadfile\.aspx$|/download\.aspx$|/attachments/|/\$file/|/filedata/|/download/)", re.IGNORECASE)
_JS_DOWNLOAD = re.compile(r"""downloadfile\(\s*'[^']*'\s*,\s*'([^']+)'\s*\)""", re.IGNORECASE)
_SKIP_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".zip", ".rar", ".xls", ".xlsx", ".mp4", ".mp3")


def attachment_url(href: str | None, base: str) -> str | None:
    """The absolute URL of a document file behind ``href``, or None when it is not one."""
    if not href:
        return None
    href = href.strip()
    if href.lower().startswith("javascript:"):
        match = _JS_DOWNLOAD.search(href)
        return urljoin(base, match.group(1).strip()) if match else None
    if href.startswith(("#", "mailto:", "tel:")):
        return None
    url = urljoin(base, href)
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    path = unquote(urlsplit(url).path).lower()
    if path.endswith(DOCUMENT_SUFFIXES):
        return url
    if path.endswith(_SKIP_SUFFIXES):
        return None
    return url if _HANDLERS.search(path) else None


def attachment_links(selector, base: str) -> list[str]:
    """Attachment URLs under ``selector`` (a parsel Selector), in page order, without repeats."""
    found: dict[str, None] = {}
    for href in selector.xpath(".//a/@href").getall():
        if url := attachment_url(href, base):
            found.setdefault(url.replace(" ", "%20"), None)
    return list(found)
