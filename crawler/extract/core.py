"""First version: trafilatura with NFC output and a day-first date. Issue 3 raises its quality."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone

import trafilatura

from spiders.schema import PortalConfig

VIETNAM = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")
MIN_TEXT_CHARS = 200


@dataclass
class Extraction:
    url: str | None
    title: str | None = None
    published_at: datetime | None = None
    has_time: bool = False
    author: str | None = None
    lead: str | None = None
    text: str | None = None
    # Set when the page is not an article; the other fields are then not to be trusted.
    rejected: str | None = None

    def as_json(self) -> dict:
        data = asdict(self)
        data["published_at"] = self.published_at.isoformat() if self.published_at else None
        return data


def nfc(value: str | None) -> str | None:
    return unicodedata.normalize("NFC", value) if value is not None else None


def decode_html(body: bytes | str, encoding: str | None = None) -> str:
    if isinstance(body, str):
        return body
    if encoding:
        return body.decode(encoding, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1258", errors="replace")


def extract(
    body: bytes | str,
    url: str | None = None,
    portal: PortalConfig | None = None,
    encoding: str | None = None,
) -> Extraction:
    html = nfc(decode_html(body, encoding or (portal.encoding if portal else None)))
    if not html or not html.strip():
        return Extraction(url=url, rejected="empty body")
    result = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False, date_extraction_params={"extensive_search": False, "original_date": True}
    )
    if result is None:
        return Extraction(url=url, rejected="no article text found")
    data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    text = nfc(data.get("text"))
    if not text or len(text) < MIN_TEXT_CHARS:
        return Extraction(url=url, title=nfc(data.get("title")), rejected="too little text for an article")
    published = None
    if data.get("date"):
        try:
            published = datetime.fromisoformat(data["date"]).replace(tzinfo=VIETNAM)
        except ValueError:
            published = None
    return Extraction(
        url=url,
        title=nfc(data.get("title")),
        published_at=published,
        has_time=False,
        author=nfc(data.get("author")),
        lead=nfc(data.get("description")),
        text=text,
    )
