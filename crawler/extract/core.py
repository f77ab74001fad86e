"""One page in, one ``Extraction`` out: the steps in order, each in its own module.

decode (encoding) → shells and binaries (verdict) → CMS family and portal overrides (families) →
what the page says about itself (headmeta) → title, lead, date, byline elements (metadata) → chrome
removal (cleanup) → body container and blocks (body, blocks) → what is left is the article, or a
reason it is not one. ``extract`` never raises: an unexpected failure is a rejection with its cause, and a
page that takes more than its CPU budget (``limits``) is one too, so one hostile page fails alone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

import lxml.html
from lxml import etree

from crawler.extract import body as bodies
from crawler.extract import cleanup, dates, encoding, families, headmeta, limits, metadata, verdict
from crawler.extract.blocks import Block
from crawler.extract.dates import VIETNAM
from crawler.extract.text import clean, nfc, similar
from spiders.schema import PortalConfig

__all__ = ["Extraction", "extract", "VIETNAM", "nfc"]
log = logging.getLogger("portalwatch.extract")
MIN_TEXT_CHARS = verdict.MIN_TEXT_CHARS
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)


@dataclass
class Extraction:
    """What the pipeline stores. ``published_at`` is aware, in Vietnam time; with ``has_time`` False only its date
    is known (the page showed none, or only the CMS's midnight default). ``captions`` are photo captions kept
    out of ``text`` but not thrown away: they often name who received whom."""

    url: str | None
    title: str | None = None
    published_at: datetime | None = None
    has_time: bool = False
    author: str | None = None
    lead: str | None = None
    text: str | None = None
    # Set when the page is not an article ("<code>: <detail>"); the other fields are then not to be trusted.
    rejected: str | None = None
    captions: list[str] = field(default_factory=list)
    family: str | None = None
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        """JSON-ready: ``published_at`` is a date alone when the page showed no time of day."""
        return {
            "url": self.url,
            "title": self.title,
            "published_at": dates.iso(dates.Stamp(self.published_at, self.has_time, "")) if self.published_at else None,
            "has_time": self.has_time,
            "author": self.author,
            "lead": self.lead,
            "text": self.text,
            "rejected": self.rejected,
            "captions": self.captions,
            "family": self.family,
            "warnings": self.warnings,
        }

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n\n") if self.text else []


def extract(
    body: bytes | str,
    url: str | None = None,
    portal: PortalConfig | None = None,
    encoding: str | None = None,
    budget: float | None = limits.TIME_BUDGET,
    *,
    context: str | None = None,
) -> Extraction:
    """``budget``: CPU seconds this page may take (None: no limit). ``context``: what the crawl knew of the
    URL (one of ``verdict.CONTEXTS``); such a page is an article unless the page itself proves otherwise."""
    try:
        with limits.budget(budget) as deadline:
            return _extract(body, url, portal, encoding, deadline, context)
    except limits.BudgetExceeded:
        log.warning("extraction of %s exceeded its time budget (%s s of CPU)", url, budget)
        return Extraction(url=url, rejected=verdict.reason("extraction-error", f"time budget exceeded ({budget:g} s of CPU)"))
    except Exception as exc:  # the promise is a reason, never a traceback, whatever the page holds
        log.exception("extraction failed for %s", url)
        return Extraction(url=url, rejected=verdict.reason("extraction-error", f"{type(exc).__name__}: {exc}"))


def _extract(
    body: bytes | str, url: str | None, portal: PortalConfig | None, declared: str | None, deadline: limits.Budget,
    context: str | None = None,
) -> Extraction:
    if body is None or (isinstance(body, (bytes, bytearray)) and not body.strip()) or (isinstance(body, str) and not body.strip()):
        return Extraction(url=url, rejected=verdict.reason("empty", "the response has no body"))
    if isinstance(body, (bytes, bytearray)):
        body = bytes(body)
        if kind := encoding.binary_kind(body):
            return Extraction(url=url, rejected=verdict.reason(kind[0], f"the response is {kind[1]}"))
    decoded = encoding.decode(body, declared or (portal.encoding if portal else None))
    try:
        tree = lxml.html.document_fromstring(decoded.text, parser=_PARSER)
        reparsed = limits.parser_stopped(tree)
        if reparsed:  # the parser dropped everything below its depth limit: read the text without the nesting
            deadline.check()
            tree = lxml.html.document_fromstring(limits.without_layout_tags(decoded.text), parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        return Extraction(url=url, rejected=verdict.reason("empty", f"no HTML document ({exc})"))
    flattened = limits.flatten_deep(tree)
    deadline.check()
    page = _Page(tree, url, portal, deadline, context, source=decoded.text)
    if reparsed:
        page.result.warnings.append(f"markup nested deeper than {limits.PARSER_DEPTH} elements: read without its layout tags")
    elif flattened:
        page.result.warnings.append(f"markup nested deeper than {limits.MAX_DEPTH} elements was flattened ({flattened}x)")
    return page.run(decoded)


class _Page:
    def __init__(self, tree, url: str | None, portal: PortalConfig | None, deadline: limits.Budget,
                 context: str | None = None, source: str | None = None):
        self.tree, self.url, self.portal, self.deadline, self.context = tree, url, portal, deadline, context
        self.profile = families.profile_for(tree, portal, source)
        self.result = Extraction(url=url, family=self.profile.family, warnings=list(self.profile.warnings))

    def reject(self, why: str) -> Extraction:
        self.result.rejected = why
        self.result.text = None
        return self.result

    def run(self, decoded: encoding.Decoded) -> Extraction:
        tree, profile = self.tree, self.profile
        if decoded.repaired:
            self.result.warnings.append("text was UTF-8 read as windows-1252; repaired")
        if decoded.replaced:
            self.result.warnings.append(f"{decoded.replaced} bytes were not UTF-8 in a UTF-8 page; replaced with U+FFFD")
        meta = headmeta.read(tree)
        names = metadata.site_names(meta, self.url)
        title_el = metadata.title_element(tree, profile, meta, names)
        container = profile.first(tree, "body")
        lead_el = profile.first(tree, "lead")
        authors = profile.all(tree, "author")
        if shell := verdict.before_extraction(tree):
            return self.reject(shell)
        # The date line next to the headline is found before chrome removal: portals put it in toolbars.
        stamp, date_el = metadata.visible_date(tree, profile, title_el, container, {lead_el}, levels=2)
        self.menu = verdict.menu_entries(tree) if stamp is None and not meta.dates and not meta.is_article else set()
        cleanup.strip_chrome(tree, profile, [title_el, container, lead_el, date_el, *authors])
        self.deadline.check()

        fallback: list[str] = []
        if container is not None and len(clean(container.text_content())) < MIN_TEXT_CHARS:
            self.result.warnings.append("the body selector matched an almost empty element; trafilatura chose the body")
            container = None
        if container is None:
            container, fallback = bodies.from_trafilatura(tree, self.url)
            self.deadline.check()
        lead_el = lead_el if lead_el is not None else metadata.lead_element(tree, profile, title_el, container, meta)
        skip = {el for el in (title_el, lead_el) if el is not None}
        if stamp is None:
            stamp, date_el = metadata.visible_date(tree, profile, title_el, container, skip)
        if not authors:
            authors = metadata.author_elements(tree, profile, title_el, container)
        skip.update(el for el in (date_el, *authors) if el is not None)

        if container is not None:
            found = bodies.walk(container, skip)
        else:  # trafilatura found text but no single element holds it: take its paragraphs as they are
            found = bodies.Body([Block(text) for text in fallback])
        self.deadline.check()

        title = metadata.title_text(title_el, meta, names)
        walked = list(found.blocks)  # the listing verdict reads the blocks before related headlines go
        found = bodies.refine(found, title, profile.boilerplate, names)
        lead = clean(lead_el.text_content()) if lead_el is not None else None
        if lead is None:
            lead, taken = bodies.lead_from_blocks(found.blocks, meta.description)
            found.blocks = found.blocks[taken:]
        elif found.blocks and (similar(found.blocks[0].text, lead, 0.9) and abs(len(found.blocks[0].text) - len(lead)) < 40):
            found.blocks = found.blocks[1:]  # the lead repeated as the first paragraph
        elif found.blocks and (bodies.lead_is_body(lead, found.blocks) or (len(lead) >= 40 and any(lead in b.text for b in found.blocks))):
            lead = None  # the "summary" is the body's own opening or one of its paragraphs: the body says it already

        published = dates.choose(stamp, meta.dates[0] if meta.dates else None)
        result = self.result
        result.title = title
        result.lead = lead or None
        result.author = metadata.author_text(authors, meta, found.signature, names)
        result.captions = found.captions
        if published is not None:
            result.published_at, result.has_time = published.when, published.has_time
        result.text = "\n\n".join(b.text for b in found.blocks) or None
        return self.verdict(walked, meta)

    def verdict(self, walked: list[Block], meta: headmeta.HeadMeta) -> Extraction:
        """Recall first: each rejection needs the page's own evidence, and the crawl's context raises the bar."""
        result = self.result
        # A page that declares itself an article (JSON-LD, og:type) is held to the crawl-context bar.
        context = self.context or ("declared-article" if meta.is_article else None)
        if listing := verdict.listing(walked, self.url, context):
            return self.reject(listing)
        text = result.text or ""
        if garbled := encoding.garbled(f"{result.title or ''} {text}"):
            return self.reject(verdict.reason("broken-encoding", garbled))
        if not text and not result.title:
            return self.reject(verdict.reason("empty", "no title and no text"))
        if short := verdict.too_short(text, result.title, result.published_at is not None, self.context):
            return self.reject(short)
        if result.published_at is None and not meta.is_article and self.profile.first(self.tree, "title") is None:
            if static := verdict.static_page(text, result.title, _has_headline(self.tree, result.title), self.menu, self.context):
                return self.reject(static)
        return result


def _has_headline(tree, title: str | None) -> bool:
    if not title:
        return False
    return any(similar(clean(h.text_content()), title, 0.8) for h in tree.iter("h1", "h2"))
