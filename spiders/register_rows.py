"""Rows of official-document registers ("Văn bản", "Công báo", "Hệ thống văn bản"), read without per-site code.

Three shapes cover the real registers in ``tests/fixtures/documents/pages`` (copied from the shared corpus):

- a table with a header row naming its columns (Số/Ký hiệu · Ngày ban hành · Trích yếu · Cơ quan ban hành …);
- a property table for one document (vbpl.vn "Thuộc tính": label cell, value cell);
- repeated rows or list items each carrying one code (Lotus Domino gazettes: date · "Quyết định của UBND
  tỉnh số 37/2026/QĐ-UBND" + summary · files; vbpl.vn search results: "Luật 31/VBHN-VPQH" + summary).

The code comes from the row (the register's own Số/Ký hiệu), never from the attached file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urljoin

from parsel import Selector

from spiders.attachments import attachment_links, attachment_url

# A document code: "37/2026/QĐ-UBND", "31/VBHN-VPQH", "331/UBND-TH", "04-CT/TW". Bounded, no nested repeats.
_CODE = re.compile(
    r"(?<![\w/])(\d{1,5}(?:/\d{4})?/[A-ZĐ][A-ZĐ0-9]{0,11}(?:[-–][A-ZĐ][A-ZĐ0-9]{0,11}){0,3}"
    r"|\d{1,5}[-–][A-ZĐ]{1,8}/[A-ZĐ]{1,10}(?:[-–][A-ZĐ0-9]{1,10}){0,2})(?![\w/])"
)
_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
_SPACE = re.compile(r"\s+")
KINDS = (
    "Văn bản hợp nhất", "Bộ luật", "Luật", "Pháp lệnh", "Nghị quyết", "Nghị định", "Quyết định", "Chỉ thị",
    "Thông tư liên tịch", "Thông tư", "Kế hoạch", "Thông báo", "Công văn", "Hướng dẫn", "Kết luận", "Quy định",
    "Quy chế", "Lệnh", "Công điện", "Báo cáo", "Tờ trình", "Chương trình", "Đề án", "Án lệ",
)
_KIND_BY_TYPE = {
    "QĐ": "Quyết định", "NĐ": "Nghị định", "NQ": "Nghị quyết", "CT": "Chỉ thị", "TT": "Thông tư", "KH": "Kế hoạch",
    "TB": "Thông báo", "VBHN": "Văn bản hợp nhất", "HD": "Hướng dẫn", "KL": "Kết luận", "QC": "Quy chế",
    "CĐ": "Công điện", "BC": "Báo cáo", "TTr": "Tờ trình", "QH": "Luật", "AL": "Án lệ", "L": "Lệnh",
}
DOCUMENT_TYPES = frozenset(_KIND_BY_TYPE)
_LABELS = {
    "code": re.compile(r"^(số\s*/\s*ký hiệu|số ký hiệu|ký hiệu|số hiệu|số văn bản|số)\b", re.IGNORECASE),
    "issued_on": re.compile(r"^(ngày ban hành|ban hành|ngày ký|ngày văn bản)", re.IGNORECASE),
    "effective_on": re.compile(r"^(ngày có hiệu lực|ngày hiệu lực|hiệu lực từ)", re.IGNORECASE),
    "summary": re.compile(r"^(trích yếu|tên văn bản|nội dung|tiêu đề)", re.IGNORECASE),
    "issuer": re.compile(r"^(cơ quan ban hành|nơi ban hành|đơn vị ban hành|cơ quan)", re.IGNORECASE),
    "signer": re.compile(r"^(người ký)", re.IGNORECASE),
    "kind": re.compile(r"^(loại văn bản|hình thức văn bản|thể loại)", re.IGNORECASE),
}


@dataclass
class RegisterRow:
    code: str
    kind: str | None = None
    issued_on: str | None = None  # ISO date
    summary: str | None = None
    issuer: str | None = None
    signer: str | None = None
    effective_on: str | None = None
    detail_url: str | None = None
    attachments: list[str] = field(default_factory=list)


def clean(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def find_code(text: str) -> re.Match | None:
    return _CODE.search(text)


def iso_date(text: str | None) -> str | None:
    """Day-first dd/mm/yyyy → ISO; None when no valid date."""
    for match in _DATE.finditer(text or ""):
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            continue
    return None


def kind_of(prefix: str, code: str) -> str | None:
    """The document kind named before the code ("Quyết định của UBND tỉnh số …"), else from the code's type."""
    head = clean(prefix).lower()
    for kind in KINDS:
        if head.startswith(kind.lower()):
            return kind
    parts = re.split(r"[/-]", code)
    for part in parts[1:]:
        if part in _KIND_BY_TYPE:
            return _KIND_BY_TYPE[part]
    if re.fullmatch(r"\d+/[A-ZĐ]+-[A-ZĐ0-9-]+", code):  # "331/UBND-TH": number/issuer-unit, a Công văn
        return "Công văn"
    return None


def _issuer_from_prefix(prefix: str) -> str | None:
    """"Quyết định của Chủ tịch UBND tỉnh số" → "Chủ tịch UBND tỉnh"."""
    match = re.search(r"\bcủa\s+(.+?)\s*(?:số\s*)?$", clean(prefix), re.IGNORECASE)
    return match.group(1) if match else None


def parse_register(html: str | bytes, url: str) -> list[RegisterRow]:
    selector = Selector(text=html.decode("utf-8", "replace") if isinstance(html, bytes) else html)
    rows = _header_tables(selector, url)
    if rows:
        return rows
    rows = _row_scan(selector, url)
    if rows:
        return rows
    single = _property_table(selector, url)
    return [single] if single else []


# -- tables with a header row ----------------------------------------------------------------------


def _label(text: str) -> str | None:
    text = clean(text).rstrip(":")
    for name, pattern in _LABELS.items():
        if pattern.match(text):
            return name
    return None


def _header_tables(selector: Selector, base: str) -> list[RegisterRow]:
    rows: list[RegisterRow] = []
    for table in selector.xpath("//table[not(.//table)]"):
        trs = table.xpath("./tr|./thead/tr|./tbody/tr")
        if len(trs) < 2:
            continue
        header = [_label(" ".join(c.xpath(".//text()").getall())) for c in trs[0].xpath("./th|./td")]
        if "code" not in header or len([h for h in header if h]) < 2:
            continue
        for tr in trs[1:]:
            cells = tr.xpath("./td")
            if len(cells) != len(header):
                continue
            values = {name: clean(" ".join(cell.xpath(".//text()").getall())) for name, cell in zip(header, cells) if name}
            code_match = find_code(values.get("code", ""))
            if not code_match:
                continue
            code = code_match.group(1)
            row = RegisterRow(
                code=code,
                kind=values.get("kind") or kind_of(values.get("summary", ""), code),
                issued_on=iso_date(values.get("issued_on")),
                summary=values.get("summary") or None,
                issuer=values.get("issuer") or None,
                signer=values.get("signer") or None,
                effective_on=iso_date(values.get("effective_on")),
                attachments=attachment_links(tr, base),
            )
            row.detail_url = _detail_link(tr, base)
            rows.append(row)
    return rows


# -- one document's property table ----------------------------------------------------------------


def _property_table(selector: Selector, base: str) -> RegisterRow | None:
    values: dict[str, list[str]] = {}
    for tr in selector.xpath("//table[not(.//table)]//tr"):
        cells = [clean(" ".join(c.xpath(".//text()").getall())) for c in tr.xpath("./td|./th")]
        index = 0
        while index < len(cells) - 1:
            name = _label(cells[index])
            if name and name not in values:
                following = []
                for value in cells[index + 1 :]:
                    if _label(value):
                        break
                    following.append(value)
                values[name] = following
                index += 1 + len(following)
            else:
                index += 1
    code_match = find_code(" ".join(values.get("code", [])))
    if not code_match:
        return None
    issuer = values.get("issuer", [])
    code = code_match.group(1)
    # vbpl.vn: "Cơ quan ban hành/ Chức danh / Người ký" → issuer, title, signer
    signer = values.get("signer") or (issuer[2:3] if len(issuer) >= 3 else [])
    return RegisterRow(
        code=code,
        kind=(values.get("kind") or [None])[0] or kind_of("", code),
        issued_on=iso_date(" ".join(values.get("issued_on", []))),
        summary=" ".join(values.get("summary", [])) or None,
        issuer=issuer[0] if issuer else None,
        signer=signer[0] if signer else None,
        effective_on=iso_date(" ".join(values.get("effective_on", []))),
        attachments=attachment_links(selector, base),
    )


# -- repeated rows, each with one code ------------------------------------------------------------


def _row_scan(selector: Selector, base: str) -> list[RegisterRow]:
    rows: list[RegisterRow] = []
    heading: str | None = None
    candidates = selector.xpath(
        "//tr[td] | //tr[th[contains(@class,'heading')]] | //div[contains(concat(' ',normalize-space(@class),' '),' item ')]"
    )
    for element in candidates:
        if element.xpath("./th[contains(@class,'heading')]"):
            heading = clean(" ".join(element.xpath(".//text()").getall())) or heading
            continue
        if element.xpath(".//tr[td]"):  # an outer layout row: its inner rows are the candidates
            continue
        row = _scan_one(element, base, heading)
        if row is not None:
            rows.append(row)
    return rows


def _scan_one(element: Selector, base: str, heading: str | None) -> RegisterRow | None:
    links = [(a, clean(" ".join(a.xpath(".//text()").getall()))) for a in element.xpath(".//a[@href]")]
    titled = [(a, text) for a, text in links if find_code(text) and not attachment_url(a.attrib.get("href"), base)]
    notation = clean(" ".join(element.xpath(".//*[contains(@class,'notation') or contains(@class,'kyhieu')]//text()").getall()))
    source = notation or (titled[0][1] if titled else "")
    match = find_code(source)
    if not match:
        return None
    code = match.group(1)
    title_text = titled[0][1] if titled else source
    at = title_text.find(code)
    prefix = title_text[:at] if at >= 0 else clean(" ".join(element.xpath(".//*[contains(@class,'cate')]//text()").getall()))
    after = title_text[at + len(code):] if at >= 0 else ""
    summary = clean(after.lstrip(" :-–,.")) or clean(" ".join(element.xpath(".//*[contains(@class,'des') or contains(@class,'trich')]//text()").getall()))
    own_text = clean(" ".join(element.xpath(".//text()").getall()))
    labelled = _labelled_dates(element)
    issued = labelled.get("issued_on")
    if issued is None:
        outside = own_text.replace(title_text, " ") if title_text else own_text
        issued = iso_date(outside) if not labelled else None
    row = RegisterRow(
        code=code,
        kind=kind_of(prefix, code),
        issued_on=issued,
        summary=summary or None,
        issuer=_issuer_from_prefix(prefix) or heading,
        effective_on=labelled.get("effective_on"),
        attachments=attachment_links(element, base),
    )
    row.detail_url = urljoin(base, titled[0][0].attrib["href"]) if titled else _detail_link(element, base)
    return row


def _labelled_dates(element: Selector) -> dict[str, str]:
    """Dates after a label inside the row ("Ban hành: 01/02/2026", "Hiệu lực: …", "Ngày xác thực: …")."""
    text = clean(" ".join(element.xpath(".//text()").getall()))
    found: dict[str, str] = {}
    for match in re.finditer(r"([A-Za-zÀ-ỹĐđ ]{3,30}):\s*(\d{1,2}/\d{1,2}/\d{4})", text):
        name = _label(match.group(1).strip()) or ("other" if match.group(1).strip() else None)
        if name and name not in found:
            found[name] = iso_date(match.group(2))
    return found


def _detail_link(element: Selector, base: str) -> str | None:
    for href in element.xpath(".//a/@href").getall():
        if href and not href.lower().startswith("javascript:") and not attachment_url(href, base):
            return urljoin(base, href)
    return None
