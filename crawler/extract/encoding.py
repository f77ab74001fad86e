"""From response bytes to NFC text, for pages that lie about or garble their encoding.

Provincial portals still serve windows-1258 (tone marks as separate combining characters), label
UTF-8 as ISO-8859-1, or store text that was UTF-8-decoded as windows-1252 once too often. Which codec
a page uses is decided in one place for the whole crawl path (``crawler.encoding.choose_codec``); this
module decodes with it, repairs double-encoded text, and recognises binary bodies (a PDF behind an
article link, an image) so they never reach the parser.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from crawler.encoding import BOMS, choose_codec

_SIGNATURES = (
    (b"%PDF-", "pdf", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "image", "a PNG image"),
    (b"\xff\xd8\xff", "image", "a JPEG image"),
    (b"GIF87a", "image", "a GIF image"),
    (b"GIF89a", "image", "a GIF image"),
    (b"BM", "image", "a BMP image"),
    (b"PK\x03\x04", "binary", "a ZIP or Office document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "binary", "an Office document"),
    (b"\x1f\x8b", "binary", "a gzip-compressed body"),
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# Control characters, Unicode non-characters (U+FFFE, U+FFFF, U+FDD0–U+FDEF, the last two of each plane) and
# lone surrogates: never text, and lxml refuses a string that holds one (the article was lost to a ValueError).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]")
# Apart: a class with characters beyond the BMP costs ``re`` ten times more per character, so it runs only on
# text that has any.
_PLANE_ENDS = re.compile("[" + "".join(rf"\U{plane:04x}fffe\U{plane:04x}ffff" for plane in range(1, 17)) + "]")
# UTF-8 read as windows-1252: "Ä‘" for "đ", "Æ°" for "ư", "á»" before most tone-marked vowels.
MOJIBAKE = re.compile(r"Ã[\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]|Ä[‘’ƒ‚]|Æ[°¯¡]|á[º»][\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")
_MOJIBAKE_LEADS = ("Ã", "Ä", "Æ", "á»", "áº")  # cheap test before the regex scan of a whole page


@dataclass(frozen=True)
class Decoded:
    text: str
    codec: str
    repaired: bool = False
    # Bytes of a UTF-8 page that were not UTF-8, each now U+FFFD (the page stays UTF-8).
    replaced: int = 0


def binary_kind(body: bytes) -> tuple[str, str] | None:
    """(reason code, description) when the body is not text at all."""
    head = body[:16].lstrip()
    if head.startswith(b"RIFF") and body[8:12] == b"WEBP":
        return "image", "a WebP image"
    for magic, code, what in _SIGNATURES:
        if head.startswith(magic):
            return code, what
    if any(body.startswith(bom) for bom, _ in BOMS):
        return None
    sample = body[:4096]
    if sample and sample.count(0) * 100 > len(sample):
        return "binary", "binary data"
    return None


def decode(body: bytes | str, declared: str | None = None) -> Decoded:
    """``declared``: the Content-Type charset, the crawl's earlier decision or the portal's ``encoding``."""
    if isinstance(body, str):
        return _finish(body, "str")
    codec = choose_codec(body, declared)
    text = body.decode(codec, errors="replace")
    replaced = text.count("\ufffd") - body.count(b"\xef\xbf\xbd") if codec == "utf-8" else 0
    return _finish(text, codec, replaced)


def _finish(text: str, codec: str, replaced: int = 0) -> Decoded:
    text = _CONTROL.sub("", _XML_DECL.sub("", text, count=1))
    if len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text):  # cheap: any character beyond the BMP
        text = _PLANE_ENDS.sub("", text)
    repaired = False
    if any(mark in text for mark in _MOJIBAKE_LEADS) and len(MOJIBAKE.findall(text[:200_000])) >= 8:
        fixed = repair_mojibake(text)
        if fixed is not None:
            text, repaired = fixed, True
    return Decoded(unicodedata.normalize("NFC", text), codec, repaired, replaced)


def repair_mojibake(text: str) -> str | None:
    """Undo one round of UTF-8-read-as-windows-1252; None when the text is not that (or only partly)."""
    out = bytearray()
    for ch in text:
        code = ord(ch)
        if code < 0x80:
            out.append(code)
            continue
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            if code <= 0xFF:  # the five C1 bytes windows-1252 leaves undefined pass through as latin-1
                out.append(code)
            else:
                return None
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        return None


def garbled(text: str) -> str | None:
    """Why extracted text is unreadable (replacement characters, leftover mojibake), or None."""
    letters = sum(1 for ch in text if ch.isalpha()) or 1
    bad = text.count("\ufffd")
    if bad > 3 and bad * 200 > letters:
        return f"{bad} undecodable characters"
    marks = len(MOJIBAKE.findall(text))
    if marks > 3 and marks * 100 > letters:
        return f"{marks} mis-decoded character sequences"
    return None
