"""Telling a page that is not an article, with a reason the pipeline can record.

Each reason is "<code>: <detail>"; the code is one of ``REASONS``. A category page, a login wall, a
JavaScript shell or a PDF answers a fetch with 200 OK like an article does, and trafilatura would
happily return their menus as text.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from crawler.extract.blocks import Block
from crawler.extract.text import clean

REASONS = (
    "empty", "pdf", "image", "binary", "broken-encoding", "javascript-stub", "login-wall", "listing", "static-page", "too-short",
    "extraction-error",
)
MIN_TEXT_CHARS = 200
# A notice the crawl found as an article ("Kế hoạch … (file đính kèm)") may be a title, a date and two lines.
HINTED_MIN_TEXT_CHARS = 60
# What the crawl knew when it fetched the page: found as an article link on a listing, as a feed item,
# or as a sitemap <news:news> entry. Such a page is an article unless the page itself proves otherwise.
CONTEXTS = ("listing-link", "feed-item", "sitemap-news")
# The bar a listing must clear is raised by any of these, and by the page declaring itself an article.
_ARTICLE_EVIDENCE = (*CONTEXTS, "declared-article")
# A listing is teasers: headline links with at most a summary between them. An article's own prose
# runs longer than this without a headline link, whatever link boxes sit around it.
LISTING_TEASERS = 6
LISTING_RUN_CHARS = 700
# With the crawl's word that the page is an article, only a page of nothing but teasers is a listing.
HINTED_TEASERS = 10
HINTED_RUN_CHARS = 300
# A page without date or headline is still an article when it has this much text (recall first).
STATIC_MAX_CHARS = 1000

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
    """Shells that hold no article whatever the extractor does: JavaScript stubs and login walls.

    Only what a reader sees counts: a "Please sign in" string in an inline script, or a login modal
    beside a full article, is not a wall."""
    body = tree.find("body")
    flat = _visible_text(body) if body is not None else ""
    password = tree.xpath("//input[@type='password' or @type='PASSWORD']")
    if len(flat) >= 1500 or (len(flat) >= MIN_TEXT_CHARS and not password):
        return None  # the common case, decided on the length alone
    visible = clean(flat)
    scripts = len(tree.xpath("//script"))
    noscript = " ".join(clean(n.text_content()) for n in tree.iter("noscript"))
    if len(visible) < MIN_TEXT_CHARS and (scripts or _JS_NOTICE.search(noscript + " " + visible)):
        return reason("javascript-stub", f"{len(visible)} characters of visible text and {scripts} scripts")
    if password and len(visible) < 1500 and (_LOGIN_NOTICE.search(visible) or len(visible) < 600):
        return reason("login-wall", "a password form where the article should be")
    return None


_HIDDEN_TEXT = etree.XPath(".//script | .//style | .//noscript | .//template")


def _visible_text(el) -> str:
    """The element's text without scripts and styles: their strings ("Please sign in" in a modal's code) are not read."""
    text = el.text_content()
    for node in _HIDDEN_TEXT(el):
        hidden = node.text_content()
        if hidden:
            text = text.replace(hidden, " ", 1)
    return " ".join(text.split())


def listing(blocks: list[Block], url: str | None = None, context: str | None = None) -> str | None:
    """A category or search page: the main content is teasers (a headline link inside the site, maybe a
    summary) and no run of prose an article would have. Decided on the body's blocks as walked, before
    related headlines are dropped, so a links box beside an article's prose never makes it a listing,
    and links to other sites (a deal post's shops) are not teasers."""
    teasers, run, longest, outside, between = 0, 0, 0, 0, 0
    for block in blocks:
        if _teaser(block, url):
            if teasers:
                between += run
            else:
                outside += run
            teasers += 1
            longest, run = max(longest, run), 0
        elif block.link_share < 0.5:
            run += len(block.text)
    longest, outside = max(longest, run), outside + run
    need, run_chars = (HINTED_TEASERS, HINTED_RUN_CHARS) if context in _ARTICLE_EVIDENCE else (LISTING_TEASERS, LISTING_RUN_CHARS)
    # An article's prose stands before or after its links box; a listing's summaries sit between its teasers.
    article_shaped = outside >= HINTED_RUN_CHARS and outside >= between
    if teasers >= need and longest < run_chars and (teasers >= 2 * need or not article_shaped):
        return reason("listing", f"{teasers} headline links and no run of prose over {longest} characters")
    return None


def _teaser(block: Block, url: str | None) -> bool:
    if not block.headline_links or block.link_share < 0.6 or len(block.text) > 300:
        return False
    return any(_inside(href, url) for href in block.headline_hrefs)


def _inside(href: str, url: str | None) -> bool:
    if not href or href.startswith(("#", "javascript:", "mailto:")):
        return False
    host = urlsplit(href).hostname
    if host is None:
        return True
    if not url:
        return False
    site = (urlsplit(url).hostname or "").removeprefix("www.")
    return host.removeprefix("www.") == site or host.endswith("." + site) or site.endswith("." + host.removeprefix("www."))


def too_short(text: str, title: str | None, has_date: bool, context: str | None) -> str | None:
    least = HINTED_MIN_TEXT_CHARS if context in CONTEXTS and title and has_date else MIN_TEXT_CHARS
    if len(text) < least:
        return reason("too-short", f"{len(text)} characters of article text")
    return None


def static_page(text: str, title: str | None, headline: bool, menu: set[str], context: str | None) -> str | None:
    """An "about us", "functions and duties" or contact page, called only when the page shows no date and
    declares no article. Evidence: its title is an entry of the site's own menu, or it has neither a
    headline nor much text. The crawl finding it as an article overrules both: a missed article costs more."""
    if context in CONTEXTS:
        return None
    if title and title.casefold() in menu:
        return reason("static-page", "no publication date and the title is a menu entry")
    if not headline and len(text) < STATIC_MAX_CHARS:
        return reason("static-page", "no publication date and no article headline")
    return None


_MENU_LINKS = etree.XPath(
    "//nav//a | //*[contains(translate(@class,'MENU','menu'),'menu') or contains(translate(@id,'MENU','menu'),'menu')]//a"
)


def menu_entries(tree) -> set[str]:
    """The texts of the site's navigation links (read before chrome removal takes the menus away)."""
    return {clean(a.text_content()).casefold() for a in _MENU_LINKS(tree) if len(a.text_content()) <= 120}
