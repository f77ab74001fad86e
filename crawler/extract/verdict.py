"""Telling a page that is not an article, with a reason the pipeline can record.

Each reason is "<code>: <detail>"; the code is one of ``REASONS``. A category page, a login wall, a
JavaScript shell or a PDF answers a fetch with 200 OK like an article does, and trafilatura would
happily return their menus as text.
"""

from __future__ import annotations

import re

from crawler.extract.blocks import Block
from crawler.extract.text import clean

REASONS = (
    "empty", "pdf", "image", "binary", "broken-encoding", "javascript-stub", "login-wall", "listing", "static-page", "too-short",
    "extraction-error",
)
MIN_TEXT_CHARS = 200

_JS_NOTICE = re.compile(
    r"enable javascript|javascript (?:is )?(?:required|disabled)|bật javascript|kích hoạt javascript|trình duyệt .{0,40}javascript|you need to enable",
    re.I,
)
_LOGIN_NOTICE = re.compile(
    r"(?:vui lòng|bạn cần|bạn phải|hãy|yêu cầu) đăng nhập|đăng nhập để (?:xem|đọc|tiếp tục)|please (?:log ?in|sign ?in)|login required|members only",
    re.I,
)


def reason(code: str, detail: str) -> str:
    assert code in REASONS, code
    return f"{code}: {detail}"


def code_of(rejected: str | None) -> str | None:
    return rejected.split(":", 1)[0] if rejected else None


def before_extraction(tree) -> str | None:
    """Shells that hold no article whatever the extractor does: JavaScript stubs and login walls."""
    body = tree.find("body")
    visible = clean(body.text_content()) if body is not None else ""
    scripts = len(tree.xpath("//script"))
    noscript = " ".join(clean(n.text_content()) for n in tree.iter("noscript"))
    if len(visible) < MIN_TEXT_CHARS and (scripts or _JS_NOTICE.search(noscript + " " + visible)):
        return reason("javascript-stub", f"{len(visible)} characters of visible text and {scripts} scripts")
    password = tree.xpath("//input[@type='password' or @type='PASSWORD']")
    if password and (len(visible) < 1500 or _LOGIN_NOTICE.search(visible)):
        return reason("login-wall", "a password form where the article should be")
    return None


def listing(blocks: list[Block], container) -> str | None:
    """Many headline links and little prose: a category or search page, not an article."""
    headlines = sum(b.headline_links for b in blocks)
    prose = [b for b in blocks if len(b.text) >= 120 and b.link_share < 0.3]
    if container is not None:
        headlines = max(headlines, _headline_links(container))
    if headlines >= 6 and headlines > 2 * len(prose):
        return reason("listing", f"{headlines} headline links and {len(prose)} paragraphs of prose")
    return None


def _headline_links(container) -> int:
    count = 0
    for a in container.iter("a"):
        text = clean(a.text_content())
        if len(text.split()) >= 4 and a.get("href") not in (None, "", "#"):
            count += 1
    return count
